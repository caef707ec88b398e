#!/usr/bin/env bash
# Verification throughput over HTTP on loopback with wrk: 100,000 insured, codes issued and handed over, then
# 32 connections of 90 % right / 10 % wrong codes for DURATION seconds; every attempt is counted and audited in the
# database. Also measures the raw /health/live rate of the same host (the ceiling). SQLite, then PostgreSQL.
#   bench/verify/run.sh                 # SQLite + PostgreSQL
#   SKIP_PG=1 bench/verify/run.sh      (or SKIP_SQLITE=1)
#   PERSONS=20000 DURATION=10 bench/verify/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

PERSONS="${PERSONS:-100000}"
DURATION="${DURATION:-30}"
CONNECTIONS="${CONNECTIONS:-32}"
WORK="${BENCH_DIR:-/tmp/pforte-verify-bench}"
PORT="${PORT:-5099}"
rm -rf "$WORK"; mkdir -p "$WORK"

command -v wrk >/dev/null || { echo "wrk missing: apt-get install -y wrk" >&2; exit 1; }
echo "== build (Release)"
dotnet build -c Release src/Pforte.Cli -v q -nologo >/dev/null
dotnet build -c Release src/Pforte.Web -v q -nologo >/dev/null
dotnet build -c Release bench/Pforte.Benchmarks -v q -nologo >/dev/null
PFORTE="dotnet src/Pforte.Cli/bin/Release/net10.0/pforte.dll"
BENCH="dotnet bench/Pforte.Benchmarks/bin/Release/net10.0/Pforte.Benchmarks.dll"
CSV="$WORK/insured.csv"
$BENCH generate-import "$PERSONS" "$CSV"

run_one() {
  local label="$1"
  export Pforte__Keys__Path="$WORK/$label-keyring.json"
  echo "== $label: import $PERSONS, issue codes, hand over"
  $PFORTE db migrate >/dev/null
  $PFORTE kasse create --ik 260326822 --name "Bench-BKK" --street "Hauptstraße" --house-number 1 --postal-code 60311 --city "Frankfurt am Main" >/dev/null
  $PFORTE import insured "$CSV" >/dev/null
  $PFORTE codes issue-due 2>/dev/null | tail -n 1
  $BENCH handover-codes "$WORK/$label-codes.csv" 2>/dev/null
  local key
  key=$($PFORTE clients create --name bench --scopes machine-auth | grep -oE 'pf_[0-9a-f]{12}_[0-9a-f]{64}')

  echo "== $label: web host on 127.0.0.1:$PORT"
  ( cd src/Pforte.Web/bin/Release/net10.0 && \
    Urls="http://127.0.0.1:$PORT" Pforte__Jobs__Enabled=false Pforte__Demo__SeedEmptyDatabase=false \
    Logging__LogLevel__Default=Warning \
    exec dotnet Pforte.Web.dll ) >"$WORK/$label-web.log" 2>&1 &
  local web=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null && break; sleep 0.2; done

  echo "-- warm-up"
  CODES="$WORK/$label-codes.csv" KEY="$key" wrk -t2 -c"$CONNECTIONS" -d5s -s bench/verify/verify.lua "http://127.0.0.1:$PORT" >/dev/null
  echo "-- /api/v1/machine-auth/verify, $CONNECTIONS connections, ${DURATION}s"
  CODES="$WORK/$label-codes.csv" KEY="$key" wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s bench/verify/verify.lua "http://127.0.0.1:$PORT" | tee "$WORK/$label-wrk.txt" | tail -n 12
  echo "-- /health/live (ceiling)"
  wrk -t2 -c"$CONNECTIONS" -d10s --latency "http://127.0.0.1:$PORT/health/live" | grep -E "Requests/sec|99%"
  kill "$web"; wait "$web" 2>/dev/null || true
}

if [ "${SKIP_SQLITE:-0}" != "1" ]; then
  echo "== SQLite"
  export Pforte__Database__Provider=sqlite
  export Pforte__Database__ConnectionString="Data Source=$WORK/bench.db"
  run_one sqlite
fi

if [ "${SKIP_PG:-0}" != "1" ]; then
  export PFORTE_PG_PORT="${PFORTE_PG_PORT:-55498}" PFORTE_PG_DIR="$WORK/pg"
  eval "$(scripts/pg-test-cluster.sh start)"
  trap 'scripts/pg-test-cluster.sh stop' EXIT
  export Pforte__Database__Provider=postgres
  export Pforte__Database__ConnectionString="${PFORTE_TEST_PG/Database=postgres/Database=postgres};Maximum Pool Size=64"
  echo "== PostgreSQL"
  run_one postgres
fi

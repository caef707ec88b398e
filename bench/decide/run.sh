#!/usr/bin/env bash
# Disclosure decision over HTTP (issue 5: "a decision is answered in under 1 ms of server time on average").
# 100,000 insured; each request reads subject, authentication and representations, decides, and commits its audit
# entry before it answers. Measured with wrk on loopback:
#   - 1 connection: one decision after the other; mean latency = server time + loopback/HTTP (given by /health/live);
#   - 8 connections: throughput, server time per decision = 1 / rate (two cores shared with wrk).
#   bench/decide/run.sh                 # SQLite + PostgreSQL
#   SKIP_PG=1 bench/decide/run.sh      (or SKIP_SQLITE=1); PERSONS=20000 DURATION=10
#   - PostgreSQL also with two web nodes on one database (SKIP_TWO_NODES=1 to leave that out).
set -euo pipefail
cd "$(dirname "$0")/../.."

PERSONS="${PERSONS:-100000}"
DURATION="${DURATION:-15}"
WORK="${BENCH_DIR:-/tmp/pforte-decide-bench}"
PORT="${PORT:-5098}"
rm -rf "$WORK"; mkdir -p "$WORK"

. bench/lib.sh
command -v wrk >/dev/null || { echo "wrk missing: apt-get install -y wrk" >&2; exit 1; }
echo "== build (Release)"
dotnet build -c Release src/Pforte.Cli -v q -nologo >/dev/null
dotnet build -c Release src/Pforte.Web -v q -nologo >/dev/null
dotnet build -c Release bench/Pforte.Benchmarks -v q -nologo >/dev/null
PFORTE="dotnet src/Pforte.Cli/bin/Release/net10.0/pforte.dll"
CSV="$WORK/insured.csv"
dotnet bench/Pforte.Benchmarks/bin/Release/net10.0/Pforte.Benchmarks.dll generate-import "$PERSONS" "$CSV"

# Sum and count of the server's own request-duration histogram for the decide route (exported at /metrics).
server_time() {
  curl -s "http://127.0.0.1:$PORT/metrics" | grep -E '^http_server_request_duration_seconds_(sum|count)\{.*disclosure/decide' \
    | awk '/_sum/ { s += $NF } /_count/ { c += $NF } END { printf "%.6f %d", s, c }'
}

run_one() {
  local label="$1"
  export Pforte__Keys__Path="$WORK/$label-keyring.json"
  echo "== $label: import $PERSONS"
  $PFORTE db migrate >/dev/null
  $PFORTE kasse create --ik 260326822 --name "Bench-BKK" --street "Hauptstraße" --house-number 1 --postal-code 60311 --city "Frankfurt am Main" >/dev/null
  $PFORTE import insured "$CSV" >/dev/null
  local key
  key=$($PFORTE clients create --name desk --scopes staff | grep -oE 'pf_[0-9a-f]{12}_[0-9a-f]{64}')

  start_web "$label"

  PERSONS="$CSV" KEY="$key" wrk -t1 -c8 -d"${WARMUP:-15}s" -s bench/decide/decide.lua "http://127.0.0.1:$PORT" >/dev/null  # warm-up
  echo "-- decide, 1 connection, ${DURATION}s"
  local before after
  before=$(server_time)
  PERSONS="$CSV" KEY="$key" wrk -t1 -c1 -d"${DURATION}s" -s bench/decide/decide.lua "http://127.0.0.1:$PORT" | tail -n 1
  after=$(server_time)
  echo "$before $after" | awk '{ printf "server time (ASP.NET Core http.server.request.duration): %d decisions, mean %.3f ms\n", $4 - $2, ($3 - $1) / ($4 - $2) * 1000 }' 
  echo "-- /health/live, 1 connection (loopback + HTTP without application work)"
  wrk -t1 -c1 -d5s --latency "http://127.0.0.1:$PORT/health/live" | grep -E "Latency|Requests/sec" | head -2
  echo "-- decide, 8 connections, ${DURATION}s"
  PERSONS="$CSV" KEY="$key" wrk -t2 -c8 -d"${DURATION}s" -s bench/decide/decide.lua "http://127.0.0.1:$PORT" | tail -n 1
  if [ "$label" = postgres ] && [ "${SKIP_TWO_NODES:-0}" != "1" ]; then
    two_nodes "$key"
  fi
  echo "-- audit entries written: $($PFORTE audit verify 2>&1 | tail -n 1)"
  stop_web
}

# Two web nodes on one PostgreSQL, one connection each at the same time: every node's decisions move chains whose tip
# the other one remembers, so about half of the unlocked appends miss once and retry (ADR 0010).
two_nodes() {
  local key="$1" first_pid=$WEB_PID first_port=$PORT second_port=$((PORT + 1))
  PORT=$second_port start_web postgres-node2
  local second_pid=$WEB_PID
  PERSONS="$CSV" KEY="$key" wrk -t1 -c8 -d"${WARMUP:-15}s" -s bench/decide/decide.lua "http://127.0.0.1:$second_port" >/dev/null  # warm-up
  echo "-- two web nodes, 1 connection each at the same time, ${DURATION}s"
  local b1 b2 a1 a2
  b1=$(PORT=$first_port server_time); b2=$(PORT=$second_port server_time)
  PERSONS="$CSV" KEY="$key" wrk -t1 -c1 -d"${DURATION}s" -s bench/decide/decide.lua "http://127.0.0.1:$first_port" | tail -n 1 &
  local first_wrk=$!
  PERSONS="$CSV" KEY="$key" wrk -t1 -c1 -d"${DURATION}s" -s bench/decide/decide.lua "http://127.0.0.1:$second_port" | tail -n 1
  wait "$first_wrk"
  a1=$(PORT=$first_port server_time); a2=$(PORT=$second_port server_time)
  echo "$b1 $a1 $b2 $a2" | awk '{ n1 = $4 - $2; n2 = $8 - $6; s = ($3 - $1) + ($7 - $5);
    printf "server time, both nodes: %d decisions, mean %.3f ms (node 1 %.3f ms, node 2 %.3f ms)\n", n1 + n2, s / (n1 + n2) * 1000, ($3 - $1) / n1 * 1000, ($7 - $5) / n2 * 1000 }'
  for port in $first_port $second_port; do
    curl -s "http://127.0.0.1:$port/metrics" | grep -E '^pforte_audit_queue_(batches|misses)' | sed "s/^/node :$port /"
  done
  kill "$second_pid"; wait "$second_pid" 2>/dev/null || true
  WEB_PID=$first_pid
}

on_each_database 55497

#!/usr/bin/env bash
# Verification throughput over HTTP on loopback with wrk: 100,000 insured, codes issued and handed over, then
# 32 connections of 90 % right / 10 % wrong codes for DURATION seconds; every attempt is counted and audited in the
# database. Also measures the raw /health/live rate of the same host (the ceiling). SQLite, then PostgreSQL.
#   bench/verify/run.sh                 # SQLite + PostgreSQL
#   SKIP_PG=1 bench/verify/run.sh      (or SKIP_SQLITE=1)
#   PERSONS=20000 DURATION=10 bench/verify/run.sh
#   KEYS=sequential bench/verify/run.sh   # the import generator's old ascending keys (default: random, see bench/import)
#   KEY_STORE=hsm bench/verify/run.sh     # the keys in a SoftHSM2 token (PKCS#11, ADR 0029) instead of the key-ring file
set -euo pipefail
cd "$(dirname "$0")/../.."

PERSONS="${PERSONS:-100000}"
DURATION="${DURATION:-30}"
CONNECTIONS="${CONNECTIONS:-32}"
WORK="${BENCH_DIR:-/tmp/pforte-verify-bench}"
PORT="${PORT:-5099}"
rm -rf "$WORK"; mkdir -p "$WORK"

. bench/lib.sh
command -v wrk >/dev/null || { echo "wrk missing: apt-get install -y wrk" >&2; exit 1; }
echo "== build (Release)"
dotnet build -c Release src/Pforte.Cli -v q -nologo >/dev/null
dotnet build -c Release src/Pforte.Web -v q -nologo >/dev/null
dotnet build -c Release bench/Pforte.Benchmarks -v q -nologo >/dev/null
PFORTE="dotnet src/Pforte.Cli/bin/Release/net10.0/pforte.dll"
BENCH="dotnet bench/Pforte.Benchmarks/bin/Release/net10.0/Pforte.Benchmarks.dll"
CSV="$WORK/insured.csv"
$BENCH generate-import "$PERSONS" "$CSV" 0 "${KEYS:-random}"

if [ "${KEY_STORE:-file}" = "hsm" ]; then
  # A SoftHSM2 token of the bench's own (docs/hsm.md); every run gets its own key-label prefix.
  command -v softhsm2-util >/dev/null || { echo "softhsm2 missing: apt-get install -y softhsm2" >&2; exit 1; }
  mkdir -p "$WORK/softhsm/tokens"
  printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "$WORK/softhsm/tokens" >"$WORK/softhsm/softhsm2.conf"
  export SOFTHSM2_CONF="$WORK/softhsm/softhsm2.conf"
  softhsm2-util --init-token --free --label pforte-bench --pin 1234-5678 --so-pin 8765-4321 >/dev/null
  ( umask 077; echo 1234-5678 >"$WORK/softhsm/pin" )
  export Pforte__Keys__Provider=Pkcs11 Pforte__Keys__Pkcs11__Library=/usr/lib/softhsm/libsofthsm2.so \
    Pforte__Keys__Pkcs11__TokenLabel=pforte-bench Pforte__Keys__Pkcs11__PinFile="$WORK/softhsm/pin"
fi

run_one() {
  local label="$1"
  export Pforte__Keys__Path="$WORK/$label-keyring.json"
  export Pforte__Keys__Pkcs11__KeyLabelPrefix="$label."
  echo "== $label: import $PERSONS, issue codes, hand over"
  $PFORTE db migrate >/dev/null
  $PFORTE kasse create --ik 260326822 --name "Bench-BKK" --street "Hauptstraße" --house-number 1 --postal-code 60311 --city "Frankfurt am Main" >/dev/null
  $PFORTE import insured "$CSV" >/dev/null
  $PFORTE codes issue-due 2>/dev/null | tail -n 1
  $BENCH handover-codes "$WORK/$label-codes.csv" 2>/dev/null
  settle_database
  local key
  key=$($PFORTE clients create --name bench --scopes machine-auth | grep -oE 'pf_[0-9a-f]{12}_[0-9a-f]{64}')

  start_web "$label"

  echo "-- warm-up (${WARMUP:-60} s: tiered JIT and dynamic PGO settle within about a minute after a start)"
  CODES="$WORK/$label-codes.csv" KEY="$key" wrk -t2 -c"$CONNECTIONS" -d"${WARMUP:-60}s" -s bench/verify/verify.lua "http://127.0.0.1:$PORT" >/dev/null
  echo "-- /api/v1/machine-auth/verify, $CONNECTIONS connections, ${DURATION}s"
  CODES="$WORK/$label-codes.csv" KEY="$key" wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s bench/verify/verify.lua "http://127.0.0.1:$PORT" | tee "$WORK/$label-wrk.txt" | tail -n 12
  echo "-- /health/live (ceiling)"
  wrk -t2 -c"$CONNECTIONS" -d10s --latency "http://127.0.0.1:$PORT/health/live" | grep -E "Requests/sec|99%"
  stop_web
}

on_each_database 55498

#!/usr/bin/env bash
# The rendered mailbox under load (issue 13): 100,000 insured; 50 sessions registered through the portal's pages;
# 1,000,000 encrypted messages, of them 1,000 threads for each session's person; 50 connections open their inbox
# (/portal/postfach, the 25 newest of 1,000 threads) for DURATION seconds. Budget: p95 <= 50 ms server time on
# PostgreSQL. Then UPLOADS new messages with a 10 MB PDF through the compose form, one after the other (budget:
# <= 500 ms server time each: checked, encrypted, stored).
#   bench/mailbox/pages.sh                 # PostgreSQL (SKIP_SQLITE=0 for SQLite as well)
#   PERSONS=100000 SESSIONS=50 MESSAGES=1000000 PER_SESSION=1000 DURATION=30 UPLOADS=20 bench/mailbox/pages.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

PERSONS="${PERSONS:-100000}"
SESSIONS="${SESSIONS:-50}"
MESSAGES="${MESSAGES:-1000000}"
PER_SESSION="${PER_SESSION:-1000}"
DURATION="${DURATION:-30}"
UPLOADS="${UPLOADS:-20}"
WORK="${BENCH_DIR:-/tmp/pforte-mailbox-pages-bench}"
PORT="${PORT:-5098}"
export SKIP_SQLITE="${SKIP_SQLITE:-1}"
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
$BENCH generate-import "$PERSONS" "$CSV"
export Pforte__Portal__RateLimits__Factor=100

# route_histogram ROUTE [FILTER]: count, sum and the share at or under 25/50/100/250/500 ms of one route's server time
# (Prometheus histogram), of the series matching FILTER (e.g. the method).
route_histogram() {
  curl -s "http://127.0.0.1:$PORT/metrics" | { grep -E "^http_server_request_duration_seconds_(bucket|sum|count)\{.*http_route=\"$1\"" | grep -E "${2:-.}" || true; } \
    | awk '/_count/ { c += $NF } /_sum/ { s += $NF } /le="0.025"/ { b25 += $NF } /le="0.05"/ { b50 += $NF } /le="0.1"/ { b100 += $NF } /le="0.25"/ { b250 += $NF } /le="0.5"/ { b500 += $NF }
      END { printf "%d %.6f %d %d %d %d %d", c, s, b25, b50, b100, b250, b500 }' || true
}
report() {
  echo "$2 $3" | awk -v what="$1" '{ n = $8 - $1; if (n == 0) { print what ": no requests"; exit } printf "%s (server time): %d requests, mean %.2f ms; <= 25 ms: %.1f %%, <= 50 ms: %.1f %%, <= 100 ms: %.1f %%, <= 250 ms: %.1f %%, <= 500 ms: %.1f %%\n",
    what, n, ($9 - $2) / n * 1000, ($10 - $3) / n * 100, ($11 - $4) / n * 100, ($12 - $5) / n * 100, ($13 - $6) / n * 100, ($14 - $7) / n * 100 }'
}

run_one() {
  local label="$1"
  export Pforte__Keys__Path="$WORK/$label-keyring.json"
  echo "== $label: import $PERSONS"
  $PFORTE db migrate >/dev/null
  $PFORTE kasse create --ik 260326822 --name "Bench-BKK" --street "Hauptstraße" --house-number 1 --postal-code 60311 --city "Frankfurt am Main" >/dev/null
  $PFORTE import insured "$CSV" >/dev/null
  start_web "$label"
  $BENCH portal-seed "http://127.0.0.1:$PORT" "$SESSIONS" 10 "$WORK/$label-cookies.txt"
  $BENCH mailbox-pages-seed "$MESSAGES" "$PER_SESSION"
  settle_database
  PAGES=/portal/postfach COOKIES="$WORK/$label-cookies.txt" wrk -t2 -c"$SESSIONS" -d"${WARMUP:-10}s" -s bench/portal/portal.lua "http://127.0.0.1:$PORT" >/dev/null  # warm-up
  local before after
  before=$(route_histogram "Portal/Postfach")
  echo "-- $SESSIONS sessions, $SESSIONS connections, ${DURATION}s: /portal/postfach"
  PAGES=/portal/postfach COOKIES="$WORK/$label-cookies.txt" wrk -t2 -c"$SESSIONS" -d"${DURATION}s" -s bench/portal/portal.lua "http://127.0.0.1:$PORT" | tail -n 1
  after=$(route_histogram "Portal/Postfach")
  report "inbox page" "$before" "$after"
  echo "-- 1 connection"
  PAGES=/portal/postfach COOKIES="$WORK/$label-cookies.txt" wrk -t1 -c1 -d10s -s bench/portal/portal.lua "http://127.0.0.1:$PORT" | tail -n 1
  $BENCH mailbox-upload "http://127.0.0.1:$PORT" "$WORK/$label-cookies.txt" 3 10 >/dev/null  # warm-up
  before=$(route_histogram "Portal/Postfach/Neu" 'http_request_method="POST"')
  echo "-- $UPLOADS uploads of a 10 MB PDF, one after the other"
  $BENCH mailbox-upload "http://127.0.0.1:$PORT" "$WORK/$label-cookies.txt" "$UPLOADS" 10
  after=$(route_histogram "Portal/Postfach/Neu" 'http_request_method="POST"')
  report "upload (compose with a 10 MB PDF)" "$before" "$after"
  stop_web
}

on_each_database 55497

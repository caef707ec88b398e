#!/usr/bin/env bash
# Portal pages under load (issue 12): 100,000 insured; 50 signed-in sessions (registered through the portal's own
# pages), each person with a security history of 1,000 audit entries and two dozen letters; 50 connections browse
# overview, history and letters for DURATION seconds. Budget: p95 <= 50 ms of server time on SQLite and PostgreSQL.
#   bench/portal/run.sh                 # SQLite + PostgreSQL
#   SKIP_PG=1 bench/portal/run.sh       (or SKIP_SQLITE=1); PERSONS=20000 SESSIONS=50 ENTRIES=1000 DURATION=30
# Reported: wrk's latency (client side, on loopback: server time plus well under a millisecond) and the server's own
# request-duration histogram for the three pages (/metrics).
set -euo pipefail
cd "$(dirname "$0")/../.."

PERSONS="${PERSONS:-100000}"
SESSIONS="${SESSIONS:-50}"
ENTRIES="${ENTRIES:-1000}"
DURATION="${DURATION:-30}"
WORK="${BENCH_DIR:-/tmp/pforte-portal-bench}"
PORT="${PORT:-5097}"
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
# Registration of the sessions goes through the pages from one address: lift the per-IP limits for the set-up.
export Pforte__Portal__RateLimits__Factor=100

# Prometheus histogram of the three pages: count, sum, and the share of requests at or under 25, 50 and 100 ms.
page_histogram() {
  curl -s "http://127.0.0.1:$PORT/metrics" | { grep -E '^http_server_request_duration_seconds_(bucket|sum|count)\{.*http_route="(Portal/)?(Uebersicht|Verlauf/Index|Briefe/Index|portal/uebersicht|portal/verlauf|portal/briefe)' || true; } \
    | awk '/_count/ { c += $NF } /_sum/ { s += $NF } /le="0.025"/ { b25 += $NF } /le="0.05"/ { b50 += $NF } /le="0.1"/ { b100 += $NF }
      END { printf "%d %.6f %d %d %d", c, s, b25, b50, b100 }' || true
}

run_one() {
  local label="$1"
  export Pforte__Keys__Path="$WORK/$label-keyring.json"
  echo "== $label: import $PERSONS"
  $PFORTE db migrate >/dev/null
  $PFORTE kasse create --ik 260326822 --name "Bench-BKK" --street "Hauptstraße" --house-number 1 --postal-code 60311 --city "Frankfurt am Main" >/dev/null
  $PFORTE import insured "$CSV" >/dev/null
  start_web "$label"
  $BENCH portal-seed "http://127.0.0.1:$PORT" "$SESSIONS" "$ENTRIES" "$WORK/$label-cookies.txt"
  settle_database
  COOKIES="$WORK/$label-cookies.txt" wrk -t2 -c"$SESSIONS" -d"${WARMUP:-10}s" -s bench/portal/portal.lua "http://127.0.0.1:$PORT" >/dev/null  # warm-up
  local before after
  before=$(page_histogram)
  echo "-- $SESSIONS sessions, $SESSIONS connections, ${DURATION}s"
  COOKIES="$WORK/$label-cookies.txt" wrk -t2 -c"$SESSIONS" -d"${DURATION}s" -s bench/portal/portal.lua "http://127.0.0.1:$PORT" | tail -n 1
  after=$(page_histogram)
  echo "$before $after" | awk '{ n = $6 - $1; printf "server time (http.server.request.duration, 3 pages): %d requests, mean %.2f ms; <= 25 ms: %.1f %%, <= 50 ms: %.1f %%, <= 100 ms: %.1f %%\n",
    n, ($7 - $2) / n * 1000, ($8 - $3) / n * 100, ($9 - $4) / n * 100, ($10 - $5) / n * 100 }'
  echo "-- 1 connection (one page after the other)"
  COOKIES="$WORK/$label-cookies.txt" wrk -t1 -c1 -d10s -s bench/portal/portal.lua "http://127.0.0.1:$PORT" | tail -n 1
  stop_web
}

on_each_database 55496

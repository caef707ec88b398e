#!/usr/bin/env bash
# Import benchmark: 1,000,000 insured persons into a fresh SQLite file and into PostgreSQL, then the same file
# again (nothing may change), then a later delivery in which 10 % moved and 5 % got a new card. Measures wall time and peak RSS of `pforte import insured`.
#   bench/import/run.sh            # 1,000,000 rows, SQLite + PostgreSQL
#   ROWS=100000 bench/import/run.sh
#   SKIP_PG=1 bench/import/run.sh  # SQLite only
#   KEYS=sequential bench/import/run.sh  # the old ascending KVNRs and card serials, only as a comparison
#     (default KEYS=random: random valid KVNRs and card serials in random order, as a core system's export)
# PostgreSQL: uses PFORTE_BENCH_PG (server connection string, database "pforte_bench" is dropped and recreated);
# without it a throwaway cluster is started with scripts/pg-test-cluster.sh on PFORTE_PG_PORT (default 55499).
set -euo pipefail
cd "$(dirname "$0")/../.."

ROWS="${ROWS:-1000000}"
WORK="${BENCH_DIR:-/tmp/pforte-import-bench}"
mkdir -p "$WORK"
KEYS="${KEYS:-random}"
CSV="$WORK/insured-$ROWS-$KEYS.csv"
CHANGED="$WORK/insured-$ROWS-$KEYS-changed.csv"

echo "== build (Release)"
dotnet build -c Release src/Pforte.Cli -v q -nologo >/dev/null
dotnet build -c Release bench/Pforte.Benchmarks -v q -nologo >/dev/null
PFORTE="dotnet src/Pforte.Cli/bin/Release/net10.0/pforte.dll"

if [ ! -f "$CSV" ]; then
  echo "== generate $ROWS rows -> $CSV"
  dotnet bench/Pforte.Benchmarks/bin/Release/net10.0/Pforte.Benchmarks.dll generate-import "$ROWS" "$CSV" 0 "$KEYS"
fi
if [ ! -f "$CHANGED" ]; then
  dotnet bench/Pforte.Benchmarks/bin/Release/net10.0/Pforte.Benchmarks.dll generate-import "$ROWS" "$CHANGED" 10 "$KEYS"
fi
echo "   $(du -h "$CSV" | cut -f1) $(wc -l < "$CSV") lines, keys: $KEYS"

# Runs a command, prints its output tail plus wall time and peak RSS.
measure() {
  local label="$1"; shift
  local log="$WORK/$label.log"
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -v "$@" >"$log" 2>&1 || { cat "$log"; exit 1; }
    local wall rss
    wall=$(grep 'Elapsed (wall clock)' "$log" | awk '{print $NF}')
    rss=$(grep 'Maximum resident set size' "$log" | awk '{print $NF}')
    grep '^Zeilen:' "$log" || true
    printf '%-22s wall %s  peak RSS %d MB\n' "$label" "$wall" $((rss / 1024))
  else
    # No GNU time: poll the kernel's high-water mark of the process.
    local start end hwm=0
    start=$(date +%s.%N)
    "$@" >"$log" 2>&1 &
    local pid=$!
    while kill -0 "$pid" 2>/dev/null; do
      local v; v=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
      [ "${v:-0}" -gt "$hwm" ] && hwm=$v
      sleep 0.2
    done
    wait "$pid"
    end=$(date +%s.%N)
    grep '^Zeilen:' "$log" || true
    printf '%-22s wall %.1f s  peak RSS %d MB\n' "$label" "$(echo "$end - $start" | bc)" $((hwm / 1024))
  fi
}

run_provider() {
  local name="$1"
  $PFORTE db migrate >/dev/null
  $PFORTE kasse create --ik 260326822 --name "Benchmark-Kasse" --street "Musterstraße" --house-number 1 --postal-code 60311 --city "Frankfurt am Main" >/dev/null
  measure "$name-$KEYS-first" $PFORTE import insured "$CSV"
  measure "$name-$KEYS-again" $PFORTE import insured "$CSV"
  measure "$name-$KEYS-10pct-changed" $PFORTE import insured "$CHANGED"
}

echo "== SQLite (fresh file)"
rm -f "$WORK/bench.db" "$WORK/bench.db-wal" "$WORK/bench.db-shm"
export Pforte__Database__Provider=sqlite
export Pforte__Database__ConnectionString="Data Source=$WORK/bench.db"
run_provider sqlite

if [ -z "${SKIP_PG:-}" ]; then
  echo "== PostgreSQL (fresh database)"
  STARTED=""
  if [ -z "${PFORTE_BENCH_PG:-}" ]; then
    export PFORTE_PG_PORT="${PFORTE_PG_PORT:-55499}"
    eval "$(scripts/pg-test-cluster.sh start)"
    PFORTE_BENCH_PG="$PFORTE_TEST_PG"
    STARTED=1
  fi
  PSQL="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)/psql"
  PORT=$(echo "$PFORTE_BENCH_PG" | sed -n 's/.*Port=\([0-9]*\).*/\1/p')
  "$PSQL" -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -c "DROP DATABASE IF EXISTS pforte_bench WITH (FORCE)" -c "CREATE DATABASE pforte_bench"
  export Pforte__Database__Provider=postgres
  export Pforte__Database__ConnectionString="$(echo "$PFORTE_BENCH_PG" | sed 's/Database=[^;]*/Database=pforte_bench/')"
  run_provider postgres
  "$PSQL" -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -c "DROP DATABASE IF EXISTS pforte_bench WITH (FORCE)"
  if [ -n "$STARTED" ]; then scripts/pg-test-cluster.sh stop >/dev/null; fi
fi

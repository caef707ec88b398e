#!/usr/bin/env bash
# First roll-out benchmark (issue 4): a Kasse of PERSONS insured (1,000,000 by default) gets its codes and letters:
# `pforte codes issue-due` then `pforte letters export`, each under /usr/bin/time -v (wall clock, peak RSS), on
# SQLite and on PostgreSQL. Then the same from the same starting point with kill -9 at a random moment of each step
# (KILLS times, each kill during a re-run) and a last re-run, and checks that every issued code's letter was exported
# exactly once.
#   bench/rollout/run.sh                  # 1,000,000 persons, SQLite + PostgreSQL
#   PERSONS=100000 bench/rollout/run.sh
#   SKIP_PG=1 bench/rollout/run.sh        # SQLite only (SKIP_SQLITE=1 for PostgreSQL only)
#   SKIP_KILL=1 bench/rollout/run.sh      # without the kill -9 runs
#   KEYS=sequential bench/rollout/run.sh  # the import generator's old ascending keys (default: random, see bench/import)
# PostgreSQL: a throwaway cluster (scripts/pg-test-cluster.sh) on PFORTE_PG_PORT (default 55497), with fsync and
# synchronous commit like a production server (PFORTE_PG_DURABLE=0 for the tests' fsync-off settings).
# Checks after every run: `pforte audit verify` passes; issued codes = letters in the manifests = exported letters
# = active codes; no letter id twice in the manifests; no letter left unexported; no partial folder; every PDF's
# SHA-256 matches its manifest rows.
set -euo pipefail
cd "$(dirname "$0")/../.."

PERSONS="${PERSONS:-1000000}"
KILLS="${KILLS:-2}"
WORK="${BENCH_DIR:-/tmp/pforte-rollout-bench}"
mkdir -p "$WORK"
KEYS="${KEYS:-random}"
CSV="$WORK/insured-$PERSONS-$KEYS.csv"

echo "== build (Release)"
dotnet build -c Release src/Pforte.Cli -v q -nologo >/dev/null
dotnet build -c Release bench/Pforte.Benchmarks -v q -nologo >/dev/null
PFORTE="dotnet src/Pforte.Cli/bin/Release/net10.0/pforte.dll"
if [ ! -f "$CSV" ]; then
  echo "== generate $PERSONS persons -> $CSV"
  dotnet bench/Pforte.Benchmarks/bin/Release/net10.0/Pforte.Benchmarks.dll generate-import "$PERSONS" "$CSV" 0 "$KEYS"
fi
echo "   machine: $(nproc) cores, $(uptime | sed 's/.*load/load/')"

# Runs a step under GNU time; prints its last output line, wall time and peak RSS; appends "label wall rss" to $WORK/figures.
measure() {
  local label="$1"; shift
  local log="$WORK/$label.log"
  /usr/bin/time -v "$@" >"$log" 2>&1 || { tail -n 30 "$log"; exit 1; }
  local wall rss
  wall=$(grep 'Elapsed (wall clock)' "$log" | awk '{print $NF}')
  rss=$(grep 'Maximum resident set size' "$log" | awk '{print $NF}')
  grep -E '^(Stichtag|Übergeben)' "$log" || true
  printf '%-28s wall %s  peak RSS %d MB  (load %s)\n' "$label" "$wall" $((rss / 1024)) "$(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$WORK/figures"
}

# Starts a step, kills it with SIGKILL after a random 10–90 % of SECONDS (its undisturbed duration), waits. Prints
# what it had done by then.
kill_at_random() {
  local label="$1" seconds="$2"; shift 2
  local delay
  delay=$(awk -v s="$seconds" -v r="$RANDOM" 'BEGIN { printf "%.1f", s * (0.1 + 0.8 * r / 32767) }')
  "$@" >"$WORK/$label.log" 2>&1 &
  local pid=$!
  sleep "$delay"
  if kill -9 "$pid" 2>/dev/null; then
    echo "   $label: killed with SIGKILL after ${delay}s ($(grep -c '' "$WORK/$label.log") lines of output: $(tail -n 1 "$WORK/$label.log" | tr -d '\n' | cut -c1-100))"
  else
    echo "   $label: finished before the kill at ${delay}s: $(grep -E '^(Nach einem Abbruch|Stichtag|Übergeben)' "$WORK/$label.log" | cut -c1-110 | paste -sd' ')"
  fi
  wait "$pid" 2>/dev/null || true
}

# Completeness of a run: every issued code has exactly one exported letter, listed once in the manifests.
check() {
  local name="$1" out="$2"
  $PFORTE audit verify | tail -n 1
  local issued exported unexported active partial
  issued=$(sql "SELECT count(*) FROM auth_codes WHERE reason = 'first-issue'")
  exported=$(sql "SELECT count(*) FROM letters WHERE exported_at IS NOT NULL")
  unexported=$(sql "SELECT count(*) FROM letters WHERE exported_at IS NULL")
  active=$(sql "SELECT count(*) FROM auth_codes WHERE state = 'Active'")
  partial=$(find "$out" -maxdepth 1 -name '.partial-*' | wc -l)
  local rows unique
  rows=$(find "$out" -name manifest.csv -exec tail -q -n +2 {} + | wc -l)
  unique=$(find "$out" -name manifest.csv -exec tail -q -n +2 {} + | cut -d';' -f1 | sort -u | wc -l)
  # Every PDF's checksum as the manifest states it.
  local bad=0 folder
  for folder in "$out"/batch-*; do
    bad=$((bad + $(tail -n +2 "$folder/manifest.csv" | cut -d';' -f5,9 | sort -u | tr ';' ' ' | \
      while read -r file sum; do echo "$sum  $folder/$file"; done | sha256sum --quiet -c - 2>/dev/null | wc -l)))
  done
  echo "   $name: codes issued $issued, letters exported $exported, left $unexported, active codes $active, manifest rows $rows ($unique distinct), partial folders $partial, checksum errors $bad"
  if [ "$issued" != "$exported" ] || [ "$exported" != "$rows" ] || [ "$rows" != "$unique" ] || [ "$active" != "$issued" ] \
     || [ "$unexported" != 0 ] || [ "$partial" != 0 ] || [ "$bad" != 0 ]; then
    echo "!! $name: CHECK FAILED" | tee -a "$WORK/figures"
    exit 1
  fi
  echo "   $name: check passed" | tee -a "$WORK/figures"
}

# One database from scratch to the imported Kasse; the kill runs start from a copy of this state.
prepare() {
  $PFORTE db migrate >/dev/null
  $PFORTE kasse create --ik 260326822 --name "Benchmark-Kasse" --street "Musterstraße" --house-number 1 --postal-code 60311 --city "Frankfurt am Main" >/dev/null
  $PFORTE import insured "$CSV" | tail -n 1
}

run_provider() {
  local name="$1"
  local out="$WORK/$name-out"
  rm -rf "$out"
  echo "== $name: roll-out of $PERSONS persons"
  measure "$name-issue-due" $PFORTE codes issue-due
  measure "$name-letters-export" $PFORTE letters export --out "$out"
  check "$name" "$out"
}

run_provider_killed() {
  local name="$1" issue_s="$2" export_s="$3"
  local out="$WORK/$name-killed-out"
  rm -rf "$out"
  echo "== $name: the same with kill -9 at a random moment of each step ($KILLS times), then a re-run to the end"
  local i
  for i in $(seq 1 "$KILLS"); do
    kill_at_random "$name-issue-due-killed-$i" "$issue_s" $PFORTE codes issue-due
  done
  measure "$name-issue-due-rerun" $PFORTE codes issue-due
  for i in $(seq 1 "$KILLS"); do
    kill_at_random "$name-export-killed-$i" "$export_s" $PFORTE letters export --out "$out"
  done
  measure "$name-export-rerun" $PFORTE letters export --out "$out"
  check "$name-killed" "$out"
}

seconds_of() { # wall "m:ss.ss" of a measured step -> seconds
  grep "^$1 " "$WORK/figures" | tail -n 1 | awk '{print $3}' | awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }'
}

: >"$WORK/figures"
export Pforte__Keys__Path="$WORK/keyring.json"
rm -f "$Pforte__Keys__Path"

if [ "${SKIP_SQLITE:-0}" != "1" ]; then
  echo "== SQLite (fresh file)"
  export Pforte__Database__Provider=sqlite
  DB="$WORK/rollout.db"
  rm -f "$DB" "$DB-wal" "$DB-shm" "$WORK/imported.db"
  export Pforte__Database__ConnectionString="Data Source=$DB"
  sql() { sqlite3 "$DB" "$1"; }
  prepare
  sqlite3 "$DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
  cp "$DB" "$WORK/imported.db"
  run_provider sqlite
  if [ "${SKIP_KILL:-0}" != "1" ]; then
    rm -f "$DB" "$DB-wal" "$DB-shm"
    cp "$WORK/imported.db" "$DB"
    run_provider_killed sqlite "$(seconds_of sqlite-issue-due)" "$(seconds_of sqlite-letters-export)"
  fi
fi

if [ "${SKIP_PG:-0}" != "1" ]; then
  echo "== PostgreSQL (fresh database)"
  export PFORTE_PG_PORT="${PFORTE_PG_PORT:-55497}" PFORTE_PG_DIR="$WORK/pg" PFORTE_PG_DURABLE="${PFORTE_PG_DURABLE:-1}"
  eval "$(scripts/pg-test-cluster.sh start)"
  trap 'scripts/pg-test-cluster.sh stop >/dev/null' EXIT
  PSQL="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)/psql"
  psql_db() { "$PSQL" -qtA -h 127.0.0.1 -p "$PFORTE_PG_PORT" -U postgres -d "$1" -c "$2"; }
  sql() { psql_db pforte_rollout "$1"; }
  export Pforte__Database__Provider=postgres
  export Pforte__Database__ConnectionString="$(echo "$PFORTE_TEST_PG" | sed 's/Database=[^;]*/Database=pforte_rollout/')"
  psql_db postgres "DROP DATABASE IF EXISTS pforte_rollout WITH (FORCE)"
  psql_db postgres "DROP DATABASE IF EXISTS pforte_rollout_imported WITH (FORCE)"
  psql_db postgres "CREATE DATABASE pforte_rollout" # the CLI migrates an existing empty database, it creates none
  prepare
  psql_db postgres "CREATE DATABASE pforte_rollout_imported TEMPLATE pforte_rollout"
  run_provider postgres
  if [ "${SKIP_KILL:-0}" != "1" ]; then
    psql_db postgres "DROP DATABASE pforte_rollout WITH (FORCE)"
    psql_db postgres "CREATE DATABASE pforte_rollout TEMPLATE pforte_rollout_imported"
    run_provider_killed postgres "$(seconds_of postgres-issue-due)" "$(seconds_of postgres-letters-export)"
  fi
fi

echo "== figures"
cat "$WORK/figures"

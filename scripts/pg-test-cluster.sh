#!/usr/bin/env bash
# A throwaway PostgreSQL for the tests, on a loopback port, with its data in a temp folder.
#   scripts/pg-test-cluster.sh start   -> starts it and prints `export PFORTE_TEST_PG=...`
#   scripts/pg-test-cluster.sh stop    -> stops it and deletes its data
#   scripts/pg-test-cluster.sh restart -> a fast restart with its data kept (bench/cluster: a database restart mid-run)
#   PFORTE_PG_DURABLE=1 scripts/pg-test-cluster.sh start   -> with fsync and synchronous commit (benchmarks)
# Usage: eval "$(scripts/pg-test-cluster.sh start)"
set -euo pipefail

PORT="${PFORTE_PG_PORT:-55432}"
BASE="${PFORTE_PG_DIR:-/tmp/pforte-pg-$PORT}"
DATA="$BASE/data"
SOCK="$BASE/sock"

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$dir" ]; then
    echo "PostgreSQL server binaries not found (apt-get install -y postgresql)" >&2
    exit 1
  fi
  echo "$dir"
}

as_owner() {
  # initdb and postgres refuse to run as root: run them as the postgres user then.
  if [ "$(id -u)" = "0" ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start() {
  local bin; bin=$(pg_bin)
  if [ -f "$DATA/postmaster.pid" ] && as_owner "$bin/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    echo "export PFORTE_TEST_PG='Host=127.0.0.1;Port=$PORT;Username=postgres;Database=postgres;Include Error Detail=true'"
    return
  fi
  rm -rf "$BASE"
  mkdir -p "$DATA" "$SOCK"
  if [ "$(id -u)" = "0" ]; then chown -R postgres:postgres "$BASE"; fi
  as_owner "$bin/initdb" -D "$DATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$BASE/initdb.log" 2>&1 \
    || { cat "$BASE/initdb.log" >&2; exit 1; }
  # Tuned for throwaway test data: no fsync, many connections (three server processes in the concurrency tests).
  # PFORTE_PG_DURABLE=1 keeps PostgreSQL's durable defaults (fsync, synchronous commit) for benchmarks.
  local durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  if [ "${PFORTE_PG_DURABLE:-0}" = "1" ]; then durability=""; fi
  as_owner "$bin/pg_ctl" -D "$DATA" -l "$BASE/server.log" -w -t 60 \
    -o "-p $PORT -k $SOCK -c listen_addresses=127.0.0.1 -c max_connections=300 $durability" \
    start >/dev/null || { cat "$BASE/server.log" >&2; exit 1; }
  echo "export PFORTE_TEST_PG='Host=127.0.0.1;Port=$PORT;Username=postgres;Database=postgres;Include Error Detail=true'"
}

stop() {
  local bin; bin=$(pg_bin)
  if [ -d "$DATA" ]; then
    as_owner "$bin/pg_ctl" -D "$DATA" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$BASE"
}

restart() {
  local bin; bin=$(pg_bin)
  as_owner "$bin/pg_ctl" -D "$DATA" -l "$BASE/server.log" -w -t 60 -m fast restart >/dev/null
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  restart) restart ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac

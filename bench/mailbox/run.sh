#!/usr/bin/env bash
# Mailbox benchmark (issue 13): seeds MESSAGES encrypted messages into a fresh PostgreSQL database and times the
# person's inbox page and the team inbox (docs/benchmarks.md, "Mailbox (issue 13)").
#   PFORTE_PG_PORT=55433 PFORTE_PG_DIR=/tmp/pg-bench scripts/pg-test-cluster.sh start
#   bench/mailbox/run.sh [MESSAGES=1000000] [RUNS=200] [PORT=55433]
set -euo pipefail
cd "$(dirname "$0")/../.."
MESSAGES=${1:-1000000}
RUNS=${2:-200}
PORT=${3:-55433}
DB=pforte_mailbox_bench
# KEEP=1: time again on the data seeded before (same key ring), without seeding.
KEYS=${KEYS:-/tmp/pforte-mailbox-bench-keys}
if [ "${KEEP:-0}" != 1 ]; then
  psql -h 127.0.0.1 -p "$PORT" -U postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB" postgres
  rm -rf "$KEYS"
fi
mkdir -p "$KEYS"
dotnet build -c Release bench/Pforte.Benchmarks >/dev/null
dotnet build -c Release src/Pforte.Cli >/dev/null
export Pforte__Database__Provider=postgres
export Pforte__Database__ConnectionString="Host=127.0.0.1;Port=$PORT;Username=postgres;Database=$DB"
export Pforte__Keys__Path="$KEYS/keyring.json"
dotnet src/Pforte.Cli/bin/Release/net10.0/pforte.dll db migrate
dotnet bench/Pforte.Benchmarks/bin/Release/net10.0/Pforte.Benchmarks.dll mailbox "$MESSAGES" "$RUNS"

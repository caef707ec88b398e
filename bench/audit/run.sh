#!/usr/bin/env bash
# The auditor's search on 1,000,000 audit entries (docs/benchmarks.md, "Audit search (issue 14)"): plan and time of each
# filter, on a fresh SQLite file and on PostgreSQL ($PFORTE_BENCH_PG, an empty database, e.g.
# Host=127.0.0.1;Port=55484;Username=postgres;Database=audit_bench). Exit 1 when a page needs a second or more.
# Usage: bench/audit/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet build -c Release bench/Pforte.Benchmarks >/dev/null
dotnet build -c Release src/Pforte.Cli >/dev/null
dll=bench/Pforte.Benchmarks/bin/Release/net10.0/Pforte.Benchmarks.dll
cli=src/Pforte.Cli/bin/Release/net10.0/pforte.dll
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
run() {
  Pforte__DataDirectory=$dir Pforte__Database__Provider=$1 Pforte__Database__ConnectionString="$2" \
    Pforte__Keys__Path=$dir/keys.json dotnet $cli db migrate >/dev/null
  Pforte__DataDirectory=$dir Pforte__Database__Provider=$1 Pforte__Database__ConnectionString="$2" \
    Pforte__Keys__Path=$dir/keys.json dotnet "$dll" audit-search
}
echo "== SQLite"
run sqlite "Data Source=$dir/audit.db"
if [ -n "${PFORTE_BENCH_PG:-}" ]; then
  echo "== PostgreSQL"
  run postgres "$PFORTE_BENCH_PG"
fi

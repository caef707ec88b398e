#!/usr/bin/env bash
# The phone dialogue benchmark (docs/benchmarks.md, "Phone dialogue (issue 15)"): in-process, on a fresh SQLite file
# and on PostgreSQL ($PFORTE_BENCH_PG, e.g. Host=127.0.0.1;Port=55484;Username=postgres;Database=ivr_bench).
# Usage: bench/ivr/run.sh [N] [CONCURRENT]
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-500}; C=${2:-1000}
dotnet build -c Release bench/Pforte.Benchmarks >/dev/null
dotnet build -c Release src/Pforte.Cli >/dev/null
dll=bench/Pforte.Benchmarks/bin/Release/net10.0/Pforte.Benchmarks.dll
dir=$(mktemp -d)
for readback in false true; do
  echo "== SQLite, ReadBackKvnr=$readback"
  Pforte__DataDirectory=$dir Pforte__Database__Provider=sqlite Pforte__Database__ConnectionString="Data Source=$dir/ivr.db" \
    Pforte__Keys__Path=$dir/keys.json dotnet src/Pforte.Cli/bin/Release/net10.0/pforte.dll db migrate >/dev/null
  Pforte__DataDirectory=$dir Pforte__Database__Provider=sqlite Pforte__Database__ConnectionString="Data Source=$dir/ivr.db" \
    Pforte__Keys__Path=$dir/keys.json Pforte__Ivr__ReadBackKvnr=$readback dotnet "$dll" ivr "$N" "$C"
  if [ -n "${PFORTE_BENCH_PG:-}" ]; then
    echo "== PostgreSQL, ReadBackKvnr=$readback"
    Pforte__DataDirectory=$dir Pforte__Database__Provider=postgres Pforte__Database__ConnectionString="$PFORTE_BENCH_PG" \
      Pforte__Keys__Path=$dir/keys.json dotnet src/Pforte.Cli/bin/Release/net10.0/pforte.dll db migrate >/dev/null
    Pforte__DataDirectory=$dir Pforte__Database__Provider=postgres Pforte__Database__ConnectionString="$PFORTE_BENCH_PG" \
      Pforte__Keys__Path=$dir/keys.json Pforte__Ivr__ReadBackKvnr=$readback dotnet "$dll" ivr "$N" "$C"
  fi
done
rm -rf "$dir"

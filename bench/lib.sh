# Shared by the HTTP benchmarks (bench/verify, bench/decide). Source it after setting WORK and PORT.

# start_web LABEL: the Release web host on 127.0.0.1:$PORT against the exported database, background jobs and demo
# seeding off; waits until it is ready. Sets WEB_PID.
start_web() {
  local label="$1"
  echo "== $label: web host on 127.0.0.1:$PORT"
  ( cd src/Pforte.Web/bin/Release/net10.0 && \
    Urls="http://127.0.0.1:$PORT" Pforte__Jobs__Enabled=false Pforte__Demo__SeedEmptyDatabase=false \
    Logging__LogLevel__Default=Warning \
    exec dotnet Pforte.Web.dll ) >"$WORK/$label-web.log" 2>&1 &
  WEB_PID=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null && break; sleep 0.2; done
}

# settle_database: after the bulk set-up, bring a PostgreSQL database to the state a running installation is in before the
# measurement — statistics gathered, dead rows vacuumed, the import's WAL checkpointed — so that the measured
# seconds are not the ones in which autovacuum and the first checkpoint catch up with a million fresh rows.
settle_database() {
  if [ "${Pforte__Database__Provider:-sqlite}" = "postgres" ]; then
    psql "postgresql://postgres@127.0.0.1:$PFORTE_PG_PORT/postgres" -qAt -c "VACUUM ANALYZE" -c "CHECKPOINT" >/dev/null
  fi
}

stop_web() {
  kill "$WEB_PID"; wait "$WEB_PID" 2>/dev/null || true
}

# on_each_database PG_PORT: calls run_one sqlite (fresh file in $WORK) and run_one postgres (throwaway cluster on
# PFORTE_PG_PORT, default PG_PORT), honouring SKIP_SQLITE=1 / SKIP_PG=1.
on_each_database() {
  if [ "${SKIP_SQLITE:-0}" != "1" ]; then
    echo "== SQLite"
    export Pforte__Database__Provider=sqlite
    export Pforte__Database__ConnectionString="Data Source=$WORK/bench.db"
    run_one sqlite
  fi
  if [ "${SKIP_PG:-0}" != "1" ]; then
    # Durable like a production server (fsync, synchronous commit): every attempt and decision is on disk before
    # its answer. PFORTE_PG_DURABLE=0 for the tests' fsync-off settings.
    export PFORTE_PG_PORT="${PFORTE_PG_PORT:-$1}" PFORTE_PG_DIR="$WORK/pg" PFORTE_PG_DURABLE="${PFORTE_PG_DURABLE:-1}"
    eval "$(scripts/pg-test-cluster.sh start)"
    trap 'scripts/pg-test-cluster.sh stop' EXIT
    export Pforte__Database__Provider=postgres
    export Pforte__Database__ConnectionString="${PFORTE_TEST_PG};Maximum Pool Size=64"
    echo "== PostgreSQL"
    run_one postgres
  fi
}

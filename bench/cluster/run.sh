#!/usr/bin/env bash
# Issue 16: the production topology under faults. One PostgreSQL (durable), three web nodes (ReadyToRun publish,
# background jobs on in every node), HAProxy in front with health checks on /health/ready. wrk drives verifications
# (each with its own correlation id), disclosure decisions and portal pages through HAProxy for DURATION seconds;
# meanwhile a random node is killed with SIGKILL every KILL_EVERY seconds and started again, and PostgreSQL is
# restarted once in the middle. Afterwards bench/cluster/check.py proves the counts exact, `pforte audit verify`
# checks the chain, the daily jobs must have run exactly once, and HAProxy's counters show dead nodes taken out and back.
#   bench/cluster/run.sh                        # PERSONS=3000 DURATION=90 KILL_EVERY=10
#   SKIP_PG_RESTART=1 bench/cluster/run.sh      # node kills only
# Then (SKIP_WARMUP=1 leaves it out) a restarted node's first minute, JIT against ReadyToRun: one node alone on the same
# database, started and at once loaded with verifications (right codes only), throughput in 5-second steps.
set -euo pipefail
cd "$(dirname "$0")/../.."
PERSONS="${PERSONS:-3000}"        # few persons, so that wrong codes add up to locks during the run
DURATION="${DURATION:-90}"
KILL_EVERY="${KILL_EVERY:-10}"
WORK="${BENCH_DIR:-/tmp/pforte-cluster-bench}"
LB_PORT="${LB_PORT:-5300}"
NODE_PORTS=(5301 5302 5303)
export PFORTE_PG_PORT="${PFORTE_PG_PORT:-55495}" PFORTE_PG_DIR="$WORK/pg" PFORTE_PG_DURABLE=1
for tool in haproxy wrk psql python3; do
  command -v "$tool" >/dev/null || { echo "$tool missing: apt-get install -y haproxy wrk postgresql-client python3" >&2; exit 1; }
done
rm -rf "$WORK"; mkdir -p "$WORK/out" "$WORK/data"
PIDS=(); HAPROXY_PID=""
cleanup() {
  for pid in "${PIDS[@]}" $HAPROXY_PID; do kill -9 "$pid" 2>/dev/null || true; done
  scripts/pg-test-cluster.sh stop >/dev/null 2>&1 || true
}
trap cleanup EXIT

echo "== build: CLI, probe, web host published ReadyToRun"
dotnet build -c Release src/Pforte.Cli -v q -nologo >/dev/null
dotnet build -c Release bench/Pforte.Benchmarks -v q -nologo >/dev/null
dotnet publish src/Pforte.Web -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$WORK/app" -v q -nologo >/dev/null
[ -n "${SKIP_WARMUP:-}" ] || dotnet publish src/Pforte.Web -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=false -o "$WORK/app-jit" -v q -nologo >/dev/null
PFORTE="dotnet src/Pforte.Cli/bin/Release/net10.0/pforte.dll"
BENCH="dotnet bench/Pforte.Benchmarks/bin/Release/net10.0/Pforte.Benchmarks.dll"

eval "$(scripts/pg-test-cluster.sh start)"
PSQL_URL="postgresql://postgres@127.0.0.1:$PFORTE_PG_PORT/postgres"
export Pforte__Database__Provider=postgres
export Pforte__Database__ConnectionString="${PFORTE_TEST_PG};Maximum Pool Size=40;Timeout=5"
export Pforte__Keys__Path="$WORK/keyring.json" Pforte__DataDirectory="$WORK/data"

echo "== set-up: $PERSONS insured (random keys), codes issued and handed over, an API client"
$BENCH generate-import "$PERSONS" "$WORK/insured.csv" 0 random
$PFORTE db migrate >/dev/null
$PFORTE kasse create --ik 260326822 --name "Cluster-BKK" --street "Hauptstraße" --house-number 1 --postal-code 60311 --city "Frankfurt am Main" >/dev/null
$PFORTE import insured "$WORK/insured.csv" >/dev/null
$PFORTE codes issue-due >/dev/null
$BENCH handover-codes "$WORK/codes.csv" >/dev/null 2>&1
KEY=$($PFORTE clients create --name cluster --scopes machine-auth,staff | grep -oE 'pf_[0-9a-f]{12}_[0-9a-f]{64}')
psql "$PSQL_URL" -qAt -c "VACUUM ANALYZE" -c "CHECKPOINT" >/dev/null
RUN_START=$(date -u +%Y-%m-%dT%H:%M:%S)

# start_node I [APP]: node I on its port, jobs on (the daily code run due at once: Pforte:AuthCodes:DailyIssueAt=00:00).
start_node() {
  local i=$1
  ( cd "$WORK/${2:-app}" && Urls="http://127.0.0.1:${NODE_PORTS[$i]}" Pforte__Demo__SeedEmptyDatabase=false \
      Pforte__AuthCodes__DailyIssueAt=00:00 Logging__LogLevel__Default=Warning \
      exec dotnet Pforte.Web.dll ) >>"$WORK/node$i.log" 2>&1 &
  PIDS[$i]=$!
}
# ready_after I: seconds until node I answers /health/ready (or 60).
ready_after() {
  local i=$1 t0; t0=$(date +%s.%N)
  for _ in $(seq 1 300); do
    curl -sf "http://127.0.0.1:${NODE_PORTS[$i]}/health/ready" >/dev/null && break
    sleep 0.2
  done
  echo "$(date +%s.%N) - $t0" | bc
}

echo "== three nodes and HAProxy"
for i in 0 1 2; do start_node "$i"; done
for i in 0 1 2; do echo "   node $i ready after $(ready_after "$i") s"; done
sed -e "s#@LB_PORT@#$LB_PORT#" -e "s#@WORK@#$WORK#" -e "s#@N0@#${NODE_PORTS[0]}#" -e "s#@N1@#${NODE_PORTS[1]}#" \
    -e "s#@N2@#${NODE_PORTS[2]}#" -e "s#@STATS_PORT@#$((LB_PORT + 50))#" -e "s#@ERRORS@#$PWD/ops/haproxy#" bench/cluster/haproxy.cfg > "$WORK/haproxy.cfg"
haproxy -c -f "$WORK/haproxy.cfg" >/dev/null
haproxy -db -f "$WORK/haproxy.cfg" >"$WORK/haproxy.log" 2>&1 & HAPROXY_PID=$!
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$LB_PORT/health/ready" >/dev/null && break; sleep 0.2; done
echo "== waiting for the daily jobs (one node each, by lease)"
for _ in $(seq 1 120); do
  n=$(psql "$PSQL_URL" -qAt -c "SELECT count(*) FROM job_runs WHERE job IN ('issue-due','audit-verify') AND finished_at IS NOT NULL")
  [ "$n" = "2" ] && break; sleep 1
done

echo "== load for ${DURATION}s: verification (16 connections), decisions (8), portal pages (4)"
OUT="$WORK/out" CODES="$WORK/codes.csv" KEY="$KEY" wrk -t2 -c16 -d"${DURATION}s" --latency -s bench/cluster/verify.lua \
  "http://127.0.0.1:$LB_PORT" >"$WORK/wrk-verify.txt" 2>&1 &
WRK1=$!
PERSONS="$WORK/insured.csv" KEY="$KEY" wrk -t1 -c8 -d"${DURATION}s" -s bench/decide/decide.lua "http://127.0.0.1:$LB_PORT" >"$WORK/wrk-decide.txt" 2>&1 &
WRK2=$!
wrk -t1 -c4 -d"${DURATION}s" "http://127.0.0.1:$LB_PORT/portal/" >"$WORK/wrk-portal.txt" 2>&1 &
WRK3=$!

start=$SECONDS; kills=0; restarted_pg=""
: >"$WORK/faults.txt"
while [ $((SECONDS - start)) -lt $((DURATION - KILL_EVERY)) ]; do
  sleep "$KILL_EVERY"
  if [ -z "$restarted_pg" ] && [ -z "${SKIP_PG_RESTART:-}" ] && [ $((SECONDS - start)) -ge $((DURATION / 2)) ]; then
    t0=$(date +%s.%N); scripts/pg-test-cluster.sh restart
    echo "t=$((SECONDS - start))s PostgreSQL restarted in $(echo "$(date +%s.%N) - $t0" | bc) s" | tee -a "$WORK/faults.txt"
    restarted_pg=1
    continue
  fi
  i=$((RANDOM % 3))
  kill -9 "${PIDS[$i]}"; wait "${PIDS[$i]}" 2>/dev/null || true
  start_node "$i"; kills=$((kills + 1))
  echo "t=$((SECONDS - start))s node $i killed (SIGKILL) and started: ready after $(ready_after "$i") s" | tee -a "$WORK/faults.txt"
done
wait $WRK1 $WRK2 $WRK3 || true
sleep 3

echo "== results"
echo "-- verification:"; grep -E "requests|Requests/sec|Non-2xx|Socket" "$WORK/wrk-verify.txt" || true
echo "-- decisions:"; grep -E "Requests/sec|Non-2xx|Socket" "$WORK/wrk-decide.txt" || true
echo "-- portal pages:"; grep -E "Requests/sec|Non-2xx|Socket" "$WORK/wrk-portal.txt" || true
echo "-- HAProxy per node (check downs = times taken out, status now):"
curl -s "http://127.0.0.1:$((LB_PORT + 50))/stats;csv" | awk -F, '$1=="nodes" && $2!="BACKEND" {print "   " $2 ": status " $18 ", taken out " $23 " times, sessions " $8}' \
  | tee "$WORK/haproxy-nodes.txt"
downs=$(awk '{s += $6} END {print s + 0}' "$WORK/haproxy-nodes.txt")
fail=0
echo "-- exact counts:"
python3 bench/cluster/check.py "$WORK/out" "$PSQL_URL" 3 "$RUN_START" || fail=1
echo "-- audit chain:"; $PFORTE audit verify || fail=1
echo "-- daily jobs (must be one row each, finished):"
psql "$PSQL_URL" -qAt -F ' ' -c "SELECT job, day, run_by, finished_at IS NOT NULL FROM job_runs ORDER BY job"
runs=$(psql "$PSQL_URL" -qAt -c "SELECT count(*) FROM job_runs WHERE job IN ('issue-due','audit-verify')")
verified_daily=$(psql "$PSQL_URL" -qAt -c "SELECT count(*) FROM audit_entries WHERE action = 9007 AND actor_id LIKE '%audit-verify%'")
echo "   job rows $runs (expected 2), daily chain verifications recorded $verified_daily (expected 1)"
[ "$runs" = "2" ] && [ "$verified_daily" = "1" ] || fail=1
echo "-- HAProxy took nodes out $downs times for $kills kills; all UP again: $(grep -c 'status UP' "$WORK/haproxy-nodes.txt")/3"
[ "$downs" -ge 1 ] && [ "$(grep -c 'status UP' "$WORK/haproxy-nodes.txt")" = "3" ] || fail=1
echo "-- 500s in the node logs: $(grep -c ' 500 \|StatusCode: 500' "$WORK"/node*.log || true)"
echo "== kills: $kills, PostgreSQL restart: ${restarted_pg:-no}; $( [ $fail = 0 ] && echo PASSED || echo FAILED )"

if [ -z "${SKIP_WARMUP:-}" ]; then
  echo "== a restarted node's first minute: JIT against ReadyToRun (one node alone, 16 connections, right codes only)"
  kill -9 $HAPROXY_PID "${PIDS[@]}" 2>/dev/null || true; HAPROXY_PID=""; sleep 2
  for variant in app-jit app app-jit app; do
    start_node 0 "$variant"
    printf '   %-8s ready after %5.2f s; verifications/s per 5 s:' "$([ $variant = app ] && echo R2R || echo JIT)" "$(ready_after 0)"
    for _ in $(seq 1 12); do
      rps=$(CODES="$WORK/codes.csv" KEY="$KEY" WRONG_EVERY=0 wrk -t2 -c16 -d5s -s bench/verify/verify.lua "http://127.0.0.1:${NODE_PORTS[0]}" 2>/dev/null \
        | awk '/Requests\/sec/ {printf "%.0f", $2}')
      printf ' %s' "$rps"
    done
    echo
    kill -9 "${PIDS[0]}"; wait "${PIDS[0]}" 2>/dev/null || true
  done
fi
exit $fail

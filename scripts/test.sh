#!/usr/bin/env bash
# The one test command: installs what the tests need, starts a throwaway PostgreSQL, builds once, runs every
# test project, stops PostgreSQL, and ends with its own line "N passed, N failed".
# Exit code: 0 only when every test passed and at least one ran.
set -uo pipefail
cd "$(dirname "$0")/.."

log() { printf '== %s\n' "$*" >&2; }

# --- 1. What the tests need from Debian ---------------------------------------------------------------
missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v haproxy >/dev/null 2>&1 || missing+=(haproxy)
[ -e /usr/lib/softhsm/libsofthsm2.so ] && command -v softhsm2-util >/dev/null 2>&1 || missing+=(softhsm2)  # keys in an HSM: tests run a real SoftHSM2 token
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" = "0" ] || SUDO="sudo"
  log "installing ${missing[*]}"
  $SUDO apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null \
    || { echo "apt-get install ${missing[*]} failed" >&2; echo "0 passed, 1 failed"; exit 1; }
  # Debian's package starts a cluster of its own; the tests use their own throwaway one.
  if [[ " ${missing[*]} " == *" postgresql "* ]]; then
    (service postgresql stop || pg_ctlcluster --all stop) >/dev/null 2>&1 || true
  fi
  # Only promtool is needed from the prometheus package: its server and exporter do not run here.
  if [[ " ${missing[*]} " == *" prometheus "* ]]; then
    (service prometheus stop; service prometheus-node-exporter stop) >/dev/null 2>&1 || true
  fi
  # HAProxy only checks the shipped configurations (haproxy -c); its own service does not run here.
  if [[ " ${missing[*]} " == *" haproxy "* ]]; then
    service haproxy stop >/dev/null 2>&1 || true
  fi
fi

# --- 1b. The OpenAPI linter (Spectral, pinned in tools/lint/package-lock.json; the Web tests run it) ------------
# --ignore-scripts: nothing of the linter's dependencies runs at install time (one would phone home).
log "installing the OpenAPI linter (npm ci in tools/lint)"
if ! (cd tools/lint && npm ci --ignore-scripts --no-audit --no-fund >/dev/null 2>&1); then
  echo "npm ci in tools/lint failed" >&2; echo "0 passed, 1 failed"; exit 1
fi

# --- 2. A throwaway PostgreSQL ---------------------------------------------------------------------------
export PFORTE_PG_PORT="${PFORTE_PG_PORT:-55432}"
pg_env=$(scripts/pg-test-cluster.sh start) || { echo "PostgreSQL did not start" >&2; echo "0 passed, 1 failed"; exit 1; }
eval "$pg_env"
trap 'scripts/pg-test-cluster.sh stop' EXIT
log "PostgreSQL on 127.0.0.1:$PFORTE_PG_PORT"

# --- 3. Build once -------------------------------------------------------------------------------------
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
log "building"
build_log=$(mktemp)
if ! dotnet build Pforte.slnx -c Release -nologo -v q >"$build_log" 2>&1; then
  grep -E "error|Error" "$build_log" | sort -u | head -n 40 >&2
  echo "build failed" >&2; echo "0 passed, 1 failed"; exit 1
fi

# --- 4. Every test project -------------------------------------------------------------------------------
# The browser tests (portal and staff workspace) write a screenshot of every page and state (desktop and 320 px) here.
export PFORTE_SCREENSHOTS="${PFORTE_SCREENSHOTS:-$PWD/TestResults/screenshots/$(date -u +%Y%m%d-%H%M%S)}"
log "screenshots of the portal's and the workspace's pages go to $PFORTE_SCREENSHOTS"
passed=0; failed=0; skipped=0; broken=0
results_dir=$(mktemp -d)
# run_project PROJECT: runs one test project into $results_dir/<name>.log and writes its duration beside it.
run_project() {
  local project="$1" name start
  name=$(basename "$project" .csproj)
  start=$(date +%s)
  dotnet test --project "$project" -c Release --no-build >"$results_dir/$name.log" 2>&1
  echo $(( $(date +%s) - start )) >"$results_dir/$name.seconds"
}
# The browser tests (Pforte.Portal.Tests) spend most of their time waiting for Chromium and for deliberately slow
# password hashes: they run beside the other projects, which run one after the other (PFORTE_TEST_SERIAL=1: all in
# turn). Each project still runs its own tests in parallel as xunit decides.
projects=(tests/*.Tests/*.csproj)
# The browser test projects (portal, then the staff workspace) run one after the other, beside the rest.
browsers=(tests/Pforte.Portal.Tests/Pforte.Portal.Tests.csproj tests/Pforte.Workspace.Tests/Pforte.Workspace.Tests.csproj)
browser_pid=""
if [ "${PFORTE_TEST_SERIAL:-0}" != "1" ]; then
  log "running the browser tests (Pforte.Portal.Tests, Pforte.Workspace.Tests) beside the others"
  ( for b in "${browsers[@]}"; do [ -f "$b" ] && run_project "$b"; done ) & browser_pid=$!
fi
is_browser() { local b; for b in "${browsers[@]}"; do [ "$1" = "$b" ] && return 0; done; return 1; }
for project in "${projects[@]}"; do
  if [ -n "$browser_pid" ] && is_browser "$project"; then continue; fi
  log "running $(basename "$project" .csproj)"
  run_project "$project"
done
if [ -n "$browser_pid" ]; then wait "$browser_pid"; fi

for project in "${projects[@]}"; do
  name=$(basename "$project" .csproj)
  out="$results_dir/$name.log"
  grep -E "^(  (failed|error)|failed |Test run summary)" "$out" || true
  total_line=$(grep -E '^\s+total: [0-9]+' "$out" | tail -n 1)
  if [ -z "$total_line" ]; then
    echo "!! $name produced no test summary" >&2
    tail -n 40 "$out" >&2
    broken=$((broken + 1))
    continue
  fi
  p=$(grep -E '^\s+succeeded: [0-9]+' "$out" | tail -n 1 | grep -oE '[0-9]+')
  f=$(grep -E '^\s+failed: [0-9]+' "$out" | tail -n 1 | grep -oE '[0-9]+')
  s=$(grep -E '^\s+skipped: [0-9]+' "$out" | tail -n 1 | grep -oE '[0-9]+')
  log "$name: ${p:-0} passed, ${f:-0} failed, ${s:-0} skipped in $(cat "$results_dir/$name.seconds" 2>/dev/null || echo '?') s"
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${s:-0}))
  if [ "${f:-0}" != "0" ]; then
    grep -E -A 25 '^failed ' "$out" | head -n 200 >&2
  fi
done

failed=$((failed + broken))
echo "$passed passed, $failed failed, $skipped skipped"
if [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ] || [ "$skipped" -ne 0 ]; then
  exit 1
fi
exit 0

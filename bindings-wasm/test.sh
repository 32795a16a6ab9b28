#!/usr/bin/env bash
# Builds the WASM package and runs every JS test of it, from a clean clone.
#
# Needs cargo (rustup), node >= 20 and npm. Installs what else it needs: Chromium from
# Debian (apt-get, when /usr/bin/chromium is missing), the npm dev dependencies, the
# wasm32 target and the pinned wasm-bindgen-cli (build.sh).
#
#   bindings-wasm/test.sh
#   CHROMIUM=/path/to/chrome bindings-wasm/test.sh   another Chromium
#   SKIP_BROWSER=1 bindings-wasm/test.sh              without the Chromium runner
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
section() { printf '\n=== wasm: %s ===\n' "$*"; }
elapsed() { echo "$(( $(date +%s) - $1 )) s"; }
mkdir -p test-results
rm -f test-results/*.log

chromium=${CHROMIUM:-/usr/bin/chromium}
if [ -z "${SKIP_BROWSER:-}" ] && [ ! -x "$chromium" ]; then
  section "Chromium (Debian package)"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
  "$chromium" --version || true
fi

section "npm install"
t=$(date +%s)
npm install --no-audit --no-fund
echo "npm install: $(elapsed "$t")"

section "build (cargo, wasm-bindgen)"
t=$(date +%s)
npm run build
echo "build: $(elapsed "$t")"

section "tsc --noEmit (test/types/example.ts against the package's declarations)"
t=$(date +%s)
npm run typecheck
echo "typecheck: passed ($(elapsed "$t"))"

# Runs one node:test runner, its full output to test-results/<name>.log and the screen.
summaries=()
run() {
  local name=$1 script=$2 rc=0
  section "$name"
  t=$(date +%s)
  npm run --silent "$script" 2>&1 | tee "test-results/$name.log" || rc=$?
  local count
  count=$(awk '/^ℹ (tests|pass|fail|skipped) /{ printf "%s %s, ", $2, $3 }' "test-results/$name.log")
  summaries+=("$(printf '%-9s %s(%s)' "$name:" "$count" "$(elapsed "$t")")")
  return $rc
}

status=0
run node test || status=1
if [ -z "${SKIP_BROWSER:-}" ]; then
  CHROMIUM=$chromium run chromium test:browser || status=1
fi

section "summary"
printf '%s\n' "${summaries[@]}"
grep -h "layout-verify in\|regression in\|attestation in\|in the worker\|MiB hashed" test-results/*.log | sed 's/^ *ℹ /  /' || true
passed=0 failed=0 skipped=0
for f in test-results/node.log test-results/chromium.log; do
  [ -f "$f" ] || continue
  passed=$((passed + $(awk '/^ℹ pass /{print $3}' "$f")))
  failed=$((failed + $(awk '/^ℹ fail /{print $3}' "$f")))
  skipped=$((skipped + $(awk '/^ℹ skipped /{print $3}' "$f")))
done
echo "wasm: $passed passed, $failed failed, $skipped skipped"
exit $status

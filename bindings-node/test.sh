#!/usr/bin/env bash
# Builds and tests the Node binding from a clean clone. Needs node (>= 20.17), npm and cargo;
# reaches the npm registry (npm ci) and crates.io (cargo) for dependencies.
#
#   npm ci       the locked devDependencies (@napi-rs/cli, typescript)
#   npm test  =  npm run check-types:
#                  npm run build     cargo build --release of the addon (honours
#                                    CARGO_TARGET_DIR; default: the workspace's target/),
#                                    regenerating binding.js and binding.d.ts
#                  git diff --exit-code -- binding.d.ts binding.js   (no drift from the commit)
#                  tsc -p test/types (the declarations type-check as the README uses them)
#              then node --test test/*.test.mjs (layout suite, regression vectors, attestation
#              corpora, API, Hasher, bin)
#   the WASM build through the same layout suites (INTOTO_IMPL=wasm: conformance,
#   regression, API), by WASM=
#     auto (default)  when bindings-wasm/pkg is built and newer than core/src and
#                     bindings-wasm/src; otherwise skipped, saying why
#     1               build it first (cd bindings-wasm && npm install && npm run build: about
#                     2 minutes, plus 4-5 the first time, when it installs wasm-bindgen-cli)
#     0               never
#
# The build runs once, inside npm test: a separate `npm run build` first would make the
# second one recompile the crate (@napi-rs/cli forces the first build of a fresh type-def
# cache through an environment variable, and the next build sees that variable change).
set -euo pipefail
cd "$(dirname "$0")"
here=$(pwd)
wasm_dir=$(cd .. && pwd)/bindings-wasm
wasm_file=$wasm_dir/pkg/intoto_verify_wasm_bg.wasm

for tool in node npm cargo git; do
  command -v "$tool" >/dev/null || { echo "test.sh: $tool is needed" >&2; exit 1; }
done
echo "node $(node --version), npm $(npm --version), $(cargo --version)"
mkdir -p test-results
log=test-results/node.log

start=$SECONDS
npm ci --no-audit --no-fund
installed=$SECONDS
npm test 2>&1 | tee "$log"
tested=$SECONDS

wasm_status="skipped"
case "${WASM:-auto}" in
  1)
    (cd "$wasm_dir" && npm install --no-audit --no-fund && npm run build)
    wasm_status="run" ;;
  auto)
    if [ ! -f "$wasm_file" ]; then
      wasm_status="skipped: bindings-wasm/pkg is not built (WASM=1 builds it)"
    elif [ -n "$(find "$wasm_dir/../core/src" "$wasm_dir/src" -newer "$wasm_file" -print -quit)" ]; then
      wasm_status="skipped: bindings-wasm/pkg is older than core/src or bindings-wasm/src (WASM=1 rebuilds it)"
    else
      wasm_status="run"
    fi ;;
  0) wasm_status="skipped: WASM=0" ;;
  *) echo "test.sh: WASM must be auto, 1 or 0" >&2; exit 2 ;;
esac
if [ "$wasm_status" = run ]; then
  INTOTO_IMPL=wasm node --test --test-reporter=spec \
    test/conformance.test.mjs test/regression.test.mjs test/api.test.mjs test/adversarial.test.mjs 2>&1 | tee test-results/wasm.log
fi
done_at=$SECONDS

echo
echo "=== bindings-node: summary ==="
grep -h "^ℹ .*\(through\|64 MiB\)" "$log" | sed 's/^ℹ /  /'
awk '/^ℹ (pass|fail|skipped) /{ printf "  node: %s %s\n", $2, $3 }' "$log"
if [ "$wasm_status" = run ]; then
  grep -h "^ℹ .*through" test-results/wasm.log | sed 's/^ℹ /  /'
  awk '/^ℹ (pass|fail|skipped) /{ printf "  wasm: %s %s\n", $2, $3 }' test-results/wasm.log
else
  echo "  wasm: $wasm_status"
fi
echo "bindings-node: npm ci $((installed - start))s, build + checks + tests $((tested - installed))s, wasm $((done_at - tested))s"

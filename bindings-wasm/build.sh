#!/usr/bin/env bash
# Builds the npm package's WebAssembly and JS glue into pkg/ (what `npm run build` runs).
#
# Installs what is missing first, so it works on a fresh machine with cargo (rustup) and
# node: the wasm32-unknown-unknown target, and wasm-bindgen-cli at exactly the version of
# the wasm-bindgen crate in Cargo.lock (the CLI refuses a module built with another one).
#
#   ./build.sh                 release build
#   WASM_OPT=1 ./build.sh      also shrink with wasm-opt -Oz (binaryen's, from PATH or
#                              node_modules: `npm install --no-save binaryen`); measured:
#                              -17% raw, -8% gzipped, ~20 s, 100 MB of node_modules, so
#                              it is not a default dependency
#   CARGO_TARGET_DIR=...       respected (default: the workspace's target/)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
target_dir=${CARGO_TARGET_DIR:-$repo/target}
step() { printf '[build] %s\n' "$*" >&2; }
# rustup's default install directory, for shells (npm scripts) that lack it on PATH.
[ -d "$HOME/.cargo/bin" ] && export PATH="$HOME/.cargo/bin:$PATH"

if command -v rustup >/dev/null 2>&1; then
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    step "rustup target add wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi
fi

# The wasm-bindgen version the crate resolves to, from the lock file.
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' "$repo/Cargo.lock")
if [ -z "$want" ]; then
  echo "wasm-bindgen is not in $repo/Cargo.lock" >&2
  exit 1
fi
have=$( (wasm-bindgen --version 2>/dev/null || true) | awk '{print $2}')
if [ "$have" != "$want" ]; then
  step "cargo install wasm-bindgen-cli --version $want (found: ${have:-none}; takes a few minutes once)"
  start=$(date +%s)
  cargo install wasm-bindgen-cli --version "$want"
  step "wasm-bindgen-cli $want installed in $(( $(date +%s) - start )) s"
fi

step "cargo build --release --target wasm32-unknown-unknown -p intoto-verify-wasm"
(cd "$repo" && cargo build --release --target wasm32-unknown-unknown -p intoto-verify-wasm)

wasm="$target_dir/wasm32-unknown-unknown/release/intoto_verify_wasm.wasm"
step "wasm-bindgen --target web --out-dir pkg"
rm -rf "$here/pkg"
wasm-bindgen --target web --out-dir "$here/pkg" "$wasm"

opt=$(command -v wasm-opt || echo "$here/node_modules/.bin/wasm-opt")
if [ "${WASM_OPT:-0}" = 1 ]; then
  [ -x "$opt" ] || { echo "WASM_OPT=1 but no wasm-opt (npm install --no-save binaryen)" >&2; exit 1; }
  step "wasm-opt -Oz (binaryen from npm)"
  # Bulk memory and the other post-MVP features current rustc emits by default.
  "$opt" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$here/pkg/intoto_verify_wasm_bg.wasm" -o "$here/pkg/intoto_verify_wasm_bg.wasm"
fi

raw=$(wc -c < "$here/pkg/intoto_verify_wasm_bg.wasm")
gz=$(gzip -9 -c "$here/pkg/intoto_verify_wasm_bg.wasm" | wc -c)
step "pkg/intoto_verify_wasm_bg.wasm: $raw bytes, $gz bytes gzipped (-9)"

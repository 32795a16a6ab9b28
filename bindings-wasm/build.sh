#!/usr/bin/env bash
# Builds the npm package's WebAssembly and JS glue into pkg/ (what `npm run build` runs).
#
# Installs what is missing first, so it works on a fresh machine with cargo (rustup) and
# node: the wasm32-unknown-unknown target, wasm-bindgen-cli at exactly the version of the
# wasm-bindgen crate in Cargo.lock (the CLI refuses a module built with another one), and
# binaryen (the npm dev dependency, for wasm-opt) when node_modules lacks it.
#
# The module is built for size (README "Size" has the measurements):
#  1. cargo, profile `wasm-release` = release with opt-level "z", fat LTO, one codegen
#     unit and sha2 at opt-level 3, and rustflags for wasm32 only: `+simd128` (WebAssembly
#     SIMD: sha2's wasm32 SIMD backends, smaller and faster than its portable code; every
#     current engine has it, see README "Hashing") and the cargo registry's path prefix
#     remapped away (shorter panic locations; no home directory in the module). Both are
#     given here with --config, so the workspace's own profiles (the CLI's) are untouched;
#     if the workspace Cargo.toml declares [profile.wasm-release], these flags say the
#     same thing;
#  2. wasm-bindgen --target web, without the producers section;
#  3. binaryen's wasm-opt -O1;
#  4. tools/order-functions.mjs names the functions so that similar bodies sort together,
#     and wasm-opt --reorder-functions-by-name applies that order and strips the names
#     (gzip finds repeats only 32 KiB back).
#
#   ./build.sh                    the package's build
#   WASM_KEEP_NAMES=1 ./build.sh  steps 1 and 2 only, keeping the name section (Rust
#                                 function names in stack traces and profiles; +~45% raw)
#   CARGO_TARGET_DIR=...          respected (default: the workspace's target/)
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

profile=(
  --profile wasm-release
  --config 'profile.wasm-release.inherits="release"'
  --config 'profile.wasm-release.opt-level="z"'
  --config 'profile.wasm-release.lto="fat"'
  --config 'profile.wasm-release.codegen-units=1'
  --config 'profile.wasm-release.package.sha2.opt-level=3'
)
# rustflags for the wasm32 target only: WebAssembly SIMD, and the registry sources' path
# prefix dropped from panic locations (`/home/me/.cargo/registry/src/index.crates.io-…/`).
rustflags='"-C", "target-feature=+simd128"'
for src in "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/; do
  [ -d "$src" ] && rustflags+=", \"--remap-path-prefix=$src=\""
done
profile+=(--config "target.wasm32-unknown-unknown.rustflags=[$rustflags]")
step "cargo build --target wasm32-unknown-unknown -p intoto-verify-wasm --profile wasm-release (opt-level z, fat LTO, +simd128)"
(cd "$repo" && cargo build --target wasm32-unknown-unknown -p intoto-verify-wasm "${profile[@]}")

wasm="$target_dir/wasm32-unknown-unknown/wasm-release/intoto_verify_wasm.wasm"
out="$here/pkg/intoto_verify_wasm_bg.wasm"
rm -rf "$here/pkg"
if [ -n "${WASM_KEEP_NAMES:-}" ]; then
  step "wasm-bindgen --target web --out-dir pkg (names kept, not optimised further)"
  wasm-bindgen --target web --out-dir "$here/pkg" "$wasm"
else
  step "wasm-bindgen --target web --remove-producers-section --out-dir pkg"
  wasm-bindgen --target web --remove-producers-section --out-dir "$here/pkg" "$wasm"

  # binaryen's wasm-opt: the npm dev dependency (installed by `npm install`), else PATH.
  opt="$here/node_modules/.bin/wasm-opt"
  if [ ! -x "$opt" ]; then
    if command -v wasm-opt >/dev/null 2>&1; then
      opt=$(command -v wasm-opt)
    else
      step "npm install (binaryen, for wasm-opt)"
      (cd "$here" && npm install --no-audit --no-fund)
    fi
  fi
  # The post-MVP features rustc emits (SIMD included), named so that the second run reads
  # the module the first wrote whatever the target_features section says.
  features=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
    --enable-mutable-globals --enable-reference-types --enable-multivalue --enable-simd)
  step "wasm-opt -O1 ($("$opt" --version))"
  "$opt" "${features[@]}" -O1 "$out" -o "$out"
  step "order functions by similarity (tools/order-functions.mjs), wasm-opt --reorder-functions-by-name --strip-debug"
  node "$here/tools/order-functions.mjs" "$out" "$out"
  "$opt" "${features[@]}" --reorder-functions-by-name --strip-debug --strip-producers \
    --strip-target-features "$out" -o "$out"
fi

raw=$(wc -c < "$out")
gz=$(gzip -9 -c "$out" | wc -c)
step "pkg/intoto_verify_wasm_bg.wasm: $raw bytes, $gz bytes gzipped (-9)"

#!/usr/bin/env bash
# Builds the npm package's WebAssembly and JS glue into pkg/ (what `npm run build` runs).
#
# Installs what is missing first, so it works on a fresh machine with cargo (rustup) and
# node: the wasm32-unknown-unknown target, and wasm-bindgen-cli at exactly the version of
# the wasm-bindgen crate in Cargo.lock (the CLI refuses a module built with another one).
#
# The module is built for size (README "Size" has the measurements): cargo profile
# `wasm-release` = release with opt-level "z", fat LTO, one codegen unit, and sha2 at
# opt-level 3 (the Digester's throughput; it also came out smaller); wasm-bindgen drops
# the `name` and `producers` sections. The profile is given here with --config, so the
# workspace's own release profile (the CLI's) is untouched; if the workspace Cargo.toml
# declares [profile.wasm-release], these flags say the same thing.
#
#   ./build.sh                  the package's build
#   WASM_KEEP_NAMES=1 ./build.sh  keep the name section (Rust function names in stack
#                               traces and profiles; +~30% raw)
#   WASM_OPT=-O1 ./build.sh     also run binaryen's wasm-opt with that flag (from PATH or
#                               node_modules: `npm install --no-save binaryen`). Measured:
#                               -O1 saves ~1% gzipped, -Oz makes the gzipped module larger;
#                               not worth a 100 MB dependency, so it is not a default
#   CARGO_TARGET_DIR=...        respected (default: the workspace's target/)
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
step "cargo build --target wasm32-unknown-unknown -p intoto-verify-wasm --profile wasm-release (opt-level z, fat LTO)"
(cd "$repo" && cargo build --target wasm32-unknown-unknown -p intoto-verify-wasm "${profile[@]}")

wasm="$target_dir/wasm32-unknown-unknown/wasm-release/intoto_verify_wasm.wasm"
strip=(--remove-name-section --remove-producers-section)
[ -n "${WASM_KEEP_NAMES:-}" ] && strip=()
step "wasm-bindgen --target web ${strip[*]} --out-dir pkg"
rm -rf "$here/pkg"
wasm-bindgen --target web "${strip[@]}" --out-dir "$here/pkg" "$wasm"

opt=$(command -v wasm-opt || echo "$here/node_modules/.bin/wasm-opt")
if [ -n "${WASM_OPT:-}" ]; then
  flag=$WASM_OPT
  [ "$flag" = 1 ] && flag=-O1
  [ -x "$opt" ] || { echo "WASM_OPT is set but there is no wasm-opt (npm install --no-save binaryen)" >&2; exit 1; }
  step "wasm-opt $flag (binaryen)"
  # Bulk memory and the other post-MVP features current rustc emits by default.
  "$opt" "$flag" --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$here/pkg/intoto_verify_wasm_bg.wasm" -o "$here/pkg/intoto_verify_wasm_bg.wasm"
fi

raw=$(wc -c < "$here/pkg/intoto_verify_wasm_bg.wasm")
gz=$(gzip -9 -c "$here/pkg/intoto_verify_wasm_bg.wasm" | wc -c)
step "pkg/intoto_verify_wasm_bg.wasm: $raw bytes, $gz bytes gzipped (-9)"

#!/usr/bin/env bash
# Tests the npm install hook example from a clean clone. Needs node (>= 20.17), npm and
# cargo; reaches the npm registry only for bindings-node's `npm ci` (its devDependencies)
# and crates.io for cargo. The installs under test are --offline.
#
#   1. bindings-node: npm ci, npm run build (cargo build --release of the addon; honours
#      CARGO_TARGET_DIR, default: the workspace target/), npm pack -> a local tarball
#   2. node --test test/install.test.mjs: stages demo-verified-package with the demo chain
#      and the binding bundled, packs it untouched and tampered, and `npm install`s each
#      tarball into a fresh project
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

for tool in node npm cargo; do
  command -v "$tool" >/dev/null || { echo "test.sh: $tool is needed" >&2; exit 1; }
done
echo "node $(node --version), npm $(npm --version), $(cargo --version)"

work=$(mktemp -d "${TMPDIR:-/tmp}/npm-hook-test.XXXXXX")
trap 'rm -rf "$work"' EXIT

start=$SECONDS
echo "=== bindings-node: npm ci, npm run build, npm pack"
(
  cd "$repo/bindings-node"
  npm ci --prefer-offline --no-audit --no-fund
  npm run build
  npm pack --silent --pack-destination "$work" >/dev/null
)
binding=$(ls "$work"/intoto-verify-node-*.tgz)
echo "packed $(basename "$binding")"
built=$SECONDS

echo "=== node --test examples/npm-hook/test/install.test.mjs"
cd "$here"
BINDING_TARBALL="$binding" node --test --test-reporter=spec test/install.test.mjs
echo "examples/npm-hook: binding build + pack $((built - start))s, tests $((SECONDS - built))s"

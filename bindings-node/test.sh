#!/usr/bin/env bash
# Builds and tests the Node binding from a clean clone. Needs node (>= 20.17), npm and cargo;
# reaches the npm registry (npm ci) and crates.io (cargo) for dependencies.
#
#   npm ci                 the locked devDependencies (@napi-rs/cli, typescript)
#   npm run build          cargo build --release of the addon (honours CARGO_TARGET_DIR;
#                          default: the workspace's target/), index.js and index.d.ts
#   npm test               npm run check-types (rebuild; the generated index.d.ts/index.js
#                          must match the committed ones; tsc on test/types), then node:test
set -euo pipefail
cd "$(dirname "$0")"

for tool in node npm cargo; do
  command -v "$tool" >/dev/null || { echo "test.sh: $tool is needed" >&2; exit 1; }
done
echo "node $(node --version), npm $(npm --version), $(cargo --version)"

start=$SECONDS
npm ci --no-audit --no-fund
npm run build
built=$SECONDS
npm test
echo "bindings-node: install+build $((built - start))s, check+test $((SECONDS - built))s"

#!/usr/bin/env bash
# Builds and tests the Node binding from a clean clone. Needs node (>= 20.17), npm and cargo;
# reaches the npm registry (npm ci) and crates.io (cargo) for dependencies.
#
#   npm ci       the locked devDependencies (@napi-rs/cli, typescript)
#   npm test  =  npm run check-types:
#                  npm run build     cargo build --release of the addon (honours
#                                    CARGO_TARGET_DIR; default: the workspace's target/),
#                                    regenerating index.js and index.d.ts
#                  git diff --exit-code -- index.d.ts index.js   (no drift from the commit)
#                  tsc -p test/types (the declarations type-check as the README uses them)
#              then node --test test/*.test.mjs
#
# The build runs once, inside npm test: a separate `npm run build` first would make the
# second one recompile the crate (@napi-rs/cli forces the first build of a fresh type-def
# cache through an environment variable, and the next build sees that variable change).
set -euo pipefail
cd "$(dirname "$0")"

for tool in node npm cargo git; do
  command -v "$tool" >/dev/null || { echo "test.sh: $tool is needed" >&2; exit 1; }
done
echo "node $(node --version), npm $(npm --version), $(cargo --version)"

start=$SECONDS
npm ci --no-audit --no-fund
installed=$SECONDS
npm test
echo "bindings-node: npm ci $((installed - start))s, build + checks + tests $((SECONDS - installed))s"

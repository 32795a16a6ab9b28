#!/usr/bin/env bash
# Installs what the tests need and runs every test suite. Used by .ci/run.
#
#   ./scripts/test.sh            everything
#   SKIP_LINT=1 ./scripts/test.sh   without fmt/clippy
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
section() { printf '\n=== %s ===\n' "$*"; }

if [ -z "${SKIP_LINT:-}" ]; then
  section "rustfmt and clippy"
  cargo fmt --all -- --check
  cargo clippy --workspace --all-targets -- -D warnings
fi

section "Rust: core and CLI (unit, conformance, golden vectors, doc tests)"
cargo test --workspace

section "demo: ./scripts/demo.sh"
./scripts/demo.sh --format json > target/demo-report.json
grep -q '"verdict": "pass"' target/demo-report.json && echo "demo: verdict pass"

section "Python binding: wheel, stubtest, mypy, pytest"
./bindings-python/test.sh

section "WASM binding: package build, tsc, Node runner, Chromium runner"
./bindings-wasm/test.sh

section "Node binding: addon build, index.d.ts drift, tsc, node:test (and the same suite against the WASM package)"
./bindings-node/test.sh

section "examples: Python release tool, npm install hook (good and tampered packages)"
./examples/python/test.sh
./examples/npm-hook/test.sh

section "reference implementation (in-toto 3.1.0) for differential tests"
venv=$(./scripts/setup-reference.sh | tail -n 1)

section "differential: intoto-verify vs in-toto-verify 3.1.0 on generated chains"
"$venv/bin/python" tests/differential/differential.py --cases "${DIFF_CASES:-40}" --seed "${DIFF_SEED:-1}" \
  --ours "$repo/target/release/intoto-verify"

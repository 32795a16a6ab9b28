#!/usr/bin/env bash
# The main job on the shipped demo: verify examples/demo (layout, keys, links, and the
# `untar` inspection run for real) with intoto-verify, and print the report.
# Runs in a scratch copy so the repository stays clean. Extra arguments go to the CLI
# (for example: --format json, -v).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cargo build --quiet --release --manifest-path "$repo/Cargo.toml" -p intoto-verify-cli
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$repo/examples/demo/." "$work/"
cd "$work"
set -x
"$repo/target/release/intoto-verify" -l root.layout --verification-keys keys/owner.pub --link-dir links -v "$@"

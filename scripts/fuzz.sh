#!/usr/bin/env bash
# Coverage-guided fuzzing of every byte-taking entry point (cargo-fuzz, libFuzzer, nightly).
#
#   ./scripts/fuzz.sh                 every target for 600 s each
#   ./scripts/fuzz.sh 60 json dsse    the named targets for 60 s each
#
# Corpora start from the test vectors (tests/conformance, tests/regression,
# tests/vectors) and grow in fuzz/corpus/<target> (not committed). A crash lands in
# fuzz/artifacts/<target>/; turn each one into a regression test before fixing it.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(json metadata keys dsse pattern verify_layout)
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz
cd "$repo/fuzz"
for t in "${targets[@]}"; do
  corpus="corpus/$t"
  if [ ! -d "$corpus" ]; then
    mkdir -p "$corpus"
    set +o pipefail # `head` closes the pipe early on purpose
    case "$t" in
      keys) find "$repo/tests" -type f \( -name '*.pem' -o -name '*.pub' \) | head -200 | xargs -I{} cp {} "$corpus/" ;;
      pattern) printf '*.py\0src/a.py' > "$corpus/a"; printf '[!a-c]*?\0b/x' > "$corpus/b" ;;
      *) find "$repo/tests/conformance/cases" "$repo/tests/regression/cases" -type f \( -name '*.link' -o -name '*.layout' -o -name '*.json' \) \
           | head -400 | while read -r f; do cp "$f" "$corpus/$(sha256sum "$f" | cut -c1-16)"; done ;;
    esac
    set -o pipefail
  fi
  echo "=== fuzz $t for ${secs}s ==="
  cargo +nightly fuzz run "$t" "$corpus" -- -max_total_time="$secs" -rss_limit_mb=2048 -max_len=262144 2>&1 \
    | grep -E '^#[0-9]+.*(DONE|pulse)|Done|SUMMARY|ERROR|panicked' | tail -5
done

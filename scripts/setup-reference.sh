#!/usr/bin/env bash
# Create (once) a Python venv holding the reference implementation, in-toto 3.1.0.
#
#   scripts/setup-reference.sh            # venv at <repo>/target/refvenv
#   REF_VENV=/some/dir scripts/setup-reference.sh
#
# Idempotent: if "$VENV/bin/in-toto-verify" already exists nothing is done.
# Prints the venv path on stdout (progress goes to stderr), so callers can do
#   VENV=$(scripts/setup-reference.sh) && "$VENV/bin/in-toto-verify" --help
#
# Requirements: python3 with the venv module (Debian: apt-get install python3-venv)
# and network access to PyPI (or a configured pip index/mirror).
set -euo pipefail

REF_VERSION="3.1.0"
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$SCRIPT_DIR/.." && pwd)"
VENV="${REF_VENV:-$REPO/target/refvenv}"
PYTHON="${PYTHON:-python3}"

if [ -x "$VENV/bin/in-toto-verify" ]; then
    echo "$VENV"
    exit 0
fi

if ! command -v "$PYTHON" >/dev/null 2>&1; then
    echo "setup-reference: '$PYTHON' not found; install python3 (>= 3.8)" >&2
    exit 1
fi

# Only ever delete the venv dir on failure if this run created it.
CREATED=0
[ -e "$VENV" ] || CREATED=1
cleanup() { [ "$CREATED" = 1 ] && rm -rf "$VENV"; }

echo "setup-reference: creating venv at $VENV" >&2
mkdir -p "$(dirname "$VENV")"
if ! "$PYTHON" -m venv "$VENV" >&2; then
    # A failed 'python3 -m venv' (missing ensurepip on Debian) leaves a half-made dir.
    cleanup
    echo "setup-reference: 'python3 -m venv' failed; on Debian/Ubuntu run:" >&2
    echo "    apt-get install python3-venv" >&2
    exit 1
fi

echo "setup-reference: installing in-toto==$REF_VERSION" >&2
if ! "$VENV/bin/python" -m pip install --disable-pip-version-check --quiet \
        "in-toto==$REF_VERSION" >&2; then
    echo "setup-reference: pip install failed" >&2
    cleanup
    exit 1
fi

# Sanity check: the CLI exists and the package reports the pinned version.
"$VENV/bin/python" - "$REF_VERSION" >&2 <<'PY'
import sys, in_toto
if in_toto.__version__ != sys.argv[1]:
    sys.exit(f"setup-reference: got in-toto {in_toto.__version__}, want {sys.argv[1]}")
PY
test -x "$VENV/bin/in-toto-verify"

echo "$VENV"

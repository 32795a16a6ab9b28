#!/usr/bin/env bash
# Tests examples/python/verify_release.py with the Python binding's wheel. Needs python3
# (with venv), cargo and tar; pip reaches PyPI for maturin and pytest the first time.
#
# Uses the venv of bindings-python/test.sh, target/pyvenv: when the intoto_verify installed
# there is newer than every source it is built from (core/, bindings-python/, Cargo.lock),
# it is used as it is; otherwise (or with REBUILD=1) the release wheel is built with maturin,
# as bindings-python/test.sh builds it, and installed there. Honours CARGO_TARGET_DIR.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
venv="$repo/target/pyvenv"
py="$venv/bin/python"
wheels="${CARGO_TARGET_DIR:-$repo/target}/python-wheels"
export PYTHONDONTWRITEBYTECODE=1
start=$SECONDS

stale_because() {  # prints why target/pyvenv's intoto_verify cannot be reused; nothing if it can
  [ -n "${REBUILD:-}" ] && { echo "REBUILD is set"; return; }
  [ -x "$py" ] || { echo "no $venv"; return; }
  local native
  native=$("$py" -c 'import intoto_verify._native as n; print(n.__file__)' 2>/dev/null) \
    || { echo "intoto_verify is not installed in $venv"; return; }
  local newer
  newer=$(cd "$repo" && find Cargo.lock Cargo.toml core/Cargo.toml core/src bindings-python/Cargo.toml \
    bindings-python/pyproject.toml bindings-python/src bindings-python/python \
    -type f -newer "$native" -not -name '*.pyc' -print -quit)
  [ -z "$newer" ] || echo "$newer changed since it was installed"
}

why=$(stale_because)
if [ -n "$why" ]; then
  echo "=== build the wheel ($why)"
  [ -x "$py" ] || python3 -m venv "$venv"
  "$py" -m pip install -q --disable-pip-version-check "maturin>=1.5,<2" pytest
  rm -rf "$wheels"
  (cd "$repo/bindings-python" && "$venv/bin/maturin" build --release --interpreter "$py" -o "$wheels")
  "$py" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps "$wheels"/intoto_verify-*.whl
else
  echo "=== reuse $venv (its intoto_verify is newer than the sources; REBUILD=1 rebuilds)"
  "$py" -c 'import pytest' 2>/dev/null || "$py" -m pip install -q --disable-pip-version-check pytest
fi
"$py" -c 'import intoto_verify, sys; print("intoto_verify", intoto_verify.__version__, "on Python", sys.version.split()[0])'
built=$SECONDS

echo "=== pytest examples/python"
cd "$here"
"$py" -m pytest -p no:cacheprovider -q -rs test_verify_release.py
echo "examples/python: wheel $((built - start))s, tests $((SECONDS - built))s"

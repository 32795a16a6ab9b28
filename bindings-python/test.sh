#!/usr/bin/env bash
# Builds the Python wheel and runs the binding's checks and tests. Needs only python3
# (with venv) and cargo; everything else goes into a venv under target/.
#
#   bindings-python/test.sh                 build (maturin build --release), stubtest, mypy, pytest
#   PIP_INSTALL=1 bindings-python/test.sh   build and install with `pip install ./bindings-python`
#   SKIP_FRESH_VENV=1 ...                   skip installing the wheel into a fresh venv
#   EXTRA_PYTHONS="python3.9 python3.13" ...  also run pytest with the wheel on these
#
# Honours CARGO_TARGET_DIR. Tests compare `python -m intoto_verify` with the Rust binary
# when target/release/intoto-verify exists (cargo build --release -p intoto-verify-cli).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
venv="$repo/target/pyvenv"
wheels="${CARGO_TARGET_DIR:-$repo/target}/python-wheels"
export MYPY_CACHE_DIR="$repo/target/mypy-cache"
section() { printf '\n=== %s ===\n' "$*"; }
now() { date +%s; }
t0=$(now)

section "venv with maturin, pytest, mypy ($venv)"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
py="$venv/bin/python"
"$py" -m pip install -q --disable-pip-version-check "maturin>=1.5,<2" pytest mypy

section "build the wheel (release)"
tb=$(now)
if [ -n "${PIP_INSTALL:-}" ]; then
  "$py" -m pip install -q --disable-pip-version-check --force-reinstall "$here"
else
  rm -rf "$wheels"
  (cd "$here" && "$venv/bin/maturin" build --release --interpreter "$py" -o "$wheels")
  wheel=$(ls "$wheels"/intoto_verify-*.whl)
  "$py" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps "$wheel"
fi
echo "build + install: $(( $(now) - tb ))s"

if [ -z "${SKIP_FRESH_VENV:-}" ] && [ -z "${PIP_INSTALL:-}" ]; then
  section "the wheel in a fresh venv (no other packages)"
  fresh="$repo/target/pyvenv-fresh"
  rm -rf "$fresh"
  python3 -m venv "$fresh"
  "$fresh/bin/python" -m pip install -q --disable-pip-version-check "$wheel"
  (cd "$repo" && "$fresh/bin/python" -c 'import intoto_verify, sys; print("imported intoto_verify", intoto_verify.__version__, "on Python", sys.version.split()[0])')
  "$fresh/bin/python" -m intoto_verify --version
fi

# Run from bindings-python/tests so the source tree (python/) is not what gets imported.
cd "$here/tests"

section "stubtest: the .pyi and annotations against the built module"
"$py" -m mypy.stubtest intoto_verify --allowlist "$here/stubtest-allowlist.txt"

section "mypy --strict: the package and a typed usage example"
"$py" -m mypy --strict -p intoto_verify
"$py" -m mypy --strict typed_usage.py

section "pytest"
"$py" -m pytest -p no:cacheprovider -q -rs "$here/tests"

for other in ${EXTRA_PYTHONS:-}; do
  [ -n "${wheel:-}" ] || break
  section "pytest on $other (the same abi3 wheel)"
  ov="$repo/target/pyvenv-$(basename "$other")"
  rm -rf "$ov"
  "$other" -m venv "$ov"
  "$ov/bin/python" -m pip install -q --disable-pip-version-check "$wheel" pytest
  "$ov/bin/python" -m pytest -p no:cacheprovider -q "$here/tests"
done

echo "bindings-python/test.sh: $(( $(now) - t0 ))s"

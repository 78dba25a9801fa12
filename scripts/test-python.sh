#!/usr/bin/env bash
# Python: builds the callsign wheels with maturin (cp39-abi3 for CPython >= 3.9 and cp311-abi3, the
# faster build for >= 3.11), installs them into a fresh virtual environment (pip picks the best
# fit) and runs pytest (conformance vectors, pyotp cross-check, bad input, threads), the
# support-desk example's tests, `mypy --strict` over the typed examples, stubtest against the
# built module and a short benchmark smoke run; then pytest again against the cp39-abi3 wheel
# alone. Installs everything it needs from PyPI itself; quick when set up.
# Usage: scripts/test-python.sh            (PYTHON=python3.X to pick another interpreter)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
python=${PYTHON:-python3}
work=$root/target/python
build_venv=$work/build-venv
wheelhouse=$work/wheelhouse
wheels=$work/wheels
test_venv=$work/test-venv
pkg=$root/bindings/python
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 PIP_PROGRESS_BAR=off
mkdir -p "$work"

# Runs "$@" unless the stamp file $1 already holds the content of requirements file $2.
refresh_if_changed() {
  local stamp=$1 requirements=$2
  shift 2
  if ! cmp -s "$requirements" "$stamp"; then
    "$@"
    cp "$requirements" "$stamp"
  fi
}

install_build_tools() {
  rm -rf "$build_venv"
  "$python" -m venv "$build_venv"
  "$build_venv/bin/pip" install --quiet -r "$pkg/requirements-build.txt"
}

download_test_requirements() {
  rm -rf "$wheelhouse"
  "$build_venv/bin/pip" download --quiet --dest "$wheelhouse" -r "$pkg/requirements-test.txt"
}

echo "--- python: tools"
if ! "$python" -c "import venv, ensurepip" 2>/dev/null; then
  scripts/install-packages.sh python3-venv
fi
[ -x "$build_venv/bin/python" ] || rm -f "$work/build.stamp"
refresh_if_changed "$work/build.stamp" "$pkg/requirements-build.txt" install_build_tools
[ -d "$wheelhouse" ] || rm -f "$work/wheelhouse.stamp"
refresh_if_changed "$work/wheelhouse.stamp" "$pkg/requirements-test.txt" download_test_requirements

# The T0 cross-check (tests/test_independent.py) runs oathtool and fails without it.
scripts/install-packages.sh oathtool

echo "--- python: build wheels"
rm -rf "$wheels"
build_wheel() {
  "$build_venv/bin/maturin" build --quiet --release --locked \
    --manifest-path "$pkg/Cargo.toml" --interpreter "$build_venv/bin/python" --out "$wheels" "$@"
}
build_wheel
# The cp311-abi3 wheel only fits Python >= 3.11; older interpreters test the cp39-abi3 one alone.
if "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  build_wheel --no-default-features --features abi3-py311
fi

# A fresh virtual environment $1 with the test requirements and the best-fitting wheel of $2...
fresh_venv() {
  local venv=$1
  shift
  "$python" -m venv --clear "$venv"
  "$venv/bin/pip" install --quiet --no-index --find-links "$wheelhouse" \
    --find-links "$wheels" -r "$pkg/requirements-test.txt" "$@"
}

echo "--- python: fresh environment"
fresh_venv "$test_venv" --only-binary callsign-otp callsign-otp
tpy=$test_venv/bin/python
wheel_tag() {
  (cd / && "$1" -c 'import importlib.metadata as m
print(*[line.split(": ")[1] for line in m.distribution("callsign-otp").read_text("WHEEL").splitlines() if line.startswith("Tag:")])')
}
tag=$(wheel_tag "$tpy")
echo "installed wheel: $tag"
if "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' && [[ "$tag" != cp311-abi3-* ]]; then
  echo "expected pip to pick the cp311-abi3 wheel on Python >= 3.11, got $tag" >&2
  exit 1
fi

# The import name `callsign` must come from our distribution, callsign-otp, and nothing else.
(cd / && "$tpy" -c 'import importlib.metadata as m
owners = m.packages_distributions().get("callsign")
assert owners == ["callsign-otp"], f"the callsign module comes from {owners}"')
python3 scripts/check-package-names.py --self-test >/dev/null
python3 scripts/check-package-names.py

echo "--- python: pytest"
# Run from a scratch directory so that `import callsign` can only find the installed wheel.
scratch=$work/scratch
rm -rf "$scratch" && mkdir -p "$scratch"
desk=$root/examples/support-desk
(cd "$scratch" && "$tpy" -m pytest -q -p no:cacheprovider --rootdir "$pkg" "$pkg/tests")

echo "--- python: support-desk example"
(cd "$scratch" && "$tpy" -m pytest -q -p no:cacheprovider --rootdir "$desk" "$desk/tests")

echo "--- python: mypy --strict"
(cd "$scratch" && "$tpy" -m mypy --strict --no-incremental "$pkg/examples" "$pkg/tests" "$pkg/bench")
(cd "$desk" && "$tpy" -m mypy --strict --no-incremental support_desk.py tests)

echo "--- python: stubtest"
(cd "$scratch" && "$tpy" -m mypy.stubtest callsign --allowlist "$pkg/stubtest-allowlist.txt")

echo "--- python: benchmark smoke run (bindings/python/bench/bench.py --quick)"
(cd "$scratch" && "$tpy" "$pkg/bench/bench.py" --quick)

if [ -n "$(ls "$wheels"/callsign_otp-*-cp311-abi3-*.whl 2>/dev/null)" ]; then
  echo "--- python: pytest and stubtest against the cp39-abi3 wheel alone"
  cp39_venv=$work/test-venv-cp39
  fresh_venv "$cp39_venv" "$wheels"/callsign_otp-*-cp39-abi3-*.whl
  echo "installed wheel: $(wheel_tag "$cp39_venv/bin/python")"
  (cd "$scratch" && "$cp39_venv/bin/python" -m pytest -q -p no:cacheprovider --rootdir "$pkg" "$pkg/tests")
  (cd "$scratch" && "$cp39_venv/bin/python" -m mypy.stubtest callsign --allowlist "$pkg/stubtest-allowlist.txt")
fi

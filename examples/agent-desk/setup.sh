#!/usr/bin/env bash
# Sets up the agent desk for a local run: builds (or reuses) this repository's callsign wheel,
# a virtual environment in target/desk/venv with the desk's pinned dependencies and that wheel,
# and, in DESK_HOME (default target/desk/demo), the key files, the database with the sample
# customers and two users: agent "alice" and supervisor "sam", with passwords printed once.
# Then ./examples/agent-desk/serve.sh starts the desk. Usage: examples/agent-desk/setup.sh [--test]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$root/target/desk
venv=$work/venv
python=${PYTHON:-python3}
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 PIP_PROGRESS_BAR=off
mkdir -p "$work"

# The callsign wheel: rebuilt when core, ledger or binding sources are newer than it.
wheels=$root/target/python/wheels
wheel=$(ls "$wheels"/callsign_otp-*-cp39-abi3-*.whl 2>/dev/null | head -1 || true)
if [ -z "$wheel" ] || [ -n "$(find "$root/core/src" "$root/ledger/src" "$root/bindings/python/src" \
    "$root/bindings/python/python" "$root/Cargo.lock" -newer "$wheel" -type f 2>/dev/null | head -1)" ]; then
  echo "agent-desk: building the callsign wheel"
  build_venv=$work/build-venv
  [ -x "$build_venv/bin/maturin" ] || {
    "$python" -m venv "$build_venv"
    "$build_venv/bin/pip" install --quiet -r "$root/bindings/python/requirements-build.txt"
  }
  rm -f "$wheels"/callsign_otp-*-cp39-abi3-*.whl
  "$build_venv/bin/maturin" build --quiet --release --locked --manifest-path "$root/bindings/python/Cargo.toml" \
    --interpreter "$build_venv/bin/python" --out "$wheels"
  wheel=$(ls "$wheels"/callsign_otp-*-cp39-abi3-*.whl | head -1)
fi

requirements=$here/requirements.txt
[ "${1:-}" = "--test" ] && requirements=$here/requirements-test.txt
if [ ! -x "$venv/bin/python" ] || ! cmp -s "$requirements" "$work/venv.stamp"; then
  echo "agent-desk: virtual environment $venv"
  "$python" -m venv --clear "$venv"
  "$venv/bin/pip" install --quiet -r "$requirements"
  cp "$requirements" "$work/venv.stamp"
fi
# By path, never by name from an index.
"$venv/bin/pip" install --quiet --no-deps --force-reinstall "$wheel"

[ "${1:-}" = "--test" ] && exit 0
export DESK_HOME=${DESK_HOME:-$work/demo}
cd "$here"
"$venv/bin/python" -m agent_desk init
"$venv/bin/python" -m agent_desk seed
for user in alice:agent sam:supervisor; do
  password=$("$venv/bin/python" -c 'import secrets; print(secrets.token_urlsafe(12))')
  echo "$password" | "$venv/bin/python" -m agent_desk create-user "${user%%:*}" --role "${user##*:}" >/dev/null
  echo "user ${user%%:*} (${user##*:}): password $password"
done

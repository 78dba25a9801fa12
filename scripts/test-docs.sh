#!/usr/bin/env bash
# Docs that run: every fenced code block of every README (README.md, the bindings' and the
# examples' READMEs) is extracted and run by scripts/docs-run.py: Rust blocks as doctests of
# readme-tests, Python blocks against the built wheel, C blocks compiled against the installed
# library, shell blocks with the built `callsign` binary on PATH. Prints per file how many
# blocks ran. Needs the Python test environment of scripts/test-python.sh (built when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
target_dir=$(cargo metadata --format-version 1 --no-deps --locked |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')

echo "--- docs: the callsign binary (debug) for shell blocks"
cargo build --locked -p callsign-cli

echo "--- docs: the C library installed for C blocks"
prefix=$target_dir/docs-c-prefix
bash bindings/c/install.sh "$prefix" debug

echo "--- docs: the Python wheel for Python blocks"
venv=$target_dir/python/test-venv
if ! (cd / && "$venv/bin/python" -c 'import callsign') 2>/dev/null; then
  bash scripts/test-python.sh
fi

export DOCS_PYTHON=$venv/bin/python DOCS_C_PREFIX=$prefix DOCS_BIN_DIR=$target_dir/debug
python3 scripts/docs-run.py --self-test
python3 scripts/check-package-names.py
python3 scripts/docs-run.py "$@"

#!/usr/bin/env bash
# The agent desk (examples/agent-desk): its Selenium suite in the distribution's headless Chromium
# against the desk served by uvicorn, once on SQLite and once on a throw-away PostgreSQL cluster
# (scripts/postgres-cluster.sh, stopped on every exit path). Installs chromium and
# chromium-driver from the distribution when missing (no browser download), builds or reuses the
# callsign wheel and the desk's virtual environment (examples/agent-desk/setup.sh --test).
# Then `mypy --strict` over the app and its tests. Screenshots and server logs go to
# target/desk/artifacts.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  scripts/install-packages.sh chromium chromium-driver
fi
echo "--- desk: wheel and virtual environment"
bash examples/agent-desk/setup.sh --test
source scripts/postgres-cluster.sh
psql_admin -c "CREATE DATABASE desk"
artifacts=$root/target/desk/artifacts
rm -rf "$artifacts"
echo "--- desk: browser suite (SQLite, PostgreSQL)"
(cd examples/agent-desk && DESK_TEST_POSTGRES="$url/desk" DESK_TEST_ARTIFACTS="$artifacts" \
  "$root/target/desk/venv/bin/python" -m pytest -q -p no:cacheprovider tests)
echo "--- desk: mypy --strict"
(cd examples/agent-desk && "$root/target/desk/venv/bin/python" -m mypy --strict --no-incremental agent_desk tests)
echo "test-desk: ok (screenshots in $artifacts)"

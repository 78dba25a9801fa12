#!/usr/bin/env bash
# Starts the agent desk set up by setup.sh on http://127.0.0.1:8000 (DESK_PORT to change it).
# Plain HTTP on the loopback address; behind TLS in production (see README.md).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$here/../../target/desk
export DESK_HOME=${DESK_HOME:-$work/demo}
cd "$here"
exec "$work/venv/bin/python" -m agent_desk serve --port "${DESK_PORT:-8000}"

#!/usr/bin/env bash
# Fuzz smoke for scripts/test-all: installs cargo-fuzz if needed, builds every target once and
# runs each for about 20 s; any crash fails. Longer runs: scripts/fuzz-long.sh.
set -euo pipefail
exec bash "$(dirname "$0")/fuzz-long.sh" -max_total_time=20 "$@"

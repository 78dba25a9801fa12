#!/usr/bin/env bash
# CLI: installs oathtool (the cross-check's reference), runs the callsign-cli tests, and times
# the main job, ./scripts/demo, which must finish in under 5 s once built.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-packages.sh oathtool

# --include-ignored: the oathtool cross-check is ignored in the plain workspace run, which
# comes before this script installs oathtool.
cargo test -p callsign-cli --locked -- --include-ignored

# Build first so that the timing below measures the demo, not the compiler.
cargo build --release --locked -p callsign-cli --quiet
start_ns=$(date +%s%N)
./scripts/demo
elapsed_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
echo "demo: finished in ${elapsed_ms} ms"
if [ "$elapsed_ms" -ge 5000 ]; then
  echo "demo: too slow (limit 5000 ms)" >&2
  exit 1
fi

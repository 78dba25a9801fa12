#!/usr/bin/env bash
# Rust: every workspace test on both HMAC backends, formatting and clippy.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo fmt --all --check
python3 scripts/check-deps.py   # licences and duplicate crypto crates (no advisory DB offline)
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked
cargo test -p callsign --locked --features ring
cargo test -p callsign --locked --release   # optimised code once: a miscompile showed up only here

#!/usr/bin/env bash
# Rust: every workspace test on both HMAC backends, formatting and clippy.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked
cargo test -p callsign --locked --features ring
cargo test -p callsign --locked --release   # optimised code once: a miscompile showed up only here

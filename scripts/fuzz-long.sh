#!/usr/bin/env bash
# Runs the cargo-fuzz targets in fuzz/ for a bounded number of executions (or time) and reports
# the execution count of each; fails on the first crash, leak, timeout or out-of-memory.
#
# Usage: scripts/fuzz-long.sh [TARGET ...] [LIBFUZZER_FLAG ...]
#   No TARGET: every target (`cargo fuzz list`). Flags start with '-' and go to libFuzzer.
#   Default bound: -runs=10000000 unless -runs= or -max_total_time= is given.
#   Example: scripts/fuzz-long.sh entry_verify backend_differential -runs=10000000
#
# Installs cargo-fuzz from crates.io if missing, builds every target once (AddressSanitizer;
# RUSTC_BOOTSTRAP=1 lets stable Rust take the -Z flags), then runs each target from its
# corpus fuzz/corpus/TARGET (committed seed-* files plus what earlier runs found) with its
# dictionary fuzz/dict/TARGET.dict if there is one. Logs: fuzz/target/fuzz-logs/RUN/TARGET.log,
# RUN being the start time and process id, so that concurrent runs keep their own logs; a
# crashing input lands in fuzz/artifacts/TARGET/.
#
# FUZZ_SANITIZER=none builds without AddressSanitizer (into fuzz/target/sanitizer-none, so the
# default build stays) for two to three times the executions per second; debug assertions and
# overflow checks stay on. The core crate forbids unsafe code, so long runs may use it.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

targets=()
flags=()
for arg in "$@"; do
  case "$arg" in
    -*) flags+=("$arg") ;;
    *) targets+=("$arg") ;;
  esac
done
bounded=false
for flag in "${flags[@]}"; do
  case "$flag" in -runs=* | -max_total_time=*) bounded=true ;; esac
done
$bounded || flags+=(-runs=10000000)
# Inputs up to 1 KiB cover every branch of these parsers; longer ones only slow the search.
# A single input running 30 s is reported as a hang. Both can be overridden on the command line.
flags=(-max_len=1024 -timeout=30 -print_final_stats=1 "${flags[@]}")

if ! command -v cargo-fuzz >/dev/null 2>&1; then
  cargo install cargo-fuzz --version '~0.13' --locked
fi
export RUSTC_BOOTSTRAP=1
sanitizer=${FUZZ_SANITIZER:-address}
build_options=(--sanitizer "$sanitizer")
if [ "$sanitizer" != address ]; then
  build_options+=(--target-dir "target/sanitizer-$sanitizer")
fi
if [ ${#targets[@]} -eq 0 ]; then
  # Not `mapfile < <(cargo fuzz list)`: a failing list would be an empty one, and exit 0.
  listed=$(cargo fuzz list)
  mapfile -t targets <<<"$listed"
  [ -n "$listed" ] || targets=()
fi
if [ ${#targets[@]} -eq 0 ]; then
  echo "fuzz: no targets to run (cargo fuzz list is empty)" >&2
  exit 1
fi
cargo fuzz build "${build_options[@]}"

logs=target/fuzz-logs/$(date -u +%Y%m%dT%H%M%SZ)-$$
mkdir -p "$logs"
declare -a summary=()
for target in "${targets[@]}"; do
  log="$logs/$target.log"
  dictionary=()
  [ -f "dict/$target.dict" ] && dictionary=("-dict=dict/$target.dict")
  echo "=== fuzz: $target (sanitizer $sanitizer) ${flags[*]} ==="
  start=$SECONDS
  if ! cargo fuzz run "${build_options[@]}" "$target" -- "${dictionary[@]}" "${flags[@]}" >"$log" 2>&1; then
    tail -n 80 "$log"
    echo "fuzz: $target FAILED after $((SECONDS - start)) s; full log in fuzz/$log" >&2
    exit 1
  fi
  done_line=$(grep -E '^Done [0-9]+ runs in' "$log" | tail -n 1)
  rate=$(grep -E '^stat::average_exec_per_sec' "$log" | tail -n 1 | awk '{print $2}')
  summary+=("$target: $done_line ($rate exec/s, $((SECONDS - start)) s wall)")
  echo "${summary[-1]}"
done
echo "=== fuzz summary ==="
printf '%s\n' "${summary[@]}"

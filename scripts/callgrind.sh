#!/usr/bin/env bash
# Instruction counts of the hot paths under callgrind: the physical limit (bare SHA-256 and
# SHA-1 compressions), profile codes, verification, issuance, the C API and the Python package
# (with pyotp beside it). Counts are the same on a loaded or a quiet machine, unlike wall-clock
# time: the number to watch. Each case runs twice, with FEW and with FEW + CALLS iterations;
# the difference divided by CALLS is one call's cost, setup and process start cancelled out.
#
# Usage: scripts/callgrind.sh [CALLS]        (default 2000; PYTHON=... names an interpreter
# with the callsign wheel and pyotp installed, default target/python/test-venv/bin/python,
# which scripts/test-python.sh builds; without one the Python rows are left out)
#
# Note: valgrind's virtual CPU has no SHA extensions, so under callgrind the sha1/sha2 crates
# run their portable code: a compression counts far more instructions (about 3,400 for SHA-256)
# than on a CPU with SHA-NI, and ratios that include compressions understate the overhead in
# time. The column "instructions beyond them" (the call minus the compressions it cannot do
# without, counted by the bare rows) is the overhead to watch.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
target_dir=${CARGO_TARGET_DIR:-$root/target}
case $target_dir in /*) ;; *) target_dir=$root/$target_dir ;; esac
calls=${1:-2000}
few=10
python=${PYTHON:-$target_dir/python/test-venv/bin/python}
# Python's string hashing is randomised per process; fixed, its dict lookups count the same.
export PYTHONHASHSEED=0
command -v valgrind >/dev/null || { echo "callgrind.sh: valgrind is not installed" >&2; exit 1; }

cargo build --quiet --release --locked -p callsign-bench --example callgrind
cargo build --quiet --release --locked -p callsign-c
rust_runner=$target_dir/release/examples/callgrind
c_runner=$target_dir/release/callsign-callgrind
gcc -std=c11 -O2 -Wall -Wextra -Wpedantic -Werror -I bindings/c/include \
  -o "$c_runner" bindings/c/tests/callgrind.c "$target_dir/release/libcallsign_c.a" \
  -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc

# Instructions executed by "$@" (the whole process).
instructions() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}

# Instructions per call of case $1 of the runner "${@:2}" (which takes CASE ITERATIONS).
declare -A per_call
measure() {
  local case=$1
  shift
  local base more
  base=$(instructions "$@" "$case" "$few")
  more=$(instructions "$@" "$case" "$((few + calls))")
  if [ -z "$base" ] || [ -z "$more" ] || [ "$more" -le "$base" ]; then
    echo "callgrind.sh: no count for $case (${*})" >&2
    exit 1
  fi
  per_call[$case]=$(((more - base) / calls))
}

rows=()
while IFS=$'\t' read -r case floor what; do
  measure "$case" "$rust_runner"
  rows+=("$case"$'\t'"$floor"$'\t'"$what")
done < <("$rust_runner" list)
for case in c_key_code_at c_totp; do
  measure "$case" "$c_runner"
done
rows+=("c_key_code_at"$'\t'"2*sha1"$'\t'"C API callsign_totp_key_code_at (prepared SHA-1 key)")
rows+=("c_totp"$'\t'"4*sha1"$'\t'"C API callsign_totp (one-shot SHA-1)")
python_cases=bindings/python/bench/callgrind_cases.py
have_python=0
if [ -x "$python" ] && "$python" -c 'import callsign, pyotp' 2>/dev/null; then
  have_python=1
  while IFS=$'\t' read -r case floor what; do
    measure "$case" "$python" "$python_cases"
    rows+=("$case"$'\t'"$floor"$'\t'"$what")
  done < <("$python" "$python_cases" list)
fi

ratio() { awk -v a="${per_call[$1]}" -v b="${per_call[$2]}" 'BEGIN { printf "%.2f", a / b }'; }
# Instructions of the compressions "N*sha256" / "N*sha1" (from the bare rows), or nothing.
floor_instructions() {
  case $1 in
    *'*sha256') echo $((${1%%\**} * per_call[sha256_x2] / 2)) ;;
    *'*sha1') echo $((${1%%\**} * per_call[sha1_x4] / 4)) ;;
  esac
}

echo "callgrind instruction counts, $calls calls per case ($(valgrind --version), rustc $(rustc --version | cut -d' ' -f2))"
echo
echo "| case | what | instructions per call | compressions it needs | instructions beyond them |"
echo "| --- | --- | ---: | --- | ---: |"
for row in "${rows[@]}"; do
  IFS=$'\t' read -r case floor what <<<"$row"
  floor_count=$(floor_instructions "$floor")
  beyond=${floor_count:+$((per_call[$case] - floor_count))}
  echo "| \`$case\` | $what | ${per_call[$case]} | ${floor/-/other SHA code} | ${beyond:--} |"
done
echo
echo "| ratio of instruction counts | this run | target (issue 18, in time) |"
echo "| --- | ---: | --- |"
echo "| profile code / two SHA-256 compressions | $(ratio profile_code sha256_x2)x | <= 1.3 |"
echo "| issue cached / profile code | $(ratio issue_cached profile_code)x | <= 1.1 |"
echo "| issue through an account handle / profile code | $(ratio issue_account profile_code)x | |"
echo "| issue with a rate limit / profile code | $(ratio issue_rate_limited profile_code)x | <= 1.25 |"
echo "| one-shot SHA-1 code / four SHA-1 compressions | $(ratio sha1_oneshot sha1_x4)x | |"
echo "| totp-rs check / verify +-1, valid | $(ratio totp_rs_check_valid verify_valid)x | >= 1.5 |"
echo "| totp-rs check / verify +-1, invalid | $(ratio totp_rs_check_invalid verify_invalid)x | >= 1.5 |"
echo "| C callsign_totp_key_code_at / core prepared SHA-1 code | $(ratio c_key_code_at sha1_code)x | |"
echo "| C callsign_totp / core one-shot SHA-1 code | $(ratio c_totp sha1_oneshot)x | |"
if [ "$have_python" = 1 ]; then
  echo "| Python TOTP.at() / core prepared SHA-1 code | $(ratio py_TOTP_at sha1_code)x | <= 1.4 |"
  echo "| Python totp() / core one-shot SHA-1 code | $(ratio py_totp sha1_oneshot)x | |"
  echo "| pyotp TOTP(s).at(t) / Python totp() | $(ratio pyotp_totp py_totp)x | >= 30 |"
  echo "| pyotp prepared .at(t) / Python TOTP.at() | $(ratio pyotp_TOTP_at py_TOTP_at)x | >= 30 |"
else
  echo
  echo "(no Python rows: $python cannot import callsign and pyotp; run scripts/test-python.sh or set PYTHON)"
fi

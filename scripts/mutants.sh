#!/usr/bin/env bash
# Mutation testing of core (crate `callsign`) with cargo-mutants: plants one small bug at a
# time and runs core's tests against it; a mutant no test notices is "missed".
#
# Usage: scripts/mutants.sh [full | in-diff [BASE] | shard K/N | file PATH...] [-- ARGS...]
#   full            every mutant of core (hours on 2 cores; start it in the background)
#   in-diff [BASE]  only mutants in lines this branch changed under core/src since its merge
#                   base with BASE (default: $MUTANTS_BASE, else main); what CI runs
#   shard K/N       the K-th of N slices of all mutants
#   file PATH...    only mutants in these files
# ARGS after `--` go to cargo-mutants. Environment: MUTANTS_TIMEOUT (per-mutant test timeout,
# seconds, default 180), MUTANTS_JOBS (parallel builds, default 1; not with --in-place), MUTANTS_OUT (default target/mutants).
# Exit status is cargo-mutants': 0 every mutant caught, 2 some missed, 3 some timed out,
# 4 the unmutated tree failed. Missed mutants are listed in MUTANTS_OUT/mutants.out/missed.txt;
# each must be killed by a test or listed with its reason in docs/mutants.md.
# Equivalent mutants (no behaviour to test) are excluded in .cargo/mutants.toml. Mutants are
# built with the `mutants` profile (Cargo.toml: no debug info, opt-level 1).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo-mutants >/dev/null 2>&1; then
  cargo install cargo-mutants --version '~27.1' --locked
fi
mode=${1:-full}
[ $# -gt 0 ] && shift
selection=()
case "$mode" in
  full) ;;
  in-diff)
    base=${MUTANTS_BASE:-main}
    if [ $# -gt 0 ] && [ "$1" != -- ]; then base=$1; shift; fi
    merge_base=$(git merge-base HEAD "$base")
    out=${MUTANTS_OUT:-target/mutants}
    mkdir -p "$out"
    git diff "$merge_base" -- core/src >"$out/in.diff"
    if [ ! -s "$out/in.diff" ]; then
      echo "mutants: no change under core/src since $base ($merge_base); nothing to test"
      exit 0
    fi
    selection=(--in-diff "$out/in.diff")
    ;;
  shard) selection=(--shard "$1"); shift ;;
  file)
    while [ $# -gt 0 ] && [ "$1" != -- ]; do selection+=(--file "$1"); shift; done
    ;;
  *) echo "usage: $0 [full | in-diff [BASE] | shard K/N | file PATH...] [-- ARGS...]" >&2; exit 2 ;;
esac
[ "${1:-}" = -- ] && shift
[ -n "${MUTANTS_JOBS:-}" ] && selection+=(--jobs "$MUTANTS_JOBS")
exec cargo mutants --package callsign --profile mutants --no-shuffle --timeout "${MUTANTS_TIMEOUT:-180}" \
  --output "${MUTANTS_OUT:-target/mutants}" "${selection[@]}" "$@"

#!/usr/bin/env bash
# Mutation testing for CI (scripts/test-all mutants): cargo-mutants on the core lines this
# change touches (in-diff against the merge base with MUTANTS_BASE, else origin/main, else
# main), capped at MUTANTS_MAX mutants (default 15) so that the run fits a few minutes: a
# larger diff is split into shards and the commit picks one. Without a base branch (a fresh
# clone of main alone) it tests one shard of 1/80 of all core mutants. Fails on a missed
# mutant; a full run is `scripts/mutants.sh full` (docs/mutants.md).
set -euo pipefail
cd "$(dirname "$0")/.."
max=${MUTANTS_MAX:-15}
base=""
for candidate in "${MUTANTS_BASE:-}" origin/main main; do
  if [ -n "$candidate" ] && git rev-parse --verify -q "$candidate^{commit}" >/dev/null; then
    base=$candidate
    break
  fi
done
if ! command -v cargo-mutants >/dev/null 2>&1; then
  cargo install cargo-mutants --version '~27.1' --locked
fi
out=${MUTANTS_OUT:-target/mutants-ci}
mkdir -p "$out"
# A number from the commit, to pick a shard reproducibly.
pick=$((16#$(git rev-parse --short=7 HEAD)))
if [ -z "$base" ]; then
  echo "mutants: no base branch; testing shard $((pick % 80))/80 of all core mutants"
  MUTANTS_OUT=$out exec scripts/mutants.sh shard "$((pick % 80))/80"
fi
merge_base=$(git merge-base HEAD "$base")
git diff "$merge_base" -- core/src >"$out/in.diff"
if [ ! -s "$out/in.diff" ]; then
  echo "mutants: no change under core/src since $base; nothing to test"
  exit 0
fi
count=$(cargo mutants --package callsign --in-diff "$out/in.diff" --list | wc -l)
shards=$(((count + max - 1) / max))
[ "$shards" -ge 1 ] || shards=1
echo "mutants: $count mutants in the lines changed since $base ($merge_base)"
if [ "$shards" -gt 1 ]; then
  shard=$((pick % shards))
  echo "mutants: more than $max; testing shard $shard/$shards (scripts/mutants.sh in-diff runs all)"
  MUTANTS_OUT=$out exec scripts/mutants.sh in-diff "$base" -- --shard "$shard/$shards"
fi
MUTANTS_OUT=$out exec scripts/mutants.sh in-diff "$base"

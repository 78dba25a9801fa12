#!/usr/bin/env bash
# Ledger: the contract suite against the in-memory, SQLite and PostgreSQL ledgers, and the
# multi-process tests (one agent's limit across processes, revocation across issuers, the
# server killed and restarted under load, the limit across restarts). Installs PostgreSQL 15
# from the distribution when missing and runs its own throw-away cluster on a free loopback
# port (no system service); the server is stopped on every exit path.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never

cargo build -p callsign-ledger --bins --tests --locked -q
source scripts/postgres-cluster.sh
for db in contract schema chain processes faults; do psql_admin -c "CREATE DATABASE $db"; done

echo "--- contract suite: memory, SQLite (always) and PostgreSQL"
CALLSIGN_TEST_POSTGRES="$url/contract" CALLSIGN_TEST_POSTGRES_SCHEMA="$url/schema" \
  CALLSIGN_TEST_POSTGRES_CHAIN="$url/chain" \
  cargo test -p callsign-ledger --locked -q --test contract -- --include-ignored
echo "--- multi-process tests: PostgreSQL and SQLite"
CALLSIGN_TEST_POSTGRES="$url/processes" CALLSIGN_TEST_POSTGRES_FAULTS="$url/faults" \
  CALLSIGN_TEST_KILL_RESTART="kill_and_restart" \
  cargo test -p callsign-ledger --locked -q --test processes -- --include-ignored --test-threads 1
echo "test-ledger: ok"

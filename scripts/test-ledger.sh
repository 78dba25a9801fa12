#!/usr/bin/env bash
# Ledger: the contract suite against the in-memory, SQLite and PostgreSQL ledgers, and the
# multi-process tests (one agent's limit across processes, revocation across issuers, the
# server killed and restarted under load, the limit across restarts). Installs PostgreSQL 15
# from the distribution when missing and runs its own throw-away cluster on a free loopback
# port (no system service); the server is stopped on every exit path.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never

pg_bin=/usr/lib/postgresql/15/bin
if [ ! -x "$pg_bin/initdb" ]; then
  echo "test-ledger: installing PostgreSQL 15"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null
fi

cargo build -p callsign-ledger --bins --tests --locked -q

work=$(mktemp -d /tmp/callsign-ledger-pg.XXXXXX)
data="$work/data"
as_postgres() { runuser -u postgres -- "$@"; }
stop_server() {
  local status=$?
  if [ "$status" -ne 0 ] && [ -f "$work/server.log" ]; then
    echo "test-ledger: failed; the end of the server log:" >&2
    tail -40 "$work/server.log" >&2
  fi
  if [ -f "$data/postmaster.pid" ]; then
    as_postgres "$pg_bin/pg_ctl" -D "$data" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap stop_server EXIT INT TERM

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
chown postgres "$work"
as_postgres "$pg_bin/initdb" -D "$data" -A trust -U postgres >/dev/null
start_server() {
  as_postgres "$pg_bin/pg_ctl" -D "$data" -l "$work/server.log" \
    -o "-p $port -k $work -c listen_addresses=127.0.0.1 -c fsync=on -c recovery_init_sync_method=syncfs" -w start >/dev/null
}
start_server
psql_admin() { psql -h 127.0.0.1 -p "$port" -U postgres -v ON_ERROR_STOP=1 -q "$@"; }
for db in contract processes faults; do psql_admin -c "CREATE DATABASE $db"; done
url="postgres://postgres@127.0.0.1:$port"

# Restarts the server the hard way: SIGKILL of the postmaster (and, with it gone, its
# backends), then a normal start with crash recovery.
kill_and_restart() {
  local pid children
  pid=$(head -1 "$data/postmaster.pid")
  children=$(ps -o pid= --ppid "$pid" || true)
  kill -9 "$pid" $children 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
  sleep 0.3
  rm -f "$data/postmaster.pid"
  start_server
  echo "test-ledger: server restarted at $(date +%T.%N)" >&2
}
export -f kill_and_restart start_server as_postgres
export pg_bin data work port

if [ -z "${CALLSIGN_LEDGER_ONLY_FAULTS:-}" ]; then
echo "--- contract suite: memory, SQLite (always) and PostgreSQL"
CALLSIGN_TEST_POSTGRES="$url/contract" \
  cargo test -p callsign-ledger --locked -q --test contract -- --include-ignored
fi
echo "--- multi-process tests: PostgreSQL and SQLite"
CALLSIGN_TEST_POSTGRES="$url/processes" CALLSIGN_TEST_POSTGRES_FAULTS="$url/faults" \
  CALLSIGN_TEST_KILL_RESTART="kill_and_restart" \
  cargo test -p callsign-ledger --locked -q --test processes -- --include-ignored --test-threads 1
echo "test-ledger: ok"

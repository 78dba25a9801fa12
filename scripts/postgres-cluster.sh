# Sourced by scripts/test-ledger.sh and scripts/bench-ledger.sh: a throw-away PostgreSQL 15
# cluster (installed from the distribution when missing) in a temporary directory, on a free
# port of 127.0.0.1, no system service. Sets $url (postgres://postgres@127.0.0.1:PORT, trust
# auth) and stops the server on every exit path. Defines psql_admin and kill_and_restart.

pg_bin=/usr/lib/postgresql/15/bin
if [ ! -x "$pg_bin/initdb" ]; then
  bash "$(dirname "${BASH_SOURCE[0]}")/install-packages.sh" postgresql-15
fi

work=$(mktemp -d /tmp/callsign-ledger-pg.XXXXXX)
data="$work/data"
as_postgres() { runuser -u postgres -- "$@"; }
stop_server() {
  local status=$?
  if [ "$status" -ne 0 ] && [ -f "$work/server.log" ]; then
    echo "postgres-cluster: failed; the end of the server log:" >&2
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
url="postgres://postgres@127.0.0.1:$port"

# Restarts the server the hard way: SIGKILL of the postmaster and its backends, then a normal
# start with crash recovery.
kill_and_restart() {
  local pid children
  pid=$(head -1 "$data/postmaster.pid")
  children=$(ps -o pid= --ppid "$pid" || true)
  kill -9 "$pid" $children 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
  sleep 0.3
  rm -f "$data/postmaster.pid"
  start_server
  echo "postgres-cluster: server restarted at $(date +%T.%N)" >&2
}
export -f kill_and_restart start_server as_postgres
export pg_bin data work port

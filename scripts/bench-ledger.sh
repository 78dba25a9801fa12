#!/usr/bin/env bash
# Ledger benchmark: issuances per second and p50/p99 latency with 1, 8 and 32 concurrent
# issuers for the in-memory, SQLite and PostgreSQL ledgers, then pgbench running the ledger's
# own issuance statements and pipelining (BEGIN with the lock; account, count and chain head
# in one statement; INSERT with COMMIT) at the same concurrency as the ceiling. Starts its own PostgreSQL cluster like scripts/test-ledger.sh.
# Usage: scripts/bench-ledger.sh [SECONDS per measurement, default 5]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
cargo build -p callsign-ledger --release --bins --locked -q
source scripts/postgres-cluster.sh
psql_admin -c "CREATE DATABASE bench"
sqlite="$work/bench.db"

echo "--- callsign ledgers ($seconds s per row)"
target/release/callsign-ledger-bench "$seconds" "$sqlite" "$url/bench"

echo "--- pgbench: the PostgreSQL ledger's issuance transaction ($seconds s per row)"
# Exactly what PostgresLedger sends for one issuance of one account under a rate limit, with
# the same pipelining: BEGIN with the agent's lock; one statement for the account, the count in
# the window and the agent's chain head; the audit row's INSERT with COMMIT.
cat > "$work/issue.sql" <<'SQL'
\set agent random(1, 1000000)
\startpipeline
BEGIN;
SELECT pg_advisory_xact_lock(hashtextextended('agent:' || 'pgbench-' || :agent, 0));
\endpipeline
SELECT a.epoch, a.revoked, CASE WHEN true THEN (SELECT count(*) FROM callsign_audit WHERE agent_id = 'pgbench-' || :agent AND outcome = 'issued' AND time > 1699996400) END, (SELECT chain FROM callsign_audit WHERE agent_id = 'pgbench-' || :agent ORDER BY id DESC LIMIT 1) FROM (SELECT 1) AS one LEFT JOIN callsign_accounts AS a ON a.account_id = 'acct-' || :agent;
\startpipeline
INSERT INTO callsign_audit (time, outcome, account_id, agent_id, ticket, step, epoch, chain) SELECT * FROM unnest(ARRAY[1700000000]::bigint[], ARRAY['issued']::text[], ARRAY['acct-' || :agent]::text[], ARRAY['pgbench-' || :agent]::text[], ARRAY['bench']::text[], ARRAY[56666666]::bigint[], ARRAY[0]::bigint[], ARRAY[sha256(:agent::text::bytea)]::bytea[]);
COMMIT;
\endpipeline
SQL
printf 'clients\ttps\tlatency avg ms\n'
for clients in 1 8 32; do
  out=$(pgbench -h 127.0.0.1 -p "$port" -U postgres -n -M prepared -f "$work/issue.sql" \
    -c "$clients" -j "$clients" -T "$seconds" bench 2>/dev/null)
  tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' <<<"$out")
  latency=$(sed -n 's/^latency average = \([0-9.]*\) ms/\1/p' <<<"$out")
  printf '%s\t%s\t%s\n' "$clients" "$tps" "$latency"
done

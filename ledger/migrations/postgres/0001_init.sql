-- callsign ledger, PostgreSQL schema version 1. PostgresLedger::connect applies every
-- migration whose version is not yet in callsign_schema, each in one transaction under an
-- advisory lock, so that issuers starting together apply it once.

CREATE TABLE callsign_accounts (
    account_id text   PRIMARY KEY,
    epoch      bigint NOT NULL CHECK (epoch BETWEEN 0 AND 4294967295),
    revoked    boolean NOT NULL
);

-- The audit trail, which is also the rate-limit log. Partitioned by month on `time` (unix
-- seconds): retention drops old partitions, never DELETEs rows. The default partition takes
-- rows for months that have no partition yet.
CREATE TABLE callsign_audit (
    id         bigint GENERATED ALWAYS AS IDENTITY,
    time       bigint NOT NULL CHECK (time >= 0),
    outcome    text   NOT NULL,
    account_id text   NOT NULL,
    agent_id   text   NOT NULL,
    ticket     text   NOT NULL,
    step       bigint NOT NULL CHECK (step >= 0),
    epoch      bigint NOT NULL CHECK (epoch BETWEEN 0 AND 4294967295),
    -- The per-agent hash chain of the audit trail (filled once core computes it).
    chain      bytea,
    PRIMARY KEY (id, time)
) PARTITION BY RANGE (time);

CREATE TABLE callsign_audit_default PARTITION OF callsign_audit DEFAULT;

-- The rate-limit count: one index range per agent and partition, O(log n) to find.
CREATE INDEX callsign_audit_issued ON callsign_audit (agent_id, time) WHERE outcome = 'issued';
CREATE INDEX callsign_audit_account ON callsign_audit (account_id, time);

-- Creates the partition of the month that holds unix time `at` (idempotent).
-- SECURITY DEFINER: the issuers' role may add partitions without owning the table.
CREATE FUNCTION callsign_audit_partition(at bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    month_start timestamptz := date_trunc('month', to_timestamp(at) AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
    month_end   timestamptz := month_start + interval '1 month';
BEGIN
    EXECUTE format(
        'CREATE TABLE IF NOT EXISTS %I PARTITION OF callsign_audit FOR VALUES FROM (%s) TO (%s)',
        'callsign_audit_' || to_char(month_start AT TIME ZONE 'UTC', 'YYYY_MM'),
        extract(epoch FROM month_start)::bigint,
        extract(epoch FROM month_end)::bigint);
END $$;

-- Append-only: no UPDATE or DELETE of audit rows, whoever asks (the issuers' role has no
-- such grant either; see the grants below).
CREATE FUNCTION callsign_audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the callsign audit is append-only (% refused)', TG_OP;
END $$;

CREATE TRIGGER callsign_audit_no_change BEFORE UPDATE OR DELETE ON callsign_audit
    FOR EACH ROW EXECUTE FUNCTION callsign_audit_append_only();

-- The issuers' role: read and append audit rows, read and change accounts; nothing else.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'callsign_issuer') THEN
        CREATE ROLE callsign_issuer NOLOGIN;
    END IF;
END $$;
REVOKE ALL ON callsign_audit, callsign_accounts FROM PUBLIC;
GRANT SELECT, INSERT ON callsign_audit TO callsign_issuer;
GRANT SELECT, INSERT, UPDATE ON callsign_accounts TO callsign_issuer;
REVOKE UPDATE, DELETE, TRUNCATE ON callsign_audit FROM callsign_issuer;
GRANT EXECUTE ON FUNCTION callsign_audit_partition(bigint) TO callsign_issuer;

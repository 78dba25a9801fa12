-- callsign ledger, SQLite schema version 1. Applied once, in one transaction, by
-- SqliteLedger::open when the file's user_version is 0; the version is then set to 1.

CREATE TABLE callsign_accounts (
    account_id TEXT PRIMARY KEY,
    epoch      INTEGER NOT NULL CHECK (epoch BETWEEN 0 AND 4294967295),
    revoked    INTEGER NOT NULL CHECK (revoked IN (0, 1))
) WITHOUT ROWID;

-- The audit trail, which is also the rate-limit log: an agent's issued codes in the window
-- are counted from here. Append-only (the triggers below).
CREATE TABLE callsign_audit (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    time       INTEGER NOT NULL CHECK (time >= 0),
    outcome    TEXT    NOT NULL,
    account_id TEXT    NOT NULL,
    agent_id   TEXT    NOT NULL,
    ticket     TEXT    NOT NULL,
    step       INTEGER NOT NULL CHECK (step >= 0),
    epoch      INTEGER NOT NULL CHECK (epoch BETWEEN 0 AND 4294967295),
    -- The per-agent hash chain of the audit trail (filled once core computes it).
    chain      BLOB
);

-- The rate-limit count: one index range per agent, O(log n) to find.
CREATE INDEX callsign_audit_issued ON callsign_audit (agent_id, time) WHERE outcome = 'issued';
CREATE INDEX callsign_audit_account ON callsign_audit (account_id, time);
CREATE INDEX callsign_audit_time ON callsign_audit (time);

CREATE TRIGGER callsign_audit_no_update BEFORE UPDATE ON callsign_audit
BEGIN
    SELECT RAISE(ABORT, 'the callsign audit is append-only');
END;

CREATE TRIGGER callsign_audit_no_delete BEFORE DELETE ON callsign_audit
BEGIN
    SELECT RAISE(ABORT, 'the callsign audit is append-only');
END;

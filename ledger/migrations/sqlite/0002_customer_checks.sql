-- callsign ledger, SQLite schema version 2: the per-account state of inbound customer checks
-- (protocol Addition A). Applied by SqliteLedger::open after version 1.

-- failures: the times of failed checks that may still count, oldest first, as decimal unix
-- seconds separated by single spaces ('' for none).
CREATE TABLE callsign_customer_checks (
    account_id         TEXT PRIMARY KEY,
    failures           TEXT    NOT NULL,
    locked_until       INTEGER CHECK (locked_until >= 0),
    last_accepted_step INTEGER CHECK (last_accepted_step >= 0)
) WITHOUT ROWID;

-- callsign ledger, PostgreSQL schema version 2: the per-account state of inbound customer
-- checks (protocol Addition A). Each check reads and writes its account's row under the
-- account's advisory lock, in the transaction that appends its audit row.

-- failures: the times of failed checks that may still count, oldest first.
CREATE TABLE callsign_customer_checks (
    account_id         text     PRIMARY KEY,
    failures           bigint[] NOT NULL,
    locked_until       bigint   CHECK (locked_until >= 0),
    last_accepted_step bigint   CHECK (last_accepted_step >= 0)
);

REVOKE ALL ON callsign_customer_checks FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE ON callsign_customer_checks TO callsign_issuer;

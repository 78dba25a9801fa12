-- callsign ledger, SQLite schema version 3: the audit chain. Every row appended from this
-- version on carries in `chain` its hash in its agent's chain (core's audit_chain_hash over
-- the agent's previous row), computed inside the appending transaction. This index finds an
-- agent's last row (its chain head) in O(log n). Rows appended before version 3 have no chain
-- and are reported as such by the chain verifier.

CREATE INDEX callsign_audit_chain ON callsign_audit (agent_id, id);

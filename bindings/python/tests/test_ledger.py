"""Issuers on a ledger: SQLite here (PostgreSQL runs in scripts/test-ledger.sh's suite)."""

from pathlib import Path

import pytest

import callsign

MASTER = bytes(range(32))
NOW = 1764355200


def issuer_on(ledger: callsign.SqliteLedger, max_codes: int = 3) -> callsign.Issuer:
    return callsign.Issuer(MASTER, ledger, rate_limit=callsign.RateLimit(max_codes, 600))


def test_the_limit_and_the_audit_survive_a_new_issuer_on_the_same_file(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    first = issuer_on(callsign.SqliteLedger(path))
    for _ in range(3):
        first.issue("acct", agent_id="alice", ticket="T-1", time=NOW)
    second = issuer_on(callsign.SqliteLedger(str(path)))
    with pytest.raises(callsign.RateLimitedError):
        second.issue("acct", agent_id="alice", ticket="T-1", time=NOW + 1)
    events = second.audit_events(agent_id="alice")
    # The newest first.
    assert [event["outcome"] for event in events] == ["refused_rate_limited"] + ["issued"] * 3
    assert events[-1] == {
        "time": NOW,
        "outcome": "issued",
        "account_id": "acct",
        "agent_id": "alice",
        "ticket": "T-1",
        "step": NOW // 30,
        "epoch": 0,
    }
    assert [e["time"] for e in second.audit_events(since=NOW + 1, until=NOW + 2)] == [NOW + 1]
    assert len(second.audit_events(account_id="acct", limit=2)) == 2


def test_revoke_and_reenroll(tmp_path: Path) -> None:
    issuer = issuer_on(callsign.SqliteLedger(tmp_path / "ledger.db"), max_codes=10)
    old = callsign.DeviceVerifier(issuer.enrollment("Bank", "acct"))
    issuer.revoke("acct", agent_id="supervisor", reason="phone lost", time=NOW)
    with pytest.raises(callsign.AccountRevokedError, match="revoked"):
        issuer.issue("acct", agent_id="alice", ticket="T-2", time=NOW)
    enrollment = issuer.reenroll("Bank", "acct", agent_id="supervisor", reason="new phone", time=NOW)
    assert enrollment.epoch == issuer.account_epoch("acct") == 1
    new = callsign.DeviceVerifier(enrollment)
    code = issuer.issue("acct", agent_id="alice", ticket="T-3", time=NOW).code
    assert not old.check(code, time=NOW).genuine
    assert new.check(code, time=NOW).genuine


def test_a_signed_reenrollment_is_trusted_under_the_signing_key_only(tmp_path: Path) -> None:
    issuer = issuer_on(callsign.SqliteLedger(tmp_path / "ledger.db"), max_codes=10)
    vendor, other = callsign.SigningKey.generate(), callsign.SigningKey.generate()
    enrollment = issuer.reenroll(
        "Bank", "acct", agent_id="supervisor", reason="new phone", time=NOW, signing_key=vendor
    )
    assert enrollment.signed and enrollment.epoch == 1
    uri = enrollment.to_uri()
    assert "&epoch=1&" in uri and "&sig=" in uri
    read = callsign.Enrollment.from_uri(uri, trusted_keys=[vendor.public_key()])
    assert (read.epoch, read.account_id) == (1, "acct")
    app = callsign.DeviceVerifier(uri, trusted_keys=[vendor.public_key()])
    assert app.check(issuer.issue("acct", agent_id="alice", ticket="T-1", time=NOW).code, time=NOW)
    with pytest.raises(callsign.UntrustedEnrollmentError, match="no pinned key verifies"):
        callsign.Enrollment.from_uri(uri, trusted_keys=[other.public_key()])
    with pytest.raises(callsign.UntrustedEnrollmentError):
        callsign.DeviceVerifier(uri, trusted_keys=[other.public_key()])
    # Without a key the re-enrollment stays unsigned, and a pinning app refuses it.
    unsigned = issuer.reenroll("Bank", "acct", agent_id="supervisor", reason="again", time=NOW)
    assert not unsigned.signed and unsigned.epoch == 2
    with pytest.raises(callsign.UntrustedEnrollmentError, match="not signed"):
        callsign.Enrollment.from_uri(unsigned.to_uri(), trusted_keys=[vendor.public_key()])


def test_rate_limited_error_carries_the_ledgers_retry_at(tmp_path: Path) -> None:
    issuer = issuer_on(callsign.SqliteLedger(tmp_path / "ledger.db"))
    for offset in (0, 5, 9):
        issuer.issue("acct", agent_id="alice", ticket="T-1", time=NOW + offset)
    with pytest.raises(callsign.RateLimitedError) as raised:
        issuer.issue("acct", agent_id="alice", ticket="T-1", time=NOW + 20)
    # The oldest issuance in the window (NOW) plus the window (600 s), as core computed it.
    assert raised.value.retry_at == NOW + 600
    assert f"next code possible at {NOW + 600}" in str(raised.value)
    issuer.issue("acct", agent_id="alice", ticket="T-1", time=raised.value.retry_at)
    assert callsign.RateLimitedError.retry_at is None


def test_ledger_errors_are_typed(tmp_path: Path) -> None:
    ledger = callsign.SqliteLedger(tmp_path / "ledger.db")
    issuer = issuer_on(ledger)
    ledger.close()
    with pytest.raises(callsign.StoreUnavailableError, match="closed"):
        issuer.issue("acct", agent_id="alice", ticket="T-1", time=NOW)
    with pytest.raises(callsign.StoreUnavailableError):
        callsign.SqliteLedger(tmp_path / "missing" / "ledger.db")
    with pytest.raises(callsign.InvalidConfigError, match="malformed"):
        callsign.PostgresLedger("postgres://user@host:notaport/db")
    with pytest.raises(callsign.StoreUnavailableError, match="unreachable"):
        callsign.PostgresLedger("postgres://callsign@127.0.0.1:1/none", timeout_seconds=0.5)
    for bad in (0.0, -1.0, float("nan"), 1e9):
        with pytest.raises(callsign.InvalidConfigError, match="timeout"):
            callsign.SqliteLedger(tmp_path / "ledger.db", timeout_seconds=bad)
    with pytest.raises(callsign.InvalidIdentifierError):
        issuer_on(callsign.SqliteLedger(tmp_path / "ledger.db")).revoke(
            "a" * 257, agent_id="supervisor", reason="r"
        )


def test_python_sqlite3_on_the_ledger_file_means_refusals_not_lost_codes(tmp_path: Path) -> None:
    # Python's own sqlite3 is a second SQLite copy in this process: closing its connection drops
    # the ledger's POSIX locks and deletes the ledger's write-ahead log. The ledger must then
    # refuse to issue (nothing written to a deleted log) until it is opened again.
    import sqlite3

    path = tmp_path / "ledger.db"
    issuer = issuer_on(callsign.SqliteLedger(path))
    issuer.issue("acct", agent_id="alice", ticket="T-1", time=NOW)
    other = sqlite3.connect(path)
    assert other.execute("SELECT count(*) FROM callsign_audit").fetchone() == (1,)
    other.close()
    with pytest.raises(callsign.StoreUnavailableError, match="write-ahead log"):
        issuer.issue("acct", agent_id="alice", ticket="T-1", time=NOW + 1)
    again = issuer_on(callsign.SqliteLedger(path))
    again.issue("acct", agent_id="alice", ticket="T-1", time=NOW + 2)
    assert [event["time"] for event in again.audit_events(agent_id="alice")] == [NOW + 2, NOW]

"""Behaviour of the Pythonic API: times, secrets, redaction, audit, state, errors."""

import datetime
import json
import time
from pathlib import Path
from typing import List

import pytest

import callsign

SECRET = b"12345678901234567890"
SECRET_B32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
MASTER = bytes(range(32))
NOW = 1764355200
UTC = datetime.timezone.utc


def test_aware_datetimes_in_any_zone_name_the_same_instant() -> None:
    totp = callsign.TOTP(SECRET)
    instant = datetime.datetime.fromtimestamp(NOW + 17, tz=UTC)
    berlin = instant.astimezone(datetime.timezone(datetime.timedelta(hours=1)))
    kolkata = instant.astimezone(datetime.timezone(datetime.timedelta(hours=5, minutes=30)))
    assert totp.at(instant) == totp.at(berlin) == totp.at(kolkata) == totp.at(NOW + 17)
    just_before = datetime.datetime.fromtimestamp(NOW + 29, tz=UTC) + datetime.timedelta(
        microseconds=999_999
    )
    assert totp.timecode(just_before) == totp.timecode(NOW + 29) == NOW // 30


def test_naive_datetime_message_says_what_to_do() -> None:
    with pytest.raises(callsign.NaiveDatetimeError, match="aware datetime"):
        callsign.TOTP(SECRET).at(datetime.datetime(2026, 1, 1))


def test_secret_as_bytes_or_base32_text() -> None:
    as_bytes = callsign.TOTP(SECRET)
    for text in (SECRET_B32, SECRET_B32.lower(), "gezd gnbv gy3t qojq-gezd gnbv gy3t qojq", SECRET_B32 + "===="):
        assert callsign.TOTP(text).at(NOW) == as_bytes.at(NOW)
    assert callsign.base32_encode(SECRET) == SECRET_B32


def test_now_follows_the_system_clock() -> None:
    totp = callsign.TOTP(SECRET)
    before = totp.at(int(time.time()))
    now = totp.now()
    after = totp.at(int(time.time()))
    assert now in (before, after)
    assert 1 <= totp.remaining() <= 30


def test_verify_reports_step_and_drift() -> None:
    totp = callsign.TOTP(SECRET, 8)
    assert totp.verify("9428 7082", 89) == totp.verify("94287082", 89)
    matched = totp.verify("94287082", 89)
    assert matched is not None and (matched.step, matched.drift) == (1, -1)
    assert totp.verify("94287082", 89, behind=0) is None
    assert repr(matched) == "Match(step=1, drift=-1)"


def test_hotp_look_ahead_and_provisioning_uri() -> None:
    hotp = callsign.HOTP(SECRET, name="alice", issuer="ACME", initial_count=3)
    assert hotp.verify(callsign.hotp(SECRET, 5), 3) is None
    matched = hotp.verify(callsign.hotp(SECRET, 5), 3, ahead=2)
    assert matched is not None and (matched.step, matched.drift) == (5, 2)
    uri = hotp.provisioning_uri()
    assert uri == (
        f"otpauth://hotp/ACME:alice?secret={SECRET_B32}&issuer=ACME&algorithm=SHA1&digits=6&counter=3"
    )
    assert callsign.HOTP.from_uri(uri).at(9) == hotp.at(9)


def test_repr_never_shows_secrets_or_codes() -> None:
    issuer = callsign.Issuer(MASTER, lambda events: None)
    enrollment = issuer.enrollment("ACME", "customer-0001")
    code = issuer.issue("customer-0001", agent_id="ag", ticket="T", time=NOW)
    verifier = callsign.DeviceVerifier(enrollment)
    secret_texts = [SECRET_B32, SECRET.hex(), MASTER.hex(), "7RUX6PO6UZYH6QNGL4DRTLQONNWAJGQSCE7NI4GQY72WFTSYMK4Q"]
    for shown in (
        callsign.TOTP(SECRET),
        callsign.HOTP(SECRET_B32),
        callsign.MasterKey(MASTER),
        issuer,
        enrollment,
        code,
        verifier,
        verifier.display(NOW),
    ):
        text = repr(shown)
        assert "redacted" in text or "hidden" in text or "Verifier" in text, text
        assert not any(secret in text for secret in secret_texts), text
        assert code.code not in text, text


def test_issuer_audits_to_a_json_lines_file(tmp_path: Path) -> None:
    audit = tmp_path / "audit.jsonl"
    issuer = callsign.Issuer(callsign.MasterKey(MASTER), audit, rate_limit=callsign.RateLimit(2, 60))
    first = issuer.issue("customer-0001", agent_id="agent-7", ticket="T-42", time=59)
    assert (first.code, first.grouped, first.step, first.valid_until, first.seconds_remaining) == (
        "913441",
        "913 441",
        1,
        60,
        1,
    )
    issuer.issue("customer-0002", agent_id="agent-7", ticket="T-43", time=60)
    with pytest.raises(callsign.RateLimitedError, match="next code possible at 119") as raised:
        issuer.issue("customer-0003", agent_id="agent-7", ticket="T-44", time=61)
    assert raised.value.retry_at == 119
    lines = audit.read_text().splitlines()
    events = [json.loads(line) for line in lines]
    assert [event["outcome"] for event in events] == ["issued", "issued", "refused_rate_limited"]
    assert all(len(event.pop("chain")) == 64 for event in events)
    assert events[0] == {
        "time": 59,
        "outcome": "issued",
        "account_id": "customer-0001",
        "agent_id": "agent-7",
        "ticket": "T-42",
        "step": 1,
        "epoch": 0,
    }
    assert first.code not in audit.read_text()
    assert audit.stat().st_mode & 0o777 == 0o600


def test_callable_audit_gets_the_same_events_as_the_file(tmp_path: Path) -> None:
    received: List[callsign.AuditEvent] = []
    by_callable = callsign.Issuer(MASTER, received.extend, epoch=3)
    by_file = callsign.Issuer(MASTER, str(tmp_path / "audit.jsonl"), epoch=3)
    for issuer in (by_callable, by_file):
        issuer.issue("customer-0001", agent_id="ag", ticket="T", time=NOW)
    # The file's records also carry the chain hash; the callable gets the events alone.
    recorded = json.loads((tmp_path / "audit.jsonl").read_text())
    assert len(recorded.pop("chain")) == 64
    assert received == [recorded]


def test_issue_many_matches_agent_code_and_is_audited_once_per_account() -> None:
    events: List[callsign.AuditEvent] = []
    issuer = callsign.Issuer(MASTER, events.extend, digits=8, period=60, rate_limit=None)
    accounts = [f"customer-{index:04}" for index in range(50)]
    batch = issuer.issue_many(accounts, NOW, agent_id="batch-job", reason="outage notice")
    expected = [callsign.agent_code(callsign.account_secret(MASTER, account), NOW, 8, 60) for account in accounts]
    assert batch.codes == expected
    assert [code.code for code in batch] == expected
    assert [batch[index].code for index in range(len(batch))] == expected
    assert batch[-1].code == expected[-1] and batch[-50].code == expected[0]
    single = issuer.issue(accounts[0], agent_id="batch-job", ticket="check", time=NOW)
    assert (batch.step, batch.valid_until, batch.seconds_remaining) == (
        single.step,
        single.valid_until,
        single.seconds_remaining,
    )
    assert all(code.valid_until == batch.valid_until for code in batch)
    assert [event["account_id"] for event in events[:50]] == accounts
    assert {event["ticket"] for event in events[:50]} == {"outage notice"}
    shown = repr(batch)
    assert "50 codes hidden" in shown and not any(code in shown for code in expected)


def test_issue_many_takes_any_iterable_of_str_and_empty_batches() -> None:
    issuer = callsign.Issuer(MASTER, lambda events: None, rate_limit=None)
    accounts = ["a", "b", "c"]
    expected = issuer.issue_many(accounts, NOW, agent_id="job", reason="r").codes
    assert issuer.issue_many(tuple(accounts), NOW, agent_id="job", reason="r").codes == expected
    assert issuer.issue_many(iter(accounts), NOW, agent_id="job", reason="r").codes == expected
    assert issuer.issue_many(dict.fromkeys(accounts), NOW, agent_id="job", reason="r").codes == expected
    empty = issuer.issue_many([], NOW, agent_id="job", reason="r")
    assert (len(empty), empty.codes, list(empty), empty.valid_until) == (0, [], [], None)


def test_issue_many_respects_the_rate_limit_all_or_nothing() -> None:
    events: List[callsign.AuditEvent] = []
    issuer = callsign.Issuer(MASTER, events.extend, rate_limit=callsign.RateLimit(3, 60))
    with pytest.raises(callsign.RateLimitedError):
        issuer.issue_many(["a", "b", "c", "d"], NOW, agent_id="ag", reason="r")
    assert [event["outcome"] for event in events] == ["refused_rate_limited"] * 4
    assert len(issuer.issue_many(["a", "b", "c"], NOW, agent_id="ag", reason="r")) == 3
    assert len(issuer.issue_many([], NOW, agent_id="ag", reason="r")) == 0


def test_enrollment_round_trip_and_parameters() -> None:
    issuer = callsign.Issuer(MASTER, lambda events: None, epoch=7, digits=8, period=60)
    assert (issuer.epoch, issuer.digits, issuer.period) == (7, 8, 60)
    assert issuer.rate_limit == callsign.RateLimit()
    enrollment = issuer.enrollment("ACME Support", "kunde@example.de")
    again = callsign.Enrollment.from_uri(enrollment.to_uri(), allow_unsigned=True)
    assert (again.issuer, again.account_id, again.epoch, again.digits, again.period) == (
        "ACME Support",
        "kunde@example.de",
        7,
        8,
        60,
    )
    assert again.to_uri() == enrollment.to_uri()


def test_verifier_state_survives_a_restart_and_fails_closed() -> None:
    issuer = callsign.Issuer(MASTER, lambda events: None)
    enrollment = issuer.enrollment("ACME", "customer-0001")
    first = callsign.DeviceVerifier(enrollment)
    assert first.check("000000", NOW).attempts_left == 2
    assert first.check("111111", NOW).attempts_left == 1
    blob = first.export_state()
    restarted = callsign.DeviceVerifier(enrollment.to_uri(), allow_unsigned=True, state=blob)
    assert restarted.status(NOW).attempts_left == 1
    assert restarted.check("222222", NOW).status == "locked_out"
    other = issuer.enrollment("ACME", "customer-0002")
    with pytest.raises(callsign.InvalidStateError):
        callsign.DeviceVerifier(other, state=blob)
    locked = callsign.DeviceVerifier.locked(enrollment, NOW)
    code = issuer.issue("customer-0001", agent_id="ag", ticket="T", time=NOW).code
    verdict = locked.check(code, NOW)
    assert not verdict and verdict.status == "locked_out" and verdict.locked_until == NOW + 900


def test_display_mode_shows_the_agent_code() -> None:
    issuer = callsign.Issuer(MASTER, lambda events: None)
    verifier = callsign.DeviceVerifier(issuer.enrollment("ACME", "customer-0001"))
    shown = verifier.display(NOW + 7)
    issued = issuer.issue("customer-0001", agent_id="ag", ticket="T", time=NOW + 7)
    assert (shown.code, shown.grouped, shown.seconds_remaining) == (
        issued.code,
        issued.grouped,
        23,
    )


def test_exceptions_are_named_in_the_public_module() -> None:
    assert callsign.RateLimitedError.__module__ == "callsign"
    assert callsign.RateLimitedError.__qualname__ == "RateLimitedError"
    assert callsign.RateLimitedError.kind == "rate_limited"
    assert issubclass(callsign.NaiveDatetimeError, callsign.CallsignError)
    for name in callsign.__all__:
        assert hasattr(callsign, name), name


def test_random_secrets_have_the_recommended_length() -> None:
    assert [len(callsign.random_secret(name)) for name in ("sha1", "SHA256", "sha-512")] == [20, 32, 64]
    assert callsign.random_secret() != callsign.random_secret()
    assert len(callsign.MasterKey.generate().to_bytes()) == 32


def test_a_forged_or_unsigned_link_is_refused_under_the_pinned_key() -> None:
    issuer = callsign.Issuer(MASTER, lambda events: None)
    vendor = callsign.SigningKey.generate()
    forger = callsign.SigningKey.generate()
    pinned = (vendor.public_key(),)
    genuine = issuer.enrollment("ACME Support", "customer-0001", signing_key=vendor).to_uri()
    forged = issuer.enrollment("ACME Support", "customer-0001", signing_key=forger).to_uri()
    unsigned = issuer.enrollment("ACME Support", "customer-0001").to_uri()
    assert "&sig=" in genuine and "&sig=" not in unsigned
    assert callsign.Enrollment.from_uri(genuine, trusted_keys=pinned).signed
    assert callsign.DeviceVerifier(genuine, trusted_keys=pinned).check("000000", NOW).status == "not_genuine"
    # Rotation: any pinned key may verify.
    assert callsign.Enrollment.from_uri(genuine, trusted_keys=(forger.public_key(), vendor.public_key()))
    for payload, reason in [(forged, "no pinned key verifies"), (unsigned, "not signed")]:
        with pytest.raises(callsign.UntrustedEnrollmentError, match=reason):
            callsign.DeviceVerifier(payload, trusted_keys=pinned)
        with pytest.raises(callsign.UntrustedEnrollmentError, match=reason):
            callsign.Enrollment.from_uri(payload, trusted_keys=pinned)
    assert callsign.UntrustedEnrollmentError.kind == "untrusted_enrollment"
    # The seed never shows.
    seeded = callsign.SigningKey(bytes(range(0x20, 0x40)))
    assert "2021222324" not in repr(seeded)
    assert seeded.public_key().hex() in repr(seeded)


def test_deleting_the_state_after_a_lock_keeps_the_lock(tmp_path: Path) -> None:
    issuer = callsign.Issuer(MASTER, lambda events: None)
    vendor = callsign.SigningKey.generate()
    link = issuer.enrollment("ACME Support", "customer-0001", signing_key=vendor).to_uri()
    assert callsign.StoredVerifier.open(tmp_path, NOW) is None  # the first run
    app = callsign.StoredVerifier.enroll(tmp_path, link, NOW, trusted_keys=[vendor.public_key()])
    assert app.restored is None
    for wrong in ("000000", "111111", "222222"):
        verdict = app.check(wrong, NOW)
    assert verdict.status == "locked_out"
    for name in ("enrollment", "verifier-state"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o600
    del app
    (tmp_path / "verifier-state").unlink()
    reopened = callsign.StoredVerifier.open(tmp_path, NOW + 60)
    assert reopened is not None and reopened.restored == "locked_after_lost_state"
    code = issuer.issue("customer-0001", agent_id="ag", ticket="T", time=NOW + 61).code
    assert reopened.check(code, NOW + 61).status == "locked_out"
    # Tapping the same link again does not lift the lock either.
    again = callsign.StoredVerifier.enroll(tmp_path, link, NOW + 62, trusted_keys=[vendor.public_key()])
    assert again.status(NOW + 62).locked_until is not None

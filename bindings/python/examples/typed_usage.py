"""A typed tour of the callsign package; `mypy --strict` checks it and the tests run it.

The vendor derives account secrets from its master key and issues audited, rate-limited agent
codes; the customer's app verifies what the caller reads out.
"""

import datetime
from typing import Dict, List, Optional

import callsign


def vendor_backend(audit: List[callsign.AuditEvent]) -> callsign.Issuer:
    """An issuer whose audit trail is kept in `audit`."""
    master = callsign.MasterKey.generate()
    return callsign.Issuer(master, audit.extend, rate_limit=callsign.RateLimit(5, 3600))


def agent_reads_code(issuer: callsign.Issuer, account_id: str, when: datetime.datetime) -> str:
    """What an agent reads out on the phone."""
    issued: callsign.TimedCode = issuer.issue(
        account_id, agent_id="agent-7", ticket="T-1042", time=when
    )
    return issued.grouped


def customer_checks(enrollment: callsign.Enrollment, heard: str, when: int) -> callsign.Verdict:
    """What the customer's app answers."""
    verifier = callsign.Verifier(enrollment, behind=1, ahead=1)
    return verifier.check(heard, when)


def plain_totp(secret_b32: str, when: int) -> Optional[callsign.Match]:
    """A pyotp-style TOTP check with a drift report."""
    totp = callsign.TOTP(secret_b32, digits=6, period=30, algorithm="sha1", name="alice", issuer="ACME")
    return totp.verify(totp.at(when), when, behind=1, ahead=0)


def main() -> Dict[str, object]:
    audit: List[callsign.AuditEvent] = []
    issuer = vendor_backend(audit)
    when = datetime.datetime(2026, 11, 28, 18, 0, 5, tzinfo=datetime.timezone.utc)
    unix = int(when.timestamp())
    heard = agent_reads_code(issuer, "customer-0001", when)
    verdict = customer_checks(issuer.enrollment("ACME Support", "customer-0001"), heard, unix)
    assert verdict and verdict.status == "genuine" and verdict.drift == 0
    try:
        customer_checks(issuer.enrollment("ACME Support", "customer-0001"), "12a 456", unix)
    except callsign.InvalidCodeError as error:
        assert error.kind == "invalid_code"
    secret = callsign.base32_encode(callsign.random_secret())
    matched = plain_totp(secret, unix)
    assert matched is not None and matched.drift == 0
    code: str = callsign.totp(callsign.base32_decode(secret), unix)
    assert len(code) == 6
    return {"verdict": verdict.status, "audited": [event["outcome"] for event in audit]}


if __name__ == "__main__":
    print(main())

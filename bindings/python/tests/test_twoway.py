"""Two-way verification (protocol Additions A and B) through the Python API: the vector
sections for customer codes, check digits and vendor-side customer checks, and 10,000 random
codes against an independent computation written here from the specification."""

import hashlib
import hmac
import random
import struct
from pathlib import Path
from typing import Any, Dict

import pytest

import callsign
from test_vectors import VECTORS, cases, expect_error

MASTER = bytes(range(32))
# Damm's quasigroup as the protocol prints it.
DAMM_ROWS = [
    "0317598642", "7092154863", "4206871359", "1750983426", "6123045978",
    "3674209581", "5869720134", "8945362017", "9438617205", "2581436790",
]  # fmt: skip


def damm(digits: str) -> int:
    interim = 0
    for digit in digits:
        interim = int(DAMM_ROWS[interim][int(digit)])
    return interim


def hkdf_sha256(salt: bytes, ikm: bytes, info: bytes) -> bytes:
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()


def spec_code(secret: bytes, info: bytes, time: int, digits: int, period: int, check: bool) -> str:
    key = hkdf_sha256(b"callsign v1 code", secret, info)
    tag = hmac.new(key, struct.pack(">Q", time // period), hashlib.sha256).digest()
    offset = tag[-1] & 0x0F
    value = struct.unpack(">I", tag[offset : offset + 4])[0] & 0x7FFFFFFF
    code = str(value % 10**digits).zfill(digits)
    return code + str(damm(code)) if check else code


def code_of(case: Dict[str, Any]) -> str:
    function = callsign.agent_code if case["direction"] == "agent" else callsign.customer_code
    return function(
        bytes.fromhex(case["account_secret_hex"]),
        case["time"],
        case["digits"],
        case["period"],
        case["check_digit"],
    )


def shown_by_device(case: Dict[str, Any]) -> callsign.AgentCode:
    enrollment = callsign.Enrollment(
        "Vector",
        "vector",
        bytes.fromhex(case["account_secret_hex"]),
        digits=case["digits"],
        period=case["period"],
        check_digit=case["check_digit"],
    )
    verifier = callsign.DeviceVerifier(enrollment)
    if case["direction"] == "agent":
        return verifier.display(case["time"])
    return verifier.customer_code(case["time"])


@pytest.mark.parametrize("case", cases("customer_codes") + cases("check_digit_codes"))
def test_customer_and_check_digit_codes(case: Dict[str, Any]) -> None:
    assert code_of(case) == case["code"], case["name"]
    shown = shown_by_device(case)
    assert (shown.code, shown.grouped, shown.step, shown.seconds_remaining) == (
        case["code"],
        case["grouped"],
        case["step"],
        case["seconds_remaining"],
    )
    if "customer_key_hex" in case:
        secret = bytes.fromhex(case["account_secret_hex"])
        key = hkdf_sha256(b"callsign v1 code", secret, b"customer-to-agent")
        assert key.hex() == case["customer_key_hex"]


@pytest.mark.parametrize("case", cases("damm"))
def test_damm(case: Dict[str, Any]) -> None:
    assert damm(case["digits"]) == case["check_digit"]
    assert damm(case["digits"] + str(case["check_digit"])) == 0


@pytest.mark.parametrize("case", cases("check_digit_entries"))
def test_check_digit_entries(case: Dict[str, Any]) -> None:
    # An issuer with a check digit reads the entry as the vendor side does.
    issuer = callsign.Issuer(MASTER, lambda events: None, digits=case["digits"], check_digit=True)

    def check() -> callsign.CustomerVerdict:
        return issuer.verify_customer(
            "customer-0001", case["entry"], agent_id="a", ticket="t", time=59
        )

    if "error" in case:
        expect_error(case["error"], check)
    elif case.get("misheard"):
        assert check().status == "misheard"
    else:
        assert check().status in ("verified", "not_verified")


@pytest.mark.parametrize("case", cases("customer_check_sequences"))
def test_customer_check_sequences(case: Dict[str, Any], tmp_path: Path) -> None:
    # Two issuers on one shared ledger (SQLite here), as the vectors' issuers 0 and 1: the
    # lock, failures and last step are per account for every issuer and agent.
    ledger = callsign.SqliteLedger(tmp_path / "ledger.db")
    issuers = [
        callsign.Issuer(
            bytes.fromhex(case["master_key_hex"]),
            ledger,
            epoch=case["epoch"],
            digits=case["digits"],
            period=case["period"],
            check_digit=case["check_digit"],
        )
        for _ in range(2)
    ]
    verdict_steps = []
    for step in case["steps"]:
        expect = step["expect"]
        issuer = issuers[int(step["issuer"])]

        def check() -> callsign.CustomerVerdict:
            return issuer.verify_customer(
                case["account_id"],
                step["entry"],
                agent_id=step["agent_id"],
                ticket=case["ticket"],
                time=step["time"],
            )

        if "error" in expect:
            expect_error(expect["error"], check)
            continue
        verdict = check()
        verdict_steps.append(step)
        assert verdict.status == expect["status"], (case["name"], step)
        assert bool(verdict) == (expect["status"] == "verified")
        assert verdict.step == expect.get("step")
        assert verdict.attempts_left == expect.get("attempts_left")
        assert verdict.locked_until == expect.get("locked_until")
    events = issuers[1].audit_events(account_id=case["account_id"])[::-1]  # oldest first
    assert [(event["outcome"], event["agent_id"]) for event in events] == [
        ("customer_" + step["expect"]["status"], step["agent_id"]) for step in verdict_steps
    ]


def test_a_failing_audit_means_no_verified() -> None:
    def refuse(events: object) -> None:
        raise RuntimeError("audit store down")

    issuer = callsign.Issuer(MASTER, refuse)
    code = callsign.customer_code(callsign.account_secret(MASTER, "customer-0001"), 59)
    with pytest.raises(callsign.AuditFailedError):
        issuer.verify_customer("customer-0001", code, agent_id="a", ticket="t", time=59)


def test_ten_thousand_random_codes_agree_with_the_specification() -> None:
    rng = random.Random(16)
    for _ in range(10_000):
        secret = rng.randbytes(32)
        digits = rng.randint(6, 8)
        period = rng.randint(10, 300)
        time = rng.randrange(0, 5_000_000_000)
        check = rng.random() < 0.5
        assert callsign.customer_code(secret, time, digits, period, check) == spec_code(
            secret, b"customer-to-agent", time, digits, period, check
        )
        assert callsign.agent_code(secret, time, digits, period, check) == spec_code(
            secret, b"agent-to-customer", time, digits, period, check
        )


def test_the_vector_file_holds_every_reference_value() -> None:
    codes = {(c["direction"], c["time"], c["check_digit"], c["code"]) for c in VECTORS["customer_codes"]}
    codes |= {(c["direction"], c["time"], c["check_digit"], c["code"]) for c in VECTORS["check_digit_codes"]}
    for reference in [
        ("customer", 59, False, "246206"),
        ("customer", 1111111109, False, "074414"),
        ("customer", 2000000000, False, "150280"),
        ("customer", 59, False, "979040"),
        ("customer", 59, True, "2462065"),
        ("agent", 59, True, "9134417"),
        ("agent", 1111111109, True, "9817974"),
        ("agent", 2000000000, True, "0516280"),
        ("agent", 1764355200, True, "046594768"),
    ]:
        assert reference in codes

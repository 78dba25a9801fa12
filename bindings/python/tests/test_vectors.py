"""Every case of tests/vectors/callsign-v1.json, through the Python API."""

from typing import Any, Callable, Dict, List, Type

import pytest

import callsign
from conftest import load_vectors

VECTORS = load_vectors()
# The notes allow bindings without a raw HKDF to skip the `hkdf` section; every other section
# is covered below, and a new section fails `test_every_section_is_covered`.
COVERED_SECTIONS = {
    "account_secrets",
    "agent_codes",
    "agent_ids",
    "audit_chain",
    "base32",
    "check_digit_codes",
    "check_digit_entries",
    "customer_check_sequences",
    "customer_codes",
    "damm",
    "enrollment",
    "entries",
    "error_kinds",
    "hotp",
    "otpauth",
    "signed_enrollments",
    "totp",
    "verifier_sequences",
}
METADATA = {"format", "version", "generated_by", "notes"}
ERROR_CLASSES: Dict[str, Type[callsign.CallsignError]] = {
    cls.kind: cls for cls in callsign.CallsignError.__subclasses__()
}


def cases(section: str) -> List[Any]:
    return [pytest.param(case, id=f"{section}-{index}") for index, case in enumerate(VECTORS[section])]


def expect_error(kind: str, action: Callable[[], object]) -> None:
    """Runs `action` and checks that it raises exactly the class of error kind `kind`."""
    with pytest.raises(callsign.CallsignError) as raised:
        action()
    assert type(raised.value) is ERROR_CLASSES[kind], raised.value
    assert str(raised.value), "an error message must say what is wrong"


def test_vector_file_identity() -> None:
    assert VECTORS["format"] == "callsign conformance vectors"
    assert VECTORS["version"] == 1


def test_every_section_is_covered() -> None:
    assert set(VECTORS) - METADATA - {"hkdf"} == COVERED_SECTIONS


def test_every_error_kind_has_its_exception_class() -> None:
    assert set(VECTORS["error_kinds"]) <= set(ERROR_CLASSES)
    for kind in VECTORS["error_kinds"]:
        cls = getattr(callsign, ERROR_CLASSES[kind].__name__)
        assert cls.kind == kind
        assert cls.__module__ == "callsign"
        assert issubclass(cls, callsign.CallsignError)


@pytest.mark.parametrize("case", cases("hotp"))
def test_hotp(case: Dict[str, Any]) -> None:
    secret = bytes.fromhex(case["secret_hex"])
    args = (secret, case["counter"], case["digits"], case["algorithm"])
    if "error" in case:
        expect_error(case["error"], lambda: callsign.hotp(*args))
        return
    assert callsign.hotp(*args) == case["code"]
    generator = callsign.HOTP(secret, case["digits"], case["algorithm"])
    assert generator.at(case["counter"]) == case["code"]
    matched = generator.verify(case["code"], case["counter"])
    assert matched is not None and (matched.step, matched.drift) == (case["counter"], 0)


@pytest.mark.parametrize("case", cases("totp"))
def test_totp(case: Dict[str, Any]) -> None:
    secret = bytes.fromhex(case["secret_hex"])

    def build() -> callsign.TOTP:
        return callsign.TOTP(
            secret, case["digits"], case["period"], case["algorithm"], t0=case["t0"]
        )

    if "error" in case:
        expect_error(case["error"], lambda: build().at(case["time"]))
        if case["t0"] == 0:
            expect_error(
                case["error"],
                lambda: callsign.totp(
                    secret, case["time"], case["digits"], case["period"], case["algorithm"]
                ),
            )
        return
    generator = build()
    assert generator.at(case["time"]) == case["code"]
    assert generator.timecode(case["time"]) == case["step"]
    if case["t0"] == 0:
        code = callsign.totp(secret, case["time"], case["digits"], case["period"], case["algorithm"])
        assert code == case["code"]
    matched = generator.verify(case["code"], case["time"], behind=0, ahead=0)
    assert matched is not None and matched.step == case["step"] and matched.drift == 0


@pytest.mark.parametrize("case", cases("account_secrets"))
def test_account_secrets(case: Dict[str, Any]) -> None:
    master = bytes.fromhex(case["master_key_hex"])
    if "error" in case:
        expect_error(
            case["error"],
            lambda: callsign.account_secret(master, case["account_id"], case["epoch"]),
        )
        return
    secret = callsign.account_secret(master, case["account_id"], case["epoch"])
    assert secret.hex() == case["account_secret_hex"]
    assert callsign.MasterKey(master).account_secret(case["account_id"], case["epoch"]) == secret
    # The call key is internal; its agent codes are TOTP-SHA256 over it.
    call_key = bytes.fromhex(case["call_key_hex"])
    for time in (59, 1111111109, 2000000000):
        assert callsign.agent_code(secret, time) == callsign.totp(call_key, time, algorithm="sha256")


@pytest.mark.parametrize("case", cases("agent_codes"))
def test_agent_codes(case: Dict[str, Any]) -> None:
    secret = bytes.fromhex(case["account_secret_hex"])
    args = (secret, case["time"], case["digits"], case["period"])
    if "error" in case:
        expect_error(case["error"], lambda: callsign.agent_code(*args))
        return
    assert callsign.agent_code(*args) == case["code"]
    enrollment = callsign.Enrollment(
        "Vector", "vector", secret, digits=case["digits"], period=case["period"]
    )
    shown = callsign.Verifier(enrollment).display(case["time"])
    assert (shown.code, shown.grouped, shown.step, shown.seconds_remaining) == (
        case["code"],
        case["grouped"],
        case["step"],
        case["seconds_remaining"],
    )


@pytest.mark.parametrize("case", cases("base32"))
def test_base32(case: Dict[str, Any]) -> None:
    if "error" in case:
        expect_error(case["error"], lambda: callsign.base32_decode(case["input"]))
        return
    decoded = callsign.base32_decode(case["input"])
    assert decoded.hex() == case["hex"]
    assert callsign.base32_encode(decoded) == case["canonical"]


@pytest.mark.parametrize("case", cases("entries"))
def test_entries(case: Dict[str, Any]) -> None:
    if "error" in case:
        expect_error(case["error"], lambda: callsign.parse_entry(case["entry"], case["digits"]))
        return
    assert callsign.parse_entry(case["entry"], case["digits"]) == case["code"]


@pytest.mark.parametrize("case", cases("otpauth"))
def test_otpauth(case: Dict[str, Any]) -> None:
    if "error" in case:
        expect_error(case["error"], lambda: callsign.parse_uri(case["uri"]))
        return
    expect = case["expect"]
    parsed = callsign.parse_uri(case["uri"])
    secret = bytes.fromhex(expect["secret_hex"])
    assert (parsed.name, parsed.issuer, parsed.algorithm, parsed.digits) == (
        expect["account"],
        expect["issuer"],
        expect["algorithm"],
        expect["digits"],
    )
    assert parsed.provisioning_uri() == case["canonical"]
    if expect["type"] == "totp":
        assert isinstance(parsed, callsign.TOTP)
        assert parsed.period == expect["period"]
        assert type(callsign.TOTP.from_uri(case["uri"])) is callsign.TOTP
        reference = callsign.TOTP(secret, expect["digits"], expect["period"], expect["algorithm"])
        assert parsed.at(1764355200) == reference.at(1764355200)
    else:
        assert isinstance(parsed, callsign.HOTP)
        assert parsed.initial_count == expect["counter"]
        assert type(callsign.HOTP.from_uri(case["uri"])) is callsign.HOTP
        counter = expect["counter"]
        assert parsed.at(counter) == callsign.hotp(
            secret, counter, expect["digits"], expect["algorithm"]
        )


@pytest.mark.parametrize("case", cases("enrollment"))
def test_enrollment(case: Dict[str, Any]) -> None:
    if "error" in case:
        expect_error(
            case["error"], lambda: callsign.Enrollment.from_uri(case["uri"], allow_unsigned=True)
        )
        expect_error(
            case["error"], lambda: callsign.Verifier(case["uri"], allow_unsigned=True)
        )
        return
    expect = case["expect"]
    enrollment = callsign.Enrollment.from_uri(case["uri"], allow_unsigned=True)
    assert (
        enrollment.issuer,
        enrollment.account_id,
        enrollment.epoch,
        enrollment.digits,
        enrollment.period,
    ) == (expect["issuer"], expect["account"], expect["epoch"], expect["digits"], expect["period"])
    check_digit = expect.get("check_digit", False)
    assert enrollment.check_digit == check_digit
    assert enrollment.to_uri() == case["canonical"]
    secret = bytes.fromhex(expect["secret_hex"])
    shown = callsign.Verifier(enrollment).display(1764355200)
    assert shown.code == callsign.agent_code(
        secret, 1764355200, expect["digits"], expect["period"], check_digit
    )


@pytest.mark.parametrize("case", cases("signed_enrollments"))
def test_signed_enrollments(case: Dict[str, Any]) -> None:
    keys = tuple(bytes.fromhex(key) for key in case["trusted_keys_hex"])
    allow_unsigned = case["allow_unsigned"]
    if "seed_hex" in case:
        # Addition C's reference: the seed gives the public key, signing the payload the URI.
        key = callsign.SigningKey(bytes.fromhex(case["seed_hex"]))
        assert key.public_key().hex() == case["public_key_hex"]
        issuer = callsign.Issuer(callsign.MasterKey(bytes(range(32))), lambda events: None)
        signed = issuer.enrollment("ACME Support", "customer-0001", signing_key=key)
        assert signed.signed
        assert signed.to_uri() == case["uri"] == f"{case['payload']}&sig={case['signature']}"
        assert issuer.enrollment("ACME Support", "customer-0001").to_uri() == case["payload"]

    def read() -> callsign.Enrollment:
        return callsign.Enrollment.from_uri(
            case["uri"], trusted_keys=keys, allow_unsigned=allow_unsigned
        )

    def verifier() -> callsign.Verifier:
        return callsign.Verifier(case["uri"], trusted_keys=keys, allow_unsigned=allow_unsigned)

    if "error" in case:
        expect_error(case["error"], read)
        expect_error(case["error"], verifier)
        return
    expect = case["expect"]
    enrollment = read()
    assert (enrollment.issuer, enrollment.account_id, enrollment.epoch) == (
        expect["issuer"],
        expect["account"],
        expect["epoch"],
    )
    assert enrollment.to_uri() == case["uri"]
    secret = bytes.fromhex(expect["secret_hex"])
    shown = verifier().display(1764355200)
    assert shown.code == callsign.agent_code(secret, 1764355200, expect["digits"], expect["period"])


@pytest.mark.parametrize("case", cases("verifier_sequences"))
def test_verifier_sequences(case: Dict[str, Any]) -> None:
    config = case["config"]
    verifier = callsign.Verifier(
        case["enrollment_uri"],
        allow_unsigned=True,
        behind=config["behind"],
        ahead=config["ahead"],
        max_failures=config["max_failures"],
        lockout_seconds=config["lockout_seconds"],
    )
    for step in case["steps"]:
        expect = step["expect"]
        if "error" in expect:
            expect_error(expect["error"], lambda: verifier.check(step["entry"], step["time"]))
            continue
        verdict = verifier.check(step["entry"], step["time"])
        assert verdict.status == expect["verdict"], (step, verdict)
        assert bool(verdict) == (expect["verdict"] == "genuine")
        assert verdict.step == expect.get("step")
        assert verdict.drift == expect.get("drift")
        assert verdict.attempts_left == expect.get("attempts_left")
        assert verdict.locked_until == expect.get("until")


@pytest.mark.parametrize("case", cases("agent_ids"))
def test_agent_ids(case: Dict[str, Any]) -> None:
    if "error" in case:
        expect_error(case["error"], lambda: callsign.canonical_agent_id(case["input"]))
    else:
        assert callsign.canonical_agent_id(case["input"]) == case["canonical"]


@pytest.mark.parametrize("case", cases("audit_chain"))
def test_audit_chain(case: Dict[str, Any]) -> None:
    chain = callsign.audit_chain_hash(bytes.fromhex(case["previous_hex"]), **case["event"])
    assert chain.hex() == case["chain_hex"]

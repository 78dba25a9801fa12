"""A table of bad input: every case must raise its own exception class, never crash and never
answer "no match"."""

import datetime
from typing import Callable, List, Tuple, Type

import pytest

import callsign

SECRET = b"12345678901234567890"
MASTER = bytes(range(32))
ENROLL = (
    "callsign://enroll?v=1&issuer=ACME%20Support&account=customer-0001"
    "&secret=7RUX6PO6UZYH6QNGL4DRTLQONNWAJGQSCE7NI4GQY72WFTSYMK4Q&epoch=0&digits=6&period=30"
)
NAIVE = datetime.datetime(2026, 11, 28, 12, 0, 0)
TOTP = callsign.TOTP(SECRET)
HOTP = callsign.HOTP(SECRET)
VERIFIER = callsign.Verifier(ENROLL, allow_unsigned=True)
VENDOR_KEY = callsign.SigningKey(bytes(range(0x20, 0x40))).public_key()


def issuer(**options: object) -> callsign.Issuer:
    return callsign.Issuer(MASTER, lambda events: None, **options)  # type: ignore[arg-type]


def raising_audit(events: List[callsign.AuditEvent]) -> None:
    raise OSError("audit store unreachable")


Case = Tuple[str, Callable[[], object], Type[BaseException]]
CASES: List[Case] = [
    # secrets
    ("secret of 15 bytes", lambda: callsign.totp(SECRET[:15], 59), callsign.InvalidSecretLengthError),
    ("empty secret", lambda: callsign.hotp(b"", 0), callsign.InvalidSecretLengthError),
    ("secret of 1025 bytes", lambda: callsign.TOTP(b"x" * 1025), callsign.InvalidSecretLengthError),
    ("80-bit base32 secret", lambda: callsign.TOTP("JBSWY3DPEHPK3PXP"), callsign.InvalidSecretLengthError),
    ("base32 with '1'", lambda: callsign.TOTP("GEZDGNBVGY3TQOJ1GEZDGNBVGY3TQOJQ"), callsign.InvalidBase32Error),
    ("base32 with '!'", lambda: callsign.HOTP("GEZDGNBVGY3TQOJQ!EZDGNBVGY3TQOJQ"), callsign.InvalidBase32Error),
    ("base32 of impossible length", lambda: callsign.base32_decode("MZX"), callsign.InvalidBase32Error),
    ("base32 of 6 symbols", lambda: callsign.base32_decode("MZXW6Y"), callsign.InvalidBase32Error),
    ("secret as int", lambda: callsign.TOTP(12345), TypeError),  # type: ignore[arg-type]
    ("secret as list", lambda: callsign.Enrollment("A", "b", [1, 2]), TypeError),  # type: ignore[arg-type]
    # digits, periods, algorithms
    ("5 digits", lambda: callsign.totp(SECRET, 59, 5), callsign.InvalidDigitsError),
    ("9 digits", lambda: callsign.hotp(SECRET, 0, 9), callsign.InvalidDigitsError),
    ("10 digits on TOTP", lambda: callsign.TOTP(SECRET, 10), callsign.InvalidDigitsError),
    ("negative digits", lambda: callsign.totp(SECRET, 59, -6), OverflowError),
    ("period 0", lambda: callsign.totp(SECRET, 59, 6, 0), callsign.InvalidPeriodError),
    ("agent period 5", lambda: callsign.agent_code(SECRET, 59, 6, 5), callsign.InvalidPeriodError),
    ("agent period 301", lambda: callsign.agent_code(SECRET, 59, 6, 301), callsign.InvalidPeriodError),
    ("algorithm md5", lambda: callsign.totp(SECRET, 59, algorithm="md5"), callsign.UnsupportedAlgorithmError),
    ("algorithm empty", lambda: callsign.HOTP(SECRET, 6, ""), callsign.UnsupportedAlgorithmError),
    ("random secret md5", lambda: callsign.random_secret("md5"), callsign.UnsupportedAlgorithmError),
    # times
    ("naive datetime", lambda: TOTP.at(NAIVE), callsign.NaiveDatetimeError),
    ("naive datetime to verify", lambda: TOTP.verify("123456", NAIVE), callsign.NaiveDatetimeError),
    ("naive datetime to check", lambda: VERIFIER.check("123456", NAIVE), callsign.NaiveDatetimeError),
    ("negative time", lambda: callsign.totp(SECRET, -1), callsign.TimeBeforeEpochError),
    ("time before t0", lambda: callsign.TOTP(SECRET, t0=100).at(99), callsign.TimeBeforeEpochError),
    (
        "aware datetime before 1970",
        lambda: TOTP.at(datetime.datetime(1969, 12, 31, 23, 59, tzinfo=datetime.timezone.utc)),
        callsign.TimeBeforeEpochError,
    ),
    ("time above 2^64", lambda: callsign.totp(SECRET, 2**64), callsign.ArithmeticOverflowError),
    ("time far below 0", lambda: callsign.totp(SECRET, -(2**200)), callsign.TimeBeforeEpochError),
    ("time far above 2^64", lambda: callsign.totp(SECRET, 2**200), callsign.ArithmeticOverflowError),
    ("time as float", lambda: callsign.totp(SECRET, 59.0), TypeError),  # type: ignore[arg-type]
    ("time as bool", lambda: TOTP.at(True), TypeError),
    ("time as date", lambda: TOTP.at(datetime.date(2026, 1, 1)), TypeError),  # type: ignore[arg-type]
    ("time as str", lambda: callsign.agent_code(SECRET, "59"), TypeError),  # type: ignore[arg-type]
    ("negative counter", lambda: callsign.hotp(SECRET, -1), OverflowError),
    # code entries
    ("entry with a letter", lambda: TOTP.verify("12a456", 59), callsign.InvalidCodeError),
    ("entry too short", lambda: TOTP.verify("12345", 59), callsign.InvalidCodeError),
    ("entry too long", lambda: HOTP.verify("1234567", 0), callsign.InvalidCodeError),
    ("empty entry", lambda: VERIFIER.check("", 1764355200), callsign.InvalidCodeError),
    ("entry with leading dash", lambda: VERIFIER.check("-482913", 1764355200), callsign.InvalidCodeError),
    ("entry of full-width digits", lambda: callsign.parse_entry("４８２９１３"), callsign.InvalidCodeError),
    ("window too large", lambda: TOTP.verify("123456", 59, behind=100, ahead=1), callsign.InvalidConfigError),
    # URIs
    ("http URI", lambda: callsign.parse_uri("http://totp/a?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"), callsign.InvalidUriError),
    ("TOTP from hotp URI", lambda: callsign.TOTP.from_uri("otpauth://hotp/a?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=1"), callsign.InvalidUriError),
    ("enrollment v=2", lambda: callsign.Enrollment.from_uri(ENROLL.replace("v=1", "v=2"), allow_unsigned=True), callsign.InvalidUriError),
    ("enrollment unknown parameter", lambda: callsign.Verifier(ENROLL + "&x=1", allow_unsigned=True), callsign.InvalidUriError),
    # signed enrollments
    ("unsigned enrollment under a pinned key", lambda: callsign.Enrollment.from_uri(ENROLL, trusted_keys=[VENDOR_KEY]), callsign.UntrustedEnrollmentError),
    ("unsigned enrollment, no keys, not allowed", lambda: callsign.Verifier(ENROLL), callsign.UntrustedEnrollmentError),
    ("locked verifier from an unsigned URI", lambda: callsign.Verifier.locked(ENROLL, 59, trusted_keys=[VENDOR_KEY]), callsign.UntrustedEnrollmentError),
    ("data after the signature", lambda: callsign.Enrollment.from_uri(ENROLL + "&sig=" + "A" * 86 + "&x=1", trusted_keys=[VENDOR_KEY]), callsign.UntrustedEnrollmentError),
    ("pinned keys and allow_unsigned", lambda: callsign.Verifier(ENROLL, trusted_keys=[VENDOR_KEY], allow_unsigned=True), callsign.InvalidConfigError),
    ("pinned key of 31 bytes", lambda: callsign.Enrollment.from_uri(ENROLL, trusted_keys=[VENDOR_KEY[:31]]), callsign.InvalidSigningKeyError),
    ("pinned keys as one bytes object", lambda: callsign.Enrollment.from_uri(ENROLL, trusted_keys=VENDOR_KEY), TypeError),  # type: ignore[arg-type]
    ("signing key seed of 31 bytes", lambda: callsign.SigningKey(bytes(31)), callsign.InvalidSigningKeyError),
    ("signing key of wrong type", lambda: issuer().enrollment("ACME", "a", signing_key=b"k" * 32), TypeError),  # type: ignore[arg-type]
    ("stored verifier in a file", lambda: callsign.StoredVerifier.open("/dev/null"), callsign.StorageFailedError),
    ("enrollment of wrong type", lambda: callsign.Verifier(42), TypeError),  # type: ignore[arg-type]
    ("provisioning URI without name", lambda: TOTP.provisioning_uri(), callsign.InvalidUriError),
    ("issuer name of 129 bytes", lambda: callsign.Enrollment("x" * 129, "a", SECRET), callsign.InvalidUriError),
    # profile
    ("master key of 31 bytes", lambda: callsign.account_secret(MASTER[:31], "a"), callsign.InvalidMasterKeyError),
    ("master key of 65 bytes", lambda: callsign.MasterKey(bytes(65)), callsign.InvalidMasterKeyError),
    ("empty account id", lambda: callsign.account_secret(MASTER, ""), callsign.InvalidIdentifierError),
    ("account id of 257 bytes", lambda: callsign.account_secret(MASTER, "é" * 129), callsign.InvalidIdentifierError),
    ("negative epoch", lambda: callsign.account_secret(MASTER, "a", -1), OverflowError),
    ("empty agent id", lambda: issuer().issue("a", agent_id="", ticket="T-1", time=59), callsign.InvalidIdentifierError),
    ("ticket of 257 bytes", lambda: issuer().issue("a", agent_id="ag", ticket="t" * 257, time=59), callsign.InvalidIdentifierError),
    ("batch with empty account id", lambda: issuer(rate_limit=None).issue_many(["a", ""], 59, agent_id="job", ticket="r"), callsign.InvalidIdentifierError),
    ("batch of a lone str", lambda: issuer(rate_limit=None).issue_many("abc", 59, agent_id="job", ticket="r"), TypeError),
    ("batch with an int account id", lambda: issuer(rate_limit=None).issue_many(["a", 7], 59, agent_id="job", ticket="r"), TypeError),  # type: ignore[list-item]
    ("batch that is no iterable", lambda: issuer(rate_limit=None).issue_many(7, 59, agent_id="job", ticket="r"), TypeError),  # type: ignore[arg-type]
    ("batch index out of range", lambda: issuer(rate_limit=None).issue_many(["a"], 59, agent_id="job", ticket="r")[1], IndexError),
    ("master key as str", lambda: callsign.Issuer("k" * 32, lambda events: None), TypeError),  # type: ignore[arg-type]
    ("batch threads 0", lambda: issuer(batch_threads=0), callsign.InvalidConfigError),
    ("rate limit of 0 codes", lambda: issuer(rate_limit=callsign.RateLimit(0, 60)), callsign.InvalidConfigError),
    ("issuer digits 9", lambda: issuer(digits=9), callsign.InvalidDigitsError),
    ("audit of wrong type", lambda: callsign.Issuer(MASTER, 42), TypeError),  # type: ignore[arg-type]
    ("audit directory missing", lambda: callsign.Issuer(MASTER, "/nonexistent/dir/audit.jsonl"), FileNotFoundError),
    ("audit path empty", lambda: callsign.Issuer(MASTER, ""), OSError),
    ("audit path a directory", lambda: callsign.Issuer(MASTER, "/"), OSError),
    ("audit callback raises", lambda: callsign.Issuer(MASTER, raising_audit).issue("a", agent_id="ag", ticket="T", time=59), callsign.AuditFailedError),
    ("max_failures 0", lambda: callsign.Verifier(ENROLL, allow_unsigned=True, max_failures=0), callsign.InvalidConfigError),
    ("lockout 0", lambda: callsign.Verifier(ENROLL, allow_unsigned=True, lockout_seconds=0), callsign.InvalidConfigError),
    ("state blob garbage", lambda: callsign.Verifier(ENROLL, allow_unsigned=True, state=b"garbage"), callsign.InvalidStateError),
    ("state blob truncated", lambda: VERIFIER.import_state(VERIFIER.export_state()[:-1]), callsign.InvalidStateError),
]


def test_the_table_is_large_and_unique() -> None:
    assert len(CASES) >= 40
    assert len({name for name, _, _ in CASES}) == len(CASES)


@pytest.mark.parametrize(("name", "action", "expected"), CASES, ids=[case[0] for case in CASES])
def test_bad_input_raises_its_class(
    name: str, action: Callable[[], object], expected: Type[BaseException]
) -> None:
    with pytest.raises(BaseException) as raised:
        action()
    assert type(raised.value) is expected, f"{name}: {type(raised.value).__name__}: {raised.value}"
    assert str(raised.value), f"{name}: the message must say what is wrong"



NAMED_INTS: List[Tuple[str, Callable[[int], object]]] = [
    ("counter", lambda n: callsign.hotp(SECRET, n)),
    ("digits", lambda n: callsign.totp(SECRET, 59, n)),
    ("period", lambda n: callsign.totp(SECRET, 59, 6, n)),
    ("t0", lambda n: callsign.TOTP(SECRET, t0=n)),
    ("initial_count", lambda n: callsign.HOTP(SECRET, initial_count=n)),
    ("epoch", lambda n: callsign.account_secret(MASTER, "a", n)),
    ("max_codes", lambda n: callsign.RateLimit(n, 60)),
    ("window_seconds", lambda n: callsign.RateLimit(3, n)),
    ("cache_capacity", lambda n: issuer(cache_capacity=n)),
    ("behind", lambda n: callsign.Verifier(ENROLL, allow_unsigned=True, behind=n)),
    ("ahead", lambda n: callsign.Verifier(ENROLL, allow_unsigned=True, ahead=n)),
    ("max_failures", lambda n: callsign.Verifier(ENROLL, allow_unsigned=True, max_failures=n)),
    ("lockout_seconds", lambda n: callsign.Verifier(ENROLL, allow_unsigned=True, lockout_seconds=n)),
    ("epoch", lambda n: issuer(epoch=n)),
    ("digits", lambda n: issuer(digits=n)),
    ("period", lambda n: issuer(period=n)),
    ("batch_threads", lambda n: issuer(batch_threads=n)),
    ("initial_count", lambda n: HOTP.provisioning_uri(initial_count=n)),
    ("step", lambda n: callsign.audit_chain_hash(bytes(32), time=0, outcome="issued", account_id="a", agent_id="b", ticket="t", step=n, epoch=0)),
]


@pytest.mark.parametrize(("name", "call"), NAMED_INTS, ids=[f"{case[0]}-{index}" for index, case in enumerate(NAMED_INTS)])
@pytest.mark.parametrize("value, problem", [(-1, "0 or more"), (-(2**200), "0 or more"), (2**200, "at most")])
def test_out_of_range_ints_name_their_argument(
    name: str, call: Callable[[int], object], value: int, problem: str
) -> None:
    with pytest.raises(OverflowError) as raised:
        call(value)
    assert type(raised.value) is OverflowError
    assert str(raised.value).startswith(f"{name} must be {problem}"), str(raised.value)

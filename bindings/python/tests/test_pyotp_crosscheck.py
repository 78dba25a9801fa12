"""Cross-check against pyotp on random secrets, times, digit counts and algorithms."""

import base64
import hashlib
import os
import random
import time as time_module
from typing import Iterator, Tuple

import pyotp
import pytest

import callsign

CASES = 10_000
ALGORITHMS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha512": hashlib.sha512}
# pyotp turns int times into local datetimes (the trap of pyotp #57), and cannot go past 9999.
MAX_PYOTP_TIME = 253_402_300_799


@pytest.fixture(autouse=True)
def utc_local_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Keeps pyotp's local-time round trip exact."""
    monkeypatch.setenv("TZ", "UTC")
    time_module.tzset()
    yield
    monkeypatch.undo()
    time_module.tzset()


def random_case(rng: random.Random) -> Tuple[bytes, int, int, str, int]:
    secret = rng.randbytes(rng.randint(16, 64))
    when = rng.choice([rng.randint(0, 2**32), rng.randint(0, MAX_PYOTP_TIME)])
    return secret, when, rng.choice([6, 7, 8]), rng.choice(list(ALGORITHMS)), rng.choice([15, 30, 60])


def test_totp_matches_pyotp_on_random_cases() -> None:
    seed = int.from_bytes(os.urandom(8), "big")
    rng = random.Random(seed)
    for _ in range(CASES):
        secret, when, digits, algorithm, period = random_case(rng)
        encoded = base64.b32encode(secret).decode()
        expected = pyotp.TOTP(
            encoded, digits=digits, digest=ALGORITHMS[algorithm], interval=period
        ).at(when)
        case = (secret.hex(), when, digits, algorithm, period, f"seed {seed}")
        assert callsign.totp(secret, when, digits, period, algorithm) == expected, case
        generator = callsign.TOTP(encoded.lower(), digits, period, algorithm)
        assert generator.at(when) == expected, case


def test_hotp_matches_pyotp_on_random_cases() -> None:
    rng = random.Random(20261128)
    for _ in range(CASES):
        secret, _, digits, algorithm, _ = random_case(rng)
        counter = rng.choice([rng.randint(0, 1000), rng.randint(0, 2**63 - 1)])
        expected = pyotp.HOTP(
            base64.b32encode(secret).decode(), digits=digits, digest=ALGORITHMS[algorithm]
        ).at(counter)
        assert callsign.hotp(secret, counter, digits, algorithm) == expected, (
            secret.hex(),
            counter,
            digits,
            algorithm,
        )


def test_provisioning_uri_is_readable_by_pyotp() -> None:
    generator = callsign.TOTP(
        callsign.random_secret("sha256"), 8, 60, "sha256", name="alice@example.com", issuer="ACME"
    )
    parsed = pyotp.parse_uri(generator.provisioning_uri())
    assert isinstance(parsed, pyotp.TOTP)
    assert parsed.at(1764355200) == generator.at(1764355200)
    assert (parsed.name, parsed.issuer, parsed.digits, parsed.interval) == (
        "alice@example.com",
        "ACME",
        8,
        60,
    )

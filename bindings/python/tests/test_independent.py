"""Profile values checked against implementations that are not core: the stdlib reference in
reference_profile.py, oathtool (TOTP with T0 != 0 via its start-time option) and pyotp."""

import base64
import hashlib
import shutil
import subprocess
from typing import List, Tuple

import pyotp
import pytest

import callsign
from reference_profile import account_secret, agent_code, totp

MASTER_32 = bytes(range(32))
MASTER_64 = bytes(range(64))
ACCOUNTS: List[Tuple[bytes, str, int]] = [
    (MASTER_32, "customer-0001", 0),
    (MASTER_64, "customer-0001", 0),
    (MASTER_32, "a" * 256, 0),
    (MASTER_64, "ü" * 128, 7),
    (MASTER_32, "kunde@example.de", 0xFFFF_FFFF),
    (MASTER_64, "顧客-番号-😀", 0xFFFF_FFFF),
    (bytes(range(255, 191, -1)), "x", 1),
]
TIMES = [0, 59, 1_111_111_109, 1_764_355_200, 4_102_444_800]


def test_the_protocol_reference_value() -> None:
    expected = "fc697f3ddea6707f41a65f0719ae0e6b6c049a12113ed470d0c7f562ce5862b9"
    assert account_secret(MASTER_32, "customer-0001", 0).hex() == expected
    assert callsign.account_secret(MASTER_32, "customer-0001", 0).hex() == expected


@pytest.mark.parametrize("master, account, epoch", ACCOUNTS, ids=lambda value: repr(value)[:24])
def test_account_secrets_and_agent_codes_match_the_reference(master: bytes, account: str, epoch: int) -> None:
    secret = callsign.account_secret(master, account, epoch)
    assert secret == account_secret(master, account, epoch)
    assert callsign.MasterKey(master).account_secret(account, epoch) == secret
    for time in TIMES:
        for digits, period in [(6, 30), (8, 60), (7, 10)]:
            expected = agent_code(secret, time, digits, period)
            assert callsign.agent_code(secret, time, digits, period) == expected


T0_CASES = [
    (0, 1_000_000_059),
    (1_000_000_000, 1_000_000_059),
    (1_000_000_000, 1_111_111_109),
    (1_234_567_890, 2_000_000_000),
    (59, 89),
]
SEEDS = {
    "sha1": b"12345678901234567890",
    "sha256": b"12345678901234567890123456789012",
    "sha512": b"1234567890123456789012345678901234567890123456789012345678901234",
}


def _oathtool() -> str:
    path = shutil.which("oathtool")
    # scripts/test-python.sh installs it: a missing reference is a failure, not a skip.
    assert path is not None, "oathtool is missing: scripts/test-python.sh installs it"
    return path


@pytest.mark.parametrize("t0, time", T0_CASES)
@pytest.mark.parametrize("algorithm", sorted(SEEDS))
def test_totp_with_t0_matches_oathtool_pyotp_and_the_reference(algorithm: str, t0: int, time: int) -> None:
    seed = SEEDS[algorithm]
    for digits, period in [(6, 30), (8, 60)]:
        ours = callsign.TOTP(seed, digits, period, algorithm, t0=t0).at(time)
        oath = subprocess.run(
            [
                _oathtool(),
                f"--totp={algorithm.upper()}",
                f"--digits={digits}",
                f"--time-step-size={period}s",
                f"--start-time=@{t0}",
                f"--now=@{time}",
                seed.hex(),
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        digest = getattr(hashlib, algorithm)
        secret = base64.b32encode(seed).decode()
        py = pyotp.TOTP(secret, digits=digits, digest=digest, interval=period).generate_otp((time - t0) // period)
        assert ours == oath == py == totp(seed, time, digits, period, t0, digest), (t0, time, digits, period)


def test_a_time_before_t0_is_an_error() -> None:
    with pytest.raises(callsign.TimeBeforeEpochError):
        callsign.TOTP(SEEDS["sha1"], t0=1_000).at(999)

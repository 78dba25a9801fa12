"""A small stdlib reference of the callsign v1 profile and of the verifier state blob, written
from docs/protocol.md and not from core: the tests compare the binding (core) with it."""

import hashlib
import hmac
import struct
from dataclasses import dataclass
from typing import Any, Callable, List, Optional

Digest = Callable[..., Any]

MAX_DEVICE_TIME = 253_402_300_799  # 9999-12-31T23:59:59Z
MAX_LOCKOUT_SECONDS = 30 * 24 * 3600


def hkdf_sha256(salt: bytes, ikm: bytes, info: bytes, length: int = 32) -> bytes:
    """RFC 5869 with SHA-256."""
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    out, block, counter = b"", b"", 1
    while len(out) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        out += block
        counter += 1
    return out[:length]


def account_secret(master: bytes, account_id: str, epoch: int) -> bytes:
    """S = HKDF-SHA256("callsign v1 account", M, u32be(epoch) || account_id)."""
    info = struct.pack(">I", epoch) + account_id.encode("utf-8")
    return hkdf_sha256(b"callsign v1 account", master, info)


def call_key(secret: bytes) -> bytes:
    """K = HKDF-SHA256("callsign v1 code", S, "agent-to-customer")."""
    return hkdf_sha256(b"callsign v1 code", secret, b"agent-to-customer")


def hotp(key: bytes, counter: int, digits: int, digest: Digest = hashlib.sha256) -> str:
    """RFC 4226 dynamic truncation."""
    mac = hmac.new(key, struct.pack(">Q", counter), digest).digest()
    offset = mac[-1] & 0x0F
    value: int = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def totp(key: bytes, time: int, digits: int, period: int, t0: int = 0, digest: Digest = hashlib.sha1) -> str:
    """RFC 6238: the HOTP code of floor((t - T0) / period)."""
    return hotp(key, (time - t0) // period, digits, digest)


def agent_code(secret: bytes, time: int, digits: int = 6, period: int = 30) -> str:
    """The agent code of an account secret at a time."""
    return hotp(call_key(secret), time // period, digits)


def state_key(secret: bytes) -> bytes:
    """The key that authenticates the verifier state blob."""
    return hkdf_sha256(b"callsign v1 state", secret, b"verifier-state")


def fingerprint(issuer: str, account: str, epoch: int, period: Optional[int], digits: Optional[int]) -> bytes:
    """The enrollment fingerprint; version 1 (period and digits None) or version 2."""
    if period is None or digits is None:
        data = b"callsign v1 enrollment" + struct.pack(">I", epoch)
    else:
        data = b"callsign v2 enrollment" + struct.pack(">IQB", epoch, period, digits)
    for field in (issuer.encode("utf-8"), account.encode("utf-8")):
        data += struct.pack(">Q", len(field)) + field
    return hashlib.sha256(data).digest()[:16]


class BlobError(ValueError):
    """A blob the documented rules refuse; `reason` is "foreign" or "corrupt"."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason


@dataclass
class StateBlob:
    version: int
    fingerprint: bytes
    flags: int
    last_accepted_step: Optional[int]
    locked_until: Optional[int]
    latest_time: Optional[int]
    failures: List[int]


def parse_state_blob(blob: bytes, secret: bytes, expected_fingerprint_v2: bytes, expected_fingerprint_v1: bytes) -> StateBlob:
    """Reads a state blob by the rules of docs/protocol.md ("The verifier state blob")."""
    if len(blob) < 5 or blob[:4] != b"CSVS":
        raise BlobError("corrupt", "no magic")
    version = blob[4]
    if version == 1:
        header, count_at, expected_fp = 39, 38, expected_fingerprint_v1
        checked = blob
    else:
        if len(blob) < 9 or hashlib.sha256(blob[:-4]).digest()[:4] != blob[-4:]:
            raise BlobError("corrupt", "checksum")
        if version != 2:
            raise BlobError("foreign", f"version {version}")
        header, count_at, expected_fp = 47, 46, expected_fingerprint_v2
        checked = blob[:-4]
    if len(checked) < header + 16:
        raise BlobError("corrupt", "truncated")
    count = checked[count_at]
    if count > 20 or len(checked) != header + 8 * count + 16:
        raise BlobError("corrupt", "length")
    fp = checked[5:21]
    if fp != expected_fp:
        raise BlobError("foreign", "fingerprint")
    body, tag = checked[:-16], checked[-16:]
    if not hmac.compare_digest(hmac.new(state_key(secret), body, hashlib.sha256).digest()[:16], tag):
        raise BlobError("corrupt", "tag")
    flags, last, lock = struct.unpack_from(">BQQ", body, 21)
    if flags > 3:
        raise BlobError("corrupt", "flags")
    latest: Optional[int] = struct.unpack_from(">Q", body, 38)[0] if version == 2 else None
    failures = list(struct.unpack_from(f">{count}Q", body, header))
    if (
        (latest is not None and latest > MAX_DEVICE_TIME)
        or any(time > MAX_DEVICE_TIME for time in failures)
        or (flags & 2 and lock > MAX_DEVICE_TIME + MAX_LOCKOUT_SECONDS)
    ):
        raise BlobError("corrupt", "time out of range")
    return StateBlob(
        version=version,
        fingerprint=fp,
        flags=flags,
        last_accepted_step=last if flags & 1 else None,
        locked_until=lock if flags & 2 else None,
        latest_time=latest,
        failures=failures,
    )

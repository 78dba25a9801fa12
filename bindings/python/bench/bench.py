"""Benchmark of the callsign wheel against pyotp, all figures from one run.

Measures per call: `totp()` against pyotp `TOTP(s).at(t)`, and `agent_code()`; per code:
`Issuer.issue_many` for 10,000 accounts against a pyotp loop that computes the same codes (the
loop derives each account's key with the standard library's hmac, as the profile specifies,
then asks pyotp for the code), once without and once with the same JSON-lines audit that the
issuer writes. Audit files go to --audit-dir (default: /dev/shm when present), so that the disk's
fsync latency does not drown the computation. Every timing is the median of several repeats.

Usage: python bench.py [--quick] [--audit-dir DIR]     (--quick: small sizes, for a smoke test)
"""

import argparse
import base64
import hashlib
import hmac
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Dict, List

import pyotp

import callsign

MASTER = bytes(range(32))
NOW = 1764355200


def median_seconds(action: Callable[[], object], repeats: int) -> float:
    """The median wall time of `repeats` runs of `action`."""
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def per_call_ns(action: Callable[[], object], calls: int, repeats: int) -> float:
    """Median nanoseconds per call of `action`, over `repeats` loops of `calls` calls."""

    def loop() -> None:
        for _ in range(calls):
            action()

    return median_seconds(loop, repeats) / calls * 1e9


def hkdf_sha256(salt: bytes, ikm: bytes, info: bytes) -> bytes:
    """RFC 5869 HKDF-SHA256 with 32 bytes of output, in pure Python."""
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()


def pyotp_agent_code(account_id: str, when: int) -> str:
    """The profile's agent code through the standard library and pyotp."""
    account_secret = hkdf_sha256(
        b"callsign v1 account", MASTER, (0).to_bytes(4, "big") + account_id.encode()
    )
    call_key = hkdf_sha256(b"callsign v1 code", account_secret, b"agent-to-customer")
    return pyotp.TOTP(base64.b32encode(call_key).decode(), digest=hashlib.sha256).at(when)


def pyotp_audited_batch(accounts: List[str], when: int, audit: Path) -> List[str]:
    """The pyotp loop plus the audit the issuer writes: one JSON line per code, one fsync."""
    codes = []
    lines = []
    for account in accounts:
        codes.append(pyotp_agent_code(account, when))
        event = {
            "time": when,
            "outcome": "issued",
            "account_id": account,
            "agent_id": "bench",
            "ticket": "benchmark",
            "step": when // 30,
            "epoch": 0,
        }
        lines.append(json.dumps(event, separators=(",", ":")))
    with audit.open("a") as file:
        file.write("\n".join(lines) + "\n")
        file.flush()
        os.fdatasync(file.fileno())
    return codes


def run(quick: bool, audit_dir: Path) -> Dict[str, float]:
    calls, repeats, accounts_count = (2_000, 3, 1_000) if quick else (100_000, 7, 10_000)
    secret = b"12345678901234567890"
    secret_b32 = base64.b32encode(secret).decode()
    results: Dict[str, float] = {}

    assert callsign.totp(secret, NOW) == pyotp.TOTP(secret_b32).at(NOW)
    results["totp_ns"] = per_call_ns(lambda: callsign.totp(secret, NOW), calls, repeats)
    results["pyotp_totp_ns"] = per_call_ns(
        lambda: pyotp.TOTP(secret_b32).at(NOW), max(calls // 20, 100), repeats
    )
    account_secret = callsign.account_secret(MASTER, "customer-0001")
    results["agent_code_ns"] = per_call_ns(
        lambda: callsign.agent_code(account_secret, NOW), calls, repeats
    )
    results["pyotp_agent_code_ns"] = per_call_ns(
        lambda: pyotp_agent_code("customer-0001", NOW), max(calls // 20, 100), repeats
    )

    accounts = [f"customer-{index:06}" for index in range(accounts_count)]
    expected = [pyotp_agent_code(account, NOW) for account in accounts]
    with tempfile.TemporaryDirectory(dir=audit_dir) as scratch:
        audit = Path(scratch) / "audit.jsonl"

        def batch(issuer: callsign.Issuer) -> List[callsign.AgentCode]:
            return issuer.issue_many(accounts, NOW, agent_id="bench", reason="benchmark")

        warm = callsign.Issuer(MASTER, audit, rate_limit=None, cache_capacity=accounts_count)
        assert [code.code for code in batch(warm)] == expected
        results["issue_many_warm_ns"] = median_seconds(lambda: batch(warm), repeats) / accounts_count * 1e9
        results["issue_many_cold_ns"] = (
            median_seconds(
                lambda: batch(callsign.Issuer(MASTER, audit, rate_limit=None, cache_capacity=0)),
                repeats,
            )
            / accounts_count
            * 1e9
        )
        pyotp_audit = Path(scratch) / "pyotp-audit.jsonl"
        assert pyotp_audited_batch(accounts, NOW, pyotp_audit) == expected
        results["pyotp_audited_loop_ns"] = (
            median_seconds(lambda: pyotp_audited_batch(accounts, NOW, pyotp_audit), repeats)
            / accounts_count
            * 1e9
        )
    results["pyotp_loop_ns"] = (
        median_seconds(lambda: [pyotp_agent_code(account, NOW) for account in accounts], repeats)
        / accounts_count
        * 1e9
    )
    return results


def report(results: Dict[str, float], audit_dir: Path) -> str:
    def ratio(slow: str, fast: str) -> str:
        return f"{results[slow] / results[fast]:6.1f}x"

    rows = [
        ("totp() per call", "totp_ns", ""),
        ("pyotp TOTP(s).at(t) per call", "pyotp_totp_ns", f"totp() {ratio('pyotp_totp_ns', 'totp_ns')} faster"),
        ("agent_code() per call", "agent_code_ns", ""),
        (
            "stdlib HKDF + pyotp per call",
            "pyotp_agent_code_ns",
            f"agent_code() {ratio('pyotp_agent_code_ns', 'agent_code_ns')} faster",
        ),
        ("issue_many per code, cached keys", "issue_many_warm_ns", ""),
        ("issue_many per code, fresh issuer", "issue_many_cold_ns", ""),
        (
            "pyotp loop per code, no audit",
            "pyotp_loop_ns",
            f"issue_many {ratio('pyotp_loop_ns', 'issue_many_warm_ns')} faster (cached), "
            f"{ratio('pyotp_loop_ns', 'issue_many_cold_ns')} (fresh)",
        ),
        (
            "pyotp loop per code, same audit",
            "pyotp_audited_loop_ns",
            f"issue_many {ratio('pyotp_audited_loop_ns', 'issue_many_warm_ns')} faster (cached), "
            f"{ratio('pyotp_audited_loop_ns', 'issue_many_cold_ns')} (fresh)",
        ),
    ]
    lines = [f"callsign {callsign.__version__}, Python {sys.version.split()[0]}, audit files in {audit_dir}"]
    lines += [f"{label:<36}{results[key]:10.0f} ns   {note}".rstrip() for label, key, note in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke test")
    shm = Path("/dev/shm")
    parser.add_argument(
        "--audit-dir",
        type=Path,
        default=shm if shm.is_dir() else Path(tempfile.gettempdir()),
        help="where the audit files go (default: /dev/shm when present)",
    )
    args = parser.parse_args()
    print(report(run(args.quick, args.audit_dir), args.audit_dir))


if __name__ == "__main__":
    main()

"""Benchmark of the callsign wheel against pyotp, all figures from one run.

Measures per call: `totp()` against pyotp `TOTP(s).at(t)`, a prepared `TOTP(s).at(t)` on both
sides (the generator made once), and `agent_code()` against the
standard library's HKDF plus pyotp; per code: `Issuer.issue_many` for 10,000 accounts against a
pyotp loop that computes the same codes (it derives each account's key with the standard
library's hmac, as the profile specifies, then asks pyotp for the code), once without and once
with the same JSON-lines audit that the issuer writes (one line per code, one fsync per batch).
`issue_many` is measured with its default `batch_threads` (the available cores) and on one thread.

The machine is shared, so the two sides of each comparison are timed back to back in every
round, and the ratio reported is the median of the rounds' ratios. Audit files go to
--audit-dir (default: /dev/shm when present), so that the disk's fsync latency does not drown
the computation.

With --core-runner (the release build of tests/bench/examples/callgrind.rs, which
`cargo build --release -p callsign-bench --example callgrind` makes), each round also times
core's prepared SHA-1 code in Rust next to `TOTP.at()`, so that the binding's overhead is a
ratio from one run: the runner is started with a few and with many more iterations, and the
difference per iteration is one code, process start cancelled out.

Usage: python bench.py [--quick] [--audit-dir DIR] [--core-runner PATH]
       (--quick: small sizes, for a smoke test)
"""

import argparse
import base64
import hashlib
import hmac
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Optional

import pyotp

import callsign

MASTER = bytes(range(32))
NOW = 1764355200


@dataclass
class Comparison:
    """Nanoseconds per operation of callsign and of the pyotp side, from paired rounds."""

    ours_ns: float
    theirs_ns: float
    ratio: float


def compare(ours: Callable[[], float], theirs: Callable[[], float], rounds: int) -> Comparison:
    """Times `ours` and `theirs` (each returns ns per operation) back to back, `rounds` times."""
    pairs = [(ours(), theirs()) for _ in range(rounds)]
    return Comparison(
        ours_ns=statistics.median(pair[0] for pair in pairs),
        theirs_ns=statistics.median(pair[1] for pair in pairs),
        ratio=statistics.median(pair[1] / pair[0] for pair in pairs),
    )


def per_call(statement: str, names: Dict[str, object], calls: int) -> Callable[[], float]:
    """A timer of `statement` in timeit's loop (no wrapper call around it), in ns per run."""
    return lambda: timeit.timeit(statement, globals=names, number=calls) / calls * 1e9


def per_item(action: Callable[[], object], items: int, runs: int = 1) -> Callable[[], float]:
    """A timer of `runs` runs of `action` in a row, in ns per item (the mean over the runs)."""

    def timer() -> float:
        start = time.perf_counter()
        for _ in range(runs):
            action()
        return (time.perf_counter() - start) / (runs * items) * 1e9

    return timer


def core_per_call(runner: Path, case: str, calls: int) -> Callable[[], float]:
    """A timer of `case` in the Rust runner (`runner CASE ITERATIONS`), in ns per iteration."""

    def elapsed(iterations: int) -> float:
        start = time.perf_counter()
        subprocess.run([str(runner), case, str(iterations)], check=True, stdout=subprocess.DEVNULL)
        return time.perf_counter() - start

    few = 10
    return lambda: (elapsed(few + calls) - elapsed(few)) / calls * 1e9


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
    with audit.open("w") as file:
        file.write("\n".join(lines) + "\n")
        file.flush()
        os.fdatasync(file.fileno())
    return codes


def run(quick: bool, audit_dir: Path, core_runner: Optional[Path]) -> Dict[str, Comparison]:
    calls, rounds, accounts_count, batch_runs = (2_000, 3, 1_000, 2) if quick else (50_000, 7, 10_000, 20)
    secret = b"12345678901234567890"
    secret_b32 = base64.b32encode(secret).decode()
    names: Dict[str, object] = {
        "callsign": callsign,
        "pyotp": pyotp,
        "pyotp_agent_code": pyotp_agent_code,
        "secret": secret,
        "secret_b32": secret_b32,
        "account_secret": callsign.account_secret(MASTER, "customer-0001"),
        "NOW": NOW,
        "generator": callsign.TOTP(secret),
        "pyotp_generator": pyotp.TOTP(secret_b32),
    }
    few = max(calls // 20, 100)
    assert callsign.totp(secret, NOW) == pyotp.TOTP(secret_b32).at(NOW)
    assert callsign.agent_code(callsign.account_secret(MASTER, "x"), NOW) == pyotp_agent_code("x", NOW)
    results = {
        "totp": compare(
            per_call("callsign.totp(secret, NOW)", names, calls),
            per_call("pyotp.TOTP(secret_b32).at(NOW)", names, few),
            rounds,
        ),
        "TOTP.at": compare(
            per_call("generator.at(NOW)", names, calls),
            per_call("pyotp_generator.at(NOW)", names, few),
            rounds,
        ),
        "agent_code": compare(
            per_call("callsign.agent_code(account_secret, NOW)", names, calls),
            per_call('pyotp_agent_code("customer-0001", NOW)', names, few),
            rounds,
        ),
    }

    if core_runner is not None:
        # "ours" is core in Rust and "theirs" the binding, so the ratio is Python / core.
        # Both sides run for about the same stretch (a few hundred ms); the Python side is
        # warmed up again after each Rust process.
        python_side = per_call("generator.at(NOW)", names, calls * 40)
        results["TOTP.at vs core"] = compare(
            core_per_call(core_runner, "sha1_code", calls * 100),
            lambda: (python_side(), python_side())[1],
            rounds,
        )

    accounts = [f"customer-{index:06}" for index in range(accounts_count)]
    expected = [pyotp_agent_code(account, NOW) for account in accounts]
    with tempfile.TemporaryDirectory(dir=audit_dir) as scratch:
        audit = Path(scratch) / "audit.jsonl"
        pyotp_audit = Path(scratch) / "pyotp-audit.jsonl"

        def batch(issuer: callsign.Issuer) -> List[str]:
            # The codes as a list of str, as the pyotp loop returns them. The audit file starts
            # empty each time, as the pyotp loop's does, so that it does not fill the memory.
            os.truncate(audit, 0)
            return issuer.issue_many(accounts, NOW, agent_id="bench", ticket="benchmark").codes

        def fresh_issuer() -> callsign.Issuer:
            return callsign.Issuer(MASTER, audit, rate_limit=None, cache_capacity=0)

        warm = callsign.Issuer(MASTER, audit, rate_limit=None, cache_capacity=accounts_count)
        warm_one_thread = callsign.Issuer(
            MASTER, audit, rate_limit=None, cache_capacity=accounts_count, batch_threads=1
        )
        assert batch(warm) == expected
        assert batch(warm_one_thread) == expected
        assert pyotp_audited_batch(accounts, NOW, pyotp_audit) == expected
        plain_loop = per_item(lambda: [pyotp_agent_code(a, NOW) for a in accounts], accounts_count)
        audited_loop = per_item(lambda: pyotp_audited_batch(accounts, NOW, pyotp_audit), accounts_count)
        # A pyotp loop over the batch runs for about half a second; each timing of callsign
        # covers several batches in a row, so that both sides span comparable stretches of
        # time on this shared machine.
        cached = per_item(lambda: batch(warm), accounts_count, batch_runs)
        cached_one_thread = per_item(lambda: batch(warm_one_thread), accounts_count, batch_runs)
        fresh = per_item(lambda: batch(fresh_issuer()), accounts_count, max(batch_runs // 4, 1))
        results["issue_many cached keys vs plain loop"] = compare(cached, plain_loop, rounds)
        results["issue_many one thread vs plain loop"] = compare(cached_one_thread, plain_loop, rounds)
        results["issue_many fresh issuer vs plain loop"] = compare(fresh, plain_loop, rounds)
        results["issue_many cached keys vs audited loop"] = compare(cached, audited_loop, rounds)
    return results


def report(results: Dict[str, Comparison], audit_dir: Path, accounts: int) -> str:
    labels = {
        "totp": "totp() per call vs pyotp TOTP(s).at(t)",
        "TOTP.at": "prepared TOTP(s) once, .at(t) per call, on both sides",
        "agent_code": "agent_code() per call vs stdlib HKDF + pyotp",
        "issue_many cached keys vs plain loop": f"issue_many ({accounts} accounts, cached keys) per code vs pyotp loop",
        "issue_many one thread vs plain loop": "issue_many (cached keys, batch_threads=1) vs pyotp loop",
        "issue_many fresh issuer vs plain loop": "issue_many (fresh issuer, derives every key) vs pyotp loop",
        "issue_many cached keys vs audited loop": "issue_many (cached keys) vs pyotp loop writing the same audit",
    }
    lines = [
        f"callsign {callsign.__version__}, Python {sys.version.split()[0]}, audit files in {audit_dir}, "
        f"{len(os.sched_getaffinity(0))} cores available (issue_many splits large batches over them)",
        f"{'comparison':<66}{'callsign':>10}{'pyotp side':>12}{'ratio':>9}",
    ]
    for key, label in labels.items():
        result = results[key]
        lines.append(
            f"{label:<66}{result.ours_ns:8.0f}ns{result.theirs_ns:10.0f}ns{result.ratio:8.1f}x"
        )
    core = results.get("TOTP.at vs core")
    if core is not None:
        lines.append(
            f"{'binding overhead: Python TOTP.at() / core prepared SHA-1 code':<66}"
            f"{core.theirs_ns:8.0f}ns{core.ours_ns:10.0f}ns{core.ratio:8.2f}x"
            "   (Python, Rust core, ratio)"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke test")
    shm = Path("/dev/shm")
    parser.add_argument(
        "--audit-dir",
        type=Path,
        default=shm if shm.is_dir() else Path(tempfile.gettempdir()),
        help="where the audit files go (default: /dev/shm when present)",
    )
    parser.add_argument(
        "--core-runner",
        type=Path,
        help="the callgrind example of the bench crate, to time core's prepared code in the same rounds",
    )
    args = parser.parse_args()
    results = run(args.quick, args.audit_dir, args.core_runner)
    print(report(results, args.audit_dir, 1_000 if args.quick else 10_000))


if __name__ == "__main__":
    main()

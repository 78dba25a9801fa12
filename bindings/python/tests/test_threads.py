"""One verifier and one issuer shared by several threads."""

import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import List

import callsign

MASTER = bytes(range(32))
NOW = 1764355200
THREADS = 8


def verifier(max_failures: int = 3, lockout_seconds: int = 900) -> callsign.Verifier:
    issuer = callsign.Issuer(MASTER, lambda events: None)
    enrollment = issuer.enrollment("ACME", "customer-0001")
    return callsign.Verifier(
        enrollment, max_failures=max_failures, lockout_seconds=lockout_seconds
    )


def genuine_code(at: int) -> str:
    return callsign.agent_code(callsign.account_secret(MASTER, "customer-0001"), at)


def test_one_genuine_code_is_accepted_exactly_once_across_threads() -> None:
    shared = verifier()
    code = genuine_code(NOW)
    barrier = threading.Barrier(THREADS)

    def attempt(_: int) -> str:
        barrier.wait()
        return shared.check(code, NOW).status

    with ThreadPoolExecutor(THREADS) as pool:
        statuses = sorted(pool.map(attempt, range(THREADS)))
    assert statuses == ["already_used"] * (THREADS - 1) + ["genuine"]


def test_concurrent_wrong_guesses_lock_after_exactly_max_failures() -> None:
    shared = verifier(max_failures=5, lockout_seconds=600)
    wrong = "000000" if genuine_code(NOW) != "000000" else "111111"
    barrier = threading.Barrier(THREADS)

    def guess(_: int) -> List[str]:
        barrier.wait()
        return [shared.check(wrong, NOW).status for _ in range(10)]

    with ThreadPoolExecutor(THREADS) as pool:
        statuses = [status for batch in pool.map(guess, range(THREADS)) for status in batch]
    assert statuses.count("not_genuine") == 4
    assert statuses.count("locked_out") == THREADS * 10 - 4
    status = shared.status(NOW)
    assert (status.locked_until, status.attempts_left) == (NOW + 600, 0)
    # Even the genuine code is refused during the lock.
    assert shared.check(genuine_code(NOW), NOW + 1).status == "locked_out"


def test_issuer_rate_limit_holds_across_threads() -> None:
    events: List[callsign.AuditEvent] = []
    issuer = callsign.Issuer(MASTER, events.extend, rate_limit=callsign.RateLimit(10, 3600))
    barrier = threading.Barrier(THREADS)

    def issue(index: int) -> int:
        barrier.wait()
        issued = 0
        for attempt in range(5):
            try:
                issuer.issue(f"acct-{index}-{attempt}", agent_id="agent-7", ticket="T-1", time=NOW)
                issued += 1
            except callsign.RateLimitedError:
                pass
        return issued

    with ThreadPoolExecutor(THREADS) as pool:
        assert sum(pool.map(issue, range(THREADS))) == 10
    outcomes = [event["outcome"] for event in events]
    assert outcomes.count("issued") == 10
    assert outcomes.count("refused_rate_limited") == THREADS * 5 - 10


def test_issue_many_releases_the_gil(tmp_path: Path) -> None:
    # A file sink keeps Python out of the batch, and a long switch interval keeps a thread that
    # holds the GIL from handing it over: the spinner can only run while the GIL is released.
    issuer = callsign.Issuer(MASTER, tmp_path / "audit.jsonl", rate_limit=None, cache_capacity=0)
    accounts = [f"customer-{index}" for index in range(30_000)]
    running = threading.Event()
    done = threading.Event()
    spins_while_running = 0

    def spin() -> None:
        nonlocal spins_while_running
        while not done.is_set():
            if running.is_set():
                spins_while_running += 1

    previous_interval = sys.getswitchinterval()
    sys.setswitchinterval(1.0)
    spinner = threading.Thread(target=spin)
    spinner.start()
    try:
        running.set()
        codes = issuer.issue_many(accounts, NOW, agent_id="batch", ticket="campaign")
        running.clear()
    finally:
        done.set()
        spinner.join()
        sys.setswitchinterval(previous_interval)
    assert len(codes) == len(accounts)
    assert spins_while_running > 1000, spins_while_running

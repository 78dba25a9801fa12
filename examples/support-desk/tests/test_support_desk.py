"""Tests of the support-desk tool: CRM lookup, issuance, countdown, audit, refusals."""

import io
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator, List

import pytest

import callsign
import support_desk
from support_desk import Desk, DeskError, Paths

TOOL = Path(support_desk.__file__).resolve()
NOW = 1764355205


class FakeClock:
    """A clock that advances only when the tool sleeps."""

    def __init__(self, now: int) -> None:
        self.now = now
        self.sleeps: List[float] = []

    def time(self) -> float:
        return float(self.now)

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += int(seconds)


@pytest.fixture
def paths(tmp_path: Path) -> Iterator[Paths]:
    paths = Paths(tmp_path / "data")
    support_desk.seed(paths)
    yield paths


def desk(paths: Paths, out: io.StringIO, clock: FakeClock, limit: callsign.RateLimit = callsign.RateLimit()) -> Desk:
    return Desk(paths, "agent-7", out, limit, clock=clock.time, sleep=clock.sleep)


def expected_code(paths: Paths, account_id: str, when: int) -> str:
    master = bytes.fromhex(paths.master_key.read_text())
    return callsign.agent_code(callsign.account_secret(master, account_id), when)


def audit_events(paths: Paths) -> List[callsign.AuditEvent]:
    ledger = callsign.SqliteLedger(paths.ledger)
    # Oldest first, the order of the story (the ledger answers newest first).
    return callsign.Issuer(support_desk.load_master_key(paths), ledger).audit_events()[::-1]


def test_seed_creates_crm_and_private_master_key_once(paths: Paths) -> None:
    key = paths.master_key.read_text()
    assert paths.master_key.stat().st_mode & 0o777 == 0o600
    assert support_desk.seed(paths) == len(support_desk.SAMPLE_CUSTOMERS)
    assert paths.master_key.read_text() == key
    assert [c.account_id for c in support_desk.list_customers(paths)] == [
        row[0] for row in support_desk.SAMPLE_CUSTOMERS
    ]


@pytest.mark.parametrize("query", ["customer-0002", "ERIKA@example.de", "+49 30 901820", "+4930901820"])
def test_customer_lookup_by_id_email_or_phone(paths: Paths, query: str) -> None:
    assert support_desk.find_customer(paths, query).name == "Erika Mustermann"


def test_call_shows_the_grouped_agent_code_and_audits_it(paths: Paths) -> None:
    out, clock = io.StringIO(), FakeClock(NOW)
    code = desk(paths, out, clock).call("erika@example.de", "T-1042", live=False)
    assert code.code == expected_code(paths, "customer-0002", NOW)
    text = out.getvalue()
    assert f"Read this code to the customer:  {code.grouped}\n" in text
    assert "Erika Mustermann (customer-0002), ticket T-1042, agent agent-7" in text
    assert support_desk.countdown_bar(25, 30) in text
    assert audit_events(paths) == [
        {
            "time": NOW,
            "outcome": "issued",
            "account_id": "customer-0002",
            "agent_id": "agent-7",
            "ticket": "T-1042",
            "step": NOW // 30,
            "epoch": 0,
        }
    ]
    assert code.code not in json.dumps(audit_events(paths))


def test_the_customer_app_accepts_the_code_the_agent_reads(paths: Paths) -> None:
    out, clock = io.StringIO(), FakeClock(NOW)
    tool = desk(paths, out, clock)
    code = tool.call("customer-0001", "T-7", live=False)
    app = callsign.DeviceVerifier(tool.issuer.enrollment("ACME Support", "customer-0001"))
    assert app.check(code.grouped, NOW + 3).status == "genuine"


def test_live_countdown_runs_until_the_code_expires(paths: Paths) -> None:
    out, clock = io.StringIO(), FakeClock(NOW)
    desk(paths, out, clock).call("customer-0003", "T-9", live=True)
    bars = [part for part in out.getvalue().split("\r") if part.startswith("[")]
    seconds = [int(bar.split("]")[1].split()[0]) for bar in bars]
    assert seconds == list(range(25, -1, -1))
    assert clock.sleeps == [1] * 25
    assert "Code expired" in out.getvalue()


def test_countdown_bar() -> None:
    assert support_desk.countdown_bar(30, 30, 10) == "[##########] 30 s left"
    assert support_desk.countdown_bar(15, 30, 10) == "[#####.....] 15 s left"
    assert support_desk.countdown_bar(0, 30, 10) == "[..........]  0 s left"


def test_rate_limited_agent_is_refused_clearly_and_audited(paths: Paths) -> None:
    out, clock = io.StringIO(), FakeClock(NOW)
    tool = desk(paths, out, clock, callsign.RateLimit(2, 3600))
    tool.call("customer-0001", "T-1", live=False)
    tool.call("customer-0002", "T-2", live=False)
    with pytest.raises(DeskError, match="REFUSED: agent \"agent-7\" reached the rate limit of 2 codes") as refused:
        tool.call("customer-0003", "T-3", live=False)
    assert refused.value.exit_code == support_desk.EXIT_REFUSED
    assert [event["outcome"] for event in audit_events(paths)] == [
        "issued",
        "issued",
        "refused_rate_limited",
    ]


def test_the_limit_survives_a_restart_of_the_tool(paths: Paths) -> None:
    clock = FakeClock(NOW)
    first = desk(paths, io.StringIO(), clock, callsign.RateLimit(2, 3600))
    first.call("customer-0001", "T-1", live=False)
    first.call("customer-0002", "T-2", live=False)
    restarted = desk(paths, io.StringIO(), clock, callsign.RateLimit(2, 3600))
    with pytest.raises(DeskError, match="REFUSED"):
        restarted.call("customer-0003", "T-3", live=False)


def test_desk_session_reads_calls_and_counts_refusals(paths: Paths) -> None:
    out, clock = io.StringIO(), FakeClock(NOW)
    session = io.StringIO("# calls\ncustomer-0001 T-1\n\nnot-a-customer T-2\ncustomer-0004 T-3\ncustomer-0002\n")
    refusals = support_desk.run_desk(desk(paths, out, clock), session, live=False)
    assert refusals == 2
    text = out.getvalue()
    assert "no customer matches 'not-a-customer'" in text
    assert "Kari Nordmann (customer-0004) has no enrolled app" in text
    assert "usage per line: CUSTOMER TICKET" in text


@pytest.mark.parametrize(
    ("agent", "ticket", "message"),
    [
        (" ", "T-1", "an agent id is required"),
        ("agent-7", "  ", "a ticket is required"),
        ("a" * 129, "T-1", "the agent id must have 1 to 128 bytes"),
    ],
)
def test_agent_and_ticket_are_required(paths: Paths, agent: str, ticket: str, message: str) -> None:
    clock = FakeClock(NOW)
    with pytest.raises(DeskError, match=message):
        Desk(paths, agent, io.StringIO(), callsign.RateLimit(), clock=clock.time).call(
            "customer-0001", ticket, live=False
        )


def test_command_line_seed_call_and_refusal(tmp_path: Path) -> None:
    data = str(tmp_path / "data")

    def run(*args: str) -> "subprocess.CompletedProcess[str]":
        return subprocess.run(
            [sys.executable, str(TOOL), "--data", data, *args], capture_output=True, text=True, check=False
        )

    assert run("seed").returncode == 0
    assert "customer-0004" in run("customers").stdout
    missing_ticket = run("call", "--agent", "agent-7", "--customer", "customer-0001")
    assert missing_ticket.returncode == 2 and "--ticket" in missing_ticket.stderr
    first = run("call", "--agent", "agent-7", "--ticket", "T-1", "--customer", "customer-0001", "--rate-limit", "1/3600")
    assert first.returncode == 0, first.stderr
    assert "Read this code to the customer:" in first.stdout and "s left" in first.stdout
    session = subprocess.run(
        [sys.executable, str(TOOL), "--data", data, "desk", "--agent", "agent-8", "--rate-limit", "1/3600", "--no-wait"],
        input="customer-0001 T-2\ncustomer-0002 T-3\n",
        capture_output=True,
        text=True,
        check=False,
    )
    assert session.returncode == support_desk.EXIT_REFUSED
    assert session.stdout.count("Read this code") == 1 and "REFUSED" in session.stdout


def customer_code(paths: Paths, account_id: str, when: int, check_digit: bool = False) -> str:
    master = bytes.fromhex(paths.master_key.read_text())
    return callsign.customer_code(
        callsign.account_secret(master, account_id), when, check_digit=check_digit
    )


def test_customer_calling_in_is_verified_and_audited(paths: Paths) -> None:
    out = io.StringIO()
    clock = FakeClock(NOW)
    code = customer_code(paths, "customer-0001", NOW)
    tool = desk(paths, out, clock)
    verdict = tool.customer_calling_in("ada@example.com", "T-2077", code)
    assert verdict.status == "verified"
    # The same code again is a replay.
    assert tool.customer_calling_in("ada@example.com", "T-2077", code).status == "already_used"
    assert "VERIFIED: the caller holds Ada Lovelace's enrolled app" in out.getvalue()
    verified, replayed = audit_events(paths)[-2:]
    assert (verified["outcome"], verified["ticket"]) == ("customer_verified", "T-2077")
    assert replayed["outcome"] == "customer_already_used"


def test_scammer_posing_as_customer_locks_the_account(paths: Paths) -> None:
    out = io.StringIO()
    clock = FakeClock(NOW)
    tool = desk(paths, out, clock)
    real = customer_code(paths, "customer-0002", NOW)
    wrong = "000000" if real != "000000" else "111111"
    statuses = [
        tool.customer_calling_in("erika@example.de", "T-2078", wrong).status for _ in range(3)
    ]
    assert statuses == ["not_verified", "not_verified", "locked_out"]
    assert tool.customer_calling_in("erika@example.de", "T-2078", real).status == "locked_out"
    assert "LOCKED for every agent" in out.getvalue()
    with pytest.raises(DeskError, match="not a code"):
        tool.customer_calling_in("erika@example.de", "T-2078", "12ab56")


def test_inbound_command_with_check_digits(paths: Paths) -> None:
    code = customer_code(paths, "customer-0001", int(time.time()), check_digit=True)
    misheard = code[:-1] + str((int(code[-1]) + 1) % 10)
    base = [sys.executable, str(TOOL), "--data", str(paths.data), "inbound", "--agent", "agent-7",
            "--ticket", "T-2079", "--customer", "customer-0001", "--check-digit", "--code"]
    run = subprocess.run(base + [misheard], capture_output=True, text=True, check=False)
    assert run.returncode == 1 and "MISHEARD" in run.stdout, run
    run = subprocess.run(base + [code], capture_output=True, text=True, check=False)
    assert run.returncode == 0 and "VERIFIED" in run.stdout, run

def test_desk_help_documents_the_input_format() -> None:
    """The `desk` line format is in `desk --help` and the README, not only in an error message."""
    shown = subprocess.run(
        [sys.executable, str(TOOL), "desk", "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert "CUSTOMER TICKET" in shown
    assert "Blank lines and lines starting with # are skipped" in " ".join(shown.split())
    readme = (TOOL.parent / "README.md").read_text(encoding="utf-8")
    assert "CUSTOMER TICKET" in readme

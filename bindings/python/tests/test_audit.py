"""The audit trail from Python: the hash chain and its verifier, canonical agent ids, and clear
errors for unusable audit paths."""

import json
from pathlib import Path
from typing import List

import pytest

import callsign

MASTER = bytes(range(32))
NOW = 1_764_355_200


def trail(path: Path) -> List[str]:
    """Two agents' records interleaved: lines 1, 3, 5 agent-7; 2, 4, 6 agent-8."""
    issuer = callsign.Issuer(MASTER, path, rate_limit=None)
    for step in range(3):
        for agent in ("agent-7", "agent-8"):
            issuer.issue(f"customer-{step}", agent_id=agent, ticket="T-1", time=NOW + 30 * step)
    return path.read_text().splitlines()


def check(path: Path, lines: List[str]) -> callsign.AuditChainReport:
    path.write_text("".join(line + "\n" for line in lines))
    return callsign.verify_audit_file(path)


def test_an_intact_trail_verifies_and_survives_a_new_issuer(tmp_path: Path) -> None:
    audit = tmp_path / "audit.jsonl"
    trail(audit)
    # A second issuer on the same file continues the agents' chains.
    callsign.Issuer(MASTER, audit).issue("customer-9", agent_id="agent-7", ticket="T-2", time=NOW + 99)
    report = callsign.verify_audit_file(audit)
    assert report.intact and bool(report)
    assert report.records == 7
    assert report.heads["agent-7"][0] == 4
    assert report.heads["agent-7"][1] == json.loads(audit.read_text().splitlines()[-1])["chain"]
    assert (report.broken_line, report.broken_agent_id, report.reason) == (None, None, None)


@pytest.mark.parametrize(
    "tamper, line, agent",
    [
        ("delete", 4, "agent-7"),
        ("alter", 4, "agent-8"),
        ("reorder", 1, "agent-7"),
    ],
)
def test_deleted_altered_and_reordered_records_are_found(tmp_path: Path, tamper: str, line: int, agent: str) -> None:
    lines = trail(tmp_path / "audit.jsonl")
    if tamper == "delete":
        del lines[2]
    elif tamper == "alter":
        lines[3] = lines[3].replace("customer-1", "customer-X")
    else:
        lines[0], lines[2] = lines[2], lines[0]
    report = check(tmp_path / "tampered.jsonl", lines)
    assert not report.intact and not report
    assert (report.broken_line, report.broken_agent_id) == (line, agent)
    assert report.reason is not None and "deleted, altered or moved" in report.reason
    assert f"broken_line={line}" in repr(report)


def test_an_unreadable_file_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        callsign.verify_audit_file(tmp_path / "missing.jsonl")


def test_spellings_of_one_agent_share_one_rate_limit(tmp_path: Path) -> None:
    issuer = callsign.Issuer(MASTER, tmp_path / "audit.jsonl", rate_limit=callsign.RateLimit(3, 600))
    issued = 0
    for index, spelling in enumerate(["agent-7", "Agent-7", " AGENT-7", "ａｇｅｎｔ－７", "agent-7\u200b", "agent-7\0"]):
        try:
            issuer.issue(f"c-{index}", agent_id=spelling, ticket="T", time=NOW)
            issued += 1
        except (callsign.RateLimitedError, callsign.InvalidIdentifierError):
            pass
    assert issued == 3
    assert callsign.canonical_agent_id(" Ａgent-7 ") == "agent-7"
    with pytest.raises(callsign.InvalidIdentifierError, match="U\\+200B"):
        callsign.canonical_agent_id("agent-7\u200b")


def test_a_batch_beyond_the_limit_says_it_never_fits() -> None:
    issuer = callsign.Issuer(MASTER, lambda events: None, rate_limit=callsign.RateLimit(2, 60))
    with pytest.raises(callsign.RateLimitedError, match="can never fit") as raised:
        issuer.issue_many(["a", "b", "c"], NOW, agent_id="agent-7", reason="batch")
    assert "18446744073709551615" not in str(raised.value)
    assert raised.value.retry_at is None  # it never fits, so there is no time to retry at


def test_an_unusable_audit_path_is_an_os_error_not_a_failed_audit(tmp_path: Path) -> None:
    with pytest.raises(OSError, match="empty") as raised:
        callsign.Issuer(MASTER, "")
    assert not isinstance(raised.value, callsign.CallsignError)
    with pytest.raises(OSError, match="regular file"):
        callsign.Issuer(MASTER, tmp_path)

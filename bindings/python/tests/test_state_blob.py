"""The frozen verifier state blobs (tests/vectors/verifier-state.json): decoded by the
`struct` parser of reference_profile.py, written from docs/protocol.md, and imported by the
binding; refused blobs are refused by both, for the same reason where the format tells."""

import base64
import json
from typing import Any, Dict

import pytest

import callsign
from conftest import REPO_ROOT
from reference_profile import BlobError, fingerprint, parse_state_blob

with (REPO_ROOT / "tests" / "vectors" / "verifier-state.json").open(encoding="utf-8") as _file:
    FIXTURE: Dict[str, Any] = json.load(_file)


def _secret(uri: str) -> bytes:
    query = uri.split("?", 1)[1]
    encoded = dict(pair.split("=", 1) for pair in query.split("&"))["secret"]
    return base64.b32decode(encoded + "=" * (-len(encoded) % 8))


def _decode(uri: str, blob_hex: str) -> Any:
    enrollment = callsign.Enrollment.from_uri(uri, allow_unsigned=True)
    args = (enrollment.issuer, enrollment.account_id, enrollment.epoch)
    return parse_state_blob(
        bytes.fromhex(blob_hex),
        _secret(uri),
        fingerprint(*args, enrollment.period, enrollment.digits),
        fingerprint(*args, None, None),
    )


def _verifier(uri: str, blob_hex: str) -> callsign.Verifier:
    config = FIXTURE["config"]
    return callsign.Verifier(
        uri,
        allow_unsigned=True,
        state=bytes.fromhex(blob_hex),
        behind=config["behind"],
        ahead=config["ahead"],
        max_failures=config["max_failures"],
        lockout_seconds=config["lockout_seconds"],
    )


CURRENT = FIXTURE["blobs"]
V1 = FIXTURE["v1_blobs"]


@pytest.mark.parametrize("case", CURRENT + V1, ids=lambda case: str(case["name"]))
def test_the_documented_parser_reads_the_fields(case: Dict[str, Any]) -> None:
    parsed = _decode(FIXTURE["enrollment_uri"], case["blob_hex"])
    fields = case["fields"]
    assert parsed.version == (2 if case in CURRENT else 1)
    assert parsed.flags == fields["flags"]
    assert parsed.last_accepted_step == fields["last_accepted_step"]
    assert parsed.locked_until == fields["locked_until"]
    assert parsed.failures == fields["failures"]
    if parsed.version == 2:
        assert parsed.latest_time == fields["latest_time"]


@pytest.mark.parametrize("case", CURRENT + V1, ids=lambda case: str(case["name"]))
def test_the_binding_imports_the_blob(case: Dict[str, Any]) -> None:
    verifier = _verifier(FIXTURE["enrollment_uri"], case["blob_hex"])
    expected = case["status"]
    status = verifier.status(expected["time"])
    assert status.locked_until == expected["locked_until"]
    assert status.attempts_left == expected["attempts_left"]
    assert status.last_accepted_step == expected["last_accepted_step"]


@pytest.mark.parametrize("case", CURRENT, ids=lambda case: str(case["name"]))
def test_the_binding_exports_the_frozen_bytes(case: Dict[str, Any]) -> None:
    verifier = _verifier(FIXTURE["enrollment_uri"], FIXTURE["blobs"][0]["blob_hex"])
    for step in case["steps"]:
        verifier.check(step["entry"], step["time"])
    assert verifier.export_state().hex() == case["blob_hex"]


@pytest.mark.parametrize("case", FIXTURE["refused"], ids=lambda case: str(case["name"]))
def test_refused_blobs_are_refused_by_both(case: Dict[str, Any]) -> None:
    with pytest.raises(BlobError) as parsed:
        _decode(case["enrollment_uri"], case["blob_hex"])
    assert parsed.value.reason == case["reason"]
    with pytest.raises(callsign.InvalidStateError):
        _verifier(case["enrollment_uri"], case["blob_hex"])

"""import_otpauth: a result per URI line, typed errors, and the interoperability corpus
(tests/interop/otpauth-corpus.json) replayed through Python, with pyotp's reading of each URI
checked against what the corpus records (the docs/interop.md disagreement table comes from it)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyotp
import pytest

import callsign

CORPUS = Path(__file__).resolve().parents[3] / "tests" / "interop" / "otpauth-corpus.json"
SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"


def load_cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = json.loads(CORPUS.read_text(encoding="utf-8"))["cases"]
    return cases


def test_every_line_gets_a_result_in_order() -> None:
    text = (
        "# my accounts\r\n"
        f"otpauth://totp/ACME:alice?secret={SECRET}&tags=a&tags=b\r\n"
        "\n"
        "otpauth://totp/Short:bob?secret=JBSWY3DPEHPK3PXP\n"
        f"  otpauth://hotp/:carol?secret={SECRET}&counter=3  \n"
        f"otpauth://totp/x?secret={SECRET}&Algorithm=SHA256\n"
    )
    results = callsign.import_otpauth(text)
    assert [result.line for result in results] == [2, 4, 5, 6]
    assert [result.ok for result in results] == [True, False, True, False]
    alice, bob, carol, shadow = results
    assert alice.issuer == "ACME" and alice.account == "alice"
    assert alice.ignored_parameters == ["tags", "tags"]
    assert isinstance(alice.otp, callsign.TOTP) and alice.error is None
    assert alice.otp.at(59) == pyotp.TOTP(SECRET).at(59)
    assert isinstance(bob.error, callsign.InvalidSecretLengthError)
    assert bob.otp is None and bob.account is None
    assert "80 bits" in str(bob.error)
    assert isinstance(carol.otp, callsign.HOTP) and carol.issuer is None
    assert carol.otp.initial_count == 3
    assert isinstance(shadow.error, callsign.InvalidUriError)
    assert SECRET not in repr(results) and "JBSWY3DP" not in repr(results)
    assert repr(alice) == "ImportResult(line=2, issuer='ACME', account='alice', ignored_parameters=['tags', 'tags'])"


def test_an_iterable_gives_one_line_per_item() -> None:
    results = callsign.import_otpauth(iter([f"otpauth://totp/:a?secret={SECRET}", "", "otpauth://totp/b\n?secret=x"]))
    assert [result.line for result in results] == [1, 3]
    assert results[0].ok and results[0].issuer is None
    assert isinstance(results[1].error, callsign.InvalidUriError)
    assert callsign.import_otpauth([]) == []
    with pytest.raises(TypeError):
        callsign.import_otpauth([b"otpauth://totp/a"])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        callsign.import_otpauth(42)  # type: ignore[arg-type]


@pytest.mark.parametrize("case", load_cases(), ids=lambda case: str(case["id"]))
def test_corpus(case: dict[str, Any]) -> None:
    text = case["input"]
    if case["kind"] == "base32":
        if "error" in case:
            with pytest.raises(callsign.CallsignError) as raised:
                callsign.base32_decode(text)
            assert raised.value.kind == case["error"]
        else:
            assert callsign.base32_decode(text).hex() == case["expect"]["hex"]
        return
    (result,) = callsign.import_otpauth([text])
    if "error" in case:
        assert result.error is not None, case["id"]
        assert result.error.kind == case["error"]
    else:
        expect = case["expect"]
        assert result.error is None, f"{case['id']}: {result.error}"
        assert (result.issuer, result.account) == (expect["issuer"], expect["account"])
        assert result.ignored_parameters == expect["ignored_parameters"]
        otp = result.otp
        for at, code in expect["codes"]:
            if expect["type"] == "totp":
                assert isinstance(otp, callsign.TOTP)
                assert (otp.digits, otp.period, otp.algorithm) == (expect["digits"], expect["period"], expect["algorithm"])
                assert otp.at(at) == code
            else:
                assert isinstance(otp, callsign.HOTP)
                assert otp.initial_count == expect["counter"]
                assert otp.at(at) == code


@pytest.mark.parametrize(
    "case", [case for case in load_cases() if case["kind"] == "otpauth"], ids=lambda case: str(case["id"])
)
def test_pyotp_reads_the_corpus_as_recorded(case: dict[str, Any]) -> None:
    """The pyotp column of docs/interop.md stays true for the pinned pyotp version."""
    recorded = case["pyotp"]
    try:
        otp = pyotp.parse_uri(case["input"])
    except Exception:  # pyotp raises ValueError, binascii.Error and others
        assert recorded["verdict"] == "refuses", case["id"]
        return
    assert recorded["verdict"] == "accepts", case["id"]
    assert (otp.issuer, otp.name) == (recorded["issuer"], recorded["account"])


def test_the_corpus_is_what_its_generator_writes() -> None:
    """tests/interop/make_corpus.py --check: the committed file is the generator's output."""
    import subprocess
    import sys

    generator = CORPUS.with_name("make_corpus.py")
    checked = subprocess.run([sys.executable, str(generator), "--check"], capture_output=True, text=True)
    assert checked.returncode == 0, "regenerate: python3 tests/interop/make_corpus.py"

#!/usr/bin/env python3
"""Writes tests/interop/otpauth-corpus.json: the otpauth:// and base32 interoperability corpus.

Every case is written here, by us, after other projects' documented examples and behaviour
(see SOURCES); nothing is copied from their repositories. The expected results are our own
decisions (docs/interop.md explains them); the expected codes are computed by the small
RFC 4226 implementation below, independently of callsign. When pyotp is importable (it is in
the Python test environment, pinned by bindings/python/requirements-test.txt), each otpauth
case also records what pyotp.parse_uri makes of it, and the disagreements are printed as a
Markdown table for docs/interop.md.

Usage: python3 tests/interop/make_corpus.py [--check]   (--check: fail if the file differs)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import struct
import sys
from pathlib import Path
from typing import Any, Optional
from urllib.parse import quote

OUT = Path(__file__).with_name("otpauth-corpus.json")

SOURCES = {
    "rfc4648": "RFC 4648 section 10 test vectors and section 3.5 (canonical encoding; a decoder MAY refuse non-zero pad bits)",
    "rfc4226": "RFC 4226 Appendix D: HOTP values for the ASCII secret 12345678901234567890, counters 0 to 9",
    "rfc6238": "RFC 6238 Appendix B: TOTP values for SHA1/SHA256/SHA512 with the 20/32/64-byte ASCII seeds",
    "google-key-uri": "Google Authenticator wiki, Key Uri Format: examples and rules (label, issuer, parameters, defaults)",
    "pyotp": "pyotp: README examples, provisioning_uri output and random_base32 strings (the outputs were produced by pyotp 2.12.1)",
    "otplib": "otplib documentation: keyuri() output shape (service:user label, parameters after the secret)",
    "totp-rs": "totp-rs documentation: get_url()/from_url() examples and its 128-bit secret rule",
    "pquerna-otp": "pquerna/otp (Go): Key.URL() shape (Go url.Values: sorted parameters, '+' for spaces, 20-byte secrets)",
    "oathtool": "liboath/oathtool documentation: base32 keys typed with spaces and in lower case",
    "app-export": "Authenticator exports (Aegis, andOTP, FreeOTP style): extra parameters such as image, icon, color, tags, pin; other types (steam, motp)",
    "issue-14": "callsign issue 14: the real-world refusals found by trying other suites' cases",
}

BASIS = {
    "spec-vector": "a test vector printed in the RFC",
    "documented-example": "an example from the project's documentation, written from our notes of it",
    "documented-rule": "a case we wrote to exercise a rule the documentation states",
    "produced-by-peer": "a URI that the peer library itself produced (pyotp, when the generator ran)",
    "export-style": "a case we wrote in the style of an app export; not a verbatim export",
    "edge": "an edge case we wrote",
}

# ---- an independent RFC 4226 / 6238 implementation, for the expected codes ----

DIGESTS = {"SHA1": hashlib.sha1, "SHA256": hashlib.sha256, "SHA512": hashlib.sha512}


def hotp(key: bytes, counter: int, digits: int, algorithm: str) -> str:
    mac = hmac.new(key, struct.pack(">Q", counter), DIGESTS[algorithm]).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def b32(data: bytes) -> str:
    return base64.b32encode(data).decode().rstrip("=")


RFC_SEEDS = {
    "SHA1": b"12345678901234567890",
    "SHA256": b"12345678901234567890123456789012",
    "SHA512": b"1234567890123456789012345678901234567890123456789012345678901234",
}
RFC_SHA1 = b32(RFC_SEEDS["SHA1"])
# A 20-byte secret in the Key Uri Format's own example.
ACME_SECRET = "HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ"
# An 80-bit secret as the Key Uri Format, pyotp's README and many services show it.
SHORT_SECRET = "JBSWY3DPEHPK3PXP"
# 52 random base32 characters (32 bytes plus 4 unused bits that are not zero), as a generator
# that picks characters rather than bytes writes them.
LOOSE_52 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZT"
TIMES = [59, 1111111109, 1111111111, 1234567890, 2000000000, 20000000000]

cases: list[dict[str, Any]] = []


def secret_bytes(text: str) -> bytes:
    symbols = text.replace(" ", "").replace("-", "").rstrip("=").upper()
    bits = "".join(format("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".index(c), "05b") for c in symbols)
    whole = len(bits) // 8 * 8
    return bytes(int(bits[i : i + 8], 2) for i in range(0, whole, 8))


def accept(
    source: str,
    basis: str,
    uri: str,
    *,
    type_: str = "totp",
    issuer: Optional[str],
    account: str,
    secret: str,
    algorithm: str = "SHA1",
    digits: int = 6,
    period: Optional[int] = 30,
    counter: Optional[int] = None,
    ignored: tuple[str, ...] = (),
    note: str = "",
) -> None:
    key = secret_bytes(secret)
    if type_ == "totp":
        assert period is not None
        codes = [[t, hotp(key, t // period, digits, algorithm)] for t in (59, 1111111109, 2000000000)]
    else:
        period = None
        assert counter is not None
        codes = [[c, hotp(key, c, digits, algorithm)] for c in (counter, counter + 1)]
    expect = {
        "type": type_,
        "issuer": issuer,
        "account": account,
        "secret_hex": key.hex(),
        "algorithm": algorithm,
        "digits": digits,
        "period": period,
        "counter": counter,
        "ignored_parameters": list(ignored),
        "codes": codes,
    }
    cases.append({"kind": "otpauth", "source": source, "basis": basis, "input": uri, "expect": expect, "note": note})


def refuse(source: str, basis: str, uri: str, error: str, note: str = "") -> None:
    cases.append({"kind": "otpauth", "source": source, "basis": basis, "input": uri, "error": error, "note": note})


def b32_case(source: str, basis: str, text: str, hex_: Optional[str], note: str = "", error: str = "invalid_base32") -> None:
    case: dict[str, Any] = {"kind": "base32", "source": source, "basis": basis, "input": text, "note": note}
    if hex_ is None:
        case["error"] = error
    else:
        case["expect"] = {"hex": hex_}
    cases.append(case)


# ---- RFC 4648 ----
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
for plain in [b"", b"f", b"fo", b"foo", b"foob", b"fooba", b"foobar"]:
    padded = base64.b32encode(plain).decode()
    bare = padded.rstrip("=")
    forms = {padded, bare, bare.lower(), padded.lower()}
    if len(bare) > 4:
        forms.add(" ".join(bare[i : i + 4] for i in range(0, len(bare), 4)))
        forms.add("-".join(bare[i : i + 4] for i in range(0, len(bare), 4)).lower())
    for form in sorted(forms):
        b32_case("rfc4648", "spec-vector", form, plain.hex(), "section 10 vector; case, padding and separators as people paste them")
    unused = (5 * len(bare)) % 8
    if bare and unused:
        last = ALPHABET.index(bare[-1])
        for other in range(last + 1, last + (1 << unused)):
            loose = bare[:-1] + ALPHABET[other]
            b32_case("rfc4648", "documented-rule", loose, plain.hex(),
                     "non-zero unused bits in the last symbol: ignored on decode (section 3.5 lets a decoder refuse them)")
for text, note in [
    ("MZXW1", "'1' is not in the alphabet"),
    ("MZXW0YQ", "'0' is not in the alphabet"),
    ("MZXW8YQ", "'8' is not in the alphabet"),
    ("MZXW9YQ", "'9' is not in the alphabet"),
    ("MZXW6YQ!", "punctuation"),
    ("MZXW.6YQ", "a dot is no separator"),
    ("MZXW_6YQ", "an underscore is no separator"),
    ("MY==MY", "symbols after padding"),
    ("M", "1 symbol cannot encode a byte"),
    ("MZX", "3 symbols cannot encode whole bytes"),
    ("MZXW6Y", "6 symbols cannot encode whole bytes"),
    ("MZXW6YTBO", "9 symbols cannot encode whole bytes"),
]:
    b32_case("rfc4648", "documented-rule", text, None, note)

# ---- RFC 4226 Appendix D ----
for counter in range(10):
    accept("rfc4226", "spec-vector", f"otpauth://hotp/RFC4226:test?secret={RFC_SHA1}&counter={counter}",
           type_="hotp", issuer="RFC4226", account="test", secret=RFC_SHA1, counter=counter)
    accept("rfc4226", "spec-vector",
           f"otpauth://hotp/test?secret={RFC_SHA1.lower()}&issuer=RFC4226&algorithm=SHA1&digits=6&counter={counter}",
           type_="hotp", issuer="RFC4226", account="test", secret=RFC_SHA1, counter=counter)
    accept("rfc4226", "spec-vector",
           f"otpauth://hotp/RFC4226%3Atest?counter={counter}&secret={' '.join(RFC_SHA1[i:i+4] for i in range(0, 32, 4))}",
           type_="hotp", issuer="RFC4226", account="test", secret=RFC_SHA1, counter=counter)

# ---- RFC 6238 Appendix B ----
for algorithm, seed in RFC_SEEDS.items():
    for time in TIMES:
        accept("rfc6238", "spec-vector",
               f"otpauth://totp/RFC6238:{algorithm.lower()}-{time}?secret={b32(seed)}&algorithm={algorithm}&digits=8&period=30",
               issuer="RFC6238", account=f"{algorithm.lower()}-{time}", secret=b32(seed), algorithm=algorithm, digits=8,
               note=f"Appendix B, T = {time}")
        cases[-1]["expect"]["codes"].append([time, hotp(seed, time // 30, 8, algorithm)])
        accept("rfc6238", "spec-vector",
               f"otpauth://totp/{algorithm.lower()}-{time}?digits=8&algorithm={algorithm.lower()}&secret={b32(seed).lower()}",
               issuer=None, account=f"{algorithm.lower()}-{time}", secret=b32(seed), algorithm=algorithm, digits=8,
               note=f"Appendix B, T = {time}; algorithm in lower case, period by default")
        cases[-1]["expect"]["codes"].append([time, hotp(seed, time // 30, 8, algorithm)])

# ---- Google Authenticator Key Uri Format ----
G = "google-key-uri"
refuse(G, "documented-example", f"otpauth://totp/Example:alice@google.com?secret={SHORT_SECRET}&issuer=Example",
       "invalid_secret_length", "the format's own example has an 80-bit secret; callsign needs 128 bits (RFC 4226 R6)")
refuse(G, "documented-example", f"otpauth://hotp/Example:alice@google.com?secret={SHORT_SECRET}&issuer=Example&counter=0",
       "invalid_secret_length", "80-bit secret")
accept(G, "documented-example",
       f"otpauth://totp/ACME%20Co:john.doe@email.com?secret={ACME_SECRET}&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30",
       issuer="ACME Co", account="john.doe@email.com", secret=ACME_SECRET)
for label, issuer, account, note in [
    ("ACME%20Co:john", "ACME Co", "john", "literal colon"),
    ("ACME%20Co%3Ajohn", "ACME Co", "john", "percent-encoded colon"),
    ("ACME%20Co%3ajohn", "ACME Co", "john", "percent-encoded colon, lower-case hex"),
    ("ACME%20Co:%20john", "ACME Co", "john", "an encoded space after the colon"),
    ("ACME%20Co:%20%20john", "ACME Co", "john", "several spaces after the colon"),
    ("ACME%20Co: john", "ACME Co", "john", "a raw space after the colon"),
    ("john", None, "john", "no issuer at all"),
    ("john.doe%40email.com", None, "john.doe@email.com", "an encoded @"),
    ("Big%20Corp%3A%20john%40example.com", "Big Corp", "john@example.com", "everything encoded"),
]:
    accept(G, "documented-rule", f"otpauth://totp/{label}?secret={ACME_SECRET}", issuer=issuer, account=account,
           secret=ACME_SECRET, note=note)
accept(G, "documented-rule", f"otpauth://totp/john?secret={ACME_SECRET}&issuer=ACME%20Co",
       issuer="ACME Co", account="john", secret=ACME_SECRET, note="issuer only as a parameter")
accept(G, "documented-rule", f"otpauth://totp/ACME%20Co:john?secret={ACME_SECRET}&issuer=ACME+Co",
       issuer="ACME Co", account="john", secret=ACME_SECRET, note="'+' as a space in a parameter value")
refuse(G, "documented-rule", f"otpauth://totp/ACME%20Co:john?secret={ACME_SECRET}&issuer=Evil%20Co", "invalid_uri",
       "label issuer and issuer parameter differ")
refuse(G, "documented-rule", "otpauth://totp/ACME%20Co:john?issuer=ACME%20Co", "invalid_uri", "secret is required")
refuse(G, "documented-rule", f"otpauth://hotp/ACME%20Co:john?secret={ACME_SECRET}", "invalid_uri", "counter is required for hotp")
for algorithm in ["SHA1", "SHA256", "SHA512"]:
    accept(G, "documented-rule", f"otpauth://totp/ACME:john?secret={ACME_SECRET}&algorithm={algorithm}",
           issuer="ACME", account="john", secret=ACME_SECRET, algorithm=algorithm)
for bad_algorithm in ["MD5", "SHA224", "SHA-1x", ""]:
    refuse(G, "documented-rule", f"otpauth://totp/ACME:john?secret={ACME_SECRET}&algorithm={bad_algorithm}",
           "unsupported_algorithm", "only SHA1, SHA256 and SHA512 exist; an empty value is not silently SHA1")
for digits in [6, 7, 8]:
    accept(G, "documented-rule", f"otpauth://totp/ACME:john?secret={ACME_SECRET}&digits={digits}",
           issuer="ACME", account="john", secret=ACME_SECRET, digits=digits,
           note="the format names 6 and 8; 7 is used in the wild")
for digits in ["4", "5", "9", "10"]:
    refuse(G, "documented-rule", f"otpauth://totp/ACME:john?secret={ACME_SECRET}&digits={digits}", "invalid_digits")
for period in [15, 30, 60, 90]:
    accept(G, "documented-rule", f"otpauth://totp/ACME:john?secret={ACME_SECRET}&period={period}",
           issuer="ACME", account="john", secret=ACME_SECRET, period=period)
refuse(G, "documented-rule", f"otpauth://totp/ACME:john?secret={ACME_SECRET}&period=0", "invalid_period")
refuse(G, "documented-rule", f"otpauth://totp/ACME:john?secret={ACME_SECRET}&period=-30", "invalid_uri")
for counter in [0, 1, 42, 18446744073709551614]:
    accept(G, "documented-rule", f"otpauth://hotp/ACME:john?secret={ACME_SECRET}&counter={counter}",
           type_="hotp", issuer="ACME", account="john", secret=ACME_SECRET, counter=counter)
refuse(G, "documented-rule", f"otpauth://hotp/ACME:john?secret={ACME_SECRET}&counter=18446744073709551616", "invalid_uri",
       "counter beyond 64 bits")
accept(G, "documented-rule", f"otpauth://totp/ACME:john?secret={ACME_SECRET}====",
       issuer="ACME", account="john", secret=ACME_SECRET, note="padding (32 symbols need none)")
refuse(G, "documented-rule", f"otpauth://totp/ACME:john?secret={ACME_SECRET[:-1]}1", "invalid_base32")

# ---- issue 14: the refusals that were found ----
I14 = "issue-14"
for label in [":alice", "%3Aalice", "%3aalice", ":%20alice"]:
    accept(I14, "documented-rule", f"otpauth://totp/{label}?secret={ACME_SECRET}", issuer=None, account="alice",
           secret=ACME_SECRET, note="an empty issuer before the colon is no issuer")
accept(I14, "documented-rule", f"otpauth://totp/:alice?secret={ACME_SECRET}&issuer=ACME", issuer="ACME", account="alice",
       secret=ACME_SECRET, note="empty label issuer, issuer parameter")
accept(I14, "documented-rule", f"otpauth://totp/alice?secret={ACME_SECRET}&issuer=", issuer=None, account="alice",
       secret=ACME_SECRET, note="an empty issuer parameter is no issuer")
for label, issuer, account in [
    ("ACME Co:john doe", "ACME Co", "john doe"),
    ("ACME Co:john", "ACME Co", "john"),
    ("john doe", None, "john doe"),
    ("Zoë Bank:zoë", "Zoë Bank", "zoë"),
    ("ACME|Co:[john]", "ACME|Co", "[john]"),
]:
    accept(I14, "documented-rule", f"otpauth://totp/{label}?secret={ACME_SECRET}", issuer=issuer, account=account,
           secret=ACME_SECRET, note="raw characters RFC 3986 wants encoded (a raw space included) are read as themselves")
for bad in ["ACME:jo\thn", "ACME:jo\nhn", "ACME:jo\x7fhn", "ACME:jo\x00hn"]:
    refuse(I14, "edge", f"otpauth://totp/{bad}?secret={ACME_SECRET}", "invalid_uri", "control characters are refused")
accept(I14, "documented-rule", f"otpauth://totp/ACME:john?secret={LOOSE_52.lower()}", issuer="ACME", account="john",
       secret=LOOSE_52, note="52 random base32 characters: trailing bits ignored")
accept(I14, "documented-rule", f"otpauth://totp/ACME:john?secret={ACME_SECRET}&tags=work&tags=mail",
       issuer="ACME", account="john", secret=ACME_SECRET, ignored=("tags", "tags"), note="repeated extension parameter")
for name in ["secret", "issuer", "algorithm", "digits", "period"]:
    value = {"secret": ACME_SECRET, "issuer": "ACME", "algorithm": "SHA1", "digits": "6", "period": "30"}[name]
    refuse(I14, "documented-rule", f"otpauth://totp/ACME:john?secret={ACME_SECRET}&{name}={value}&{name}={value}",
           "invalid_uri", "a defined parameter twice stays an error, even with the same value")
refuse(I14, "documented-rule", f"otpauth://hotp/ACME:john?secret={ACME_SECRET}&counter=1&counter=1", "invalid_uri")
for hiding in ["Algorithm=SHA256", "ALGORITHM=SHA256", "Digits=8", "%61lgorithm=SHA256", "Secret=" + ACME_SECRET]:
    refuse(I14, "edge", f"otpauth://totp/ACME:john?secret={ACME_SECRET}&{hiding}", "invalid_uri",
           "a name that may stand for a defined parameter is refused rather than silently dropped")

# ---- pyotp ----
P = "pyotp"
refuse(P, "documented-example", f"otpauth://totp/Secure%20App:alice%40google.com?secret={SHORT_SECRET}&issuer=Secure%20App",
       "invalid_secret_length", "README provisioning_uri example: 80-bit secret")
refuse(P, "documented-example", f"otpauth://hotp/Secure%20App:alice%40google.com?secret={SHORT_SECRET}&issuer=Secure%20App&counter=0",
       "invalid_secret_length", "README HOTP example: 80-bit secret")
PYOTP_SECRETS = [RFC_SHA1, ACME_SECRET, "N4ZDLYPCNDQVXIB7SCORGSE5RQSFW2OW", "QQYTAAXJAWK2QZ5OPUGZNLAKWBPNCMUS"]
for secret in PYOTP_SECRETS:
    for name, issuer in [("alice@google.com", "Secure App"), ("bob", None), ("carol+tag@example.com", "Ünïcode Co"),
                         ("d@x.org", "A&B")]:
        for digits, algorithm, period in [(6, "SHA1", 30), (8, "SHA256", 60)]:
            label = (quote(issuer, safe="@") + ":" if issuer else "") + quote(name, safe="@")
            query = f"secret={secret}"
            if issuer:
                query += "&issuer=" + quote(issuer, safe="@")
            if algorithm != "SHA1":
                query += f"&algorithm={algorithm}"
            if digits != 6:
                query += f"&digits={digits}"
            if period != 30:
                query += f"&period={period}"
            accept(P, "produced-by-peer", f"otpauth://totp/{label}?{query}", issuer=issuer, account=name,
                   secret=secret, algorithm=algorithm, digits=digits, period=period,
                   note="provisioning_uri shape: defaults left out")
for length in (33, 34, 36, 37, 39, 52, 53, 55):
    loose = (LOOSE_52 * 2)[:length]
    if (length * 5) % 8 == 0 or length % 8 in (1, 3, 6):
        continue
    accept(P, "documented-rule", f"otpauth://totp/ACME:john?secret={loose}", issuer="ACME", account="john",
           secret=loose, note="random_base32(length) picks characters, so the unused bits are random")

# ---- otplib ----
O = "otplib"
for service, user in [("My Service", "user@example.com"), ("ACME", "john"), ("a b c", "x y"), ("Ünïcode", "ü@example.de"),
                      ("Dash-Co", "dash_user"), ("Co.uk", "first.last")]:
    for secret in (ACME_SECRET, RFC_SHA1):
        uri = (f"otpauth://totp/{quote(service, safe='')}:{quote(user, safe='')}?secret={secret}"
               f"&period=30&digits=6&algorithm=SHA1&issuer={quote(service, safe='')}")
        accept(O, "documented-example", uri, issuer=service, account=user, secret=secret,
               note="keyuri(): every parameter written, issuer last, encodeURIComponent")

# ---- totp-rs ----
T = "totp-rs"
TOTP_RS_SECRET = "KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TFOQ"  # base32 of "TestSecretSuperSecret"
accept(T, "documented-example",
       f"otpauth://totp/Github:constantoine%40github.com?secret={TOTP_RS_SECRET}&digits=6&algorithm=SHA1&issuer=Github",
       issuer="Github", account="constantoine@github.com", secret=TOTP_RS_SECRET)
for digits, algorithm, period in [(6, "SHA1", 30), (8, "SHA1", 30), (6, "SHA256", 30), (8, "SHA512", 60), (7, "SHA1", 15)]:
    accept(T, "documented-rule",
           f"otpauth://totp/Github:constantoine%40github.com?secret={TOTP_RS_SECRET}&digits={digits}&algorithm={algorithm}&period={period}&issuer=Github",
           issuer="Github", account="constantoine@github.com", secret=TOTP_RS_SECRET, digits=digits,
           algorithm=algorithm, period=period)
refuse(T, "documented-rule", f"otpauth://totp/Github:constantoine%40github.com?secret={SHORT_SECRET}&issuer=Github",
       "invalid_secret_length", "both refuse secrets under 128 bits (totp-rs in its checked constructor)")
refuse(T, "documented-rule", f"otpauth://totp/Github:consta:ntoine?secret={TOTP_RS_SECRET}", "invalid_uri",
       "a second colon in the label")
refuse(T, "documented-rule", f"otpauth://totp/Github:consta%3Antoine?secret={TOTP_RS_SECRET}", "invalid_uri",
       "an encoded colon is a colon: two separators are ambiguous")
accept(T, "documented-rule", f"otpauth://hotp/Github:constantoine?secret={TOTP_RS_SECRET}&counter=0",
       type_="hotp", issuer="Github", account="constantoine", secret=TOTP_RS_SECRET, counter=0,
       note="counter=0 must survive (totp-rs PR about dropped counter=0)")
refuse(T, "documented-rule", f"otpauth://totp/Github:constantoine?secret={TOTP_RS_SECRET}&algorithm=sha3", "unsupported_algorithm")

# ---- pquerna/otp ----
Q = "pquerna-otp"
for issuer, account in [("Example.com", "alice@example.com"), ("Example Co", "bob@example.com"), ("Go", "gopher"),
                        ("A+B", "plus")]:
    for secret in (ACME_SECRET, RFC_SHA1, "N4ZDLYPCNDQVXIB7SCORGSE5RQSFW2OW"):
        path_issuer = quote(issuer, safe="")
        query_issuer = quote(issuer, safe="").replace("%20", "+")
        uri = (f"otpauth://totp/{path_issuer}:{quote(account, safe='@')}?algorithm=SHA1&digits=6"
               f"&issuer={query_issuer}&period=30&secret={secret}")
        accept(Q, "documented-rule", uri, issuer=issuer, account=account, secret=secret,
               note="Key.URL(): parameters sorted by name, '+' for a space in the query")

# ---- oathtool / liboath ----
Z = "oathtool"
for text in ["gezd gnbv gy3t qojq gezd gnbv gy3t qojq", "GEZDGNBVGY3TQOJQ GEZDGNBVGY3TQOJQ", "gezdgnbvgy3tqojqgezdgnbvgy3tqojq",
             "GEZD-GNBV-GY3T-QOJQ-GEZD-GNBV-GY3T-QOJQ", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ===="]:
    b32_case(Z, "documented-rule", text, RFC_SEEDS["SHA1"].hex(), "base32 keys as typed on the command line")
for text in ["GEZDGNBVGY3TQOJQGEZDGNBVGY3TQO", "GEZDGNBVGY3TQOJQ GEZDGNBVGY3TQOJ!", "3132333435363738393031323334353637383930"]:
    b32_case(Z, "documented-rule", text, None, "not base32 (the last one is oathtool's hex key form)")

# ---- authenticator app exports ----
A = "app-export"
for extra, names in [
    ("image=https%3A%2F%2Fexample.com%2Flogo.png", ("image",)),
    ("icon=acme&color=%23FF0000", ("icon", "color")),
    ("tags=work&tags=mail&tags=2fa", ("tags", "tags", "tags")),
    ("lock=false", ("lock",)),
    ("pin=1234&tags=bank", ("pin", "tags")),
    ("note=personal%20account", ("note",)),
    ("group=Work&group=Mail", ("group", "group")),
    ("x-custom-param=1&x-custom-param=2", ("x-custom-param", "x-custom-param")),
]:
    accept(A, "export-style", f"otpauth://totp/ACME:john?secret={ACME_SECRET}&issuer=ACME&{extra}", issuer="ACME",
           account="john", secret=ACME_SECRET, ignored=names, note="extension parameters are ignored (kept aside)")
    accept(A, "export-style",
           f"otpauth://totp/ACME:john?period=30&digits=6&algorithm=SHA1&secret={ACME_SECRET}&issuer=ACME&{extra}",
           issuer="ACME", account="john", secret=ACME_SECRET, ignored=names, note="every parameter written, secret late")
for type_ in ["steam", "motp", "yaotp", "TOTP2"]:
    refuse(A, "export-style", f"otpauth://{type_}/Steam:john?secret={ACME_SECRET}&issuer=Steam", "invalid_uri",
           "only totp and hotp")
refuse(A, "export-style", f"otpauth://totp/Steam:john?secret={ACME_SECRET}&issuer=Steam&digits=5", "invalid_digits",
       "Steam Guard style: 5 characters")
refuse(A, "export-style", f"otpauth://totp/ACME:john?secret={ACME_SECRET}&counter=0", "invalid_uri",
       "counter on a totp account is refused, not ignored")
refuse(A, "export-style", f"otpauth://hotp/ACME:john?secret={ACME_SECRET}&counter=0&period=30", "invalid_uri",
       "period on an hotp account is refused, not ignored")
accept(A, "export-style", f"OTPAUTH://TOTP/ACME:john?secret={ACME_SECRET}", issuer="ACME", account="john",
       secret=ACME_SECRET, note="scheme and type in upper case (QR codes in alphanumeric mode)")

# ---- bounds (issue 13) ----
E = "issue-14"
refuse(E, "edge", f"otpauth://totp/ACME:john?secret={ACME_SECRET}&" + "&".join(f"p{i}=x" for i in range(64)),
       "invalid_uri", "more than 64 parameters")
refuse(E, "edge", f"otpauth://totp/ACME:john?secret={ACME_SECRET}&image=" + "a" * 8192, "invalid_uri", "longer than 8192 bytes")
accept(E, "edge", f"otpauth://totp/ACME:john?secret={ACME_SECRET}&" + "&".join(f"p{i}=x" for i in range(59)),
       issuer="ACME", account="john", secret=ACME_SECRET, ignored=tuple(f"p{i}" for i in range(59)),
       note="the canonical form (issuer, algorithm, digits and period written out) has 64 parameters: the most")
refuse(E, "edge", f"otpauth://totp/ACME:john?secret={ACME_SECRET}&" + "&".join(f"p{i}=x" for i in range(60)),
       "invalid_uri", "61 parameters, but the canonical form would have 65 and could not be read back")
refuse(E, "edge", f"otpauth://totp/{'é' * 1500}?secret={ACME_SECRET}", "invalid_uri",
       "under 8192 bytes, but the canonical form (percent-encoded) would be longer")


# ---- pyotp's own reading of every otpauth case ----
def pyotp_reading(uri: str) -> Optional[dict[str, Any]]:
    try:
        import pyotp  # type: ignore[import-not-found]
    except ImportError:
        return None
    try:
        otp = pyotp.parse_uri(uri)
    except Exception as error:  # pyotp raises ValueError, binascii.Error and others
        return {"verdict": "refuses", "reason": f"{type(error).__name__}: {error}"[:120]}
    reading: dict[str, Any] = {"verdict": "accepts", "issuer": otp.issuer, "account": otp.name}
    try:
        reading["secret_hex"] = otp.byte_secret().hex()
    except Exception as error:
        reading["secret_hex"] = f"{type(error).__name__}"
    return reading


def main() -> int:
    ids: dict[str, int] = {}
    for case in cases:
        count = ids[case["source"]] = ids.get(case["source"], 0) + 1
        case["id"] = f"{case['source']}-{count:03d}"
        if case["kind"] == "otpauth":
            reading = pyotp_reading(case["input"])
            if reading is not None:
                case["pyotp"] = reading
    doc = {
        "format": "callsign otpauth interop corpus",
        "version": 1,
        "generated_by": "tests/interop/make_corpus.py",
        "notes": [
            "Cases are ours, written after the named sources' documented examples and behaviour; 'basis' says how.",
            "base32 cases: 'expect.hex' is what callsign::base32::decode gives, or 'error' its error kind.",
            "otpauth cases: 'expect' is what OtpAuthUri::parse gives (codes as [time or counter, code]), or 'error' its error kind.",
            "'pyotp' is what pyotp.parse_uri (the version in bindings/python/requirements-test.txt) made of the URI when the file was generated.",
        ],
        "sources": SOURCES,
        "basis": BASIS,
        "cases": [{key: case[key] for key in sorted(case)} for case in cases],
    }
    text = json.dumps(doc, indent=1, ensure_ascii=False) + "\n"
    if "--check" in sys.argv:
        return 0 if OUT.read_text(encoding="utf-8") == text else 1
    OUT.write_text(text, encoding="utf-8")
    print(f"{len(cases)} cases from {len(ids)} sources: {ids}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Every default argument value in the stubs and in the runtime signatures is core's.

The extension reads its defaults from core (``_callsign.DEFAULTS``). The stubs and the text
signatures that help() shows must spell the values out (pyo3 writes only literals into a text
signature), so they are generated from core's values, like the C header: after changing a default
in core, ``CALLSIGN_BLESS_DEFAULTS=1 pytest tests/test_defaults.py`` rewrites them, and without the
variable these tests fail until they match.
"""

import ast
import inspect
import os
import re
from pathlib import Path
from typing import Dict, Iterator, Tuple, Union

from callsign import _callsign

Value = Union[int, float, str, bool]

STUB = Path(__file__).resolve().parents[1] / "python" / "callsign" / "_callsign.pyi"
RUST_SOURCES = Path(__file__).resolve().parents[1] / "src"
BLESS = os.environ.get("CALLSIGN_BLESS_DEFAULTS") == "1"
# A pyo3 attribute: the signature naming core's defaults (`digits = defaults::DIGITS`) and the
# text signature that spells them out.
SIGNATURES = re.compile(r'signature = \((?P<names>.*)\), text_signature = "(?P<text>[^"]*)"')

# Plain HOTP/TOTP take the otpauth:// format's defaults, not the caller-verification profile's.
OTP_FUNCTIONS = {"hotp", "totp", "random_secret", "parse_entry"}
OTP_CLASSES = {"TOTP", "HOTP"}
# Not rules of core: 0 means "from the start", and trusting unsigned enrollments is an opt-in.
OWN: "dict[str, Value]" = {"t0": 0, "initial_count": 0, "allow_unsigned": False}

def core_key(owner: str, function: str, param: str) -> str:
    if param == "limit":
        return "audit_query_limit"
    if owner == "HOTP" and function == "verify" and param in ("behind", "ahead"):
        return "hotp_" + param
    if (owner in OTP_CLASSES or function in OTP_FUNCTIONS) and param in (
        "digits",
        "period",
        "algorithm",
    ):
        return "otp_" + param
    return param


def stub_defaults(text: str = "") -> Iterator[Tuple[str, str, str, Value, ast.Constant]]:
    """(owner class or "", function, parameter, literal default, its node) of every literal
    default in the stub (or in `text`)."""
    tree = ast.parse(text or STUB.read_text(encoding="utf-8"))
    for node in tree.body:
        owners = (
            [(node.name, item) for item in node.body]
            if isinstance(node, ast.ClassDef)
            else [("", node)]
        )
        for owner, function in owners:
            if not isinstance(function, ast.FunctionDef):
                continue
            arguments = function.args
            positional = arguments.posonlyargs + arguments.args
            pairs = list(zip(positional[len(positional) - len(arguments.defaults) :], arguments.defaults))
            pairs += [(a, d) for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults) if d is not None]
            for argument, default in pairs:
                if isinstance(default, ast.Constant) and isinstance(
                    default.value, (int, float, str)
                ):
                    yield owner, function.name, argument.arg, default.value, default


def expected(owner: str, function: str, param: str) -> Value:
    if param in OWN:
        return OWN[param]
    key = core_key(owner, function, param)
    assert key in _callsign.DEFAULTS, f"{owner}.{function}({param}=...): no core default {key!r}"
    value: Value = _callsign.DEFAULTS[key]
    return value


def same(left: Value, right: Value) -> bool:
    if isinstance(left, str) and isinstance(right, str):
        return left.lower() == right.lower()  # algorithm names are case-insensitive
    return type(left) is type(right) and left == right


def literal(value: Value) -> str:
    """`value` as a Python literal (algorithm names in lower case, as the stubs write them)."""
    return repr(value.lower() if isinstance(value, str) else value)


def bless_stub() -> None:
    """Rewrites every stub default that is not core's value."""
    lines = STUB.read_text(encoding="utf-8").splitlines(keepends=True)
    for owner, function, param, default, node in reversed(list(stub_defaults())):
        want = expected(owner, function, param)
        if not same(default, want):
            line = lines[node.lineno - 1]
            lines[node.lineno - 1] = (
                line[: node.col_offset] + literal(want) + line[node.end_col_offset :]
            )
    STUB.write_text("".join(lines), encoding="utf-8")


def rust_text_signatures() -> Iterator[Tuple[Path, str, str, str]]:
    """(file, parameter, core key, value in the text signature) of every parameter whose pyo3
    signature names one of core's defaults."""
    for path in sorted(RUST_SOURCES.glob("*.rs")):
        for match in SIGNATURES.finditer(path.read_text(encoding="utf-8")):
            for param, name in re.findall(r"(\w+) = defaults::(\w+)", match["names"]):
                shown = re.search(rf"\b{param}=([^,)]*)", match["text"])
                assert shown, f"{path.name}: the text signature {match['text']} lacks {param}"
                yield path, param, name.lower(), shown[1]


def bless_rust_text_signatures() -> None:
    """Rewrites every value in a pyo3 text signature that is not core's."""
    for path in sorted(RUST_SOURCES.glob("*.rs")):
        source = path.read_text(encoding="utf-8")

        def spell(match: "re.Match[str]") -> str:
            text = match["text"]
            for param, name in re.findall(r"(\w+) = defaults::(\w+)", match["names"]):
                value = literal(_callsign.DEFAULTS[name.lower()])
                text = re.sub(rf"\b{param}=[^,)]*", f"{param}={value}", text)
            return match[0].replace(f'"{match["text"]}"', f'"{text}"')

        blessed = SIGNATURES.sub(spell, source)
        if blessed != source:
            path.write_text(blessed, encoding="utf-8")


def runtime_signature(owner: str, function: str) -> inspect.Signature:
    if not owner:
        return inspect.signature(getattr(_callsign, function))
    cls = getattr(_callsign, owner)
    if function == "__new__":
        return inspect.signature(cls)
    return inspect.signature(getattr(cls, function))


def test_the_stubs_defaults_are_cores() -> None:
    if BLESS:
        bless_stub()
    checked: Dict[str, int] = {}
    for owner, function, param, default, _ in stub_defaults():
        want = expected(owner, function, param)
        assert same(default, want), (
            f"stub {owner}.{function}({param}={default!r}): core says {want!r} "
            "(CALLSIGN_BLESS_DEFAULTS=1 rewrites it)"
        )
        key = core_key(owner, function, param)
        checked[key] = checked.get(key, 0) + 1
    # Every core default is used by some signature, and the check saw all of them.
    assert set(_callsign.DEFAULTS) <= set(checked), set(_callsign.DEFAULTS) - set(checked)
    assert sum(checked.values()) >= 26, checked


def test_the_rust_text_signatures_spell_cores_defaults() -> None:
    if BLESS:
        bless_rust_text_signatures()
    seen = 0
    for path, param, key, shown in rust_text_signatures():
        want = _callsign.DEFAULTS[key]
        assert same(ast.literal_eval(shown), want), (
            f"{path.name}: text signature {param}={shown}: core says {want!r} "
            "(CALLSIGN_BLESS_DEFAULTS=1 rewrites it; then rebuild the extension)"
        )
        seen += 1
    assert seen >= 40, seen


def test_the_runtime_signatures_show_cores_defaults() -> None:
    for owner, function, param, _, _ in stub_defaults():
        signature = runtime_signature(owner, function)
        default = signature.parameters[param].default
        want = expected(owner, function, param)
        assert same(default, want), f"runtime {owner}.{function}({param}={default!r}): core says {want!r}"


def test_core_defaults_are_what_the_docs_say() -> None:
    assert _callsign.DEFAULTS["digits"] == 6
    assert _callsign.DEFAULTS["period"] == 30
    assert _callsign.DEFAULTS["otp_algorithm"] == "SHA1"
    assert _callsign.DEFAULTS["check_digit"] is False

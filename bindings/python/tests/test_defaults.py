"""Every default argument value in the stubs and in the runtime signatures is core's.

The extension reads its defaults from core (``_callsign.DEFAULTS``); the stubs and the text
signatures that help() shows spell them out, so they are checked here against core's.
"""

import ast
import inspect
from pathlib import Path
from typing import Dict, Iterator, Tuple, Union

from callsign import _callsign

Value = Union[int, float, str, bool]

STUB = Path(__file__).resolve().parents[1] / "python" / "callsign" / "_callsign.pyi"

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


def stub_defaults() -> Iterator[Tuple[str, str, str, Value]]:
    """(owner class or "", function, parameter, literal default) of every literal default."""
    tree = ast.parse(STUB.read_text(encoding="utf-8"))
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
                    yield owner, function.name, argument.arg, default.value


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


def runtime_signature(owner: str, function: str) -> inspect.Signature:
    if not owner:
        return inspect.signature(getattr(_callsign, function))
    cls = getattr(_callsign, owner)
    if function == "__new__":
        return inspect.signature(cls)
    return inspect.signature(getattr(cls, function))


def test_the_stubs_defaults_are_cores() -> None:
    checked: Dict[str, int] = {}
    for owner, function, param, default in stub_defaults():
        want = expected(owner, function, param)
        assert same(default, want), f"stub {owner}.{function}({param}={default!r}): core says {want!r}"
        key = core_key(owner, function, param)
        checked[key] = checked.get(key, 0) + 1
    # Every core default is used by some signature, and the check saw all of them.
    assert set(_callsign.DEFAULTS) <= set(checked), set(_callsign.DEFAULTS) - set(checked)
    assert sum(checked.values()) >= 26, checked


def test_the_runtime_signatures_show_cores_defaults() -> None:
    for owner, function, param, _ in stub_defaults():
        signature = runtime_signature(owner, function)
        default = signature.parameters[param].default
        want = expected(owner, function, param)
        assert same(default, want), f"runtime {owner}.{function}({param}={default!r}): core says {want!r}"


def test_core_defaults_are_what_the_docs_say() -> None:
    assert _callsign.DEFAULTS["digits"] == 6
    assert _callsign.DEFAULTS["period"] == 30
    assert _callsign.DEFAULTS["otp_algorithm"] == "SHA1"
    assert _callsign.DEFAULTS["check_digit"] is False

"""What help() shows: every class and function has its real parameters and defaults, every
constructor's parameters are described in the class docstring, and classes that cannot be
ordered do not offer ordering methods."""

import inspect
import pydoc
import re
from typing import Any, List

import pytest

import callsign

PUBLIC = [getattr(callsign, name) for name in callsign.__all__]
CLASSES = [v for v in PUBLIC if isinstance(v, type) and v.__module__ == "callsign" and not issubclass(v, BaseException)]
FUNCTIONS = [v for v in PUBLIC if inspect.isbuiltin(v)]


def shown(obj: Any) -> str:
    """What help(obj) prints."""
    return pydoc.plain(pydoc.render_doc(obj))


def constructible(cls: type) -> bool:
    """Whether Python code may call the class (pyo3 gives the others a `__new__` that refuses)."""
    try:
        cls()
    except TypeError as error:
        return "cannot create" not in str(error)
    return True


def callables() -> List[Any]:
    found: List[Any] = list(FUNCTIONS)
    for cls in CLASSES:
        if constructible(cls):
            found.append(cls)
        found.extend(
            v for k, v in vars(cls).items() if not k.startswith("_") and callable(v) and not isinstance(v, type)
        )
    return found


@pytest.mark.parametrize("obj", callables(), ids=lambda o: getattr(o, "__qualname__", repr(o)))
def test_every_signature_is_readable_with_real_defaults(obj: Any) -> None:
    signature = inspect.signature(obj)
    for parameter in signature.parameters.values():
        assert parameter.default is not Ellipsis, f"{obj!r}: {parameter.name}=Ellipsis"
    assert "Ellipsis" not in shown(obj)


def test_issuer_shows_its_real_rate_limit_default() -> None:
    default = inspect.signature(callsign.Issuer).parameters["rate_limit"].default
    issuer = callsign.Issuer(callsign.MasterKey.generate(), lambda events: None)
    assert isinstance(default, callsign.RateLimit)
    assert issuer.rate_limit == default
    text = shown(callsign.Issuer)
    assert "rate_limit=RateLimit(max_codes=30, window_seconds=3600)" in text


@pytest.mark.parametrize("cls", [c for c in CLASSES if constructible(c)], ids=lambda c: c.__name__)
def test_class_docstrings_describe_every_constructor_parameter(cls: type) -> None:
    doc = cls.__doc__ or ""
    for name in inspect.signature(cls).parameters:
        assert re.search(rf"`{name}`", doc), f"{cls.__name__}'s docstring does not describe `{name}`"


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_no_ordering_methods_that_only_raise(cls: type) -> None:
    for name in ("__lt__", "__le__", "__gt__", "__ge__"):
        assert name not in cls.__dict__, f"{cls.__name__}.{name}"
    assert not re.search(r"__(lt|le|gt|ge)__", shown(cls))


def test_equality_still_works_after_the_ordering_methods_are_gone() -> None:
    assert callsign.RateLimit() == callsign.RateLimit(30, 3600)
    assert callsign.RateLimit(1, 2) != callsign.RateLimit(1, 3)
    assert hash(callsign.RateLimit()) == hash(callsign.RateLimit())
    with pytest.raises(TypeError):
        callsign.RateLimit() < callsign.RateLimit()  # type: ignore[operator]  # noqa: B015
    verifier = callsign.Verifier(
        callsign.Enrollment("ACME", "customer-0001", b"\x01" * 32), max_failures=3
    )
    a, b = verifier.check("000000", 1000), verifier.check("000000", 1000)
    assert a == a and a != b

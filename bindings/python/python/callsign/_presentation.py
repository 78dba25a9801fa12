"""What help() and inspect show for the extension's classes; no behaviour changes here.

- pyo3 gives every class with `__eq__` the whole rich-comparison slot, so `Verdict`,
  `RateLimit` and `Match` listed `__lt__`, `__le__`, `__gt__` and `__ge__` methods that only
  ever raise. They are removed: the classes compare for equality and are not ordered.
- pyo3 can only write literal defaults into a text signature, so `Issuer`'s showed
  `rate_limit=Ellipsis`; its signature now carries the real default object.
"""

import inspect

from callsign import _callsign

_ORDERING = ("__lt__", "__le__", "__gt__", "__ge__")


def _tidy() -> None:
    for value in vars(_callsign).values():
        if isinstance(value, type) and not issubclass(value, BaseException):
            for name in _ORDERING:
                if name in value.__dict__:
                    delattr(value, name)
    issuer = inspect.signature(_callsign.Issuer)
    defaults = {"rate_limit": _callsign.RateLimit()}
    setattr(
        _callsign.Issuer,
        "__signature__",
        issuer.replace(
            parameters=[
                p.replace(default=defaults[p.name]) if p.default is Ellipsis and p.name in defaults else p
                for p in issuer.parameters.values()
            ]
        ),
    )


_tidy()

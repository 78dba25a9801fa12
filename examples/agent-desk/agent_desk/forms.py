"""Strict form parsing: UTF-8 only, bounded size and field lengths, a clear message otherwise."""

import urllib.parse
from typing import Dict, List, Mapping, Tuple

from starlette.requests import Request

MAX_BODY = 16 * 1024

#: Longest accepted value per field (the pages set the same `maxlength`).
LIMITS: Mapping[str, int] = {
    "csrf_token": 64,
    "username": 64,
    "password": 256,
    "account_id": 128,
    "ticket": 64,
    "code": 32,
    "reason": 200,
    "q": 100,
}

LABELS: Mapping[str, str] = {
    "account_id": "Customer account",
    "ticket": "Ticket",
    "code": "Code",
    "reason": "Reason",
    "username": "User name",
    "password": "Password",
    "q": "Search",
}


NOT_UTF8 = (
    "The form held characters that are not valid UTF-8 text. Retype the values "
    "(do not paste from a document) and send again."
)


class BadForm(Exception):
    """The form cannot be used; the message tells the user what to change."""


def check_query(request: Request) -> None:
    """The search and filter forms (GET) too: a query string that is not UTF-8 text gets the
    same clear message, rather than being read with replacement characters."""
    raw: bytes = request.scope.get("query_string", b"")
    _pairs(raw)


def _pairs(body: bytes) -> List[Tuple[str, str]]:
    """The name-value pairs of a form body or query string, strictly UTF-8."""
    try:
        return urllib.parse.parse_qsl(
            body.decode("ascii"),
            keep_blank_values=True,
            strict_parsing=False,
            encoding="utf-8",
            errors="strict",
            max_num_fields=20,
        )
    except (UnicodeDecodeError, ValueError):
        raise BadForm(NOT_UTF8) from None


async def read_form(request: Request) -> Dict[str, str]:
    if request.headers.get("content-type", "").split(";")[0].strip() != (
        "application/x-www-form-urlencoded"
    ):
        raise BadForm("The form was not sent as a web form. Reload the page and try again.")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise BadForm("The form is too large. Reload the page and enter shorter values.")
    form: Dict[str, str] = {}
    for name, value in _pairs(body):
        if name not in LIMITS:
            continue
        if len(value) > LIMITS[name]:
            label = LABELS.get(name, name)
            raise BadForm(f"{label} is too long: at most {LIMITS[name]} characters.")
        if any(ord(ch) < 32 for ch in value):
            raise BadForm(f"{LABELS.get(name, name)} holds control characters; retype it.")
        form[name] = value
    return form

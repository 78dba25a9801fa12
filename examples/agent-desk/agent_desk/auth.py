"""Passwords (argon2id), sign-in lockout and CSRF tokens."""

import hmac
import secrets
from typing import Any, MutableMapping, Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from agent_desk.db import Database, User

#: Failed sign-ins in a row that lock a user, and for how long.
LOCK_AFTER = 5
LOCK_SECONDS = 15 * 60

HASHER = PasswordHasher()  # argon2id with the library's current recommended parameters
_DUMMY_HASH = HASHER.hash(secrets.token_hex(16))


def hash_password(password: str) -> str:
    return HASHER.hash(password)


class SignInRefused(Exception):
    """Wrong name or password, or a locked user; the message is safe to show."""


def check_sign_in(db: Database, username: str, password: str, now: int) -> User:
    user = db.user(username)
    if user is None:
        _verify(_DUMMY_HASH, password)  # same work as for a real user
        raise SignInRefused("Wrong user name or password.")
    if user.locked_until > now:
        minutes = (user.locked_until - now + 59) // 60
        raise SignInRefused(
            f"Too many failed sign-ins: this user is locked for {minutes} more minute(s). "
            "Wait, or ask a supervisor to reset the password."
        )
    if not _verify(user.password_hash, password):
        db.record_signin(user.username, False, LOCK_AFTER, now + LOCK_SECONDS)
        raise SignInRefused("Wrong user name or password.")
    db.record_signin(user.username, True, LOCK_AFTER, 0)
    if HASHER.check_needs_rehash(user.password_hash):
        db.update_hash(user.username, HASHER.hash(password))
    return user


def _verify(password_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def csrf_token(session: MutableMapping[str, Any]) -> str:
    token = session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


def csrf_ok(session: MutableMapping[str, Any], sent: Optional[str]) -> bool:
    expected = session.get("csrf")
    if not isinstance(expected, str) or not sent:
        return False
    return hmac.compare_digest(expected.encode(), sent.encode())

"""Settings from the environment. Secrets are read from files, never from variables or logs."""

import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping, Optional

import callsign


class ConfigError(Exception):
    """A setting is missing or wrong; the message names the variable and what it should hold."""


@dataclass(frozen=True)
class Settings:
    """Everything the desk reads from its environment (see README.md, "Configuration")."""

    home: Path
    master_key_file: Path
    signing_key_file: Path
    session_secret_file: Path
    ledger_url: str
    issuer_name: str
    period: Optional[int]
    rate_limit: "callsign.RateLimit"
    session_seconds: int
    secure_cookies: bool
    clock_file: Optional[Path]

    @staticmethod
    def from_env(env: Optional[Mapping[str, str]] = None) -> "Settings":
        env = os.environ if env is None else env
        home = Path(env.get("DESK_HOME", "desk-data"))
        limit = env.get("DESK_RATE_LIMIT")
        rate_limit = callsign.RateLimit()  # the binding's default
        if limit is not None:
            match = re.fullmatch(r"(\d{1,6})/(\d{1,7})", limit)
            if not match:
                raise ConfigError(f"DESK_RATE_LIMIT must be CODES/SECONDS such as 30/3600, got {limit!r}")
            rate_limit = callsign.RateLimit(int(match.group(1)), int(match.group(2)))
        clock = env.get("DESK_CLOCK_FILE")
        return Settings(
            home=home,
            master_key_file=Path(env.get("DESK_MASTER_KEY_FILE", home / "master.key")),
            signing_key_file=Path(env.get("DESK_SIGNING_KEY_FILE", home / "signing.key")),
            session_secret_file=Path(env.get("DESK_SESSION_SECRET_FILE", home / "session.key")),
            ledger_url=env.get("DESK_LEDGER_URL", f"sqlite:///{home / 'ledger.db'}"),
            issuer_name=env.get("DESK_ISSUER_NAME", "ACME Support"),
            period=_int(env, "DESK_PERIOD", None),
            rate_limit=rate_limit,
            session_seconds=(_int(env, "DESK_SESSION_MINUTES", None) or 480) * 60,
            secure_cookies=env.get("DESK_SECURE_COOKIES", "1") != "0",
            clock_file=Path(clock) if clock else None,
        )

    def read_secret(self, path: Path, what: str) -> bytes:
        try:
            data = path.read_bytes()
        except OSError as error:
            raise ConfigError(
                f"cannot read the {what} file {path} ({error.strerror}); "
                "run `python -m agent_desk init` or set its DESK_..._FILE variable"
            ) from None
        if len(data) < 32:
            raise ConfigError(f"the {what} file {path} holds {len(data)} bytes; it needs 32 to 64")
        return data

    def signing_key(self) -> "callsign.SigningKey":
        """The Ed25519 key that signs every enrollment the desk shows (customer apps pin its
        public key and refuse anything else)."""
        seed = self.read_secret(self.signing_key_file, "enrollment signing key")
        try:
            return callsign.SigningKey(seed)
        except callsign.InvalidSigningKeyError:
            raise ConfigError(
                f"the enrollment signing key file {self.signing_key_file} holds {len(seed)} bytes; "
                "it needs exactly 32 (an Ed25519 seed)"
            ) from None

    def clock(self) -> Callable[[], int]:
        """Unix seconds. DESK_CLOCK_FILE (tests only) names a file holding an offset in seconds."""
        clock_file = self.clock_file
        if clock_file is None:
            return lambda: int(time.time())

        def shifted() -> int:
            try:
                offset = int(clock_file.read_text().strip() or "0")
            except (OSError, ValueError):
                offset = 0
            return int(time.time()) + offset

        return shifted


def _int(env: Mapping[str, str], name: str, default: Optional[int]) -> Optional[int]:
    text = env.get(name)
    if text is None:
        return default
    if not text.isdigit() or len(text) > 7:
        raise ConfigError(f"{name} must be a whole number, got {text!r}")
    return int(text)

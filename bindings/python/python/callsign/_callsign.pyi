# Type stubs of the private extension module (written by hand, checked by stubtest).
from typing import ClassVar, Final, Literal, Optional, Sequence, Union, final

from callsign._types import AuditCallback, SecretLike, StrPath, TimeLike

__all__ = [
    "AgentCode",
    "ArithmeticOverflowError",
    "AuditFailedError",
    "CallsignError",
    "DeviceVerifier",
    "Enrollment",
    "HOTP",
    "InvalidBase32Error",
    "InvalidCodeError",
    "InvalidConfigError",
    "InvalidDigitsError",
    "InvalidIdentifierError",
    "InvalidMasterKeyError",
    "InvalidPeriodError",
    "InvalidSecretLengthError",
    "InvalidStateError",
    "InvalidUriError",
    "Issuer",
    "MasterKey",
    "Match",
    "NaiveDatetimeError",
    "RandomUnavailableError",
    "RateLimit",
    "RateLimitedError",
    "TOTP",
    "TimeBeforeEpochError",
    "UnsupportedAlgorithmError",
    "Verdict",
    "VerifierStatus",
    "__version__",
    "account_secret",
    "agent_code",
    "base32_decode",
    "base32_encode",
    "hotp",
    "parse_code",
    "parse_uri",
    "random_secret",
    "totp",
]
__version__: Final[str]

class CallsignError(Exception): ...

class InvalidDigitsError(CallsignError):
    kind: ClassVar[str]

class InvalidPeriodError(CallsignError):
    kind: ClassVar[str]

class TimeBeforeEpochError(CallsignError):
    kind: ClassVar[str]

class ArithmeticOverflowError(CallsignError):
    kind: ClassVar[str]

class InvalidConfigError(CallsignError):
    kind: ClassVar[str]

class InvalidSecretLengthError(CallsignError):
    kind: ClassVar[str]

class InvalidBase32Error(CallsignError):
    kind: ClassVar[str]

class UnsupportedAlgorithmError(CallsignError):
    kind: ClassVar[str]

class InvalidCodeError(CallsignError):
    kind: ClassVar[str]

class InvalidUriError(CallsignError):
    kind: ClassVar[str]

class InvalidMasterKeyError(CallsignError):
    kind: ClassVar[str]

class InvalidIdentifierError(CallsignError):
    kind: ClassVar[str]

class RateLimitedError(CallsignError):
    kind: ClassVar[str]

class AuditFailedError(CallsignError):
    kind: ClassVar[str]

class InvalidStateError(CallsignError):
    kind: ClassVar[str]

class RandomUnavailableError(CallsignError):
    kind: ClassVar[str]

class NaiveDatetimeError(CallsignError):
    kind: ClassVar[str]

def hotp(secret: bytes, counter: int, digits: int = 6, algorithm: str = "sha1") -> str: ...
def totp(
    secret: bytes, time: int, digits: int = 6, period: int = 30, algorithm: str = "sha1"
) -> str: ...
def random_secret(algorithm: str = "sha1") -> bytes: ...
def base32_encode(data: bytes) -> str: ...
def base32_decode(text: str) -> bytes: ...
def parse_code(entry: str, digits: int = 6) -> str: ...
def parse_uri(uri: str) -> Union[TOTP, HOTP]: ...
def account_secret(master_key: bytes, account_id: str, epoch: int = 0) -> bytes: ...
def agent_code(account_secret: bytes, time: int, digits: int = 6, period: int = 30) -> str: ...
@final
class Match:
    @property
    def step(self) -> int: ...
    @property
    def drift(self) -> int: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class TOTP:
    def __new__(
        cls,
        secret: SecretLike,
        digits: int = 6,
        period: int = 30,
        algorithm: str = "sha1",
        *,
        t0: int = 0,
        name: Optional[str] = None,
        issuer: Optional[str] = None,
    ) -> TOTP: ...
    @staticmethod
    def from_uri(uri: str) -> TOTP: ...
    def at(self, time: TimeLike) -> str: ...
    def now(self) -> str: ...
    def timecode(self, time: Optional[TimeLike] = None) -> int: ...
    def remaining(self, time: Optional[TimeLike] = None) -> int: ...
    def verify(
        self, code: str, time: Optional[TimeLike] = None, *, behind: int = 1, ahead: int = 1
    ) -> Optional[Match]: ...
    def provisioning_uri(self, name: Optional[str] = None, issuer: Optional[str] = None) -> str: ...
    @property
    def digits(self) -> int: ...
    @property
    def period(self) -> int: ...
    @property
    def t0(self) -> int: ...
    @property
    def name(self) -> Optional[str]: ...
    @property
    def issuer(self) -> Optional[str]: ...
    @property
    def algorithm(self) -> str: ...

@final
class HOTP:
    def __new__(
        cls,
        secret: SecretLike,
        digits: int = 6,
        algorithm: str = "sha1",
        *,
        initial_count: int = 0,
        name: Optional[str] = None,
        issuer: Optional[str] = None,
    ) -> HOTP: ...
    @staticmethod
    def from_uri(uri: str) -> HOTP: ...
    def at(self, counter: int) -> str: ...
    def verify(
        self, code: str, counter: int, *, behind: int = 0, ahead: int = 0
    ) -> Optional[Match]: ...
    def provisioning_uri(
        self,
        name: Optional[str] = None,
        issuer: Optional[str] = None,
        initial_count: Optional[int] = None,
    ) -> str: ...
    @property
    def digits(self) -> int: ...
    @property
    def initial_count(self) -> int: ...
    @property
    def name(self) -> Optional[str]: ...
    @property
    def issuer(self) -> Optional[str]: ...
    @property
    def algorithm(self) -> str: ...

@final
class MasterKey:
    def __new__(cls, key: bytes) -> MasterKey: ...
    @staticmethod
    def generate() -> MasterKey: ...
    def account_secret(self, account_id: str, epoch: int = 0) -> bytes: ...
    def to_bytes(self) -> bytes: ...

@final
class RateLimit:
    def __new__(cls, max_codes: int = 30, window_seconds: int = 3600) -> RateLimit: ...
    @property
    def max_codes(self) -> int: ...
    @property
    def window_seconds(self) -> int: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class AgentCode:
    @property
    def code(self) -> str: ...
    @property
    def grouped(self) -> str: ...
    @property
    def step(self) -> int: ...
    @property
    def valid_until(self) -> int: ...
    @property
    def seconds_remaining(self) -> int: ...

@final
class Issuer:
    def __new__(
        cls,
        master_key: Union[MasterKey, bytes],
        audit: Union[AuditCallback, StrPath],
        *,
        epoch: int = 0,
        digits: int = 6,
        period: int = 30,
        rate_limit: Optional[RateLimit] = ...,
        cache_capacity: int = 10000,
    ) -> Issuer: ...
    def issue(
        self, account_id: str, *, agent_id: str, ticket: str, time: Optional[TimeLike] = None
    ) -> AgentCode: ...
    def issue_many(
        self, account_ids: Sequence[str], time: TimeLike, *, agent_id: str, reason: str
    ) -> list[AgentCode]: ...
    def enrollment(self, issuer_name: str, account_id: str) -> Enrollment: ...
    @property
    def epoch(self) -> int: ...
    @property
    def digits(self) -> int: ...
    @property
    def period(self) -> int: ...
    @property
    def rate_limit(self) -> Optional[RateLimit]: ...

@final
class Enrollment:
    def __new__(
        cls,
        issuer: str,
        account_id: str,
        secret: SecretLike,
        *,
        epoch: int = 0,
        digits: int = 6,
        period: int = 30,
    ) -> Enrollment: ...
    @staticmethod
    def from_uri(uri: str) -> Enrollment: ...
    def to_uri(self) -> str: ...
    @property
    def issuer(self) -> str: ...
    @property
    def account_id(self) -> str: ...
    @property
    def epoch(self) -> int: ...
    @property
    def digits(self) -> int: ...
    @property
    def period(self) -> int: ...

@final
class Verdict:
    @property
    def status(self) -> Literal["genuine", "not_genuine", "already_used", "locked_out"]: ...
    @property
    def genuine(self) -> bool: ...
    @property
    def step(self) -> Optional[int]: ...
    @property
    def drift(self) -> Optional[int]: ...
    @property
    def attempts_left(self) -> Optional[int]: ...
    @property
    def locked_until(self) -> Optional[int]: ...
    def __bool__(self) -> bool: ...
    def __eq__(self, value: object, /) -> bool: ...

@final
class VerifierStatus:
    @property
    def locked_until(self) -> Optional[int]: ...
    @property
    def attempts_left(self) -> int: ...
    @property
    def last_accepted_step(self) -> Optional[int]: ...

@final
class DeviceVerifier:
    def __new__(
        cls,
        enrollment: Union[Enrollment, str],
        *,
        state: Optional[bytes] = None,
        behind: int = 1,
        ahead: int = 1,
        max_failures: int = 3,
        lockout_seconds: int = 900,
    ) -> DeviceVerifier: ...
    @staticmethod
    def locked(
        enrollment: Union[Enrollment, str],
        time: Optional[TimeLike] = None,
        *,
        behind: int = 1,
        ahead: int = 1,
        max_failures: int = 3,
        lockout_seconds: int = 900,
    ) -> DeviceVerifier: ...
    def check(self, entry: str, time: Optional[TimeLike] = None) -> Verdict: ...
    def display(self, time: Optional[TimeLike] = None) -> AgentCode: ...
    def status(self, time: Optional[TimeLike] = None) -> VerifierStatus: ...
    def export_state(self) -> bytes: ...
    def import_state(self, state: bytes) -> None: ...

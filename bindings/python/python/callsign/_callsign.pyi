# Type stubs of the private extension module (written by hand, checked by stubtest).
from typing import (
    ClassVar,
    Final,
    Iterable,
    Iterator,
    Literal,
    Optional,
    Sequence,
    Union,
    final,
)

from callsign._types import AuditCallback, AuditEvent, SecretLike, StrPath, TimeLike

__all__ = [
    "AccountRevokedError",
    "TimedCode",
    "TimedCodeBatch",
    "AuditChainReport",
    "ArithmeticOverflowError",
    "AuditFailedError",
    "CallsignError",
    "CustomerVerdict",
    "DEFAULTS",
    "Verifier",
    "Enrollment",
    "HOTP",
    "ImportResult",
    "InvalidBase32Error",
    "InvalidCodeError",
    "InvalidConfigError",
    "InvalidDigitsError",
    "InvalidIdentifierError",
    "InvalidMasterKeyError",
    "InvalidPeriodError",
    "InvalidSecretLengthError",
    "InvalidSigningKeyError",
    "InvalidStateError",
    "InvalidUriError",
    "Issuer",
    "MasterKey",
    "Match",
    "NaiveDatetimeError",
    "PostgresLedger",
    "RandomUnavailableError",
    "RateLimit",
    "RateLimitedError",
    "SigningKey",
    "SqliteLedger",
    "StorageFailedError",
    "StoreUnavailableError",
    "StoredVerifier",
    "TOTP",
    "TimeBeforeEpochError",
    "UnsupportedAlgorithmError",
    "UntrustedEnrollmentError",
    "Verdict",
    "VerifierStatus",
    "__version__",
    "account_secret",
    "agent_code",
    "audit_chain_hash",
    "base32_decode",
    "base32_encode",
    "canonical_agent_id",
    "customer_code",
    "hotp",
    "import_otpauth",
    "parse_entry",
    "parse_uri",
    "random_secret",
    "totp",
    "verify_audit_file",
]
__version__: Final[str]
# Core's default argument values by name (the signatures below spell them out; tests check them).
DEFAULTS: Final[dict[str, Union[int, float, str, bool]]]

class CallsignError(Exception):
    kind: ClassVar[str]

class InvalidDigitsError(CallsignError): ...

class InvalidPeriodError(CallsignError): ...

class TimeBeforeEpochError(CallsignError): ...

class ArithmeticOverflowError(CallsignError): ...

class InvalidConfigError(CallsignError): ...

class InvalidSecretLengthError(CallsignError): ...

class InvalidBase32Error(CallsignError): ...

class UnsupportedAlgorithmError(CallsignError): ...

class InvalidCodeError(CallsignError): ...

class InvalidUriError(CallsignError): ...

class InvalidMasterKeyError(CallsignError): ...

class InvalidIdentifierError(CallsignError): ...

class RateLimitedError(CallsignError):
    #: Unix time at which the agent may issue again (None: a batch larger than the limit).
    retry_at: Optional[int]

class AuditFailedError(CallsignError): ...
class AccountRevokedError(CallsignError): ...
class StoreUnavailableError(CallsignError): ...

class InvalidStateError(CallsignError): ...

class RandomUnavailableError(CallsignError): ...

class InvalidSigningKeyError(CallsignError): ...

class UntrustedEnrollmentError(CallsignError): ...

class StorageFailedError(CallsignError): ...

class NaiveDatetimeError(CallsignError): ...

def hotp(secret: bytes, counter: int, digits: int = 6, algorithm: str = "sha1") -> str: ...
def totp(
    secret: bytes, time: int, digits: int = 6, period: int = 30, algorithm: str = "sha1"
) -> str: ...
def random_secret(algorithm: str = "sha1") -> bytes: ...
def base32_encode(data: bytes) -> str: ...
def base32_decode(text: str) -> bytes: ...
def parse_entry(entry: str, digits: int = 6) -> str: ...
def parse_uri(uri: str) -> Union[TOTP, HOTP]: ...
def import_otpauth(lines: Union[str, Iterable[str]]) -> list[ImportResult]: ...
@final
class ImportResult:
    @property
    def line(self) -> int: ...
    @property
    def ok(self) -> bool: ...
    @property
    def otp(self) -> Optional[Union[TOTP, HOTP]]: ...
    @property
    def issuer(self) -> Optional[str]: ...
    @property
    def account(self) -> Optional[str]: ...
    @property
    def ignored_parameters(self) -> list[str]: ...
    @property
    def error(self) -> Optional[CallsignError]: ...
def account_secret(master_key: bytes, account_id: str, epoch: int = 0) -> bytes: ...
def agent_code(
    account_secret: bytes, time: int, digits: int = 6, period: int = 30, check_digit: bool = False
) -> str: ...
def customer_code(
    account_secret: bytes, time: int, digits: int = 6, period: int = 30, check_digit: bool = False
) -> str: ...
def verify_audit_file(path: StrPath) -> AuditChainReport: ...
def canonical_agent_id(agent_id: str) -> str: ...
def audit_chain_hash(
    previous: bytes,
    *,
    time: int,
    outcome: Literal["issued", "refused_rate_limited"],
    account_id: str,
    agent_id: str,
    ticket: str,
    step: int,
    epoch: int,
) -> bytes: ...
@final
class AuditChainReport:
    @property
    def intact(self) -> bool: ...
    @property
    def records(self) -> int: ...
    @property
    def heads(self) -> dict[str, tuple[int, str]]: ...
    @property
    def broken_line(self) -> Optional[int]: ...
    @property
    def broken_agent_id(self) -> Optional[str]: ...
    @property
    def reason(self) -> Optional[str]: ...
    def __bool__(self) -> bool: ...

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
class TimedCode:
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
class TimedCodeBatch:
    @property
    def codes(self) -> list[str]: ...
    @property
    def step(self) -> Optional[int]: ...
    @property
    def valid_until(self) -> Optional[int]: ...
    @property
    def seconds_remaining(self) -> Optional[int]: ...
    def __len__(self) -> int: ...
    def __getitem__(self, index: int, /) -> TimedCode: ...
    def __iter__(self) -> Iterator[TimedCode]: ...

@final
class Issuer:
    def __new__(
        cls,
        master_key: Union[MasterKey, bytes],
        audit: Union[SqliteLedger, PostgresLedger, AuditCallback, StrPath],
        *,
        epoch: int = 0,
        digits: int = 6,
        period: int = 30,
        rate_limit: Optional[RateLimit] = ...,
        cache_capacity: int = 10000,
        batch_threads: Optional[int] = None,
        check_digit: bool = False,
    ) -> Issuer: ...
    def issue(
        self, account_id: str, *, agent_id: str, ticket: str, time: Optional[TimeLike] = None
    ) -> TimedCode: ...
    def verify_customer(
        self,
        account_id: str,
        entry: str,
        *,
        agent_id: str,
        ticket: str,
        time: Optional[TimeLike] = None,
    ) -> CustomerVerdict: ...
    def issue_many(
        self, account_ids: Iterable[str], time: TimeLike, *, agent_id: str, ticket: str
    ) -> TimedCodeBatch: ...
    def enrollment(
        self, issuer_name: str, account_id: str, *, signing_key: Optional[SigningKey] = None
    ) -> Enrollment: ...
    def revoke(
        self, account_id: str, *, agent_id: str, reason: str, time: Optional[TimeLike] = None
    ) -> None: ...
    def reenroll(
        self,
        issuer_name: str,
        account_id: str,
        *,
        agent_id: str,
        reason: str,
        time: Optional[TimeLike] = None,
        signing_key: Optional[SigningKey] = None,
    ) -> Enrollment: ...
    def account_epoch(self, account_id: str) -> int: ...
    def audit_events(
        self,
        *,
        agent_id: Optional[str] = None,
        account_id: Optional[str] = None,
        since: Optional[TimeLike] = None,
        until: Optional[TimeLike] = None,
        limit: int = 1000,
    ) -> list[AuditEvent]: ...
    @property
    def epoch(self) -> int: ...
    @property
    def digits(self) -> int: ...
    @property
    def period(self) -> int: ...
    @property
    def check_digit(self) -> bool: ...
    @property
    def rate_limit(self) -> Optional[RateLimit]: ...

@final
class SqliteLedger:
    def __new__(cls, path: StrPath, *, timeout_seconds: float = 2.0) -> SqliteLedger: ...
    def close(self) -> None: ...

@final
class PostgresLedger:
    def __new__(cls, dsn: str, *, timeout_seconds: float = 2.0) -> PostgresLedger: ...
    def close(self) -> None: ...

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
        check_digit: bool = False,
    ) -> Enrollment: ...
    @staticmethod
    def from_uri(
        uri: str, *, trusted_keys: Sequence[bytes] = (), allow_unsigned: bool = False
    ) -> Enrollment: ...
    def to_uri(self) -> str: ...
    @property
    def signed(self) -> bool: ...
    @property
    def issuer(self) -> str: ...
    @property
    def account_id(self) -> str: ...
    @property
    def epoch(self) -> int: ...
    @property
    def check_digit(self) -> bool: ...
    @property
    def digits(self) -> int: ...
    @property
    def period(self) -> int: ...

@final
class Verdict:
    @property
    def status(
        self,
    ) -> Literal["genuine", "not_genuine", "already_used", "locked_out", "misheard"]: ...
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
class CustomerVerdict:
    @property
    def status(
        self,
    ) -> Literal["verified", "not_verified", "already_used", "locked_out", "misheard"]: ...
    @property
    def verified(self) -> bool: ...
    @property
    def step(self) -> Optional[int]: ...
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
class Verifier:
    def __new__(
        cls,
        enrollment: Union[Enrollment, str],
        *,
        trusted_keys: Sequence[bytes] = (),
        allow_unsigned: bool = False,
        state: Optional[bytes] = None,
        behind: int = 1,
        ahead: int = 1,
        max_failures: int = 3,
        lockout_seconds: int = 900,
    ) -> Verifier: ...
    @staticmethod
    def locked(
        enrollment: Union[Enrollment, str],
        time: Optional[TimeLike] = None,
        *,
        trusted_keys: Sequence[bytes] = (),
        allow_unsigned: bool = False,
        behind: int = 1,
        ahead: int = 1,
        max_failures: int = 3,
        lockout_seconds: int = 900,
    ) -> Verifier: ...
    def check(self, entry: str, time: Optional[TimeLike] = None) -> Verdict: ...
    def display(self, time: Optional[TimeLike] = None) -> TimedCode: ...
    def customer_code(self, time: Optional[TimeLike] = None) -> TimedCode: ...
    def status(self, time: Optional[TimeLike] = None) -> VerifierStatus: ...
    def export_state(self) -> bytes: ...
    def import_state(self, state: bytes) -> None: ...

@final
class SigningKey:
    def __new__(cls, seed: bytes) -> SigningKey: ...
    @staticmethod
    def generate() -> SigningKey: ...
    def public_key(self) -> bytes: ...

@final
class StoredVerifier:
    @staticmethod
    def open(
        directory: StrPath,
        time: Optional[TimeLike] = None,
        *,
        behind: int = 1,
        ahead: int = 1,
        max_failures: int = 3,
        lockout_seconds: int = 900,
    ) -> Optional[StoredVerifier]: ...
    @staticmethod
    def enroll(
        directory: StrPath,
        enrollment: Union[Enrollment, str],
        time: Optional[TimeLike] = None,
        *,
        trusted_keys: Sequence[bytes] = (),
        allow_unsigned: bool = False,
        behind: int = 1,
        ahead: int = 1,
        max_failures: int = 3,
        lockout_seconds: int = 900,
    ) -> StoredVerifier: ...
    def check(self, entry: str, time: Optional[TimeLike] = None) -> Verdict: ...
    def display(self, time: Optional[TimeLike] = None) -> TimedCode: ...
    def status(self, time: Optional[TimeLike] = None) -> VerifierStatus: ...
    @property
    def restored(self) -> Optional[Literal["state", "locked_after_lost_state"]]: ...
    @property
    def enrollment(self) -> Enrollment: ...

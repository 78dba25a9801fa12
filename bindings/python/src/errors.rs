//! The exception hierarchy and the one mapping from core errors to Python exceptions.

use callsign::ErrorKind;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::{PyErr, PyTypeInfo};

pyo3::create_exception!(
    callsign,
    CallsignError,
    PyException,
    "Base class of every error raised by callsign."
);

/// Declares one exception class per error kind (all subclasses of `CallsignError`) and the
/// table that maps kinds to them.
macro_rules! kind_exceptions {
    ($($kind:ident => $name:ident: $doc:literal,)+) => {
        $(pyo3::create_exception!(callsign, $name, CallsignError, $doc);)+

        /// The exception class of a core error kind.
        fn class_of(py: Python<'_>, kind: ErrorKind) -> Bound<'_, pyo3::types::PyType> {
            match kind {
                $(ErrorKind::$kind => $name::type_object(py),)+
                _ => CallsignError::type_object(py),
            }
        }

        /// Adds the base class and every kind's class (with its `kind` attribute) to `module`.
        pub(crate) fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
            let py = module.py();
            let base = CallsignError::type_object(py);
            // Subclasses override it with their kind; the base only surfaces for kinds that
            // a newer core adds before this binding names them.
            base.setattr("kind", "unknown")?;
            module.add("CallsignError", base)?;
            $(
                let class = $name::type_object(py);
                class.setattr("kind", ErrorKind::$kind.as_str())?;
                module.add(stringify!($name), class)?;
            )+
            RateLimitedError::type_object(py).setattr("retry_at", py.None())?;
            module.add("NaiveDatetimeError", NaiveDatetimeError::type_object(py))?;
            NaiveDatetimeError::type_object(py).setattr("kind", "naive_datetime")?;
            Ok(())
        }
    };
}

kind_exceptions! {
    InvalidDigits => InvalidDigitsError: "The number of code digits is outside 6..=8.",
    InvalidPeriod => InvalidPeriodError: "The period is zero or outside the profile's range.",
    TimeBeforeEpoch => TimeBeforeEpochError: "The time lies before the TOTP epoch T0 (or 1970).",
    Overflow => ArithmeticOverflowError: "A time or counter computation leaves the 64-bit range.",
    InvalidConfig => InvalidConfigError: "A window, rate limit or lockout setting is out of range.",
    InvalidSecretLength => InvalidSecretLengthError: "A secret is shorter than 16 or longer than 1024 bytes.",
    InvalidBase32 => InvalidBase32Error: "A base32 secret has a bad character, length or padding.",
    UnsupportedAlgorithm => UnsupportedAlgorithmError: "The algorithm is not SHA1, SHA256 or SHA512.",
    InvalidCode => InvalidCodeError: "A code entry is not the right number of digits (optionally grouped).",
    InvalidUri => InvalidUriError: "An otpauth:// or callsign://enroll URI is malformed.",
    InvalidMasterKey => InvalidMasterKeyError: "The master key is not 32 to 64 bytes long.",
    InvalidIdentifier => InvalidIdentifierError: "An account id, agent id or ticket is empty or too long.",
    RateLimited => RateLimitedError: "The agent reached the rate limit; no code was issued. `retry_at` is the unix time at which the agent may issue again (None for a batch larger than the limit allows in any window).",
    AuditFailed => AuditFailedError: "The audit sink failed; no code was issued.",
    InvalidState => InvalidStateError: "A verifier state blob is corrupt or belongs to another enrollment.",
    AccountRevoked => AccountRevokedError: "The account is revoked; no code was issued.",
    StoreUnavailable => StoreUnavailableError: "The issuer's ledger failed, timed out or was closed; nothing was issued.",
    RandomUnavailable => RandomUnavailableError: "The operating system's random generator failed.",
    InvalidSigningKey => InvalidSigningKeyError: "An Ed25519 signing key seed or public key is not 32 bytes long.",
    UntrustedEnrollment => UntrustedEnrollmentError: "An enrollment is unsigned, badly signed, signed by a key that is not pinned, has data after its signature, or no keys are pinned.",
    StorageFailed => StorageFailedError: "The device storage of the enrollment and verifier state failed.",
}

pyo3::create_exception!(
    callsign,
    NaiveDatetimeError,
    CallsignError,
    "A datetime without time zone was given where an instant is needed."
);

/// Every error of the binding: a core error, or one raised on the Python side.
#[derive(Debug)]
pub(crate) enum BindingError {
    /// An error of the callsign core.
    Core(callsign::Error),
    /// An exception raised by Python (a failed conversion, a raising callback).
    Python(PyErr),
}

/// The result type of every binding function.
pub(crate) type BindingResult<T> = Result<T, BindingError>;

impl From<callsign::Error> for BindingError {
    fn from(error: callsign::Error) -> BindingError {
        BindingError::Core(error)
    }
}

impl From<PyErr> for BindingError {
    fn from(error: PyErr) -> BindingError {
        BindingError::Python(error)
    }
}

impl From<BindingError> for PyErr {
    fn from(error: BindingError) -> PyErr {
        match error {
            BindingError::Core(error) => Python::attach(|py| {
                let exception = PyErr::from_type(class_of(py, error.kind()), error.to_string());
                if let callsign::Error::RateLimited { retry_at, .. } = error {
                    // Core's value, on the instance; the class says None (a batch that can
                    // never fit the limit has no time to retry at).
                    if let Err(failed) = exception.value(py).setattr("retry_at", retry_at) {
                        return failed;
                    }
                }
                exception
            }),
            BindingError::Python(error) => error,
        }
    }
}

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

/// Declares one exception class per core error kind (all subclasses of `CallsignError`) and
/// the table that maps kinds to them. Each class's docstring is the kind's message from core.
macro_rules! kind_exceptions {
    ($($kind:ident => $name:ident,)+) => {
        $(pyo3::create_exception!(callsign, $name, CallsignError);)+

        /// The exception class of a core error kind.
        fn class_of(py: Python<'_>, kind: ErrorKind) -> Bound<'_, pyo3::types::PyType> {
            match kind {
                $(ErrorKind::$kind => $name::type_object(py),)+
                _ => CallsignError::type_object(py),
            }
        }

        /// The name of a core error kind's exception class; `None` for a kind that this
        /// binding does not name yet.
        #[cfg(test)]
        fn class_name(kind: ErrorKind) -> Option<&'static str> {
            match kind {
                $(ErrorKind::$kind => Some(stringify!($name)),)+
                _ => None,
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
                class.setattr("__doc__", docstring(ErrorKind::$kind))?;
                module.add(stringify!($name), class)?;
            )+
            let rate_limited = RateLimitedError::type_object(py);
            rate_limited.setattr("retry_at", py.None())?;
            rate_limited.setattr(
                "__doc__",
                format!(
                    "{} `retry_at` is the unix time at which the agent may issue again (None for \
                     a batch larger than the limit allows in any window).",
                    docstring(ErrorKind::RateLimited)
                ),
            )?;
            module.add("NaiveDatetimeError", NaiveDatetimeError::type_object(py))?;
            NaiveDatetimeError::type_object(py).setattr("kind", "naive_datetime")?;
            Ok(())
        }
    };
}

/// A kind's message from core as a docstring: a capitalized sentence.
fn docstring(kind: ErrorKind) -> String {
    let message = kind.message();
    let mut chars = message.chars();
    chars.next().map_or_else(String::new, |first| {
        format!("{}{}.", first.to_uppercase(), chars.as_str())
    })
}

// One line per core error kind: adding a kind to core makes the test below name the line
// that is missing here (and the class that is missing in `_callsign.pyi`).
kind_exceptions! {
    InvalidDigits => InvalidDigitsError,
    InvalidPeriod => InvalidPeriodError,
    TimeBeforeEpoch => TimeBeforeEpochError,
    Overflow => ArithmeticOverflowError,
    InvalidConfig => InvalidConfigError,
    InvalidSecretLength => InvalidSecretLengthError,
    InvalidBase32 => InvalidBase32Error,
    UnsupportedAlgorithm => UnsupportedAlgorithmError,
    InvalidCode => InvalidCodeError,
    InvalidUri => InvalidUriError,
    InvalidMasterKey => InvalidMasterKeyError,
    InvalidIdentifier => InvalidIdentifierError,
    RateLimited => RateLimitedError,
    AuditFailed => AuditFailedError,
    InvalidState => InvalidStateError,
    AccountRevoked => AccountRevokedError,
    StoreUnavailable => StoreUnavailableError,
    RandomUnavailable => RandomUnavailableError,
    InvalidSigningKey => InvalidSigningKeyError,
    UntrustedEnrollment => UntrustedEnrollmentError,
    StorageFailed => StorageFailedError,
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The hand-written stubs of the extension module.
    const STUBS: &str = include_str!("../python/callsign/_callsign.pyi");

    #[test]
    fn every_core_error_kind_has_its_exception_class() {
        for kind in ErrorKind::ALL {
            assert!(
                class_name(kind).is_some(),
                "core's kind {kind} has no exception class: add `{kind:?} => {kind:?}Error,` to \
                 kind_exceptions! in bindings/python/src/errors.rs"
            );
        }
    }

    /// The stubs declare exactly the exception classes of the table, each directly under
    /// `CallsignError`, and export each one.
    #[test]
    fn the_stubs_declare_the_exception_class_of_every_kind() {
        let mut expected: Vec<&str> = ErrorKind::ALL.into_iter().filter_map(class_name).collect();
        expected.push("NaiveDatetimeError");
        expected.sort_unstable();
        let mut declared: Vec<&str> = STUBS
            .lines()
            .filter_map(|line| line.strip_prefix("class ")?.split_once("(CallsignError):"))
            .map(|(name, _)| name)
            .collect();
        declared.sort_unstable();
        assert_eq!(
            declared, expected,
            "_callsign.pyi must declare `class NameError(CallsignError):` for each class of \
             kind_exceptions! in bindings/python/src/errors.rs, and no other"
        );
        for name in expected {
            assert!(
                STUBS.contains(&format!("    \"{name}\",\n")),
                "{name} is not in __all__"
            );
        }
    }

    #[test]
    fn docstrings_are_core_messages_as_sentences() {
        assert_eq!(
            docstring(ErrorKind::InvalidDigits),
            format!(
                "The number of digits must be between {} and {}.",
                callsign::MIN_DIGITS,
                callsign::MAX_DIGITS
            )
        );
    }
}

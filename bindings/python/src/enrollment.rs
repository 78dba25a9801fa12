//! The `callsign://enroll` payload (core's `enrollment`): `Enrollment`, and enrollments given
//! as arguments.

use crate::convert;
use crate::defaults;
use crate::errors::BindingResult;
use crate::signing::PySigningKey;
use callsign::{Enrollment, EnrollmentTrust, ProfileParams};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;

/// The `callsign://enroll` payload: issuer, account, account secret, epoch, digits, period.
/// The secret never appears in `repr()`.
///
/// Parameters: `issuer` the vendor's name as the app shows it; `account_id` the customer's
/// account; `secret` the account secret as bytes or base32 str; `epoch`, `digits` and `period`
/// as the issuer uses them; `check_digit` whether every code carries a Damm check digit
/// (`&check=damm`). `Enrollment.from_uri(uri, trusted_keys=...)` reads a received payload.
#[pyclass(frozen, module = "callsign", name = "Enrollment")]
pub(crate) struct PyEnrollment {
    pub(crate) enrollment: Enrollment,
}

impl PyEnrollment {
    /// `enrollment`, signed with `signing_key` when one is given.
    pub(crate) fn signed_if(
        enrollment: Enrollment,
        signing_key: Option<&PySigningKey>,
    ) -> BindingResult<PyEnrollment> {
        let enrollment = match signing_key {
            Some(key) => enrollment.signed(&key.key)?,
            None => enrollment,
        };
        Ok(PyEnrollment { enrollment })
    }
}

#[pymethods]
impl PyEnrollment {
    /// An enrollment; `secret` is the account secret as bytes or base32 str.
    #[new]
    #[pyo3(signature = (issuer, account_id, secret, *, epoch = defaults::EPOCH, digits = defaults::DIGITS, period = defaults::PERIOD, check_digit = defaults::CHECK_DIGIT), text_signature = "(issuer, account_id, secret, *, epoch=0, digits=6, period=30, check_digit=False)")]
    fn new(
        issuer: &str,
        account_id: &str,
        secret: &Bound<'_, PyAny>,
        #[pyo3(from_py_with = convert::arg::epoch)] epoch: u32,
        #[pyo3(from_py_with = convert::arg::digits)] digits: u32,
        #[pyo3(from_py_with = convert::arg::period)] period: u64,
        check_digit: bool,
    ) -> BindingResult<PyEnrollment> {
        let params = ProfileParams::new(digits, period)?.with_check_digit(check_digit);
        let secret = convert::secret(secret)?;
        Ok(PyEnrollment {
            enrollment: Enrollment::new(issuer, account_id, secret, epoch, params)?,
        })
    }

    /// Reads a received `callsign://enroll` payload under the vendor's pinned public keys
    /// (`trusted_keys`, 32 bytes each). An unsigned payload, a bad signature, one no pinned
    /// key verifies and data after the signature raise `UntrustedEnrollmentError`. With no
    /// keys, signatures are ignored only if `allow_unsigned=True` (tests and tools only).
    #[staticmethod]
    #[pyo3(signature = (uri, *, trusted_keys = Vec::new(), allow_unsigned = false), text_signature = "(uri, *, trusted_keys=(), allow_unsigned=False)")]
    #[allow(clippy::needless_pass_by_value, reason = "pyo3 extracts owned values")]
    fn from_uri(
        uri: &str,
        trusted_keys: Vec<Vec<u8>>,
        allow_unsigned: bool,
    ) -> BindingResult<PyEnrollment> {
        let trust = EnrollmentTrust::from_options(&trusted_keys, allow_unsigned)?;
        Ok(PyEnrollment {
            enrollment: Enrollment::from_uri(uri, &trust)?,
        })
    }

    /// Whether the enrollment carries a signature.
    #[getter]
    fn signed(&self) -> bool {
        self.enrollment.signature().is_some()
    }

    /// The payload as a `callsign://enroll` URI (ending with `&sig=` when signed). It
    /// contains the account secret.
    fn to_uri(&self) -> String {
        self.enrollment.to_uri_string().to_string()
    }

    /// The issuer's display name.
    #[getter]
    fn issuer(&self) -> &str {
        self.enrollment.issuer()
    }

    /// The account id.
    #[getter]
    fn account_id(&self) -> &str {
        self.enrollment.account_id()
    }

    /// The key epoch.
    #[getter]
    fn epoch(&self) -> u32 {
        self.enrollment.epoch()
    }

    /// Whether every code carries a Damm check digit (`check=damm`).
    #[getter]
    fn check_digit(&self) -> bool {
        self.enrollment.params().check_digit()
    }

    /// The number of code digits.
    #[getter]
    fn digits(&self) -> u32 {
        self.enrollment.params().digits()
    }

    /// The period in seconds.
    #[getter]
    fn period(&self) -> u64 {
        self.enrollment.params().period()
    }

    fn __repr__(&self) -> String {
        format!(
            "Enrollment(issuer={:?}, account_id={:?}, epoch={}, digits={}, period={}, signed={}, secret=<redacted>)",
            self.enrollment.issuer(),
            self.enrollment.account_id(),
            self.enrollment.epoch(),
            self.enrollment.params().digits(),
            self.enrollment.params().period(),
            if self.enrollment.signature().is_some() {
                "True"
            } else {
                "False"
            }
        )
    }
}

/// An enrollment given as an `Enrollment` (trusted as built) or as a received
/// `callsign://enroll` URI, read under `trusted_keys` and `allow_unsigned`.
pub(crate) fn enrollment_arg(
    value: &Bound<'_, PyAny>,
    trusted_keys: &[Vec<u8>],
    allow_unsigned: bool,
) -> BindingResult<Enrollment> {
    if let Ok(enrollment) = value.cast::<PyEnrollment>() {
        return Ok(enrollment.get().enrollment.clone());
    }
    let uri: String = value.extract().map_err(|_| {
        PyTypeError::new_err("enrollment must be an Enrollment or a callsign://enroll URI str")
    })?;
    let trust = EnrollmentTrust::from_options(trusted_keys, allow_unsigned)?;
    Ok(Enrollment::from_uri(&uri, &trust)?)
}

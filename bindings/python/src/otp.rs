//! Plain RFC 4226 / RFC 6238 codes: the module-level `hotp` and `totp` functions and the
//! pyotp-style `HOTP` and `TOTP` classes.

use crate::convert;
use crate::errors::BindingResult;
use callsign::{Algorithm, Hotp, OtpAuthUri, OtpKind, Secret, SystemClock, Totp, Window};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

/// The RFC 4226 HOTP code of `secret` (raw bytes) at `counter`.
#[pyfunction]
#[pyo3(signature = (secret, counter, digits = 6, algorithm = "sha1"))]
pub(crate) fn hotp(
    secret: &[u8],
    counter: u64,
    digits: u32,
    algorithm: &str,
) -> BindingResult<String> {
    let secret = Secret::from_bytes(secret)?;
    let hotp = Hotp::new(&secret, convert::algorithm(algorithm)?, digits)?;
    Ok(hotp.code(counter).as_str().to_owned())
}

/// The RFC 6238 TOTP code of `secret` (raw bytes) at unix time `time` (T0 = 0).
#[pyfunction]
#[pyo3(signature = (secret, time, digits = 6, period = 30, algorithm = "sha1"))]
pub(crate) fn totp(
    secret: &[u8],
    time: &Bound<'_, PyAny>,
    digits: u32,
    period: u64,
    algorithm: &str,
) -> BindingResult<String> {
    let time = convert::unix_time(time)?;
    let secret = Secret::from_bytes(secret)?;
    let totp = Totp::new(&secret, convert::algorithm(algorithm)?, digits, period)?;
    Ok(totp.code_at(time)?.as_str().to_owned())
}

/// A fresh random secret of the length recommended for `algorithm` (20, 32 or 64 bytes).
#[pyfunction]
#[pyo3(signature = (algorithm = "sha1"))]
pub(crate) fn random_secret<'py>(
    py: Python<'py>,
    algorithm: &str,
) -> BindingResult<Bound<'py, PyBytes>> {
    let secret = Secret::generate(convert::algorithm(algorithm)?)?;
    Ok(PyBytes::new(py, secret.expose_bytes()))
}

/// A successful verification: the step (TOTP) or counter (HOTP) that matched, and its
/// distance from the current one (negative: the code was older).
#[pyclass(frozen, eq, hash, module = "callsign", name = "Match")]
#[derive(Debug, PartialEq, Eq, Hash)]
pub(crate) struct PyMatch {
    /// The matching step or counter.
    #[pyo3(get)]
    step: u64,
    /// `step - current`.
    #[pyo3(get)]
    drift: i64,
}

#[pymethods]
impl PyMatch {
    fn __repr__(&self) -> String {
        format!("Match(step={}, drift={})", self.step, self.drift)
    }
}

impl From<callsign::Match> for PyMatch {
    fn from(matched: callsign::Match) -> PyMatch {
        PyMatch {
            step: matched.step,
            drift: matched.drift,
        }
    }
}

/// The account name and issuer a generator was created with, for its provisioning URI.
#[derive(Debug, Clone, Default)]
struct Label {
    name: Option<String>,
    issuer: Option<String>,
}

impl Label {
    /// The otpauth:// URI of `kind` for this label (overridden by `name`/`issuer` if given).
    fn provisioning_uri(
        &self,
        secret: &Secret,
        kind: OtpKind,
        algorithm: Algorithm,
        digits: u32,
        name: Option<&str>,
        issuer: Option<&str>,
    ) -> BindingResult<String> {
        let name = name.or(self.name.as_deref()).unwrap_or_default();
        let issuer = issuer.or(self.issuer.as_deref());
        let mut uri = OtpAuthUri::totp(issuer, name, secret.clone())?;
        uri.kind = kind;
        uri.algorithm = algorithm;
        uri.digits = digits;
        Ok(uri.to_uri_string()?.to_string())
    }
}

/// RFC 6238 time-based codes, in the spirit of `pyotp.TOTP`. The secret never appears in
/// `repr()`.
#[pyclass(frozen, module = "callsign", name = "TOTP")]
pub(crate) struct PyTotp {
    totp: Totp,
    secret: Secret,
    algorithm: Algorithm,
    label: Label,
}

#[pymethods]
impl PyTotp {
    /// A TOTP generator; `secret` is raw bytes or a base32 str.
    #[new]
    #[pyo3(signature = (secret, digits = 6, period = 30, algorithm = "sha1", *, t0 = 0, name = None, issuer = None))]
    fn new(
        secret: &Bound<'_, PyAny>,
        digits: u32,
        period: u64,
        algorithm: &str,
        t0: u64,
        name: Option<String>,
        issuer: Option<String>,
    ) -> BindingResult<PyTotp> {
        let secret = convert::secret(secret)?;
        let algorithm = convert::algorithm(algorithm)?;
        let totp = Totp::new(&secret, algorithm, digits, period)?.with_t0(t0);
        Ok(PyTotp {
            totp,
            secret,
            algorithm,
            label: Label { name, issuer },
        })
    }

    /// A TOTP generator from an otpauth://totp/ URI.
    #[staticmethod]
    fn from_uri(uri: &str) -> BindingResult<PyTotp> {
        let parsed = OtpAuthUri::parse(uri)?;
        Ok(PyTotp {
            totp: parsed.to_totp()?,
            algorithm: parsed.algorithm,
            label: Label {
                name: Some(parsed.account),
                issuer: parsed.issuer,
            },
            secret: parsed.secret,
        })
    }

    /// The code at `time` (int unix seconds or an aware datetime).
    fn at(&self, time: &Bound<'_, PyAny>) -> BindingResult<String> {
        Ok(self
            .totp
            .code_at(convert::unix_time(time)?)?
            .as_str()
            .to_owned())
    }

    /// The code now, by the system clock.
    fn now(&self) -> BindingResult<String> {
        Ok(self.totp.code_now(&SystemClock)?.as_str().to_owned())
    }

    /// The time step at `time` (now if omitted): floor((time - t0) / period).
    #[pyo3(signature = (time = None))]
    fn timecode(&self, time: Option<&Bound<'_, PyAny>>) -> BindingResult<u64> {
        Ok(self.totp.step_at(convert::time_or_now(time)?)?)
    }

    /// Seconds until the code changes at `time` (now if omitted).
    #[pyo3(signature = (time = None))]
    fn remaining(&self, time: Option<&Bound<'_, PyAny>>) -> BindingResult<u64> {
        Ok(self.totp.seconds_remaining(convert::time_or_now(time)?)?)
    }

    /// Checks `code` against the steps from `behind` before to `ahead` after the step at
    /// `time` (now if omitted). Returns the match, or None for a well-formed code that matched
    /// nothing; a malformed code raises InvalidCodeError.
    #[pyo3(signature = (code, time = None, *, behind = 1, ahead = 1))]
    fn verify(
        &self,
        code: &str,
        time: Option<&Bound<'_, PyAny>>,
        behind: u64,
        ahead: u64,
    ) -> BindingResult<Option<PyMatch>> {
        let window = Window::new(behind, ahead)?;
        let matched = self
            .totp
            .verify(code, convert::time_or_now(time)?, window)?;
        Ok(matched.map(PyMatch::from))
    }

    /// The otpauth://totp/ URI for authenticator apps. It contains the secret.
    #[pyo3(signature = (name = None, issuer = None))]
    fn provisioning_uri(&self, name: Option<&str>, issuer: Option<&str>) -> BindingResult<String> {
        let kind = OtpKind::Totp {
            period: self.totp.period(),
        };
        self.label.provisioning_uri(
            &self.secret,
            kind,
            self.algorithm,
            self.totp.digits(),
            name,
            issuer,
        )
    }

    /// The number of digits.
    #[getter]
    fn digits(&self) -> u32 {
        self.totp.digits()
    }

    /// The period in seconds.
    #[getter]
    fn period(&self) -> u64 {
        self.totp.period()
    }

    /// The epoch T0 in unix seconds.
    #[getter]
    fn t0(&self) -> u64 {
        self.totp.t0()
    }

    /// The algorithm's canonical name ("SHA1", "SHA256", "SHA512").
    #[getter]
    fn algorithm(&self) -> &'static str {
        self.algorithm.as_str()
    }

    fn __repr__(&self) -> String {
        format!(
            "TOTP(algorithm={:?}, digits={}, period={}, t0={}, secret=<redacted>)",
            self.algorithm.as_str(),
            self.totp.digits(),
            self.totp.period(),
            self.totp.t0()
        )
    }
}

/// RFC 4226 counter-based codes, in the spirit of `pyotp.HOTP`. The secret never appears in
/// `repr()`.
#[pyclass(frozen, module = "callsign", name = "HOTP")]
pub(crate) struct PyHotp {
    hotp: Hotp,
    secret: Secret,
    algorithm: Algorithm,
    label: Label,
    initial_count: u64,
}

#[pymethods]
impl PyHotp {
    /// An HOTP generator; `secret` is raw bytes or a base32 str.
    #[new]
    #[pyo3(signature = (secret, digits = 6, algorithm = "sha1", *, initial_count = 0, name = None, issuer = None))]
    fn new(
        secret: &Bound<'_, PyAny>,
        digits: u32,
        algorithm: &str,
        initial_count: u64,
        name: Option<String>,
        issuer: Option<String>,
    ) -> BindingResult<PyHotp> {
        let secret = convert::secret(secret)?;
        let algorithm = convert::algorithm(algorithm)?;
        Ok(PyHotp {
            hotp: Hotp::new(&secret, algorithm, digits)?,
            secret,
            algorithm,
            label: Label { name, issuer },
            initial_count,
        })
    }

    /// An HOTP generator from an otpauth://hotp/ URI (its counter becomes `initial_count`).
    #[staticmethod]
    fn from_uri(uri: &str) -> BindingResult<PyHotp> {
        let parsed = OtpAuthUri::parse(uri)?;
        let hotp = parsed.to_hotp()?;
        let initial_count = match parsed.kind {
            OtpKind::Hotp { counter } => counter,
            OtpKind::Totp { .. } => 0,
        };
        Ok(PyHotp {
            hotp,
            algorithm: parsed.algorithm,
            label: Label {
                name: Some(parsed.account),
                issuer: parsed.issuer,
            },
            secret: parsed.secret,
            initial_count,
        })
    }

    /// The code for `counter`.
    fn at(&self, counter: u64) -> String {
        self.hotp.code(counter).as_str().to_owned()
    }

    /// Checks `code` against the counters from `behind` before to `ahead` after `counter`.
    /// Returns the match (store `step + 1` as the next counter), or None for a well-formed
    /// code that matched nothing; a malformed code raises InvalidCodeError.
    #[pyo3(signature = (code, counter, *, behind = 0, ahead = 0))]
    fn verify(
        &self,
        code: &str,
        counter: u64,
        behind: u64,
        ahead: u64,
    ) -> BindingResult<Option<PyMatch>> {
        let window = Window::new(behind, ahead)?;
        Ok(self.hotp.verify(code, counter, window)?.map(PyMatch::from))
    }

    /// The otpauth://hotp/ URI for authenticator apps. It contains the secret.
    #[pyo3(signature = (name = None, issuer = None, initial_count = None))]
    fn provisioning_uri(
        &self,
        name: Option<&str>,
        issuer: Option<&str>,
        initial_count: Option<u64>,
    ) -> BindingResult<String> {
        let kind = OtpKind::Hotp {
            counter: initial_count.unwrap_or(self.initial_count),
        };
        self.label.provisioning_uri(
            &self.secret,
            kind,
            self.algorithm,
            self.hotp.digits(),
            name,
            issuer,
        )
    }

    /// The number of digits.
    #[getter]
    fn digits(&self) -> u32 {
        self.hotp.digits()
    }

    /// The counter given at creation (or read from the URI).
    #[getter]
    fn initial_count(&self) -> u64 {
        self.initial_count
    }

    /// The algorithm's canonical name ("SHA1", "SHA256", "SHA512").
    #[getter]
    fn algorithm(&self) -> &'static str {
        self.algorithm.as_str()
    }

    fn __repr__(&self) -> String {
        format!(
            "HOTP(algorithm={:?}, digits={}, initial_count={}, secret=<redacted>)",
            self.algorithm.as_str(),
            self.hotp.digits(),
            self.initial_count
        )
    }
}

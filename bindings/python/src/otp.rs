//! Plain RFC 4226 / RFC 6238 codes: the module-level `hotp` and `totp` functions and the
//! pyotp-style `HOTP` and `TOTP` classes.

use crate::convert;
use crate::errors::BindingResult;
use callsign::{Algorithm, Code, Hotp, OtpAuthUri, OtpKind, Secret, SystemClock, Totp, Window};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

/// The RFC 4226 HOTP code of `secret` (raw bytes) at `counter`.
#[pyfunction]
#[pyo3(signature = (secret, counter, digits = 6, algorithm = "sha1"))]
pub(crate) fn hotp<'py>(
    py: Python<'py>,
    secret: &[u8],
    #[pyo3(from_py_with = convert::arg::counter)] counter: u64,
    #[pyo3(from_py_with = convert::arg::digits)] digits: u32,
    algorithm: &str,
) -> BindingResult<Bound<'py, PyString>> {
    let hotp = Hotp::from_secret_bytes(secret, convert::algorithm(algorithm)?, digits)?;
    Ok(code_text(py, &hotp.code(counter))?)
}

/// The RFC 6238 TOTP code of `secret` (raw bytes) at unix time `time` (T0 = 0).
#[pyfunction]
#[pyo3(signature = (secret, time, digits = 6, period = 30, algorithm = "sha1"))]
pub(crate) fn totp<'py>(
    py: Python<'py>,
    secret: &[u8],
    time: &Bound<'py, PyAny>,
    #[pyo3(from_py_with = convert::arg::digits)] digits: u32,
    #[pyo3(from_py_with = convert::arg::period)] period: u64,
    algorithm: &str,
) -> BindingResult<Bound<'py, PyString>> {
    let time = convert::unix_time(time)?;
    let totp = Totp::from_secret_bytes(secret, convert::algorithm(algorithm)?, digits, period)?;
    Ok(code_text(py, &totp.code_at(time)?)?)
}

/// A code as a Python `str`, straight from its ASCII digits: Python decodes them once, with no
/// UTF-8 check on the Rust side first (the hot path of `TOTP.at()` and `totp()`).
pub(crate) fn code_text<'py>(py: Python<'py>, code: &Code) -> PyResult<Bound<'py, PyString>> {
    PyString::from_bytes(py, code.as_bytes())
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

/// Encodes `data` as upper-case RFC 4648 base32 without padding.
#[pyfunction]
pub(crate) fn base32_encode(data: &[u8]) -> String {
    callsign::base32::encode(data)
}

/// Decodes base32 as people paste it (any case, spaces, dashes, `=` padding).
#[pyfunction]
pub(crate) fn base32_decode<'py>(
    py: Python<'py>,
    text: &str,
) -> BindingResult<Bound<'py, PyBytes>> {
    Ok(PyBytes::new(py, &callsign::base32::decode(text)?))
}

/// The digits of a code as a person typed it ("482 913", "482-913"), checked against
/// `digits`; anything else raises `InvalidCodeError`.
#[pyfunction]
#[pyo3(signature = (entry, digits = 6))]
pub(crate) fn parse_code(entry: &str, digits: u32) -> BindingResult<String> {
    Ok(Code::parse_entry(entry, digits)?.as_str().to_owned())
}

/// A `TOTP` or `HOTP` generator from an `otpauth://` URI, whichever type it names.
#[pyfunction]
pub(crate) fn parse_uri(py: Python<'_>, uri: &str) -> BindingResult<Py<PyAny>> {
    generator(py, OtpAuthUri::parse(uri)?)
}

/// The `TOTP` or `HOTP` generator of a parsed `otpauth://` URI.
pub(crate) fn generator(py: Python<'_>, parsed: OtpAuthUri) -> BindingResult<Py<PyAny>> {
    Ok(match parsed.kind {
        OtpKind::Totp { .. } => Py::new(py, PyTotp::from_parsed(parsed)?)?.into_any(),
        OtpKind::Hotp { .. } => Py::new(py, PyHotp::from_parsed(parsed)?)?.into_any(),
    })
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

/// The account name, issuer and any further `otpauth://` parameters (such as `image`) a
/// generator was created with, for its provisioning URI.
#[derive(Debug, Clone)]
struct Label {
    name: Option<String>,
    issuer: Option<String>,
    extra_parameters: Vec<(String, String)>,
}

impl Label {
    /// The label of a generator created from its parts, without further parameters.
    fn new(name: Option<String>, issuer: Option<String>) -> Label {
        Label {
            name,
            issuer,
            extra_parameters: Vec::new(),
        }
    }

    /// The label of a parsed URI.
    fn of(uri: &OtpAuthUri) -> Label {
        Label {
            name: Some(uri.account.clone()),
            issuer: uri.issuer.clone(),
            extra_parameters: uri.extra_parameters.clone(),
        }
    }

    /// The `otpauth://` URI of `kind` for this label (overridden by `name`/`issuer` if given).
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
        uri.extra_parameters.clone_from(&self.extra_parameters);
        Ok(uri.to_uri_string()?.to_string())
    }
}

/// RFC 6238 time-based codes, in the spirit of `pyotp.TOTP`. The secret never appears in
/// `repr()`.
///
/// Parameters: `secret` raw bytes or a base32 str (16 bytes or more); `digits` per code (6
/// to 8); `period` seconds per code; `algorithm` "sha1", "sha256" or "sha512"; `t0` the unix
/// time of step 0; `name` and `issuer` label the account in `provisioning_uri()`.
#[pyclass(frozen, module = "callsign", name = "TOTP")]
pub(crate) struct PyTotp {
    totp: Totp,
    secret: Secret,
    algorithm: Algorithm,
    label: Label,
}

impl PyTotp {
    /// The generator of a parsed `otpauth://` URI, which must be a TOTP one.
    fn from_parsed(parsed: OtpAuthUri) -> BindingResult<PyTotp> {
        Ok(PyTotp {
            totp: parsed.to_totp()?,
            algorithm: parsed.algorithm,
            label: Label::of(&parsed),
            secret: parsed.secret,
        })
    }
}

#[pymethods]
impl PyTotp {
    /// A TOTP generator; `secret` is raw bytes or a base32 str.
    #[new]
    #[pyo3(signature = (secret, digits = 6, period = 30, algorithm = "sha1", *, t0 = 0, name = None, issuer = None))]
    fn new(
        secret: &Bound<'_, PyAny>,
        #[pyo3(from_py_with = convert::arg::digits)] digits: u32,
        #[pyo3(from_py_with = convert::arg::period)] period: u64,
        algorithm: &str,
        #[pyo3(from_py_with = convert::arg::t0)] t0: u64,
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
            label: Label::new(name, issuer),
        })
    }

    /// A TOTP generator from an `otpauth://totp/` URI.
    #[staticmethod]
    fn from_uri(uri: &str) -> BindingResult<PyTotp> {
        PyTotp::from_parsed(OtpAuthUri::parse(uri)?)
    }

    /// The code at `time` (int unix seconds or an aware datetime).
    fn at<'py>(&self, time: &Bound<'py, PyAny>) -> BindingResult<Bound<'py, PyString>> {
        let code = self.totp.code_at(convert::unix_time(time)?)?;
        Ok(code_text(time.py(), &code)?)
    }

    /// The code now, by the system clock.
    fn now<'py>(&self, py: Python<'py>) -> BindingResult<Bound<'py, PyString>> {
        Ok(code_text(py, &self.totp.code_now(&SystemClock)?)?)
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
    /// nothing; a malformed code raises `InvalidCodeError`.
    #[pyo3(signature = (code, time = None, *, behind = 1, ahead = 1))]
    fn verify(
        &self,
        code: &str,
        time: Option<&Bound<'_, PyAny>>,
        #[pyo3(from_py_with = convert::arg::behind)] behind: u64,
        #[pyo3(from_py_with = convert::arg::ahead)] ahead: u64,
    ) -> BindingResult<Option<PyMatch>> {
        let window = Window::new(behind, ahead)?;
        let matched = self
            .totp
            .verify(code, convert::time_or_now(time)?, window)?;
        Ok(matched.map(PyMatch::from))
    }

    /// The `otpauth://totp/` URI for authenticator apps. It contains the secret.
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

    /// The account name for the provisioning URI, if given.
    #[getter]
    fn name(&self) -> Option<&str> {
        self.label.name.as_deref()
    }

    /// The issuer for the provisioning URI, if given.
    #[getter]
    fn issuer(&self) -> Option<&str> {
        self.label.issuer.as_deref()
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
///
/// Parameters: `secret` raw bytes or a base32 str (16 bytes or more); `digits` per code (6
/// to 8); `algorithm` "sha1", "sha256" or "sha512"; `initial_count` the counter written into
/// `provisioning_uri()`; `name` and `issuer` label the account there.
#[pyclass(frozen, module = "callsign", name = "HOTP")]
pub(crate) struct PyHotp {
    hotp: Hotp,
    secret: Secret,
    algorithm: Algorithm,
    label: Label,
    initial_count: u64,
}

impl PyHotp {
    /// The generator of a parsed `otpauth://` URI, which must be an HOTP one.
    fn from_parsed(parsed: OtpAuthUri) -> BindingResult<PyHotp> {
        let hotp = parsed.to_hotp()?;
        let initial_count = match parsed.kind {
            OtpKind::Hotp { counter } => counter,
            OtpKind::Totp { .. } => 0,
        };
        Ok(PyHotp {
            hotp,
            algorithm: parsed.algorithm,
            label: Label::of(&parsed),
            secret: parsed.secret,
            initial_count,
        })
    }
}

#[pymethods]
impl PyHotp {
    /// An HOTP generator; `secret` is raw bytes or a base32 str.
    #[new]
    #[pyo3(signature = (secret, digits = 6, algorithm = "sha1", *, initial_count = 0, name = None, issuer = None))]
    fn new(
        secret: &Bound<'_, PyAny>,
        #[pyo3(from_py_with = convert::arg::digits)] digits: u32,
        algorithm: &str,
        #[pyo3(from_py_with = convert::arg::initial_count)] initial_count: u64,
        name: Option<String>,
        issuer: Option<String>,
    ) -> BindingResult<PyHotp> {
        let secret = convert::secret(secret)?;
        let algorithm = convert::algorithm(algorithm)?;
        Ok(PyHotp {
            hotp: Hotp::new(&secret, algorithm, digits)?,
            secret,
            algorithm,
            label: Label::new(name, issuer),
            initial_count,
        })
    }

    /// An HOTP generator from an `otpauth://hotp/` URI (its counter becomes `initial_count`).
    #[staticmethod]
    fn from_uri(uri: &str) -> BindingResult<PyHotp> {
        PyHotp::from_parsed(OtpAuthUri::parse(uri)?)
    }

    /// The code for `counter`.
    fn at<'py>(&self, py: Python<'py>, counter: u64) -> PyResult<Bound<'py, PyString>> {
        code_text(py, &self.hotp.code(counter))
    }

    /// Checks `code` against the counters from `behind` before to `ahead` after `counter`.
    /// Returns the match (store `step + 1` as the next counter), or None for a well-formed
    /// code that matched nothing; a malformed code raises `InvalidCodeError`.
    #[pyo3(signature = (code, counter, *, behind = 0, ahead = 0))]
    fn verify(
        &self,
        code: &str,
        #[pyo3(from_py_with = convert::arg::counter)] counter: u64,
        #[pyo3(from_py_with = convert::arg::behind)] behind: u64,
        #[pyo3(from_py_with = convert::arg::ahead)] ahead: u64,
    ) -> BindingResult<Option<PyMatch>> {
        let window = Window::new(behind, ahead)?;
        Ok(self.hotp.verify(code, counter, window)?.map(PyMatch::from))
    }

    /// The `otpauth://hotp/` URI for authenticator apps. It contains the secret.
    #[pyo3(signature = (name = None, issuer = None, initial_count = None))]
    fn provisioning_uri(
        &self,
        name: Option<&str>,
        issuer: Option<&str>,
        #[pyo3(from_py_with = convert::arg::optional_initial_count)] initial_count: Option<u64>,
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

    /// The account name for the provisioning URI, if given.
    #[getter]
    fn name(&self) -> Option<&str> {
        self.label.name.as_deref()
    }

    /// The issuer for the provisioning URI, if given.
    #[getter]
    fn issuer(&self) -> Option<&str> {
        self.label.issuer.as_deref()
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

//! `import_otpauth`: otpauth:// URIs in bulk, one per line, with a result for every line.

use crate::errors::{BindingError, BindingResult};
use crate::otp::generator;
use callsign::ImportedLine;
use pyo3::prelude::*;
use pyo3::types::PyString;

/// What became of one line of an import: the generator it gave, or the error that refused it.
#[pyclass(frozen, module = "callsign", name = "ImportResult")]
pub(crate) struct PyImportResult {
    /// The line's number, counting from 1 (skipped blank and comment lines count too).
    #[pyo3(get)]
    line: usize,
    /// The `TOTP` or `HOTP` generator, or None when the line was refused.
    #[pyo3(get)]
    otp: Option<Py<PyAny>>,
    /// The issuer (None when the URI names none, or the line was refused).
    #[pyo3(get)]
    issuer: Option<String>,
    /// The account name (None when the line was refused).
    #[pyo3(get)]
    account: Option<String>,
    /// Parameters the Key Uri Format does not define, in order, which were ignored.
    #[pyo3(get)]
    ignored_parameters: Vec<String>,
    /// The `CallsignError` (of its kind's subclass) that refused the line, or None.
    #[pyo3(get)]
    error: Option<Py<PyAny>>,
}

#[pymethods]
impl PyImportResult {
    /// Whether the line was imported.
    #[getter]
    fn ok(&self) -> bool {
        self.error.is_none()
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(match &self.error {
            None => format!(
                "ImportResult(line={}, issuer={}, account={}, ignored_parameters={})",
                self.line,
                self.issuer.as_deref().into_pyobject(py)?.repr()?,
                self.account.as_deref().into_pyobject(py)?.repr()?,
                self.ignored_parameters
                    .as_slice()
                    .into_pyobject(py)?
                    .repr()?,
            ),
            Some(error) => format!(
                "ImportResult(line={}, error={})",
                self.line,
                error.bind(py).repr()?
            ),
        })
    }
}

impl PyImportResult {
    fn of(py: Python<'_>, imported: ImportedLine) -> BindingResult<PyImportResult> {
        let line = imported.line;
        Ok(match imported.result {
            Ok(uri) => PyImportResult {
                line,
                issuer: uri.issuer.clone(),
                account: Some(uri.account.clone()),
                ignored_parameters: uri
                    .extra_parameters
                    .iter()
                    .map(|(name, _)| name.clone())
                    .collect(),
                otp: Some(generator(py, uri)?),
                error: None,
            },
            Err(error) => PyImportResult {
                line,
                otp: None,
                issuer: None,
                account: None,
                ignored_parameters: Vec::new(),
                error: Some(
                    PyErr::from(BindingError::Core(error))
                        .into_value(py)
                        .into_any(),
                ),
            },
        })
    }
}

/// Parses `otpauth://` URIs, one per line, and returns one `ImportResult` per URI line, in
/// order: `lines` is a str (split at line ends) or an iterable of str (one line each). Blank
/// lines and `#` comments are skipped; a refused line never hides the ones after it.
#[pyfunction]
pub(crate) fn import_otpauth(
    py: Python<'_>,
    lines: &Bound<'_, PyAny>,
) -> BindingResult<Vec<PyImportResult>> {
    let imported = if let Ok(text) = lines.cast::<PyString>() {
        callsign::import_otpauth(&text.to_cow()?)
    } else {
        let owned = lines
            .try_iter()?
            .map(|item| item?.extract::<String>())
            .collect::<PyResult<Vec<String>>>()?;
        callsign::import_otpauth_lines(owned.iter().map(String::as_str))
    };
    imported
        .into_iter()
        .map(|line| PyImportResult::of(py, line))
        .collect()
}

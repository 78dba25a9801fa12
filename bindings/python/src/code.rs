//! Codes as Python sees them: `TimedCode` (a code with its step and validity) and the
//! `TimedCodeBatch` of one `Issuer.issue_many` call.

use callsign::TimedCode;
use pyo3::exceptions::PyIndexError;
use pyo3::prelude::*;
use pyo3::types::{PyIterator, PyList, PyString};

/// A code with its time step and validity. The digits never appear in `repr()`; they stay in
/// a buffer that is zeroized when the object goes away, and each access makes a new `str`.
#[pyclass(frozen, module = "callsign", name = "TimedCode")]
pub(crate) struct PyTimedCode {
    timed: TimedCode,
}

#[pymethods]
impl PyTimedCode {
    /// The digits, for example "482913".
    #[getter]
    fn code(&self) -> &str {
        self.timed.as_str()
    }

    /// The digits grouped for reading aloud, for example "482 913".
    #[getter]
    fn grouped(&self) -> String {
        self.timed.grouped().as_str().to_owned()
    }

    /// The time step of the code.
    #[getter]
    fn step(&self) -> u64 {
        self.timed.step
    }

    /// Unix time at which the next code takes over.
    #[getter]
    fn valid_until(&self) -> u64 {
        self.timed.valid_until
    }

    /// Seconds from the requested time until `valid_until`.
    #[getter]
    fn seconds_remaining(&self) -> u64 {
        self.timed.seconds_remaining
    }

    fn __repr__(&self) -> String {
        format!(
            "TimedCode(code=<hidden>, step={}, valid_until={}, seconds_remaining={})",
            self.timed.step, self.timed.valid_until, self.timed.seconds_remaining
        )
    }
}

impl From<TimedCode> for PyTimedCode {
    fn from(timed: TimedCode) -> PyTimedCode {
        PyTimedCode { timed }
    }
}

/// The codes of one `Issuer.issue_many` call, in the order of its account ids. `codes` gives
/// the digits as a list of `str` in one step; indexing and iteration give `TimedCode` objects.
/// Every code of a batch has the same step and validity. The digits never appear in `repr()`.
#[pyclass(frozen, sequence, module = "callsign", name = "TimedCodeBatch")]
pub(crate) struct PyTimedCodeBatch {
    pub(crate) codes: Vec<TimedCode>,
}

#[pymethods]
impl PyTimedCodeBatch {
    /// The digits of every code, in the order of the account ids (a new list on each access).
    #[getter]
    fn codes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(
            py,
            self.codes
                .iter()
                .map(|code| PyString::new(py, code.as_str())),
        )
    }

    /// The time step of the codes (None for an empty batch).
    #[getter]
    fn step(&self) -> Option<u64> {
        self.codes.first().map(|code| code.step)
    }

    /// Unix time at which the codes expire (None for an empty batch).
    #[getter]
    fn valid_until(&self) -> Option<u64> {
        self.codes.first().map(|code| code.valid_until)
    }

    /// Seconds from the requested time until `valid_until` (None for an empty batch).
    #[getter]
    fn seconds_remaining(&self) -> Option<u64> {
        self.codes.first().map(|code| code.seconds_remaining)
    }

    fn __len__(&self) -> usize {
        self.codes.len()
    }

    /// The code at `index` (negative indices count from the end).
    fn __getitem__(&self, index: isize) -> PyResult<PyTimedCode> {
        let position = if index < 0 {
            self.codes.len().checked_sub(index.unsigned_abs())
        } else {
            usize::try_from(index).ok()
        };
        position
            .and_then(|position| self.codes.get(position))
            .map(|code| PyTimedCode::from(code.clone()))
            .ok_or_else(|| PyIndexError::new_err("TimedCodeBatch index out of range"))
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyIterator>> {
        let items = self
            .codes
            .iter()
            .map(|code| Bound::new(py, PyTimedCode::from(code.clone())));
        PyList::new(py, items.collect::<PyResult<Vec<_>>>()?)?.try_iter()
    }

    fn __repr__(&self) -> String {
        match self.codes.first() {
            Some(first) => format!(
                "TimedCodeBatch(<{} codes hidden>, step={}, valid_until={})",
                self.codes.len(),
                first.step,
                first.valid_until
            ),
            None => "TimedCodeBatch(<0 codes>)".to_owned(),
        }
    }
}

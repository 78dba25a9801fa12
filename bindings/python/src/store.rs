//! `StoredVerifier`: the enrollment and the verifier state kept together in a directory, so
//! that a lost state opens locked instead of fresh (the core's `StoredVerifier`).

use crate::code::PyTimedCode;
use crate::convert;
use crate::defaults;
use crate::enrollment::{PyEnrollment, enrollment_arg};
use crate::errors::BindingResult;
use crate::verifier::{
    PyVerdict, PyVerifierStatus, check_at, display_at, status_at, verifier_config,
};
use callsign::{FileStorage, Restored, StoredVerifier};
use pyo3::prelude::*;
use std::path::PathBuf;
use std::sync::Arc;

/// A device verifier whose enrollment and state live in `directory` (files with mode 0600,
/// written atomically), saved after every check. `StoredVerifier.open` tells the first run
/// (None) from a lost state (a verifier that starts locked). Safe to share between threads.
#[pyclass(frozen, module = "callsign", name = "StoredVerifier")]
pub(crate) struct PyStoredVerifier {
    stored: StoredVerifier,
}

fn storage(directory: PathBuf) -> BindingResult<Arc<FileStorage>> {
    Ok(Arc::new(FileStorage::new(directory)?))
}

#[pymethods]
impl PyStoredVerifier {
    /// What the device stored in `directory`: None when nothing is enrolled yet (the first
    /// run); else the verifier as it was, or — when the state is missing or damaged — one
    /// locked from `time` (now if omitted) for the lockout period.
    #[staticmethod]
    #[pyo3(signature = (directory, time = None, *, behind = defaults::BEHIND, ahead = defaults::AHEAD, max_failures = defaults::MAX_FAILURES, lockout_seconds = defaults::LOCKOUT_SECONDS), text_signature = "(directory, time=None, *, behind=1, ahead=1, max_failures=3, lockout_seconds=900)")]
    fn open(
        directory: PathBuf,
        time: Option<&Bound<'_, PyAny>>,
        #[pyo3(from_py_with = convert::arg::behind)] behind: u64,
        #[pyo3(from_py_with = convert::arg::ahead)] ahead: u64,
        #[pyo3(from_py_with = convert::arg::max_failures)] max_failures: u32,
        #[pyo3(from_py_with = convert::arg::lockout_seconds)] lockout_seconds: u64,
    ) -> BindingResult<Option<PyStoredVerifier>> {
        let config = verifier_config(behind, ahead, max_failures, lockout_seconds)?;
        let now = convert::time_or_now(time)?;
        let stored = StoredVerifier::open(storage(directory)?, config, now)?;
        Ok(stored.map(|stored| PyStoredVerifier { stored }))
    }

    /// Enrolls the device in `directory` with `enrollment`: an Enrollment (trusted as built)
    /// or a received URI, read under `trusted_keys` (or `allow_unsigned`, tests only). The same
    /// enrollment again keeps its state and lock; another one replaces it, locked if the old
    /// one was locked at `time`.
    #[staticmethod]
    #[pyo3(signature = (directory, enrollment, time = None, *, trusted_keys = Vec::new(), allow_unsigned = false, behind = defaults::BEHIND, ahead = defaults::AHEAD, max_failures = defaults::MAX_FAILURES, lockout_seconds = defaults::LOCKOUT_SECONDS), text_signature = "(directory, enrollment, time=None, *, trusted_keys=(), allow_unsigned=False, behind=1, ahead=1, max_failures=3, lockout_seconds=900)")]
    #[allow(
        clippy::too_many_arguments,
        clippy::needless_pass_by_value,
        reason = "Python keyword arguments, extracted as owned values"
    )]
    fn enroll(
        directory: PathBuf,
        enrollment: &Bound<'_, PyAny>,
        time: Option<&Bound<'_, PyAny>>,
        trusted_keys: Vec<Vec<u8>>,
        allow_unsigned: bool,
        #[pyo3(from_py_with = convert::arg::behind)] behind: u64,
        #[pyo3(from_py_with = convert::arg::ahead)] ahead: u64,
        #[pyo3(from_py_with = convert::arg::max_failures)] max_failures: u32,
        #[pyo3(from_py_with = convert::arg::lockout_seconds)] lockout_seconds: u64,
    ) -> BindingResult<PyStoredVerifier> {
        let enrollment = enrollment_arg(enrollment, &trusted_keys, allow_unsigned)?;
        let config = verifier_config(behind, ahead, max_failures, lockout_seconds)?;
        let now = convert::time_or_now(time)?;
        let stored = StoredVerifier::enroll(storage(directory)?, enrollment, config, now)?;
        Ok(PyStoredVerifier { stored })
    }

    /// Entry mode: checks `entry` at `time` (now if omitted) and saves the state before
    /// returning the verdict.
    #[pyo3(signature = (entry, time = None))]
    fn check(
        &self,
        py: Python<'_>,
        entry: &str,
        time: Option<&Bound<'_, PyAny>>,
    ) -> BindingResult<PyVerdict> {
        check_at(py, time, |now| self.stored.check(entry, now))
    }

    /// Display mode: the current code at `time` (now if omitted).
    #[pyo3(signature = (time = None))]
    fn display(&self, time: Option<&Bound<'_, PyAny>>) -> BindingResult<PyTimedCode> {
        display_at(self.stored.verifier(), time)
    }

    /// The attempt counter and lock at `time` (now if omitted).
    #[pyo3(signature = (time = None))]
    fn status(&self, time: Option<&Bound<'_, PyAny>>) -> BindingResult<PyVerifierStatus> {
        status_at(self.stored.verifier(), time)
    }

    /// How `open` found the records: `"state"`, `"locked_after_lost_state"`, or None after a
    /// fresh enrollment.
    #[getter]
    fn restored(&self) -> Option<&'static str> {
        self.stored.restored().map(|restored| match restored {
            Restored::State => "state",
            Restored::LockedAfterLostState => "locked_after_lost_state",
        })
    }

    /// The stored enrollment.
    #[getter]
    fn enrollment(&self) -> PyEnrollment {
        PyEnrollment {
            enrollment: self.stored.enrollment().clone(),
        }
    }

    fn __repr__(&self) -> String {
        format!(
            "StoredVerifier(issuer={:?}, account_id={:?}, restored={})",
            self.stored.enrollment().issuer(),
            self.stored.enrollment().account_id(),
            self.restored()
                .map_or_else(|| "None".to_owned(), |r| format!("{r:?}"))
        )
    }
}

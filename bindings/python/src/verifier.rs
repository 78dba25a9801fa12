//! The customer's side (core's `verifier`): `Verifier`, its `Verdict`s and its
//! `VerifierStatus`.

use crate::code::PyTimedCode;
use crate::convert;
use crate::defaults;
use crate::enrollment::enrollment_arg;
use crate::errors::BindingResult;
use callsign::{Verdict, Verifier, VerifierConfig, Window};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

/// The answer to "is my caller genuine?". True in a boolean context only when genuine.
#[pyclass(frozen, eq, module = "callsign", name = "Verdict")]
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct PyVerdict {
    pub(crate) verdict: Verdict,
}

#[pymethods]
impl PyVerdict {
    /// `"genuine"`, `"not_genuine"`, `"already_used"`, `"locked_out"` or `"misheard"` (a
    /// wrong check digit: ask the caller to repeat; not an attempt).
    #[getter]
    fn status(&self) -> &'static str {
        self.verdict.as_str()
    }

    /// Whether the caller proved to be genuine.
    #[getter]
    fn genuine(&self) -> bool {
        self.verdict.is_genuine()
    }

    /// The matching step (genuine or already used), else None.
    #[getter]
    fn step(&self) -> Option<u64> {
        self.verdict.step()
    }

    /// The clock drift in steps (genuine only), else None.
    #[getter]
    fn drift(&self) -> Option<i64> {
        self.verdict.drift()
    }

    /// Failures still allowed before the lock (not genuine only), else None.
    #[getter]
    fn attempts_left(&self) -> Option<u32> {
        self.verdict.attempts_left()
    }

    /// Unix time at which the lock ends (locked out only), else None.
    #[getter]
    fn locked_until(&self) -> Option<u64> {
        self.verdict.locked_until()
    }

    fn __bool__(&self) -> bool {
        self.genuine()
    }

    fn __repr__(&self) -> String {
        match self.verdict {
            Verdict::Genuine { step, drift } => {
                format!("Verdict.genuine(step={step}, drift={drift})")
            }
            Verdict::NotGenuine { attempts_left } => {
                format!("Verdict.not_genuine(attempts_left={attempts_left})")
            }
            Verdict::AlreadyUsed { step } => format!("Verdict.already_used(step={step})"),
            Verdict::LockedOut { until } => format!("Verdict.locked_out(until={until})"),
            Verdict::Misheard => "Verdict.misheard()".to_owned(),
        }
    }
}

/// The attempt counter and lock of a verifier, as they stand.
#[pyclass(frozen, module = "callsign", name = "VerifierStatus")]
pub(crate) struct PyVerifierStatus {
    /// Unix time at which the lock ends, or None when not locked.
    #[pyo3(get)]
    locked_until: Option<u64>,
    /// Failures still allowed before the lock (0 when locked).
    #[pyo3(get)]
    attempts_left: u32,
    /// The last step accepted as genuine, or None.
    #[pyo3(get)]
    last_accepted_step: Option<u64>,
}

#[pymethods]
impl PyVerifierStatus {
    fn __repr__(&self) -> String {
        format!(
            "VerifierStatus(locked_until={}, attempts_left={}, last_accepted_step={})",
            optional(self.locked_until),
            self.attempts_left,
            optional(self.last_accepted_step)
        )
    }
}

impl From<callsign::VerifierStatus> for PyVerifierStatus {
    fn from(status: callsign::VerifierStatus) -> Self {
        PyVerifierStatus {
            locked_until: status.locked_until,
            attempts_left: status.attempts_left,
            last_accepted_step: status.last_accepted_step,
        }
    }
}

/// Python's repr of an optional integer.
pub(crate) fn optional(value: Option<u64>) -> String {
    value.map_or_else(|| "None".to_owned(), |value| value.to_string())
}

/// Checks agent codes on the customer's device: entry mode with an attempt limit and a lock
/// that survive restarts (through `export_state`), or display mode. Safe to share between
/// threads.
///
/// Parameters: `enrollment` an Enrollment or its URI; `trusted_keys` the vendor's pinned
/// enrollment public keys (32 bytes each) that a URI must be signed with; `allow_unsigned`
/// ignores signatures (tests and tools only); `state` a blob from `export_state()` to
/// continue where it left off (a corrupt or foreign blob raises `InvalidStateError`, after
/// which the app should use `Verifier.locked`); `behind` and `ahead` the steps accepted
/// either side of now; `max_failures` wrong entries before the lock; `lockout_seconds` how
/// long the lock lasts.
#[pyclass(frozen, module = "callsign", name = "Verifier")]
pub(crate) struct PyVerifier {
    verifier: Verifier,
}

/// The verifier configuration from the keyword arguments shared by the constructors.
pub(crate) fn verifier_config(
    behind: u64,
    ahead: u64,
    max_failures: u32,
    lockout_seconds: u64,
) -> BindingResult<VerifierConfig> {
    Ok(VerifierConfig {
        window: Window::new(behind, ahead)?,
        max_failures,
        lockout_seconds,
    })
}

/// Entry mode of either verifier at `time` (now if omitted), without the GIL: `check` is the
/// verifier's own check (a `StoredVerifier` saves its state in it).
pub(crate) fn check_at(
    py: Python<'_>,
    time: Option<&Bound<'_, PyAny>>,
    check: impl FnOnce(u64) -> Result<Verdict, callsign::Error> + Send,
) -> BindingResult<PyVerdict> {
    let now = convert::time_or_now(time)?;
    let verdict = py.detach(|| check(now))?;
    Ok(PyVerdict { verdict })
}

/// Display mode of `verifier` at `time` (now if omitted).
pub(crate) fn display_at(
    verifier: &Verifier,
    time: Option<&Bound<'_, PyAny>>,
) -> BindingResult<PyTimedCode> {
    Ok(verifier.display(convert::time_or_now(time)?)?.into())
}

/// The attempt counter and lock of `verifier` at `time` (now if omitted).
pub(crate) fn status_at(
    verifier: &Verifier,
    time: Option<&Bound<'_, PyAny>>,
) -> BindingResult<PyVerifierStatus> {
    Ok(verifier.status(convert::time_or_now(time)?).into())
}

#[pymethods]
impl PyVerifier {
    /// A verifier for `enrollment`: an Enrollment (trusted as built) or a received URI, read
    /// like `Enrollment.from_uri` under `trusted_keys` (the vendor's pinned public keys) or,
    /// for tests and tools only, `allow_unsigned=True`. With `state` (a blob of
    /// `export_state`) it continues where it left off; a corrupt or foreign blob raises
    /// `InvalidStateError`, after which the app should use `Verifier.locked` (or keep
    /// enrollment and state together with `StoredVerifier`, which does this itself).
    #[new]
    #[pyo3(signature = (enrollment, *, trusted_keys = Vec::new(), allow_unsigned = false, state = None, behind = defaults::BEHIND, ahead = defaults::AHEAD, max_failures = defaults::MAX_FAILURES, lockout_seconds = defaults::LOCKOUT_SECONDS), text_signature = "(enrollment, *, trusted_keys=(), allow_unsigned=False, state=None, behind=1, ahead=1, max_failures=3, lockout_seconds=900)")]
    #[allow(
        clippy::too_many_arguments,
        clippy::needless_pass_by_value,
        reason = "Python keyword arguments, extracted as owned values"
    )]
    fn new(
        enrollment: &Bound<'_, PyAny>,
        trusted_keys: Vec<Vec<u8>>,
        allow_unsigned: bool,
        state: Option<&[u8]>,
        #[pyo3(from_py_with = convert::arg::behind)] behind: u64,
        #[pyo3(from_py_with = convert::arg::ahead)] ahead: u64,
        #[pyo3(from_py_with = convert::arg::max_failures)] max_failures: u32,
        #[pyo3(from_py_with = convert::arg::lockout_seconds)] lockout_seconds: u64,
    ) -> BindingResult<PyVerifier> {
        let enrollment = enrollment_arg(enrollment, &trusted_keys, allow_unsigned)?;
        let config = verifier_config(behind, ahead, max_failures, lockout_seconds)?;
        let verifier = match state {
            Some(blob) => Verifier::with_state(&enrollment, config, blob)?,
            None => Verifier::new(&enrollment, config)?,
        };
        Ok(PyVerifier { verifier })
    }

    /// The fail-closed fallback when the persisted state is lost or damaged: a verifier
    /// locked from `time` (now if omitted) for the lockout period. `enrollment` as for the
    /// constructor.
    #[staticmethod]
    #[pyo3(signature = (enrollment, time = None, *, trusted_keys = Vec::new(), allow_unsigned = false, behind = defaults::BEHIND, ahead = defaults::AHEAD, max_failures = defaults::MAX_FAILURES, lockout_seconds = defaults::LOCKOUT_SECONDS), text_signature = "(enrollment, time=None, *, trusted_keys=(), allow_unsigned=False, behind=1, ahead=1, max_failures=3, lockout_seconds=900)")]
    #[allow(
        clippy::too_many_arguments,
        clippy::needless_pass_by_value,
        reason = "Python keyword arguments, extracted as owned values"
    )]
    fn locked(
        enrollment: &Bound<'_, PyAny>,
        time: Option<&Bound<'_, PyAny>>,
        trusted_keys: Vec<Vec<u8>>,
        allow_unsigned: bool,
        #[pyo3(from_py_with = convert::arg::behind)] behind: u64,
        #[pyo3(from_py_with = convert::arg::ahead)] ahead: u64,
        #[pyo3(from_py_with = convert::arg::max_failures)] max_failures: u32,
        #[pyo3(from_py_with = convert::arg::lockout_seconds)] lockout_seconds: u64,
    ) -> BindingResult<PyVerifier> {
        let enrollment = enrollment_arg(enrollment, &trusted_keys, allow_unsigned)?;
        let config = verifier_config(behind, ahead, max_failures, lockout_seconds)?;
        let now = convert::time_or_now(time)?;
        Ok(PyVerifier {
            verifier: Verifier::new_locked(&enrollment, config, now)?,
        })
    }

    /// Entry mode: checks what the customer typed at `time` (now if omitted). A malformed
    /// entry raises `InvalidCodeError` and does not count as an attempt.
    #[pyo3(signature = (entry, time = None))]
    fn check(
        &self,
        py: Python<'_>,
        entry: &str,
        time: Option<&Bound<'_, PyAny>>,
    ) -> BindingResult<PyVerdict> {
        check_at(py, time, |now| self.verifier.check(entry, now))
    }

    /// Display mode: the current code at `time` (now if omitted).
    #[pyo3(signature = (time = None))]
    fn display(&self, time: Option<&Bound<'_, PyAny>>) -> BindingResult<PyTimedCode> {
        display_at(&self.verifier, time)
    }

    /// The customer code at `time` (now if omitted), for the customer to read to the vendor's
    /// agent when calling in. Show it only when the customer asks for it, never in answer to
    /// an incoming call.
    #[pyo3(signature = (time = None))]
    fn customer_code(&self, time: Option<&Bound<'_, PyAny>>) -> BindingResult<PyTimedCode> {
        Ok(self
            .verifier
            .customer_code(convert::time_or_now(time)?)?
            .into())
    }

    /// The attempt counter and lock at `time` (now if omitted).
    #[pyo3(signature = (time = None))]
    fn status(&self, time: Option<&Bound<'_, PyAny>>) -> BindingResult<PyVerifierStatus> {
        status_at(&self.verifier, time)
    }

    /// The state as a small integrity-checked blob; persist it after every check.
    fn export_state<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.verifier.export_state())
    }

    /// Replaces the state with a blob of `export_state`; on error the state is unchanged.
    fn import_state(&self, state: &[u8]) -> BindingResult<()> {
        Ok(self.verifier.import_state(state)?)
    }

    fn __repr__(&self) -> String {
        let config = self.verifier.config();
        format!(
            "Verifier(behind={}, ahead={}, max_failures={}, lockout_seconds={})",
            config.window.behind, config.window.ahead, config.max_failures, config.lockout_seconds
        )
    }
}

//! The customer calling in (core's `inbound`): `CustomerVerdict`.

use crate::verifier::optional;
use callsign::CustomerVerdict;
use pyo3::prelude::*;

/// The vendor's answer to "is this caller the customer?". True in a boolean context only when
/// verified.
#[pyclass(frozen, eq, module = "callsign", name = "CustomerVerdict")]
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct PyCustomerVerdict {
    pub(crate) verdict: CustomerVerdict,
}

#[pymethods]
impl PyCustomerVerdict {
    /// `"verified"`, `"not_verified"`, `"already_used"`, `"locked_out"` or `"misheard"`.
    #[getter]
    fn status(&self) -> &'static str {
        self.verdict.as_str()
    }

    /// Whether the caller proved to be the customer.
    #[getter]
    fn verified(&self) -> bool {
        self.verdict.is_verified()
    }

    /// The matching step (verified or already used), else None.
    #[getter]
    fn step(&self) -> Option<u64> {
        self.verdict.step()
    }

    /// Failures still allowed before the account locks for every agent (not verified only),
    /// else None.
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
        self.verdict.is_verified()
    }

    fn __repr__(&self) -> String {
        format!(
            "CustomerVerdict(status={:?}, step={}, attempts_left={}, locked_until={})",
            self.verdict.as_str(),
            optional(self.verdict.step()),
            optional(self.verdict.attempts_left().map(u64::from)),
            optional(self.verdict.locked_until())
        )
    }
}

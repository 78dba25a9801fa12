//! The audit trail's checks: `verify_audit_file` (the hash chain of a JSON-lines audit file)
//! and `canonical_agent_id` (the agent id form the rate limit and the audit use).

use crate::convert;
use crate::errors::BindingResult;
use callsign::{AuditChainReport, AuditOutcome, IssuanceEvent, audit_chain_hex};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::path::PathBuf;

/// What `verify_audit_file` found: whether the chain is intact, how many records verified,
/// each agent's chain head, and the first broken link.
#[pyclass(frozen, module = "callsign", name = "AuditChainReport")]
pub(crate) struct PyAuditChainReport {
    report: AuditChainReport,
}

#[pymethods]
impl PyAuditChainReport {
    /// True when every record verified.
    #[getter]
    fn intact(&self) -> bool {
        self.report.is_intact()
    }

    /// Records that verified (all of them, or those before the break).
    #[getter]
    fn records(&self) -> u64 {
        self.report.records
    }

    /// Per agent id: `(records, head)`, the chain hash (hex) of the agent's last record.
    #[getter]
    fn heads<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let heads = PyDict::new(py);
        for (agent, head) in &self.report.heads {
            heads.set_item(agent, (head.records, audit_chain_hex(&head.hash)))?;
        }
        Ok(heads)
    }

    /// The line number (1-based) of the first record that does not verify, or None.
    #[getter]
    fn broken_line(&self) -> Option<u64> {
        self.report.first_break.as_ref().map(|broken| broken.line)
    }

    /// The agent whose chain breaks there (None if the line is no record, or no break).
    #[getter]
    fn broken_agent_id(&self) -> Option<&str> {
        self.report
            .first_break
            .as_ref()
            .and_then(|broken| broken.agent_id.as_deref())
    }

    /// Why the chain breaks there, or None.
    #[getter]
    fn reason(&self) -> Option<&str> {
        self.report
            .first_break
            .as_ref()
            .map(|broken| broken.reason.as_str())
    }

    fn __bool__(&self) -> bool {
        self.report.is_intact()
    }

    fn __repr__(&self) -> String {
        match &self.report.first_break {
            None => format!(
                "AuditChainReport(intact=True, records={})",
                self.report.records
            ),
            Some(broken) => format!(
                "AuditChainReport(intact=False, records={}, broken_line={})",
                self.report.records, broken.line
            ),
        }
    }
}

/// Checks the hash chain of the JSON-lines audit file at `path` (written by an `Issuer` with
/// a path as its audit). A deleted, altered or reordered record of an agent breaks the chain;
/// the report names the first broken link. Raises `OSError` if the file cannot be read.
#[pyfunction]
pub(crate) fn verify_audit_file(py: Python<'_>, path: PathBuf) -> PyResult<PyAuditChainReport> {
    let report = py.detach(move || callsign::verify_audit_file(path))?;
    Ok(PyAuditChainReport { report })
}

/// The chain hash (32 bytes) of an audit record that follows `previous` (32 bytes; 32 zero
/// bytes before an agent's first record) in its agent's chain: for ledgers that store events
/// themselves. The keywords are an `AuditEvent`'s keys, so `audit_chain_hash(prev, **event)`.
#[pyfunction]
#[pyo3(signature = (previous, *, time, outcome, account_id, agent_id, ticket, step, epoch))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn audit_chain_hash(
    previous: &[u8],
    #[pyo3(from_py_with = convert::arg::time)] time: u64,
    outcome: &str,
    account_id: &str,
    agent_id: &str,
    ticket: &str,
    #[pyo3(from_py_with = convert::arg::step)] step: u64,
    #[pyo3(from_py_with = convert::arg::epoch)] epoch: u32,
) -> PyResult<Vec<u8>> {
    let previous: &[u8; callsign::AUDIT_CHAIN_LEN] = previous.try_into().map_err(|_| {
        PyValueError::new_err(format!(
            "previous must be {} bytes, got {}",
            callsign::AUDIT_CHAIN_LEN,
            previous.len()
        ))
    })?;
    let outcome = match outcome {
        "issued" => AuditOutcome::Issued,
        "refused_rate_limited" => AuditOutcome::RefusedRateLimited,
        _ => {
            return Err(PyValueError::new_err(
                "outcome must be \"issued\" or \"refused_rate_limited\"",
            ));
        }
    };
    let event = IssuanceEvent {
        time,
        outcome,
        account_id,
        agent_id,
        ticket,
        step,
        epoch,
    };
    Ok(callsign::audit_chain_hash(previous, &event).to_vec())
}

/// The canonical form of an agent id (NFKC, lowercase, whitespace collapsed); control and
/// format characters are refused with `InvalidIdentifierError`.
#[pyfunction]
pub(crate) fn canonical_agent_id(agent_id: &str) -> BindingResult<String> {
    Ok(callsign::canonical_agent_id(agent_id)?)
}

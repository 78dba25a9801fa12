//! The vendor side (core's `issuer`): `Issuer` with its audit sinks and `RateLimit`.

use crate::code::PyTimedCode;
use crate::code::PyTimedCodeBatch;
use crate::convert;
use crate::defaults;
use crate::enrollment::PyEnrollment;
use crate::errors::BindingResult;
use crate::inbound::PyCustomerVerdict;
use crate::profile::master_key_arg;
use crate::signing::PySigningKey;
use callsign::{
    AuditError, AuditSink, IssuanceEvent, IssueRequest, Issuer, IssuerConfig, JsonLinesAuditSink,
    ProfileParams,
};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use std::path::PathBuf;
use std::sync::Arc;

/// At most `max_codes` codes per agent in any `window_seconds` seconds.
///
/// Parameters: `max_codes` codes per agent (default 30); `window_seconds` the sliding window
/// (default 3600, one hour). Compares equal by value; not ordered.
#[pyclass(
    frozen,
    eq,
    hash,
    from_py_object,
    module = "callsign",
    name = "RateLimit"
)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct PyRateLimit {
    /// Codes allowed per window.
    #[pyo3(get)]
    max_codes: u32,
    /// The rolling window in seconds.
    #[pyo3(get)]
    window_seconds: u64,
}

impl Default for PyRateLimit {
    fn default() -> PyRateLimit {
        callsign::RateLimit::default().into()
    }
}

impl From<callsign::RateLimit> for PyRateLimit {
    fn from(limit: callsign::RateLimit) -> PyRateLimit {
        PyRateLimit {
            max_codes: limit.max_codes,
            window_seconds: limit.window_seconds,
        }
    }
}

impl From<PyRateLimit> for callsign::RateLimit {
    fn from(limit: PyRateLimit) -> callsign::RateLimit {
        callsign::RateLimit {
            max_codes: limit.max_codes,
            window_seconds: limit.window_seconds,
        }
    }
}

#[pymethods]
impl PyRateLimit {
    /// A rate limit (defaults: 30 codes per hour).
    #[new]
    #[pyo3(signature = (max_codes = defaults::MAX_CODES, window_seconds = defaults::WINDOW_SECONDS), text_signature = "(max_codes=30, window_seconds=3600)")]
    fn new(
        #[pyo3(from_py_with = convert::arg::max_codes)] max_codes: u32,
        #[pyo3(from_py_with = convert::arg::window_seconds)] window_seconds: u64,
    ) -> PyRateLimit {
        PyRateLimit {
            max_codes,
            window_seconds,
        }
    }

    fn __repr__(&self) -> String {
        format!(
            "RateLimit(max_codes={}, window_seconds={})",
            self.max_codes, self.window_seconds
        )
    }
}

/// An audit sink that hands each batch of events to a Python callable, as a list of dicts
/// with the keys and values of the JSON-lines format.
struct CallableAuditSink {
    callback: Py<PyAny>,
}

impl AuditSink for CallableAuditSink {
    fn record(&self, events: &[IssuanceEvent<'_>]) -> Result<(), AuditError> {
        Python::attach(|py| {
            let batch = event_dicts(py, events)?;
            self.callback.call1(py, (batch,)).map(drop)
        })
        .map_err(|error| AuditError::new(format!("the audit callback raised {error}")))
    }
}

/// Events as a list of dicts with the keys and values of the JSON-lines format: one JSON
/// array of the events' lines (their newlines are JSON whitespace), parsed by a single
/// `json.loads` call.
fn event_dicts<'py>(py: Python<'py>, events: &[IssuanceEvent<'_>]) -> PyResult<Bound<'py, PyAny>> {
    let mut array = Vec::with_capacity(2 + 192 * events.len());
    array.push(b'[');
    for (index, event) in events.iter().enumerate() {
        if index > 0 {
            array.push(b',');
        }
        event.write_json_line(&mut array);
    }
    array.push(b']');
    py.import("json")?
        .getattr("loads")?
        .call1((PyBytes::new(py, &array),))
}

/// Where an issuer's audit goes: a callable, or a path to a JSON-lines file.
fn audit_sink(audit: &Bound<'_, PyAny>) -> BindingResult<Arc<dyn AuditSink>> {
    if audit.is_callable() {
        return Ok(Arc::new(CallableAuditSink {
            callback: audit.clone().unbind(),
        }));
    }
    let path: PathBuf = audit.extract().map_err(|_| {
        PyTypeError::new_err(
            "audit must be a callable or a path (str or os.PathLike) of a JSON-lines file",
        )
    })?;
    // An unusable path is an OSError (FileNotFoundError, PermissionError, ...) naming the
    // file, not an AuditFailedError: nothing was being issued.
    let sink = JsonLinesAuditSink::open(&path).map_err(PyErr::from)?;
    Ok(Arc::new(sink))
}

/// Issues agent codes from the master key, audits every issuance and enforces a per-agent
/// rate limit. Safe to share between threads.
///
/// Parameters: `master_key` a `MasterKey` or its bytes; `audit` a ledger (`SqliteLedger`,
/// `PostgresLedger`), a callable taking a list of event dicts, or the path of a JSON-lines file
/// (if it fails, no code goes out); `epoch` the
/// key epoch (bump it to rotate every account's secret); `digits` per code (6 to 8); `period`
/// seconds per code; `rate_limit` a `RateLimit` per agent (default `RateLimit()`, 30 per hour),
/// or None for trusted batch jobs only; `cache_capacity` how many accounts' call keys are
/// cached; `batch_threads` bounds the threads of one `issue_many` call (default: the available
/// cores, at most 8); `check_digit` appends a Damm check digit to every code (Addition B).
#[pyclass(frozen, module = "callsign", name = "Issuer")]
pub(crate) struct PyIssuer {
    issuer: Issuer,
}

#[pymethods]
impl PyIssuer {
    /// An issuer. `audit` is a ledger (`SqliteLedger`, `PostgresLedger`: audit, rate limit and
    /// account lifecycles shared by every issuer on it), a callable taking a list of event
    /// dicts, or the path of a JSON-lines file (those two keep the rate limit and the account
    /// lifecycles in this process); `rate_limit=None` is for trusted batch jobs only. `batch_threads`
    /// bounds the threads of one `issue_many` call (default: the available cores, at most 8).
    #[new]
    #[pyo3(signature = (master_key, audit, *, epoch = defaults::EPOCH, digits = defaults::DIGITS, period = defaults::PERIOD, rate_limit = Some(PyRateLimit::default()), cache_capacity = defaults::CACHE_CAPACITY, batch_threads = None, check_digit = defaults::CHECK_DIGIT), text_signature = "(master_key, audit, *, epoch=0, digits=6, period=30, rate_limit=..., cache_capacity=10000, batch_threads=None, check_digit=False)")]
    #[allow(clippy::too_many_arguments)]
    fn new(
        master_key: &Bound<'_, PyAny>,
        audit: &Bound<'_, PyAny>,
        #[pyo3(from_py_with = convert::arg::epoch)] epoch: u32,
        #[pyo3(from_py_with = convert::arg::digits)] digits: u32,
        #[pyo3(from_py_with = convert::arg::period)] period: u64,
        rate_limit: Option<PyRateLimit>,
        #[pyo3(from_py_with = convert::arg::cache_capacity)] cache_capacity: usize,
        #[pyo3(from_py_with = convert::arg::batch_threads)] batch_threads: Option<usize>,
        check_digit: bool,
    ) -> BindingResult<PyIssuer> {
        let master_key = master_key_arg(master_key)?;
        let config = IssuerConfig {
            epoch,
            params: ProfileParams::new(digits, period)?.with_check_digit(check_digit),
            rate_limit: rate_limit.map(callsign::RateLimit::from),
            cache_capacity,
            batch_threads: batch_threads.unwrap_or(IssuerConfig::default().batch_threads),
        };
        let issuer = match crate::ledger::ledger_of(audit) {
            Some(ledger) => Issuer::with_ledger(master_key, config, ledger)?,
            None => Issuer::new(master_key, config, audit_sink(audit)?)?,
        };
        Ok(PyIssuer { issuer })
    }

    /// The agent code for `account_id` at `time` (now if omitted), audited under `agent_id`
    /// and `ticket`. Raises `RateLimitedError` when the agent is over the limit.
    #[pyo3(signature = (account_id, *, agent_id, ticket, time = None))]
    fn issue(
        &self,
        py: Python<'_>,
        account_id: &str,
        agent_id: &str,
        ticket: &str,
        time: Option<&Bound<'_, PyAny>>,
    ) -> BindingResult<PyTimedCode> {
        let now = convert::time_or_now(time)?;
        let request = IssueRequest {
            account_id,
            agent_id,
            ticket,
        };
        let code = py.detach(|| self.issuer.issue(&request, now))?;
        Ok(code.into())
    }

    /// Checks the customer code that a customer calling in read to the agent, at `time` (now
    /// if omitted), audited under `agent_id` and `ticket` before the verdict is returned.
    /// Failures count per account across every agent; a malformed entry raises
    /// `InvalidCodeError` and does not count.
    #[pyo3(signature = (account_id, entry, *, agent_id, ticket, time = None))]
    fn verify_customer(
        &self,
        py: Python<'_>,
        account_id: &str,
        entry: &str,
        agent_id: &str,
        ticket: &str,
        time: Option<&Bound<'_, PyAny>>,
    ) -> BindingResult<PyCustomerVerdict> {
        let now = convert::time_or_now(time)?;
        let request = IssueRequest {
            account_id,
            agent_id,
            ticket,
        };
        let verdict = py.detach(|| self.issuer.verify_customer(&request, entry, now))?;
        Ok(PyCustomerVerdict { verdict })
    }

    /// Codes for many accounts at `time` (a trusted batch job), audited under one agent and
    /// ticket, in the order of `account_ids`. All or nothing. Releases the GIL while it works.
    /// `account_ids` is a list, tuple or other iterable of `str` (a lone `str` is refused).
    #[pyo3(signature = (account_ids, time, *, agent_id, ticket))]
    fn issue_many(
        &self,
        py: Python<'_>,
        account_ids: &Bound<'_, PyAny>,
        time: &Bound<'_, PyAny>,
        agent_id: &str,
        ticket: &str,
    ) -> BindingResult<PyTimedCodeBatch> {
        let strings = convert::str_items(account_ids, "account_ids")?;
        let account_ids = convert::borrow_strs(&strings)?;
        let now = convert::unix_time(time)?;
        let codes = py.detach(|| self.issuer.issue_many(agent_id, ticket, &account_ids, now))?;
        Ok(PyTimedCodeBatch { codes })
    }

    /// The enrollment payload of `account_id`, for the customer's app; signed with
    /// `signing_key` (a `SigningKey`) when given, so that its URI ends with `&sig=`.
    #[pyo3(signature = (issuer_name, account_id, *, signing_key = None))]
    fn enrollment(
        &self,
        issuer_name: &str,
        account_id: &str,
        signing_key: Option<&PySigningKey>,
    ) -> BindingResult<PyEnrollment> {
        let enrollment = self.issuer.enrollment(issuer_name, account_id)?;
        PyEnrollment::signed_if(enrollment, signing_key)
    }

    /// Revokes `account_id` (recorded under `agent_id` and `reason`): no issuer on the same
    /// ledger issues codes for it until it is re-enrolled.
    #[pyo3(signature = (account_id, *, agent_id, reason, time = None))]
    fn revoke(
        &self,
        py: Python<'_>,
        account_id: &str,
        agent_id: &str,
        reason: &str,
        time: Option<&Bound<'_, PyAny>>,
    ) -> BindingResult<()> {
        let now = convert::time_or_now(time)?;
        py.detach(|| self.issuer.revoke(account_id, agent_id, reason, now))?;
        Ok(())
    }

    /// Re-enrolls `account_id` under a new epoch (recorded under `agent_id` and `reason`) and
    /// returns the new enrollment, signed with `signing_key` (a `SigningKey`) when given; the
    /// old enrollment's device rejects every new code.
    #[pyo3(signature = (issuer_name, account_id, *, agent_id, reason, time = None, signing_key = None))]
    #[allow(clippy::too_many_arguments, reason = "Python keyword arguments")]
    fn reenroll(
        &self,
        py: Python<'_>,
        issuer_name: &str,
        account_id: &str,
        agent_id: &str,
        reason: &str,
        time: Option<&Bound<'_, PyAny>>,
        signing_key: Option<&PySigningKey>,
    ) -> BindingResult<PyEnrollment> {
        let now = convert::time_or_now(time)?;
        let enrollment = py.detach(|| {
            self.issuer
                .reenroll(issuer_name, account_id, agent_id, reason, now)
        })?;
        PyEnrollment::signed_if(enrollment, signing_key)
    }

    /// The account's current key epoch in the ledger.
    fn account_epoch(&self, py: Python<'_>, account_id: &str) -> BindingResult<u32> {
        Ok(py.detach(|| self.issuer.account_epoch(account_id))?)
    }

    /// Audit records from the ledger (the newest `limit`, newest first), as dicts like the
    /// audit callback's: filtered by agent, account and time (`since` included, `until` not).
    #[pyo3(signature = (*, agent_id = None, account_id = None, since = None, until = None, limit = defaults::AUDIT_QUERY_LIMIT), text_signature = "($self, *, agent_id=None, account_id=None, since=None, until=None, limit=1000)")]
    fn audit_events<'py>(
        &self,
        py: Python<'py>,
        agent_id: Option<&str>,
        account_id: Option<&str>,
        since: Option<&Bound<'_, PyAny>>,
        until: Option<&Bound<'_, PyAny>>,
        limit: usize,
    ) -> BindingResult<Bound<'py, PyAny>> {
        let query = callsign::AuditQuery {
            agent_id,
            account_id,
            since: since.map(convert::unix_time).transpose()?,
            until: until.map(convert::unix_time).transpose()?,
            limit,
        };
        let records = py.detach(|| self.issuer.audit_events(&query))?;
        let events: Vec<IssuanceEvent<'_>> =
            records.iter().map(callsign::LedgerRecord::event).collect();
        Ok(event_dicts(py, &events)?)
    }

    /// The key epoch of every account secret.
    #[getter]
    fn epoch(&self) -> u32 {
        self.issuer.config().epoch
    }

    /// The number of code digits.
    #[getter]
    fn digits(&self) -> u32 {
        self.issuer.config().params.digits()
    }

    /// The period in seconds.
    #[getter]
    fn period(&self) -> u64 {
        self.issuer.config().params.period()
    }

    /// Whether every code carries a Damm check digit (and enrollments say `check=damm`).
    #[getter]
    fn check_digit(&self) -> bool {
        self.issuer.config().params.check_digit()
    }

    /// The per-agent rate limit, or None.
    #[getter]
    fn rate_limit(&self) -> Option<PyRateLimit> {
        self.issuer.config().rate_limit.map(PyRateLimit::from)
    }

    fn __repr__(&self) -> String {
        let config = self.issuer.config();
        format!(
            "Issuer(master_key=<redacted>, epoch={}, digits={}, period={})",
            config.epoch,
            config.params.digits(),
            config.params.period()
        )
    }
}

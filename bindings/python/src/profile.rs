//! The caller-verification profile: key schedule functions, `MasterKey`, the vendor-side
//! `Issuer` with its audit sinks, the `Enrollment` payload and the customer-side
//! `DeviceVerifier`.

use crate::convert;
use crate::errors::BindingResult;
use callsign::{
    AuditError, AuditSink, CustomerVerdict, Enrollment, EnrollmentTrust, IssuanceEvent,
    IssueRequest, Issuer, IssuerConfig, JsonLinesAuditSink, MasterKey, ProfileParams, Secret,
    SigningKey, TimedCode, Verdict, Verifier, VerifierConfig, Window,
};
use pyo3::exceptions::{PyIndexError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyIterator, PyList, PyString};
use std::path::PathBuf;
use std::sync::Arc;

/// The account secret S of `account_id` under `master_key` (32 to 64 bytes) and `epoch`.
#[pyfunction]
#[pyo3(signature = (master_key, account_id, epoch = 0))]
pub(crate) fn account_secret<'py>(
    py: Python<'py>,
    master_key: &[u8],
    account_id: &str,
    #[pyo3(from_py_with = convert::arg::epoch)] epoch: u32,
) -> BindingResult<Bound<'py, PyBytes>> {
    let secret = MasterKey::from_bytes(master_key)?.account_secret(account_id, epoch)?;
    Ok(PyBytes::new(py, secret.expose_bytes()))
}

/// The agent code of an account secret at unix time `time`; with `check_digit`, followed by
/// its Damm check digit.
#[pyfunction]
#[pyo3(signature = (account_secret, time, digits = 6, period = 30, check_digit = false))]
pub(crate) fn agent_code(
    account_secret: &[u8],
    time: &Bound<'_, PyAny>,
    #[pyo3(from_py_with = convert::arg::digits)] digits: u32,
    #[pyo3(from_py_with = convert::arg::period)] period: u64,
    check_digit: bool,
) -> BindingResult<String> {
    let code = ProfileCode {
        digits,
        period,
        check_digit,
    };
    code.compute(account_secret, time, callsign::agent_code)
}

/// The customer code (customer calling in) of an account secret at unix time `time`; with
/// `check_digit`, followed by its Damm check digit.
#[pyfunction]
#[pyo3(signature = (account_secret, time, digits = 6, period = 30, check_digit = false))]
pub(crate) fn customer_code(
    account_secret: &[u8],
    time: &Bound<'_, PyAny>,
    digits: u32,
    period: u64,
    check_digit: bool,
) -> BindingResult<String> {
    let code = ProfileCode {
        digits,
        period,
        check_digit,
    };
    code.compute(account_secret, time, callsign::customer_code)
}

/// The code parameters shared by `agent_code` and `customer_code`.
struct ProfileCode {
    digits: u32,
    period: u64,
    check_digit: bool,
}

impl ProfileCode {
    /// Converts the arguments and computes the code's digits with `compute`.
    fn compute(
        &self,
        account_secret: &[u8],
        time: &Bound<'_, PyAny>,
        compute: fn(&Secret, u64, ProfileParams) -> Result<TimedCode, callsign::Error>,
    ) -> BindingResult<String> {
        let time = convert::unix_time(time)?;
        let secret = Secret::from_bytes(account_secret)?;
        let params =
            ProfileParams::new(self.digits, self.period)?.with_check_digit(self.check_digit);
        Ok(compute(&secret, time, params)?.as_str().to_owned())
    }
}

/// The vendor's master key (32 to 64 bytes). It never appears in `repr()`.
///
/// Parameters: `key` the key's bytes; `MasterKey.generate()` makes a random 32-byte key.
#[pyclass(frozen, module = "callsign", name = "MasterKey")]
pub(crate) struct PyMasterKey {
    key: MasterKey,
}

#[pymethods]
impl PyMasterKey {
    /// A master key from its bytes.
    #[new]
    fn new(key: &[u8]) -> BindingResult<PyMasterKey> {
        Ok(PyMasterKey {
            key: MasterKey::from_bytes(key)?,
        })
    }

    /// A new random 32-byte master key.
    #[staticmethod]
    fn generate() -> BindingResult<PyMasterKey> {
        Ok(PyMasterKey {
            key: MasterKey::generate()?,
        })
    }

    /// The account secret S of `account_id` at `epoch`.
    #[pyo3(signature = (account_id, epoch = 0))]
    fn account_secret<'py>(
        &self,
        py: Python<'py>,
        account_id: &str,
        #[pyo3(from_py_with = convert::arg::epoch)] epoch: u32,
    ) -> BindingResult<Bound<'py, PyBytes>> {
        let secret = self.key.account_secret(account_id, epoch)?;
        Ok(PyBytes::new(py, secret.expose_bytes()))
    }

    /// The key's bytes, for the vendor's key store.
    fn to_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.key.expose_bytes())
    }

    fn __repr__(&self) -> String {
        format!(
            "MasterKey(<redacted, {} bytes>)",
            self.key.expose_bytes().len()
        )
    }
}

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
    #[pyo3(signature = (max_codes = 30, window_seconds = 3600))]
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

/// A code with its time step and validity. The digits never appear in `repr()`; they stay in
/// a buffer that is zeroized when the object goes away, and each access makes a new `str`.
#[pyclass(frozen, module = "callsign", name = "AgentCode")]
pub(crate) struct PyAgentCode {
    timed: TimedCode,
}

#[pymethods]
impl PyAgentCode {
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
            "AgentCode(code=<hidden>, step={}, valid_until={}, seconds_remaining={})",
            self.timed.step, self.timed.valid_until, self.timed.seconds_remaining
        )
    }
}

impl From<TimedCode> for PyAgentCode {
    fn from(timed: TimedCode) -> PyAgentCode {
        PyAgentCode { timed }
    }
}

/// The codes of one `Issuer.issue_many` call, in the order of its account ids. `codes` gives
/// the digits as a list of `str` in one step; indexing and iteration give `AgentCode` objects.
/// Every code of a batch has the same step and validity. The digits never appear in `repr()`.
#[pyclass(frozen, sequence, module = "callsign", name = "AgentCodeBatch")]
pub(crate) struct PyAgentCodeBatch {
    codes: Vec<TimedCode>,
}

#[pymethods]
impl PyAgentCodeBatch {
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
    fn __getitem__(&self, index: isize) -> PyResult<PyAgentCode> {
        let position = if index < 0 {
            self.codes.len().checked_sub(index.unsigned_abs())
        } else {
            usize::try_from(index).ok()
        };
        position
            .and_then(|position| self.codes.get(position))
            .map(|code| PyAgentCode::from(code.clone()))
            .ok_or_else(|| PyIndexError::new_err("AgentCodeBatch index out of range"))
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyIterator>> {
        let items = self
            .codes
            .iter()
            .map(|code| Bound::new(py, PyAgentCode::from(code.clone())));
        PyList::new(py, items.collect::<PyResult<Vec<_>>>()?)?.try_iter()
    }

    fn __repr__(&self) -> String {
        match self.codes.first() {
            Some(first) => format!(
                "AgentCodeBatch(<{} codes hidden>, step={}, valid_until={})",
                self.codes.len(),
                first.step,
                first.valid_until
            ),
            None => "AgentCodeBatch(<0 codes>)".to_owned(),
        }
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

/// A master key given as a `MasterKey` or as its bytes.
fn master_key_arg(value: &Bound<'_, PyAny>) -> BindingResult<MasterKey> {
    if let Ok(key) = value.cast::<PyMasterKey>() {
        return Ok(key.get().key.clone());
    }
    if let Ok(bytes) = value.cast::<PyBytes>() {
        return Ok(MasterKey::from_bytes(bytes.as_bytes())?);
    }
    Err(PyTypeError::new_err(format!(
        "master_key must be a MasterKey or bytes, not {}",
        value.get_type().name()?
    ))
    .into())
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
    #[pyo3(signature = (master_key, audit, *, epoch = 0, digits = 6, period = 30, rate_limit = Some(PyRateLimit::default()), cache_capacity = 10_000, batch_threads = None, check_digit = false))]
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
    ) -> BindingResult<PyAgentCode> {
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
    /// reason, in the order of `account_ids`. All or nothing. Releases the GIL while it works.
    /// `account_ids` is a list, tuple or other iterable of `str` (a lone `str` is refused).
    #[pyo3(signature = (account_ids, time, *, agent_id, reason))]
    fn issue_many(
        &self,
        py: Python<'_>,
        account_ids: &Bound<'_, PyAny>,
        time: &Bound<'_, PyAny>,
        agent_id: &str,
        reason: &str,
    ) -> BindingResult<PyAgentCodeBatch> {
        let strings = convert::str_items(account_ids, "account_ids")?;
        let account_ids = convert::borrow_strs(&strings)?;
        let now = convert::unix_time(time)?;
        let codes = py.detach(|| self.issuer.issue_many(agent_id, reason, &account_ids, now))?;
        Ok(PyAgentCodeBatch { codes })
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
    #[pyo3(signature = (*, agent_id = None, account_id = None, since = None, until = None, limit = 1000))]
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
    fn signed_if(
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
    #[pyo3(signature = (issuer, account_id, secret, *, epoch = 0, digits = 6, period = 30, check_digit = false))]
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

/// The vendor's Ed25519 enrollment signing key (a 32-byte seed), separate from the master
/// key. The seed never appears in `repr()`.
///
/// Parameters: `seed` the key's 32-byte Ed25519 seed; `SigningKey.generate()` makes a random
/// key.
#[pyclass(frozen, module = "callsign", name = "SigningKey")]
pub(crate) struct PySigningKey {
    key: SigningKey,
}

#[pymethods]
impl PySigningKey {
    /// A signing key from its 32-byte seed.
    #[new]
    fn new(seed: &[u8]) -> BindingResult<PySigningKey> {
        Ok(PySigningKey {
            key: SigningKey::from_seed(seed)?,
        })
    }

    /// A new random signing key.
    #[staticmethod]
    fn generate() -> BindingResult<PySigningKey> {
        Ok(PySigningKey {
            key: SigningKey::generate()?,
        })
    }

    /// The 32-byte public key to pin in the vendor's app.
    fn public_key<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.key.public_key().as_bytes())
    }

    fn __repr__(&self) -> String {
        // The core's Debug: the public key in hex, the seed redacted.
        format!("{:?}", self.key)
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
        match self.verdict {
            Verdict::Genuine { .. } => "genuine",
            Verdict::NotGenuine { .. } => "not_genuine",
            Verdict::AlreadyUsed { .. } => "already_used",
            Verdict::LockedOut { .. } => "locked_out",
            Verdict::Misheard => "misheard",
        }
    }

    /// Whether the caller proved to be genuine.
    #[getter]
    fn genuine(&self) -> bool {
        matches!(self.verdict, Verdict::Genuine { .. })
    }

    /// The matching step (genuine or already used), else None.
    #[getter]
    fn step(&self) -> Option<u64> {
        match self.verdict {
            Verdict::Genuine { step, .. } | Verdict::AlreadyUsed { step } => Some(step),
            Verdict::NotGenuine { .. } | Verdict::LockedOut { .. } | Verdict::Misheard => None,
        }
    }

    /// The clock drift in steps (genuine only), else None.
    #[getter]
    fn drift(&self) -> Option<i64> {
        match self.verdict {
            Verdict::Genuine { drift, .. } => Some(drift),
            _ => None,
        }
    }

    /// Failures still allowed before the lock (not genuine only), else None.
    #[getter]
    fn attempts_left(&self) -> Option<u32> {
        match self.verdict {
            Verdict::NotGenuine { attempts_left } => Some(attempts_left),
            _ => None,
        }
    }

    /// Unix time at which the lock ends (locked out only), else None.
    #[getter]
    fn locked_until(&self) -> Option<u64> {
        match self.verdict {
            Verdict::LockedOut { until } => Some(until),
            _ => None,
        }
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

/// The vendor's answer to "is this caller the customer?". True in a boolean context only when
/// verified.
#[pyclass(frozen, eq, module = "callsign", name = "CustomerVerdict")]
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct PyCustomerVerdict {
    verdict: CustomerVerdict,
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
fn optional(value: Option<u64>) -> String {
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
/// which the app should use `DeviceVerifier.locked`); `behind` and `ahead` the steps accepted
/// either side of now; `max_failures` wrong entries before the lock; `lockout_seconds` how
/// long the lock lasts.
#[pyclass(frozen, module = "callsign", name = "DeviceVerifier")]
pub(crate) struct PyDeviceVerifier {
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

#[pymethods]
impl PyDeviceVerifier {
    /// A verifier for `enrollment`: an Enrollment (trusted as built) or a received URI, read
    /// like `Enrollment.from_uri` under `trusted_keys` (the vendor's pinned public keys) or,
    /// for tests and tools only, `allow_unsigned=True`. With `state` (a blob of
    /// `export_state`) it continues where it left off; a corrupt or foreign blob raises
    /// `InvalidStateError`, after which the app should use `DeviceVerifier.locked` (or keep
    /// enrollment and state together with `StoredVerifier`, which does this itself).
    #[new]
    #[pyo3(signature = (enrollment, *, trusted_keys = Vec::new(), allow_unsigned = false, state = None, behind = 1, ahead = 1, max_failures = 3, lockout_seconds = 900), text_signature = "(enrollment, *, trusted_keys=(), allow_unsigned=False, state=None, behind=1, ahead=1, max_failures=3, lockout_seconds=900)")]
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
    ) -> BindingResult<PyDeviceVerifier> {
        let enrollment = enrollment_arg(enrollment, &trusted_keys, allow_unsigned)?;
        let config = verifier_config(behind, ahead, max_failures, lockout_seconds)?;
        let verifier = match state {
            Some(blob) => Verifier::with_state(&enrollment, config, blob)?,
            None => Verifier::new(&enrollment, config)?,
        };
        Ok(PyDeviceVerifier { verifier })
    }

    /// The fail-closed fallback when the persisted state is lost or damaged: a verifier
    /// locked from `time` (now if omitted) for the lockout period. `enrollment` as for the
    /// constructor.
    #[staticmethod]
    #[pyo3(signature = (enrollment, time = None, *, trusted_keys = Vec::new(), allow_unsigned = false, behind = 1, ahead = 1, max_failures = 3, lockout_seconds = 900), text_signature = "(enrollment, time=None, *, trusted_keys=(), allow_unsigned=False, behind=1, ahead=1, max_failures=3, lockout_seconds=900)")]
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
    ) -> BindingResult<PyDeviceVerifier> {
        let enrollment = enrollment_arg(enrollment, &trusted_keys, allow_unsigned)?;
        let config = verifier_config(behind, ahead, max_failures, lockout_seconds)?;
        let now = convert::time_or_now(time)?;
        Ok(PyDeviceVerifier {
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
        let now = convert::time_or_now(time)?;
        let verdict = py.detach(|| self.verifier.check(entry, now))?;
        Ok(PyVerdict { verdict })
    }

    /// Display mode: the current code at `time` (now if omitted).
    #[pyo3(signature = (time = None))]
    fn display(&self, time: Option<&Bound<'_, PyAny>>) -> BindingResult<PyAgentCode> {
        Ok(self.verifier.display(convert::time_or_now(time)?)?.into())
    }

    /// The customer code at `time` (now if omitted), for the customer to read to the vendor's
    /// agent when calling in. Show it only when the customer asks for it, never in answer to
    /// an incoming call.
    #[pyo3(signature = (time = None))]
    fn customer_code(&self, time: Option<&Bound<'_, PyAny>>) -> BindingResult<PyAgentCode> {
        Ok(self
            .verifier
            .customer_code(convert::time_or_now(time)?)?
            .into())
    }

    /// The attempt counter and lock at `time` (now if omitted).
    #[pyo3(signature = (time = None))]
    fn status(&self, time: Option<&Bound<'_, PyAny>>) -> BindingResult<PyVerifierStatus> {
        Ok(self.verifier.status(convert::time_or_now(time)?).into())
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
            "DeviceVerifier(behind={}, ahead={}, max_failures={}, lockout_seconds={})",
            config.window.behind, config.window.ahead, config.max_failures, config.lockout_seconds
        )
    }
}

//! The vendor side (core's `issuer`): the issuer with its audit callback, audit file or ledger,
//! and rate limit.

use std::ffi::{CString, c_void};
use std::os::raw::c_char;
use std::sync::Arc;

use callsign::{
    AuditError, AuditOutcome, AuditSink, CustomerVerdict, IssuanceEvent, IssueRequest, Issuer,
    IssuerConfig, JsonLinesAuditSink, ProfileParams, RateLimit,
};

use crate::boundary::ffi_boundary;
use crate::error::callsign_result;
use crate::ffi::{
    free_handle, set_handle, try_core, try_out, try_out_handle, try_ref, try_slice, try_str,
};
use crate::otp::callsign_timed_code;
use crate::verifier::callsign_enrollment;

use crate::profile::callsign_master_key;
/// What an issuer's audit callback is told about one event.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum callsign_audit_outcome {
    /// A code was issued (it reaches the agent only after the callback returned true).
    Issued = 1,
    /// The rate limit refused the request; no code was issued.
    RefusedRateLimited = 2,
    /// The account is revoked; no code was issued.
    RefusedRevoked = 3,
    /// The account was revoked (no code).
    Revoked = 4,
    /// The account was re-enrolled under a new epoch (no code).
    Reenrolled = 5,
    /// A customer calling in read a customer code that matched.
    CustomerVerified = 6,
    /// A caller's customer code matched nothing: a failed attempt.
    CustomerNotVerified = 7,
    /// A caller's customer code was already accepted once: a replay.
    CustomerAlreadyUsed = 8,
    /// The account's customer checks are locked; nothing was compared.
    CustomerLockedOut = 9,
    /// A caller's customer code had a wrong check digit: not an attempt.
    CustomerMisheard = 10,
}

/// One issuance or refusal. It never holds the code or any secret. The strings are
/// NUL-terminated and valid only during the callback.
#[repr(C)]
#[derive(Debug)]
pub struct callsign_audit_event {
    /// Unix time of the request.
    pub time: u64,
    /// A `callsign_audit_outcome` value.
    pub outcome: u32,
    /// The customer's account id.
    pub account_id: *const c_char,
    /// The agent who asked.
    pub agent_id: *const c_char,
    /// The ticket or reason.
    pub ticket: *const c_char,
    /// The time step of the code.
    pub step: u64,
    /// The key epoch.
    pub epoch: u32,
    /// The whole event as one line of JSON, without a newline.
    pub json: *const c_char,
}

/// Records `count` events durably and returns true, or returns false when it cannot, in which
/// case the issuer issues no code (`CALLSIGN_RESULT_AUDIT_FAILED`). Called before each code is
/// returned, on the thread that asked for it; it must be thread-safe when the issuer is shared.
pub type callsign_audit_callback = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        events: *const callsign_audit_event,
        count: usize,
    ) -> bool,
>;

/// An audit sink that hands events to a C callback.
struct CallbackSink {
    callback: unsafe extern "C" fn(*mut c_void, *const callsign_audit_event, usize) -> bool,
    user_data: *mut c_void,
}

// SAFETY: the header requires the callback and its user data to be usable from every thread
// that uses the issuer.
unsafe impl Send for CallbackSink {}
// SAFETY: as for Send.
unsafe impl Sync for CallbackSink {}

/// The C strings of one event, kept alive while the callback runs.
struct EventStrings {
    account_id: CString,
    agent_id: CString,
    ticket: CString,
    json: CString,
}

impl EventStrings {
    fn new(event: &IssuanceEvent<'_>) -> Result<EventStrings, AuditError> {
        /// Takes `text` over (a `String` without a copy) as a C string.
        fn c(text: impl Into<Vec<u8>>) -> Result<CString, AuditError> {
            CString::new(text).map_err(|_| AuditError::new("an audit field contains a NUL byte"))
        }
        Ok(EventStrings {
            account_id: c(event.account_id)?,
            agent_id: c(event.agent_id)?,
            ticket: c(event.ticket)?,
            json: c(event.to_json())?,
        })
    }
}

impl AuditSink for CallbackSink {
    fn record(&self, events: &[IssuanceEvent<'_>]) -> Result<(), AuditError> {
        let strings = events
            .iter()
            .map(EventStrings::new)
            .collect::<Result<Vec<_>, _>>()?;
        let c_events: Vec<callsign_audit_event> = events
            .iter()
            .zip(&strings)
            .map(|(event, strings)| callsign_audit_event {
                time: event.time,
                outcome: match event.outcome {
                    AuditOutcome::Issued => callsign_audit_outcome::Issued,
                    AuditOutcome::RefusedRateLimited => callsign_audit_outcome::RefusedRateLimited,
                    AuditOutcome::RefusedRevoked => callsign_audit_outcome::RefusedRevoked,
                    AuditOutcome::Revoked => callsign_audit_outcome::Revoked,
                    AuditOutcome::Reenrolled => callsign_audit_outcome::Reenrolled,
                    AuditOutcome::CustomerVerified => callsign_audit_outcome::CustomerVerified,
                    AuditOutcome::CustomerNotVerified => {
                        callsign_audit_outcome::CustomerNotVerified
                    }
                    AuditOutcome::CustomerAlreadyUsed => {
                        callsign_audit_outcome::CustomerAlreadyUsed
                    }
                    AuditOutcome::CustomerLockedOut => callsign_audit_outcome::CustomerLockedOut,
                    AuditOutcome::CustomerMisheard => callsign_audit_outcome::CustomerMisheard,
                } as u32,
                account_id: strings.account_id.as_ptr(),
                agent_id: strings.agent_id.as_ptr(),
                ticket: strings.ticket.as_ptr(),
                step: event.step,
                epoch: event.epoch,
                json: strings.json.as_ptr(),
            })
            .collect();
        // SAFETY: the events and their strings outlive the call; the caller vouched for the
        // callback and its user data when creating the issuer.
        let recorded =
            unsafe { (self.callback)(self.user_data, c_events.as_ptr(), c_events.len()) };
        if recorded {
            Ok(())
        } else {
            Err(AuditError::new("the audit callback reported a failure"))
        }
    }
}

/// How an issuer works. Fill it with `callsign_issuer_config_default`, then change fields.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct callsign_issuer_config {
    /// The key epoch of every account secret.
    pub epoch: u32,
    /// Code digits (6..=8).
    pub digits: u32,
    /// Code period in seconds (10..=300).
    pub period: u64,
    /// Whether the per-agent rate limit applies (turn it off for trusted batch jobs only).
    pub rate_limit_enabled: bool,
    /// Codes per agent per window (at least 1).
    pub rate_limit_max_codes: u32,
    /// The rate limit's rolling window in seconds (at least 1).
    pub rate_limit_window_seconds: u64,
    /// How many accounts' call keys are cached.
    pub cache_capacity: usize,
    /// Whether every code (agent and customer) carries a Damm check digit; enrollments then
    /// say `check=damm`.
    pub check_digit: bool,
}

impl callsign_issuer_config {
    /// The core configuration these fields describe.
    pub(crate) fn to_core(self) -> Result<IssuerConfig, callsign::Error> {
        Ok(IssuerConfig {
            epoch: self.epoch,
            params: ProfileParams::new(self.digits, self.period)?
                .with_check_digit(self.check_digit),
            rate_limit: self.rate_limit_enabled.then_some(RateLimit {
                max_codes: self.rate_limit_max_codes,
                window_seconds: self.rate_limit_window_seconds,
            }),
            cache_capacity: self.cache_capacity,
            ..IssuerConfig::default()
        })
    }
}

/// Stores the default issuer configuration (epoch 0, 6 digits, 30 s, 30 codes per agent per
/// hour, 10,000 cached accounts) in `*out`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_issuer_config_default(
    out: *mut callsign_issuer_config,
) -> callsign_result {
    ffi_boundary! {
        let out = try_out!(out);
        let config = IssuerConfig::default();
        let limit = config.rate_limit.unwrap_or_default();
        out.set(callsign_issuer_config {
            epoch: config.epoch,
            digits: config.params.digits(),
            period: config.params.period(),
            rate_limit_enabled: config.rate_limit.is_some(),
            rate_limit_max_codes: limit.max_codes,
            rate_limit_window_seconds: limit.window_seconds,
            cache_capacity: config.cache_capacity,
            check_digit: config.params.check_digit(),
        });
        callsign_result::Ok
    }
}

/// Issues agent codes from a master key and audits each one through a callback. Internally
/// locked: all functions taking a `const callsign_issuer *` may be called from any thread at
/// once (the audit callback then must be thread-safe).
pub struct callsign_issuer {
    pub(crate) issuer: Issuer,
}

/// Creates an issuer over a copy of `master_key`. `audit` must not be NULL; `audit_user_data`
/// is passed to it unchanged (it may be NULL) and must stay valid until the issuer is freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_issuer_new(
    master_key: *const callsign_master_key,
    config: *const callsign_issuer_config,
    audit: callsign_audit_callback,
    audit_user_data: *mut c_void,
    out: *mut *mut callsign_issuer,
) -> callsign_result {
    ffi_boundary! {
        let out = try_out_handle!(out);
        let master_key = try_ref!(master_key);
        let config = try_ref!(config);
        let Some(callback) = audit else {
            return crate::error::null_parameter("audit");
        };
        let sink = Arc::new(CallbackSink { callback, user_data: audit_user_data });
        new_issuer(master_key, config, sink, out)
    }
}

/// Creates an issuer over a copy of `master_key` that audits to the JSON-lines file at
/// `audit_path` (created with mode 0600 if missing): each record carries the hash chain that
/// `callsign_audit_verify_file` checks, and the chains continue across restarts. A path that
/// cannot be opened, is no regular file or holds lines that are no chained audit records is
/// `CALLSIGN_RESULT_IO_FAILED`, with the reason in the last-error message.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_issuer_new_with_audit_file(
    master_key: *const callsign_master_key,
    config: *const callsign_issuer_config,
    audit_path: *const c_char,
    out: *mut *mut callsign_issuer,
) -> callsign_result {
    ffi_boundary! {
        let out = try_out_handle!(out);
        let master_key = try_ref!(master_key);
        let config = try_ref!(config);
        let sink = match JsonLinesAuditSink::open(try_str!(audit_path)) {
            Ok(sink) => Arc::new(sink),
            Err(error) => return crate::error::io_failed(&error),
        };
        new_issuer(master_key, config, sink, out)
    }
}

/// The issuer of `config` over `master_key` auditing to `sink`, into `out`.
fn new_issuer(
    master_key: &callsign_master_key,
    config: &callsign_issuer_config,
    sink: Arc<dyn AuditSink>,
    out: crate::ffi::OutPtr<*mut callsign_issuer>,
) -> callsign_result {
    let core_config = try_core!(config.to_core());
    let issuer = try_core!(Issuer::new(master_key.key.clone(), core_config, sink));
    set_handle(out, callsign_issuer { issuer })
}

/// The request of an agent code or a customer check, from its three C strings (or an early
/// `CALLSIGN_RESULT_NULL_PARAMETER` / `CALLSIGN_RESULT_INVALID_UTF8`).
macro_rules! try_request {
    ($account_id:ident, $agent_id:ident, $ticket:ident) => {
        IssueRequest {
            account_id: try_str!($account_id),
            agent_id: try_str!($agent_id),
            ticket: try_str!($ticket),
        }
    };
}

/// Issues the code for `account_id` at unix time `now`, asked for by `agent_id` for `ticket`,
/// into `*out`. The event is audited before the code is returned; a refused callback gives
/// `CALLSIGN_RESULT_AUDIT_FAILED`, the rate limit `CALLSIGN_RESULT_RATE_LIMITED` (audited too).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_issuer_issue(
    issuer: *const callsign_issuer,
    account_id: *const c_char,
    agent_id: *const c_char,
    ticket: *const c_char,
    now: u64,
    out: *mut callsign_timed_code,
) -> callsign_result {
    ffi_boundary! {
        let issuer = try_ref!(issuer);
        let request = try_request!(account_id, agent_id, ticket);
        let out = try_out!(out);
        out.set(callsign_timed_code::from(&try_core!(issuer.issuer.issue(&request, now))));
        callsign_result::Ok
    }
}

/// The kind of a customer verdict (the vendor checking a customer who calls in).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum callsign_customer_verdict_kind {
    /// The entry is the customer code of a step in the window.
    Verified = 1,
    /// The entry matches nothing; `attempts_left` more failures lock the account for every
    /// agent.
    NotVerified = 2,
    /// The entry matches a step at or before the last accepted one: a replay.
    AlreadyUsed = 3,
    /// The account's customer checks are locked until `locked_until`.
    LockedOut = 4,
    /// The check digit is wrong: ask the caller to repeat. Not an attempt.
    Misheard = 5,
}

/// The answer to "is this caller the customer?". Fields that do not apply to `kind` are 0.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct callsign_customer_verdict {
    /// A `callsign_customer_verdict_kind` value.
    pub kind: u32,
    /// The matching step (VERIFIED, `ALREADY_USED`).
    pub step: u64,
    /// Failures still allowed before the lock (`NOT_VERIFIED`).
    pub attempts_left: u32,
    /// Unix time at which the lock ends (`LOCKED_OUT`).
    pub locked_until: u64,
}

impl From<CustomerVerdict> for callsign_customer_verdict {
    fn from(verdict: CustomerVerdict) -> Self {
        let kind = match verdict {
            CustomerVerdict::Verified { .. } => callsign_customer_verdict_kind::Verified,
            CustomerVerdict::NotVerified { .. } => callsign_customer_verdict_kind::NotVerified,
            CustomerVerdict::AlreadyUsed { .. } => callsign_customer_verdict_kind::AlreadyUsed,
            CustomerVerdict::LockedOut { .. } => callsign_customer_verdict_kind::LockedOut,
            _ => callsign_customer_verdict_kind::Misheard,
        };
        callsign_customer_verdict {
            kind: kind as u32,
            step: verdict.step().unwrap_or(0),
            attempts_left: verdict.attempts_left().unwrap_or(0),
            locked_until: verdict.locked_until().unwrap_or(0),
        }
    }
}

/// Checks the customer code that a customer calling in read to `agent_id` (for `ticket`), for
/// `account_id` at unix time `now`, and stores the verdict in `*out`. The check is audited
/// before the verdict is returned (a refused callback: `CALLSIGN_RESULT_AUDIT_FAILED`, never
/// VERIFIED); failures count per account for every agent. A malformed entry is
/// `CALLSIGN_RESULT_INVALID_CODE` and counts as no attempt.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_issuer_verify_customer(
    issuer: *const callsign_issuer,
    account_id: *const c_char,
    agent_id: *const c_char,
    ticket: *const c_char,
    entry: *const c_char,
    now: u64,
    out: *mut callsign_customer_verdict,
) -> callsign_result {
    ffi_boundary! {
        let issuer = try_ref!(issuer);
        let request = try_request!(account_id, agent_id, ticket);
        let entry = try_str!(entry);
        let out = try_out!(out);
        let verdict = try_core!(issuer.issuer.verify_customer(&request, entry, now));
        out.set(callsign_customer_verdict::from(verdict));
        callsign_result::Ok
    }
}

/// Issues codes for `count` accounts at once under one agent and ticket, into `out_codes`
/// (an array of `count` elements). All or nothing: on any error no code is written.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_issuer_issue_many(
    issuer: *const callsign_issuer,
    agent_id: *const c_char,
    ticket: *const c_char,
    account_ids: *const *const c_char,
    count: usize,
    now: u64,
    out_codes: *mut callsign_timed_code,
) -> callsign_result {
    ffi_boundary! {
        let issuer = try_ref!(issuer);
        let (agent_id, ticket) = (try_str!(agent_id), try_str!(ticket));
        let mut ids = Vec::with_capacity(count);
        for &account_id in try_slice!(account_ids, count) {
            ids.push(try_str!(account_id));
        }
        if out_codes.is_null() {
            return crate::error::null_parameter("out_codes");
        }
        let codes = try_core!(issuer.issuer.issue_many(agent_id, ticket, &ids, now));
        for (i, code) in codes.iter().enumerate() {
            // SAFETY: the caller provides `count` elements and core returns one code per id.
            unsafe { out_codes.add(i).write(callsign_timed_code::from(code)) };
        }
        callsign_result::Ok
    }
}

/// Makes the enrollment payload of `account_id` under the issuer name `issuer_name`, to hand to
/// the customer's app.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_issuer_enrollment(
    issuer: *const callsign_issuer,
    issuer_name: *const c_char,
    account_id: *const c_char,
    out: *mut *mut callsign_enrollment,
) -> callsign_result {
    ffi_boundary! {
        let out = try_out_handle!(out);
        let issuer = try_ref!(issuer);
        let enrollment =
            try_core!(issuer.issuer.enrollment(try_str!(issuer_name), try_str!(account_id)));
        set_handle(out, callsign_enrollment { enrollment })
    }
}

/// Frees an issuer and zeroizes its master key and cached keys. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_issuer_free(issuer: *mut callsign_issuer) {
    ffi_boundary! { unsafe { free_handle(issuer) } }
}

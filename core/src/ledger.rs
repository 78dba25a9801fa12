//! The ledger contract: where an [`Issuer`](crate::Issuer) keeps, for a whole fleet of issuers,
//! the audit trail, the per-agent rate limit and each account's lifecycle (its key epoch and
//! whether it is revoked).
//!
//! One [`Ledger::issue`] call is one atomic step: the accounts are checked (not revoked, current
//! epoch read), the agent's rate limit is checked over the rolling window, and the audit event is
//! appended; only when that event is durable does the ledger answer [`Decision::Go`] with the
//! epochs to derive with. A refusal ([`Decision::RateLimited`], [`Decision::Revoked`]) is itself
//! recorded before it is returned. Only issued codes count towards the rate limit.
//!
//! Core holds the contract and the in-memory ledger ([`MemoryLedger`], also the home of the
//! JSON-lines and callable sinks). Durable ledgers (`SQLite`, `PostgreSQL`) live in the
//! `callsign-ledger` crate beside core.

use crate::audit::{AuditOutcome, AuditSink, IssuanceEvent};
use crate::audit_chain::{
    AUDIT_CHAIN_LEN, AUDIT_CHAIN_START, AuditChainReport, AuditChainVerifier, AuditRecord,
    audit_chain_batch,
};
use crate::error::Error;
use crate::inbound::{CustomerCheck, CustomerState, CustomerVerdict, decide_customer};
use crate::issuer::RateLimit;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

/// The value of [`MAX_AUDIT_QUERY_LIMIT`] as a literal, so that the limit's message can spell it
/// (`concat!` takes literals only) without writing it a second time.
macro_rules! max_audit_query_limit {
    () => {
        100_000
    };
}

/// The most audit records one [`Ledger::audit_events`] call returns.
pub const MAX_AUDIT_QUERY_LIMIT: usize = max_audit_query_limit!();

/// Why a ledger could not do its work. Every variant means: nothing was issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LedgerFault {
    /// The database cannot be reached (refused, reset, name not resolved).
    Unreachable,
    /// The database did not answer within the ledger's timeout.
    Timeout,
    /// The database answered with an error (a failed statement or commit).
    Failed,
    /// The ledger was closed.
    Closed,
    /// The database holds another version of the ledger schema.
    SchemaVersion,
    /// The connection string or path is malformed.
    InvalidLocation,
    /// The ledger cannot answer this request (for instance, reading back an audit trail that
    /// went to a sink).
    Unsupported,
}

impl LedgerFault {
    /// The fault's stable `snake_case` name.
    pub fn as_str(self) -> &'static str {
        match self {
            LedgerFault::Unreachable => "unreachable",
            LedgerFault::Timeout => "timeout",
            LedgerFault::Failed => "failed",
            LedgerFault::Closed => "closed",
            LedgerFault::SchemaVersion => "schema_version",
            LedgerFault::InvalidLocation => "invalid_location",
            LedgerFault::Unsupported => "unsupported",
        }
    }

    /// The error for this fault, with `reason` saying what happened.
    pub fn error(self, reason: impl Into<String>) -> Error {
        Error::Ledger {
            fault: self,
            reason: reason.into(),
        }
    }
}

impl core::fmt::Display for LedgerFault {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One issuance (or one batch under one agent and reason) put to the ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Issuance<'a> {
    /// Unix time of the request, in seconds.
    pub time: u64,
    /// The agent, in canonical form.
    pub agent_id: &'a str,
    /// The ticket or reason.
    pub ticket: &'a str,
    /// The time step of the codes.
    pub step: u64,
    /// The epoch of an account the ledger has no newer epoch for (the issuer's configured
    /// epoch). An account's epoch is the larger of this and its re-enrollments.
    pub base_epoch: u32,
    /// The accounts (already checked), in order; at least one.
    pub account_ids: &'a [&'a str],
    /// The agent's rate limit, `None` for none.
    pub rate_limit: Option<RateLimit>,
}

impl<'a> Issuance<'a> {
    /// The audit events of this issuance with `outcome`, each account at its epoch (`epochs`
    /// in account order, or the base epoch for all when `None`).
    pub fn events(&self, outcome: AuditOutcome, epochs: Option<&[u32]>) -> Vec<IssuanceEvent<'a>> {
        self.account_ids
            .iter()
            .enumerate()
            .map(|(index, account_id)| {
                let epoch = epochs
                    .and_then(|epochs| epochs.get(index).copied())
                    .unwrap_or(self.base_epoch);
                self.event(outcome, account_id, epoch)
            })
            .collect()
    }

    /// The audit event of this issuance for one account, with `outcome` at `epoch`.
    pub fn event(
        &self,
        outcome: AuditOutcome,
        account_id: &'a str,
        epoch: u32,
    ) -> IssuanceEvent<'a> {
        IssuanceEvent {
            time: self.time,
            outcome,
            account_id,
            agent_id: self.agent_id,
            ticket: self.ticket,
            step: self.step,
            epoch,
        }
    }
}

/// A ledger's answer to an [`Issuance`]; the matching audit events are durable when it is
/// returned.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Decision {
    /// Issue: derive each account's code with its epoch (in account order).
    Go {
        /// The accounts' epochs.
        epochs: Vec<u32>,
    },
    /// The agent's rate limit refuses the issuance.
    RateLimited {
        /// When the issuance would fit again; `None` when it can never fit (a batch larger
        /// than the whole limit).
        retry_at: Option<u64>,
    },
    /// An account of the issuance is revoked.
    Revoked {
        /// The revoked account.
        account_id: String,
    },
}

/// A change to an account's lifecycle: who makes it and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountChange<'a> {
    /// Unix time of the change, in seconds.
    pub time: u64,
    /// The account (already checked).
    pub account_id: &'a str,
    /// The agent making the change, in canonical form.
    pub agent_id: &'a str,
    /// The reason (the audit trail's ticket field).
    pub reason: &'a str,
    /// As in [`Issuance::base_epoch`].
    pub base_epoch: u32,
}

impl<'a> AccountChange<'a> {
    /// The audit event of this change with `outcome` at `epoch` (step 0: no code).
    pub fn event(&self, outcome: AuditOutcome, epoch: u32) -> IssuanceEvent<'a> {
        IssuanceEvent {
            time: self.time,
            outcome,
            account_id: self.account_id,
            agent_id: self.agent_id,
            ticket: self.reason,
            step: 0,
            epoch,
        }
    }
}

/// An account's lifecycle as the ledger holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AccountState {
    /// The epoch to derive the account's keys with.
    pub epoch: u32,
    /// Whether the account is revoked (no codes until it is re-enrolled).
    pub revoked: bool,
}

/// Which audit records to read back; every filter given must hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditQuery<'a> {
    /// Only this agent's records (canonical form).
    pub agent_id: Option<&'a str>,
    /// Only this account's records.
    pub account_id: Option<&'a str>,
    /// Only records at or after this unix time.
    pub since: Option<u64>,
    /// Only records before this unix time.
    pub until: Option<u64>,
    /// At most this many records (1..=[`MAX_AUDIT_QUERY_LIMIT`]): the newest ones, newest
    /// first (by time, then by the order they were stored in).
    pub limit: usize,
}

impl AuditQuery<'_> {
    /// The default limit: 1000 records.
    pub const DEFAULT_LIMIT: usize = 1000;
}

impl Default for AuditQuery<'_> {
    /// Everything, up to [`AuditQuery::DEFAULT_LIMIT`] records.
    fn default() -> Self {
        AuditQuery {
            agent_id: None,
            account_id: None,
            since: None,
            until: None,
            limit: AuditQuery::DEFAULT_LIMIT,
        }
    }
}

impl AuditQuery<'_> {
    /// Checks the limit.
    pub fn check(&self) -> Result<(), Error> {
        if (1..=MAX_AUDIT_QUERY_LIMIT).contains(&self.limit) {
            Ok(())
        } else {
            Err(Error::InvalidConfig {
                reason: concat!(
                    "an audit query's limit must be between 1 and ",
                    max_audit_query_limit!()
                ),
            })
        }
    }

    /// Whether `record` passes the filters.
    pub fn matches(&self, record: &LedgerRecord) -> bool {
        self.agent_id.is_none_or(|agent| agent == record.agent_id)
            && self
                .account_id
                .is_none_or(|account| account == record.account_id)
            && self.since.is_none_or(|since| record.time >= since)
            && self.until.is_none_or(|until| record.time < until)
    }
}

/// One audit record read back from a ledger: the event and the chain hash stored with it
/// (the same type as a record of a JSON-lines audit file).
pub type LedgerRecord = AuditRecord;

/// Where a fleet of issuers keeps audit, rate limits and account lifecycles. Implementations
/// must make [`Ledger::issue`] atomic per agent across every issuer that shares the ledger,
/// and must never answer [`Decision::Go`] before the issued events are durable.
pub trait Ledger: Send + Sync + core::fmt::Debug {
    /// Decides an issuance and records it (see the module documentation).
    fn issue(&self, issuance: &Issuance<'_>) -> Result<Decision, Error>;

    /// Revokes an account (recorded): no codes until it is re-enrolled.
    fn revoke(&self, change: &AccountChange<'_>) -> Result<(), Error>;

    /// Re-enrolls an account (recorded): its epoch goes up by one and a revocation ends.
    /// Returns the new epoch.
    fn reenroll(&self, change: &AccountChange<'_>) -> Result<u32, Error>;

    /// An account's epoch and revocation.
    fn account(&self, account_id: &str, base_epoch: u32) -> Result<AccountState, Error>;

    /// The newest `query.limit` audit records matching `query`, newest first (by time, then by
    /// the order they were stored in), each with its chain hash.
    fn audit_events(&self, query: &AuditQuery<'_>) -> Result<Vec<LedgerRecord>, Error>;

    /// Walks the whole audit trail in the order it was stored and checks every record's chain
    /// hash against the agent's record before it ([`AuditChainVerifier`]); a break names the
    /// record by its row id (1-based position for the in-memory ledger) and its agent. An
    /// error means the trail could not be read, never that it is broken.
    ///
    /// The default answers [`LedgerFault::Unsupported`] (a ledger whose audit went to a sink).
    fn verify_chain(&self) -> Result<AuditChainReport, Error> {
        Err(LedgerFault::Unsupported.error("this ledger cannot read its audit trail back"))
    }

    /// Decides a customer check (Addition A) and records it, in one atomic step per account
    /// across every issuer sharing the ledger: a revoked account gives
    /// [`Error::AccountRevoked`] (recorded as `refused_revoked`), an account whose epoch is no
    /// longer `check.epoch` an error (nothing recorded); otherwise the account's
    /// [`CustomerState`] is read, [`decide_customer`] runs, its audit event
    /// ([`CustomerCheck::event`]) is made durable and only then the new state is stored and
    /// the verdict returned. A failing record means an error, never a verdict.
    ///
    /// The default answers [`LedgerFault::Unsupported`]: a ledger without customer-check
    /// state cannot check inbound callers.
    fn check_customer(&self, check: &CustomerCheck<'_>) -> Result<CustomerVerdict, Error> {
        let _ = check;
        Err(LedgerFault::Unsupported.error("this ledger keeps no customer-check state"))
    }

    /// An account's customer-check state as stored (for supervisors and tests).
    fn customer_state(&self, account_id: &str) -> Result<CustomerState, Error> {
        let _ = account_id;
        Err(LedgerFault::Unsupported.error("this ledger keeps no customer-check state"))
    }
}

/// The epoch after a re-enrollment of an account at `current`.
pub fn next_epoch(current: u32) -> Result<u32, Error> {
    current.checked_add(1).ok_or(Error::Overflow {
        what: "account epoch",
    })
}

/// Where the rolling window of a rate limit at `now` starts: issued records strictly after
/// this time count (`None`: every record counts).
pub fn window_start(limit: RateLimit, now: u64) -> Option<u64> {
    now.checked_sub(limit.window_seconds)
}

/// Where `count` more codes stand against a rate limit whose window already holds `used`
/// issued codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RateSlot {
    /// They fit.
    Fits,
    /// They never fit: `count` is larger than the whole limit.
    Never,
    /// They fit once the issued code at this index of the window (oldest first, 0-based)
    /// has left it: see [`RateSlot::retry_at`].
    After(usize),
}

impl RateSlot {
    /// Where `count` more codes stand when the window holds `used` issued codes.
    pub fn of(limit: RateLimit, used: usize, count: usize) -> RateSlot {
        let max = usize::try_from(limit.max_codes).unwrap_or(usize::MAX);
        if used.saturating_add(count) <= max {
            RateSlot::Fits
        } else if count > max {
            RateSlot::Never
        } else {
            RateSlot::After(used + count - max - 1)
        }
    }

    /// When the code issued at `time` (the one [`RateSlot::After`] names) leaves the window;
    /// `None` past the end of time.
    pub fn retry_at(limit: RateLimit, time: u64) -> Option<u64> {
        time.checked_add(limit.window_seconds)
    }
}

/// One agent's issue times within the rate limit's window, oldest first, behind its own lock.
type AgentTimes = Arc<Mutex<VecDeque<u64>>>;

/// Today's single-process ledger: the rate limit and account lifecycles in memory, the audit
/// trail in memory ([`MemoryLedger::new`]) or handed to an [`AuditSink`]
/// ([`MemoryLedger::with_sink`]: a JSON-lines file or a callable). Nothing survives the
/// process, and each process has its own limit: the simplest setup for one machine.
#[derive(Debug)]
pub struct MemoryLedger {
    audit: MemoryAudit,
    accounts: RwLock<HashMap<String, AccountState>>,
    /// Per agent: issue times within the window, oldest first. Each agent's issuance holds its
    /// own lock from the check to the record, so two issuances of one agent never both fit.
    /// foldhash (randomly seeded) rather than `SipHash`: looked up on every rate-limited
    /// issuance, and keyed by the vendor's own staff ids.
    agents: Mutex<HashMap<String, AgentTimes, foldhash::fast::RandomState>>,
    /// Per account: the customer-check state. One lock over all accounts, held from reading a
    /// state to storing the next one.
    customers: Mutex<HashMap<String, CustomerState>>,
}

enum MemoryAudit {
    Kept(Mutex<KeptAudit>),
    Sink(Arc<dyn AuditSink>),
}

/// The records of an in-memory audit trail, in the order stored, and each agent's last chain
/// hash.
#[derive(Default)]
struct KeptAudit {
    records: Vec<AuditRecord>,
    heads: HashMap<String, [u8; AUDIT_CHAIN_LEN]>,
}

impl core::fmt::Debug for MemoryAudit {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            MemoryAudit::Kept(_) => "Kept",
            MemoryAudit::Sink(_) => "Sink",
        })
    }
}

impl Default for MemoryLedger {
    fn default() -> Self {
        MemoryLedger::new()
    }
}

impl MemoryLedger {
    /// A ledger that keeps its audit records in memory (readable with
    /// [`Ledger::audit_events`]).
    pub fn new() -> MemoryLedger {
        MemoryLedger::with_audit(MemoryAudit::Kept(Mutex::default()))
    }

    /// A ledger that hands its audit records to `sink` (they cannot be read back through the
    /// ledger).
    pub fn with_sink(sink: Arc<dyn AuditSink>) -> MemoryLedger {
        MemoryLedger::with_audit(MemoryAudit::Sink(sink))
    }

    fn with_audit(audit: MemoryAudit) -> MemoryLedger {
        MemoryLedger {
            audit,
            accounts: RwLock::new(HashMap::new()),
            agents: Mutex::new(HashMap::default()),
            customers: Mutex::new(HashMap::new()),
        }
    }

    fn record(&self, events: &[IssuanceEvent<'_>]) -> Result<(), Error> {
        match &self.audit {
            MemoryAudit::Kept(kept) => {
                let mut kept = kept.lock().unwrap_or_else(PoisonError::into_inner);
                let KeptAudit { records, heads } = &mut *kept;
                let chains = audit_chain_batch(events, |agent_id| {
                    Ok::<_, Error>(heads.get(agent_id).copied().unwrap_or(AUDIT_CHAIN_START))
                })?;
                for (event, chain) in events.iter().zip(&chains) {
                    records.push(AuditRecord::new(event, chain));
                    heads.insert(event.agent_id.to_owned(), *chain);
                }
                Ok(())
            }
            MemoryAudit::Sink(sink) => sink.record(events).map_err(Error::from),
        }
    }

    /// The audit events of `issuance` with `outcome`, each account at its epoch: on the stack
    /// for a single account (the usual issuance), else collected.
    fn record_all(
        &self,
        issuance: &Issuance<'_>,
        outcome: AuditOutcome,
        epochs: &[u32],
    ) -> Result<(), Error> {
        if let ([account_id], [epoch]) = (issuance.account_ids, epochs) {
            return self.record(&[issuance.event(outcome, account_id, *epoch)]);
        }
        self.record(&issuance.events(outcome, Some(epochs)))
    }

    /// The issue times of `agent_id`, created empty on its first issuance.
    fn agent(&self, agent_id: &str) -> AgentTimes {
        let mut agents = self.agents.lock().unwrap_or_else(PoisonError::into_inner);
        match agents.get(agent_id) {
            Some(agent) => Arc::clone(agent),
            None => Arc::clone(agents.entry(agent_id.to_owned()).or_default()),
        }
    }

    fn state(
        accounts: &HashMap<String, AccountState>,
        account_id: &str,
        base_epoch: u32,
    ) -> AccountState {
        accounts.get(account_id).map_or(
            AccountState {
                epoch: base_epoch,
                revoked: false,
            },
            |state| AccountState {
                epoch: state.epoch.max(base_epoch),
                revoked: state.revoked,
            },
        )
    }

    fn change(
        &self,
        change: &AccountChange<'_>,
        outcome: AuditOutcome,
    ) -> Result<AccountState, Error> {
        let mut accounts = self
            .accounts
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        let current = MemoryLedger::state(&accounts, change.account_id, change.base_epoch);
        let next = if outcome == AuditOutcome::Reenrolled {
            AccountState {
                epoch: next_epoch(current.epoch)?,
                revoked: false,
            }
        } else {
            AccountState {
                epoch: current.epoch,
                revoked: true,
            }
        };
        self.record(&[change.event(outcome, next.epoch)])?;
        accounts.insert(change.account_id.to_owned(), next);
        Ok(next)
    }
}

impl Ledger for MemoryLedger {
    fn issue(&self, issuance: &Issuance<'_>) -> Result<Decision, Error> {
        // Without a rate limit there is no count to keep: the agent's lock would guard nothing.
        let agent = issuance.rate_limit.map(|_| self.agent(issuance.agent_id));
        let mut issued = agent
            .as_ref()
            .map(|agent| agent.lock().unwrap_or_else(PoisonError::into_inner));
        let mut epochs = Vec::with_capacity(issuance.account_ids.len());
        {
            let accounts = self.accounts.read().unwrap_or_else(PoisonError::into_inner);
            for account_id in issuance.account_ids {
                let state = MemoryLedger::state(&accounts, account_id, issuance.base_epoch);
                if state.revoked {
                    let refusal =
                        issuance.event(AuditOutcome::RefusedRevoked, account_id, state.epoch);
                    self.record(&[refusal])?;
                    return Ok(Decision::Revoked {
                        account_id: (*account_id).to_owned(),
                    });
                }
                epochs.push(state.epoch);
            }
        }
        if let (Some(limit), Some(issued)) = (issuance.rate_limit, issued.as_deref_mut()) {
            if let Some(start) = window_start(limit, issuance.time) {
                while issued.front().is_some_and(|&time| time <= start) {
                    issued.pop_front();
                }
            }
            let retry_at = match RateSlot::of(limit, issued.len(), issuance.account_ids.len()) {
                RateSlot::Fits => None,
                RateSlot::Never => Some(None),
                RateSlot::After(index) => Some(
                    issued
                        .get(index)
                        .and_then(|&time| RateSlot::retry_at(limit, time)),
                ),
            };
            if let Some(retry_at) = retry_at {
                self.record_all(issuance, AuditOutcome::RefusedRateLimited, &epochs)?;
                return Ok(Decision::RateLimited { retry_at });
            }
        }
        self.record_all(issuance, AuditOutcome::Issued, &epochs)?;
        if let Some(issued) = issued.as_deref_mut() {
            let in_order = issued.back().is_none_or(|&last| last <= issuance.time);
            issued.extend(core::iter::repeat_n(
                issuance.time,
                issuance.account_ids.len(),
            ));
            if !in_order {
                // Issuers whose clocks disagree may hand in times out of order; keep them sorted.
                issued.make_contiguous().sort_unstable();
            }
        }
        Ok(Decision::Go { epochs })
    }

    fn revoke(&self, change: &AccountChange<'_>) -> Result<(), Error> {
        self.change(change, AuditOutcome::Revoked).map(|_| ())
    }

    fn reenroll(&self, change: &AccountChange<'_>) -> Result<u32, Error> {
        self.change(change, AuditOutcome::Reenrolled)
            .map(|state| state.epoch)
    }

    fn account(&self, account_id: &str, base_epoch: u32) -> Result<AccountState, Error> {
        let accounts = self.accounts.read().unwrap_or_else(PoisonError::into_inner);
        Ok(MemoryLedger::state(&accounts, account_id, base_epoch))
    }

    fn audit_events(&self, query: &AuditQuery<'_>) -> Result<Vec<LedgerRecord>, Error> {
        query.check()?;
        match &self.audit {
            MemoryAudit::Kept(kept) => {
                let kept = kept.lock().unwrap_or_else(PoisonError::into_inner);
                // Newest stored first, then a stable sort by time, newest first.
                let mut found: Vec<&AuditRecord> = kept
                    .records
                    .iter()
                    .rev()
                    .filter(|record| query.matches(record))
                    .collect();
                found.sort_by_key(|record| core::cmp::Reverse(record.time));
                Ok(found.into_iter().take(query.limit).cloned().collect())
            }
            MemoryAudit::Sink(_) => Err(LedgerFault::Unsupported.error(
                "this ledger hands its audit records to a sink; read them where the sink keeps them",
            )),
        }
    }

    fn verify_chain(&self) -> Result<AuditChainReport, Error> {
        match &self.audit {
            MemoryAudit::Kept(kept) => {
                let kept = kept.lock().unwrap_or_else(PoisonError::into_inner);
                let mut verifier = AuditChainVerifier::new();
                for record in &kept.records {
                    if !verifier.check_record(record, None) {
                        break;
                    }
                }
                Ok(verifier.finish())
            }
            MemoryAudit::Sink(_) => Err(LedgerFault::Unsupported.error(
                "this ledger hands its audit records to a sink; verify them where the sink keeps them",
            )),
        }
    }

    fn check_customer(&self, check: &CustomerCheck<'_>) -> Result<CustomerVerdict, Error> {
        let mut customers = self
            .customers
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let account = self.account(check.account_id, check.base_epoch)?;
        if account.revoked {
            self.record(&[check.event_with(AuditOutcome::RefusedRevoked)])?;
            return Err(check.revoked());
        }
        if account.epoch != check.epoch {
            return Err(stale_epoch());
        }
        let state = customers.get(check.account_id).cloned().unwrap_or_default();
        let (verdict, next) = decide_customer(&state, check);
        self.record(&[check.event(verdict)])?;
        if next != state {
            customers.insert(check.account_id.to_owned(), next);
        }
        Ok(verdict)
    }

    fn customer_state(&self, account_id: &str) -> Result<CustomerState, Error> {
        Ok(self
            .customers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(account_id)
            .cloned()
            .unwrap_or_default())
    }
}

/// The error of a customer check whose account was re-enrolled while the entry was compared.
pub fn stale_epoch() -> Error {
    LedgerFault::Failed.error("the account was re-enrolled during the customer check; check again")
}

//! Inbound calls (protocol v1, Addition A): the customer calls the vendor and reads the
//! customer code from the app; the agent types it and the vendor checks it.
//!
//! The state of these checks (failures in the rolling window, the lock, the last accepted
//! step) is kept per account in the [`Ledger`](crate::Ledger), so every agent and every server
//! sharing the ledger sees one lock per account. The decision itself is [`decide_customer`],
//! one pure function that every ledger runs inside its own atomic step.

use crate::audit::{AuditOutcome, IssuanceEvent};

/// Failed customer checks of one account within [`CUSTOMER_LOCKOUT_SECONDS`] that lock it.
pub const CUSTOMER_MAX_FAILURES: u32 = 3;
/// How long failed customer checks count, and how long the lock lasts: 15 minutes.
pub const CUSTOMER_LOCKOUT_SECONDS: u64 = 15 * 60;

/// The vendor's answer to "is this caller the customer?".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CustomerVerdict {
    /// The entry is the customer code of a step in the window (1 behind, 1 ahead).
    Verified {
        /// The matching step.
        step: u64,
    },
    /// The entry matches no step in the window; after `attempts_left` more failures the
    /// account locks for every agent.
    NotVerified {
        /// Failures still allowed before the lock.
        attempts_left: u32,
    },
    /// The entry is a customer code already accepted once (or an older one): a replay.
    AlreadyUsed {
        /// The step it matched.
        step: u64,
    },
    /// Too many failures: the account's customer checks are locked for every agent until
    /// `until`. Returned by the failure that locks and by every check during the lock.
    LockedOut {
        /// Unix time at which the lock ends.
        until: u64,
    },
    /// The entry's check digit is wrong (Addition B): ask the caller to repeat. Not an
    /// attempt.
    Misheard,
}

impl CustomerVerdict {
    /// The verdict's name: `verified`, `not_verified`, `already_used`, `locked_out` or
    /// `misheard`.
    pub fn as_str(self) -> &'static str {
        match self {
            CustomerVerdict::Verified { .. } => "verified",
            CustomerVerdict::NotVerified { .. } => "not_verified",
            CustomerVerdict::AlreadyUsed { .. } => "already_used",
            CustomerVerdict::LockedOut { .. } => "locked_out",
            CustomerVerdict::Misheard => "misheard",
        }
    }

    /// The outcome recorded in the audit trail for this verdict.
    pub fn audit_outcome(self) -> AuditOutcome {
        match self {
            CustomerVerdict::Verified { .. } => AuditOutcome::CustomerVerified,
            CustomerVerdict::NotVerified { .. } => AuditOutcome::CustomerNotVerified,
            CustomerVerdict::AlreadyUsed { .. } => AuditOutcome::CustomerAlreadyUsed,
            CustomerVerdict::LockedOut { .. } => AuditOutcome::CustomerLockedOut,
            CustomerVerdict::Misheard => AuditOutcome::CustomerMisheard,
        }
    }

    /// Whether the caller is verified.
    pub fn is_verified(self) -> bool {
        matches!(self, CustomerVerdict::Verified { .. })
    }

    /// The matched step (verified or already used).
    pub fn step(self) -> Option<u64> {
        match self {
            CustomerVerdict::Verified { step } | CustomerVerdict::AlreadyUsed { step } => {
                Some(step)
            }
            _ => None,
        }
    }

    /// Failures left before the lock (not verified).
    pub fn attempts_left(self) -> Option<u32> {
        match self {
            CustomerVerdict::NotVerified { attempts_left } => Some(attempts_left),
            _ => None,
        }
    }

    /// When the lock ends (locked out).
    pub fn locked_until(self) -> Option<u64> {
        match self {
            CustomerVerdict::LockedOut { until } => Some(until),
            _ => None,
        }
    }
}

/// What the agent's entry was, after the issuer compared it (in constant time, every
/// candidate of the window) with the account's customer codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CustomerEntry {
    /// The entry is the customer code of `step`.
    Matched {
        /// The matching step.
        step: u64,
    },
    /// A well-formed entry that matches no step of the window.
    NoMatch,
    /// The check digit is wrong (decided from the entry alone).
    Misheard,
}

/// One customer check put to the ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CustomerCheck<'a> {
    /// Unix time of the check, in seconds.
    pub time: u64,
    /// The account (already checked).
    pub account_id: &'a str,
    /// The agent who typed the entry, in canonical form.
    pub agent_id: &'a str,
    /// The ticket or reason.
    pub ticket: &'a str,
    /// The time step at `time`.
    pub current_step: u64,
    /// As in [`Issuance::base_epoch`](crate::Issuance::base_epoch).
    pub base_epoch: u32,
    /// The epoch the entry was compared at; a ledger whose account has another epoch (a
    /// re-enrollment during the check) refuses the check.
    pub epoch: u32,
    /// What the entry was.
    pub entry: CustomerEntry,
}

impl<'a> CustomerCheck<'a> {
    /// The audit event of this check with `verdict`: the matched step if any, else the
    /// current step.
    pub fn event(&self, verdict: CustomerVerdict) -> IssuanceEvent<'a> {
        self.event_with(verdict.audit_outcome())
    }

    /// The error of this check on a revoked account (recorded as `refused_revoked` with
    /// [`CustomerCheck::event_with`]).
    pub fn revoked(&self) -> crate::error::Error {
        crate::error::Error::AccountRevoked {
            account_id: crate::uri::truncate(self.account_id),
        }
    }

    /// The audit event of this check with `outcome` (`refused_revoked`, for instance).
    pub fn event_with(&self, outcome: AuditOutcome) -> IssuanceEvent<'a> {
        IssuanceEvent {
            time: self.time,
            outcome,
            account_id: self.account_id,
            agent_id: self.agent_id,
            ticket: self.ticket,
            step: match self.entry {
                CustomerEntry::Matched { step } => step,
                CustomerEntry::NoMatch | CustomerEntry::Misheard => self.current_step,
            },
            epoch: self.epoch,
        }
    }
}

/// One account's customer-check state, as a ledger keeps it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct CustomerState {
    /// Times of failed checks, oldest first (those that may still count).
    pub failures: Vec<u64>,
    /// When the lock ends, if the account was locked.
    pub locked_until: Option<u64>,
    /// The last step accepted as verified.
    pub last_accepted_step: Option<u64>,
}

/// The decision on one customer check, given the account's state: the verdict and the state
/// to store once the audit event ([`CustomerCheck::event`]) is durable. A ledger runs this
/// between reading and writing the account's state, in one atomic step.
pub fn decide_customer(
    state: &CustomerState,
    check: &CustomerCheck<'_>,
) -> (CustomerVerdict, CustomerState) {
    let now = check.time;
    let mut next = state.clone();
    if let Some(until) = state.locked_until {
        if lock_in_force(until, now) {
            return (CustomerVerdict::LockedOut { until }, next);
        }
        next.locked_until = None;
        next.failures.clear();
    }
    next.failures
        .retain(|&time| now.saturating_sub(time) < CUSTOMER_LOCKOUT_SECONDS);
    let verdict = match check.entry {
        CustomerEntry::Misheard => CustomerVerdict::Misheard,
        CustomerEntry::Matched { step }
            if next.last_accepted_step.is_some_and(|last| step <= last) =>
        {
            CustomerVerdict::AlreadyUsed { step }
        }
        CustomerEntry::Matched { step } => {
            next.failures.clear();
            next.last_accepted_step = Some(step);
            CustomerVerdict::Verified { step }
        }
        CustomerEntry::NoMatch => {
            next.failures.push(now);
            let failures = u32::try_from(next.failures.len()).unwrap_or(u32::MAX);
            if failures >= CUSTOMER_MAX_FAILURES {
                let until = now.saturating_add(CUSTOMER_LOCKOUT_SECONDS);
                next.locked_until = Some(until);
                CustomerVerdict::LockedOut { until }
            } else {
                CustomerVerdict::NotVerified {
                    attempts_left: CUSTOMER_MAX_FAILURES - failures,
                }
            }
        }
    };
    (verdict, next)
}

/// Whether a lock ending at `until` is in force at `now` (a lock that saturated at `u64::MAX`
/// never ends).
fn lock_in_force(until: u64, now: u64) -> bool {
    now < until || until == u64::MAX
}

//! Durable ledgers for the callsign [`Issuer`](callsign::Issuer): [`SqliteLedger`] (embedded,
//! one machine, survives restarts) and [`PostgresLedger`] (shared by a fleet of issuers).
//!
//! Both implement core's [`Ledger`] contract with the same steps ([`decide`], [`change`]) run
//! inside one database transaction; they differ only in how a transaction is held and how the
//! schema is laid out. [`open`] picks one from a location: `sqlite:PATH` or
//! `postgres://...` / `postgresql://...`.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod pg_pool;
mod postgres;
mod sqlite;

pub use postgres::{POSTGRES_SCHEMA_VERSION, PostgresLedger};
pub use sqlite::{SQLITE_SCHEMA_VERSION, SqliteLedger};

use callsign::{
    AUDIT_CHAIN_LEN, AUDIT_CHAIN_START, AccountChange, AccountState, AuditChainReport,
    AuditChainVerifier, AuditOutcome, AuditQuery, CustomerCheck, CustomerState, CustomerVerdict,
    Decision, Error, Issuance, IssuanceEvent, Ledger, LedgerFault, LedgerRecord, RateSlot,
};
use std::sync::Arc;
use std::time::Duration;

/// How long a ledger call may take by default before it fails with [`LedgerFault::Timeout`].
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2);

/// The longest timeout a ledger accepts.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(300);

/// A timeout given in seconds (bindings take it as a float): more than 0, at most
/// [`MAX_TIMEOUT`].
pub fn timeout_from_seconds(seconds: f64) -> Result<Duration, Error> {
    if seconds.is_finite() && seconds > 0.0 && seconds <= MAX_TIMEOUT.as_secs_f64() {
        Ok(Duration::from_secs_f64(seconds))
    } else {
        Err(Error::InvalidConfig {
            reason: "a ledger timeout must be more than 0 and at most 300 seconds",
        })
    }
}

/// Opens the ledger at `location` (`sqlite:PATH`, `postgres://...` or `postgresql://...`),
/// every call bounded by `timeout`.
pub fn open(location: &str, timeout: Duration) -> Result<Arc<dyn Ledger>, Error> {
    if let Some(path) = location.strip_prefix("sqlite:") {
        Ok(Arc::new(SqliteLedger::open(path, timeout)?))
    } else if location.starts_with("postgres://") || location.starts_with("postgresql://") {
        Ok(Arc::new(PostgresLedger::connect(location, timeout)?))
    } else {
        Err(LedgerFault::InvalidLocation.error(
            "a ledger location starts with sqlite: (then a path) or postgres:// (a connection URL)",
        ))
    }
}

/// One database transaction of a ledger, as the shared steps need it. Times, steps and epochs
/// are the database's signed 64-bit integers.
pub(crate) trait Tx {
    /// The stored epoch and revocation of an account, if it has any.
    fn account(&mut self, account_id: &str) -> Result<Option<(i64, bool)>, Error>;
    /// Sets an account's epoch and revocation.
    fn set_account(&mut self, account_id: &str, epoch: i64, revoked: bool) -> Result<(), Error>;
    /// How many codes the agent was issued after `after` (all when `None`).
    fn issued_count(&mut self, agent_id: &str, after: Option<i64>) -> Result<i64, Error>;
    /// The issue time of the agent's code at `offset` (oldest first) after `after`.
    fn issued_time(
        &mut self,
        agent_id: &str,
        after: Option<i64>,
        offset: i64,
    ) -> Result<Option<i64>, Error>;
    /// The chain hash of the agent's last audit row (`None`: no row, or a row from before the
    /// chain).
    fn last_chain(&mut self, agent_id: &str) -> Result<Option<Vec<u8>>, Error>;
    /// The reads of an issuance (see [`IssuanceReads`]); `after` is the rate-limit window's
    /// start when the agent has a limit (-1: every issued code counts). By default
    /// one statement per read; a backend may fold them into one round trip.
    fn issuance_reads(
        &mut self,
        account_ids: &[&str],
        agent_id: &str,
        after: Option<i64>,
    ) -> Result<IssuanceReads, Error> {
        default_issuance_reads(self, account_ids, agent_id, after)
    }
    /// Inserts audit rows, each with its chain hash (see [`append`]).
    fn insert(
        &mut self,
        events: &[IssuanceEvent<'_>],
        chains: &[[u8; AUDIT_CHAIN_LEN]],
    ) -> Result<(), Error>;
    /// The stored customer-check state of an account: failure times, lock end, last accepted
    /// step.
    fn customer_state(&mut self, account_id: &str) -> Result<Option<StoredCustomer>, Error>;
    /// Stores an account's customer-check state.
    fn set_customer_state(&mut self, account_id: &str, state: &StoredCustomer)
    -> Result<(), Error>;
}

/// Appends audit rows in a transaction, each chained by core ([`callsign::audit_chain_batch`])
/// onto its agent's last row. The caller's transaction keeps each agent's rows in order (the
/// agent's advisory lock on PostgreSQL, the write lock on SQLite).
pub(crate) fn append(tx: &mut dyn Tx, events: &[IssuanceEvent<'_>]) -> Result<(), Error> {
    let chains = callsign::audit_chain_batch(events, |agent_id| {
        Ok::<_, Error>(match tx.last_chain(agent_id)? {
            Some(chain) => chain_from_sql(&chain).unwrap_or(AUDIT_CHAIN_START),
            None => AUDIT_CHAIN_START,
        })
    })?;
    tx.insert(events, &chains)
}

/// A stored chain hash, `None` unless it is exactly 32 bytes.
fn chain_from_sql(chain: &[u8]) -> Option<[u8; AUDIT_CHAIN_LEN]> {
    chain.try_into().ok()
}

/// A customer-check state in the database's integers: failure times (oldest first), lock end,
/// last accepted step.
pub(crate) type StoredCustomer = (Vec<i64>, Option<i64>, Option<i64>);

/// A stored customer-check state as core's.
fn customer_from_sql(stored: Option<StoredCustomer>) -> Result<CustomerState, Error> {
    let Some((failures, locked_until, last_accepted_step)) = stored else {
        return Ok(CustomerState::default());
    };
    Ok(CustomerState {
        failures: failures
            .into_iter()
            .map(|time| from_sql_u64(time, "failure time"))
            .collect::<Result<_, _>>()?,
        locked_until: locked_until
            .map(|until| from_sql_u64(until, "lock end"))
            .transpose()?,
        last_accepted_step: last_accepted_step
            .map(|step| from_sql_u64(step, "time step"))
            .transpose()?,
    })
}

/// Core's customer-check state in the database's integers.
fn customer_to_sql(state: &CustomerState) -> Result<StoredCustomer, Error> {
    Ok((
        state
            .failures
            .iter()
            .map(|&time| sql_int(time, "failure time"))
            .collect::<Result<_, _>>()?,
        state
            .locked_until
            .map(|until| sql_int(until, "lock end"))
            .transpose()?,
        state
            .last_accepted_step
            .map(|step| sql_int(step, "time step"))
            .transpose()?,
    ))
}

/// An account's customer-check state in a transaction.
pub(crate) fn customer_in(tx: &mut dyn Tx, account_id: &str) -> Result<CustomerState, Error> {
    customer_from_sql(tx.customer_state(account_id)?)
}

/// A customer check inside one transaction (the caller holds the account's lock for it): the
/// outer error rolls back (nothing recorded), the inner result is committed (a verdict, or the
/// refusal of a revoked account, each with its audit row).
pub(crate) fn check_customer_in(
    tx: &mut dyn Tx,
    check: &CustomerCheck<'_>,
) -> Result<Result<CustomerVerdict, Error>, Error> {
    check_ids(&[check.account_id], check.agent_id, check.ticket)?;
    sql_int(check.time, "audit time")?;
    let account = account_in(tx, check.account_id, check.base_epoch)?;
    if account.revoked {
        append(tx, &[check.event_with(AuditOutcome::RefusedRevoked)])?;
        return Ok(Err(check.revoked()));
    }
    if account.epoch != check.epoch {
        return Err(callsign::stale_epoch());
    }
    let state = customer_in(tx, check.account_id)?;
    let (verdict, next) = callsign::decide_customer(&state, check);
    append(tx, &[check.event(verdict)])?;
    if next != state {
        tx.set_customer_state(check.account_id, &customer_to_sql(&next)?)?;
    }
    Ok(Ok(verdict))
}

/// `value` as the database's integer, or [`Error::Overflow`] naming `what`.
pub(crate) fn sql_int(value: u64, what: &'static str) -> Result<i64, Error> {
    i64::try_from(value).map_err(|_| Error::Overflow { what })
}

/// A database integer back as `u64` (negative values are a damaged row).
pub(crate) fn from_sql_u64(value: i64, what: &str) -> Result<u64, Error> {
    u64::try_from(value)
        .map_err(|_| LedgerFault::Failed.error(format!("the ledger holds a negative {what}")))
}

/// A database integer back as an epoch.
pub(crate) fn from_sql_epoch(value: i64) -> Result<u32, Error> {
    u32::try_from(value)
        .map_err(|_| LedgerFault::Failed.error("the ledger holds an epoch outside 0..2^32"))
}

/// The outcome stored as `name`.
pub(crate) fn outcome_named(name: &str) -> Result<AuditOutcome, Error> {
    AuditOutcome::from_name(name).ok_or_else(|| {
        LedgerFault::Failed.error(format!("the ledger holds an unknown outcome {name:?}"))
    })
}

/// Checks what a caller of the ledger may hand in directly (the issuer checks the lengths
/// too), and refuses NUL characters, which database text cannot hold.
pub(crate) fn check_ids(account_ids: &[&str], agent_id: &str, ticket: &str) -> Result<(), Error> {
    for account_id in account_ids {
        check_account(account_id)?;
    }
    callsign::check_audit_fields(agent_id, ticket)?;
    check_no_nul("agent id", agent_id)?;
    check_no_nul("ticket", ticket)
}

/// [`check_ids`] for one account id.
pub(crate) fn check_account(account_id: &str) -> Result<(), Error> {
    callsign::check_account_id(account_id)?;
    check_no_nul("account id", account_id)
}

/// [`check_ids`] for an account change.
pub(crate) fn check_change(change: &AccountChange<'_>) -> Result<(), Error> {
    check_ids(&[change.account_id], change.agent_id, change.reason)
}

fn check_no_nul(field: &'static str, text: &str) -> Result<(), Error> {
    match text.bytes().position(|byte| byte == 0) {
        Some(position) => Err(Error::NulInIdentifier { field, position }),
        None => Ok(()),
    }
}

fn state(stored: Option<(i64, bool)>, base_epoch: u32) -> Result<AccountState, Error> {
    Ok(match stored {
        None => AccountState {
            epoch: base_epoch,
            revoked: false,
        },
        Some((epoch, revoked)) => AccountState {
            epoch: from_sql_epoch(epoch)?.max(base_epoch),
            revoked,
        },
    })
}

/// An account's state in a transaction.
pub(crate) fn account_in(
    tx: &mut dyn Tx,
    account_id: &str,
    base_epoch: u32,
) -> Result<AccountState, Error> {
    state(tx.account(account_id)?, base_epoch)
}

/// The issuance steps inside one transaction: accounts, rate limit, audit rows. The caller
/// commits whatever this returns `Ok` for (refusals are recorded too) and rolls back on `Err`.
pub(crate) fn decide(tx: &mut dyn Tx, issuance: &Issuance<'_>) -> Result<Decision, Error> {
    check_ids(issuance.account_ids, issuance.agent_id, issuance.ticket)?;
    sql_int(issuance.time, "audit time")?;
    sql_int(issuance.step, "time step")?;
    // With a limit: the window's start (-1 when every issued code counts).
    let after = issuance
        .rate_limit
        .map(|limit| {
            callsign::window_start(limit, issuance.time)
                .map_or(Ok(-1), |start| sql_int(start, "rate-limit window"))
        })
        .transpose()?;
    let reads = tx.issuance_reads(issuance.account_ids, issuance.agent_id, after)?;
    // Every path appends the issuance's events, all of its agent, onto the head read above.
    let append = |tx: &mut dyn Tx, events: &[IssuanceEvent<'_>]| {
        let head = reads.head.as_deref().and_then(chain_from_sql);
        let chains = callsign::audit_chain_batch(events, |_| {
            Ok::<_, Error>(head.unwrap_or(AUDIT_CHAIN_START))
        })?;
        tx.insert(events, &chains)
    };
    let mut epochs = Vec::with_capacity(issuance.account_ids.len());
    for (account_id, stored) in issuance.account_ids.iter().zip(&reads.accounts) {
        let state = state(*stored, issuance.base_epoch)?;
        if state.revoked {
            append(
                tx,
                &[issuance.event(AuditOutcome::RefusedRevoked, account_id, state.epoch)],
            )?;
            return Ok(Decision::Revoked {
                account_id: (*account_id).to_owned(),
            });
        }
        epochs.push(state.epoch);
    }
    if let (Some(limit), Some(after)) = (issuance.rate_limit, after) {
        let used = usize::try_from(reads.issued.unwrap_or(0)).unwrap_or(0);
        let retry_at = match RateSlot::of(limit, used, issuance.account_ids.len()) {
            RateSlot::Fits => None,
            RateSlot::Never => Some(None),
            RateSlot::After(index) => {
                let offset = sql_int(index as u64, "rate-limit offset")?;
                let time = tx.issued_time(issuance.agent_id, Some(after), offset)?;
                Some(match time {
                    Some(time) => RateSlot::retry_at(limit, from_sql_u64(time, "audit time")?),
                    None => None,
                })
            }
        };
        if let Some(retry_at) = retry_at {
            append(
                tx,
                &issuance.events(AuditOutcome::RefusedRateLimited, Some(&epochs)),
            )?;
            return Ok(Decision::RateLimited { retry_at });
        }
    }
    append(tx, &issuance.events(AuditOutcome::Issued, Some(&epochs)))?;
    Ok(Decision::Go { epochs })
}

/// [`Tx::issuance_reads`] one statement per read.
pub(crate) fn default_issuance_reads<T: Tx + ?Sized>(
    tx: &mut T,
    account_ids: &[&str],
    agent_id: &str,
    after: Option<i64>,
) -> Result<IssuanceReads, Error> {
    Ok(IssuanceReads {
        accounts: account_ids
            .iter()
            .map(|account_id| tx.account(account_id))
            .collect::<Result<_, _>>()?,
        issued: after
            .map(|after| tx.issued_count(agent_id, Some(after)))
            .transpose()?,
        head: tx.last_chain(agent_id)?,
    })
}

/// What an issuance reads before it decides, in its transaction: each account's stored epoch
/// and revocation (in order), the agent's issued codes in the window (when it has a limit)
/// and the chain hash of the agent's last audit row.
pub(crate) struct IssuanceReads {
    pub(crate) accounts: Vec<Option<(i64, bool)>>,
    pub(crate) issued: Option<i64>,
    pub(crate) head: Option<Vec<u8>>,
}

/// A revocation or re-enrollment inside one transaction (the caller holds the account's lock
/// for it); the account's state afterwards.
pub(crate) fn change(
    tx: &mut dyn Tx,
    change: &AccountChange<'_>,
    outcome: AuditOutcome,
) -> Result<AccountState, Error> {
    check_change(change)?;
    sql_int(change.time, "audit time")?;
    let current = account_in(tx, change.account_id, change.base_epoch)?;
    let next = if outcome == AuditOutcome::Reenrolled {
        AccountState {
            epoch: callsign::next_epoch(current.epoch)?,
            revoked: false,
        }
    } else {
        AccountState {
            epoch: current.epoch,
            revoked: true,
        }
    };
    tx.set_account(change.account_id, i64::from(next.epoch), next.revoked)?;
    append(tx, &[change.event(outcome, next.epoch)])?;
    Ok(next)
}

/// The SQL (after `SELECT ... FROM table`) and parameters of an audit query, with `$n` or `?n`
/// placeholders as `placeholder` writes them.
pub(crate) fn audit_query_sql(
    query: &AuditQuery<'_>,
    placeholder: fn(usize) -> String,
) -> Result<(String, Vec<SqlValue>), Error> {
    query.check()?;
    let mut conditions = Vec::new();
    let mut values = Vec::new();
    if let Some(agent_id) = query.agent_id {
        values.push(SqlValue::Text(agent_id.to_owned()));
        conditions.push(format!("agent_id = {}", placeholder(values.len())));
    }
    if let Some(account_id) = query.account_id {
        values.push(SqlValue::Text(account_id.to_owned()));
        conditions.push(format!("account_id = {}", placeholder(values.len())));
    }
    if let Some(since) = query.since {
        values.push(SqlValue::Int(sql_int(since, "audit query time")?));
        conditions.push(format!("time >= {}", placeholder(values.len())));
    }
    if let Some(until) = query.until {
        values.push(SqlValue::Int(sql_int(until, "audit query time")?));
        conditions.push(format!("time < {}", placeholder(values.len())));
    }
    let mut sql = String::new();
    if !conditions.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(&conditions.join(" AND "));
    }
    values.push(SqlValue::Int(sql_int(
        query.limit as u64,
        "audit query limit",
    )?));
    sql.push_str(" ORDER BY time DESC, id DESC LIMIT ");
    sql.push_str(&placeholder(values.len()));
    Ok((sql, values))
}

/// A query parameter of [`audit_query_sql`].
#[derive(Debug, Clone)]
pub(crate) enum SqlValue {
    Text(String),
    Int(i64),
}

/// The columns of an audit row read back, in [`AuditRow`]'s order.
pub(crate) const AUDIT_COLUMNS: &str =
    "time, outcome, account_id, agent_id, ticket, step, epoch, chain";

/// An audit row read back: time, outcome, account, agent, ticket, step, epoch, chain.
pub(crate) type AuditRow = (
    i64,
    String,
    String,
    String,
    String,
    i64,
    i64,
    Option<Vec<u8>>,
);

/// An audit row as a record (a missing or damaged chain hash reads as an empty one, which the
/// chain verifier reports).
pub(crate) fn audit_record(row: AuditRow) -> Result<LedgerRecord, Error> {
    let (time, outcome, account_id, agent_id, ticket, step, epoch, chain) = row;
    Ok(LedgerRecord {
        chain: chain
            .as_deref()
            .and_then(chain_from_sql)
            .map(|chain| callsign::audit_chain_hex(&chain))
            .unwrap_or_default(),
        time: from_sql_u64(time, "audit time")?,
        outcome: outcome_named(&outcome)?,
        account_id,
        agent_id,
        ticket,
        step: from_sql_u64(step, "time step")?,
        epoch: from_sql_epoch(epoch)?,
    })
}

/// Checks the chain of audit rows read in the order they were stored: `(row id, row)`. A row
/// that cannot be read as a record is a break at that row.
pub(crate) fn verify_rows(
    rows: impl IntoIterator<Item = Result<(i64, AuditRow), Error>>,
) -> Result<AuditChainReport, Error> {
    let mut verifier = AuditChainVerifier::new();
    for row in rows {
        let (id, row) = row?;
        if !verify_row(&mut verifier, id, row) {
            break;
        }
    }
    Ok(verifier.finish())
}

/// Checks the next audit row (`id` names it in a report); false once the chain is broken.
pub(crate) fn verify_row(verifier: &mut AuditChainVerifier, id: i64, row: AuditRow) -> bool {
    let position = u64::try_from(id).unwrap_or(0);
    let agent_id = row.3.clone();
    match audit_record(row) {
        Ok(record) => verifier.check_record(&record, Some(position)),
        Err(error) => {
            verifier.unreadable_at(position, Some(agent_id), error.to_string());
            false
        }
    }
}

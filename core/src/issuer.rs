//! The vendor side: issues agent codes, audits every issuance, enforces a per-agent rate
//! limit, and caches call keys.

use crate::audit::AuditSink;
use crate::inbound::{CustomerCheck, CustomerEntry, CustomerVerdict};
use crate::ledger::{
    AccountChange, AuditQuery, Decision, Issuance, Ledger, LedgerRecord, MemoryLedger,
};
use crate::profile::{self, MasterKey, ProfileEntry, ProfileParams};
use crate::{Enrollment, Error, TimedCode, Totp, Window};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};

/// Largest agent id length in bytes.
pub const MAX_AGENT_ID_LEN: usize = 128;
/// Largest ticket or reason length in bytes.
pub const MAX_TICKET_LEN: usize = 256;

/// At most `max_codes` codes per agent in any `window_seconds` seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RateLimit {
    /// Codes allowed per window (at least 1).
    pub max_codes: u32,
    /// The rolling window in seconds (at least 1).
    pub window_seconds: u64,
}

impl Default for RateLimit {
    /// 30 codes per agent per hour.
    fn default() -> RateLimit {
        RateLimit {
            max_codes: 30,
            window_seconds: 3600,
        }
    }
}

/// How an [`Issuer`] works.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IssuerConfig {
    /// The key epoch of every account secret (bump it to rotate all of them); an account
    /// re-enrolled in the ledger uses the larger of this and its own epoch.
    pub epoch: u32,
    /// Digits and period of the codes, and whether every code (agent and customer) carries a
    /// check digit: this decides the `check` parameter of the issuer's enrollments.
    pub params: ProfileParams,
    /// The per-agent rate limit; `None` for trusted batch jobs only.
    pub rate_limit: Option<RateLimit>,
    /// How many accounts' call keys are cached (the cache empties when full).
    pub cache_capacity: usize,
    /// The most threads one [`Issuer::issue_many`] call computes codes on (at least 1). A batch
    /// uses one thread per [`MIN_BATCH_PER_THREAD`] accounts up to this bound; 1 keeps every
    /// batch on the calling thread.
    pub batch_threads: usize,
}

/// The fewest accounts a batch gives each of its threads: below that, starting a thread
/// costs more than it saves.
pub const MIN_BATCH_PER_THREAD: usize = 2048;

impl Default for IssuerConfig {
    /// Epoch 0, 6 digits, 30 s, 30 codes per agent per hour, 10,000 cached accounts, batches
    /// on as many threads as the process may run in parallel (at most 8).
    fn default() -> IssuerConfig {
        IssuerConfig {
            epoch: 0,
            params: ProfileParams::default(),
            rate_limit: Some(RateLimit::default()),
            cache_capacity: 10_000,
            batch_threads: std::thread::available_parallelism()
                .map_or(1, |threads| threads.get().min(8)),
        }
    }
}

/// Who asks for a code, for which account, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IssueRequest<'a> {
    /// The customer's account id (1..=256 bytes).
    pub account_id: &'a str,
    /// The agent's id (1..=128 bytes in its canonical form, see [`crate::canonical_agent_id`]).
    pub agent_id: &'a str,
    /// The ticket number or reason for the call (1..=256 bytes).
    pub ticket: &'a str,
}

/// A call key: the epoch it was derived at and the account's code generator.
type CallKey = (u32, Arc<Totp>);

/// Issues agent codes from the master key. Safe to share between threads.
pub struct Issuer {
    master_key: MasterKey,
    config: IssuerConfig,
    ledger: Arc<dyn Ledger>,
    /// Call keys by account id, each with the epoch it was derived at: a key is used only for
    /// the epoch the ledger hands out, so a re-enrollment anywhere is honoured at once.
    /// foldhash (randomly seeded per map) instead of `SipHash`: the lookup is on the issuance
    /// hot path, and the cache's capacity bounds what a flood of colliding ids could cost.
    call_keys: RwLock<HashMap<String, CallKey, foldhash::fast::RandomState>>,
}

impl Issuer {
    /// An issuer over `master_key` that audits to `sink`, with its rate limit and account
    /// lifecycles in this process ([`MemoryLedger::with_sink`]).
    pub fn new(
        master_key: MasterKey,
        config: IssuerConfig,
        sink: Arc<dyn AuditSink>,
    ) -> Result<Issuer, Error> {
        Issuer::with_ledger(master_key, config, Arc::new(MemoryLedger::with_sink(sink)))
    }

    /// An issuer over `master_key` that keeps audit, rate limits and account lifecycles in
    /// `ledger` (shared by every issuer of a fleet).
    pub fn with_ledger(
        master_key: MasterKey,
        config: IssuerConfig,
        ledger: Arc<dyn Ledger>,
    ) -> Result<Issuer, Error> {
        if let Some(limit) = config.rate_limit
            && (limit.max_codes == 0 || limit.window_seconds == 0)
        {
            return Err(Error::InvalidConfig {
                reason: "the rate limit needs at least 1 code and a window of at least 1 second",
            });
        }
        if config.batch_threads == 0 {
            return Err(Error::InvalidConfig {
                reason: "batches need at least 1 thread",
            });
        }
        Ok(Issuer {
            master_key,
            config,
            ledger,
            call_keys: RwLock::new(HashMap::default()),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &IssuerConfig {
        &self.config
    }

    /// The ledger.
    pub fn ledger(&self) -> &Arc<dyn Ledger> {
        &self.ledger
    }

    /// The agent code for one account at unix time `now`.
    ///
    /// Order: inputs checked; the ledger decides in one atomic step (account not revoked, its
    /// epoch, the agent's rate limit, the event recorded: a refusal is recorded too and
    /// reported as [`Error::AccountRevoked`] or [`Error::RateLimited`]); only then is the code
    /// computed and returned. A failing sink or ledger gives [`Error::AuditFailed`] or
    /// [`Error::Ledger`] and no code.
    pub fn issue(&self, request: &IssueRequest<'_>, now: u64) -> Result<TimedCode, Error> {
        self.issue_with(None, request, now)
    }

    /// A handle on one account's cached call key, for issuing several codes (a support tool
    /// that keeps the customer's record open during a call): each issuance through it skips
    /// the cache lookup as well as HKDF while the account's epoch stays the same, and is
    /// audited and rate-limited like [`Issuer::issue`].
    pub fn account(&self, account_id: &str) -> Result<IssuerAccount<'_>, Error> {
        let epoch = self.account_epoch(account_id)?;
        Ok(IssuerAccount {
            issuer: self,
            account_id: account_id.to_owned(),
            key: (epoch, self.call_key(account_id, epoch)?),
        })
    }

    /// Issues one code, with `key` when it is the account's call key at the epoch the ledger
    /// hands out: checks, lets the ledger decide (and record), computes.
    fn issue_with(
        &self,
        key: Option<&CallKey>,
        request: &IssueRequest<'_>,
        now: u64,
    ) -> Result<TimedCode, Error> {
        let agent_id = checked_agent(request.agent_id, request.ticket)?;
        profile::check_account_id(request.account_id)?;
        let epochs = self.decide(&agent_id, request.ticket, &[request.account_id], now)?;
        let epoch = epochs[0];
        let code = match key {
            Some((key_epoch, generator)) if *key_epoch == epoch => generator.timed_code_at(now)?,
            _ => self.code_at_epoch(request.account_id, epoch, now)?,
        };
        Ok(self.config.params.present(code))
    }

    /// Checks the customer code that a customer calling in read to the agent (Addition A), at
    /// unix time `now`.
    ///
    /// Order: inputs checked, the entry read (malformed: an error, no attempt; with a check
    /// digit, a wrong one is [`CustomerVerdict::Misheard`] and exactly `d` digits is
    /// [`Error::CheckDigitMissing`]); the entry compared in constant time with the customer
    /// codes of the window (1 behind, 1 ahead) at the account's epoch; then the ledger decides
    /// in one atomic step per account (lock, replay, failures for every agent and server
    /// sharing it) and records the check before the verdict is returned. A failing record is
    /// an error, never "verified".
    pub fn verify_customer(
        &self,
        request: &IssueRequest<'_>,
        entry: &str,
        now: u64,
    ) -> Result<CustomerVerdict, Error> {
        let agent_id = checked_agent(request.agent_id, request.ticket)?;
        profile::check_account_id(request.account_id)?;
        let params = self.config.params;
        let read = params.read_entry(entry)?;
        let epoch = self.account_epoch(request.account_id)?;
        let entry = match read {
            ProfileEntry::Misheard => CustomerEntry::Misheard,
            ProfileEntry::Code(code) => {
                let secret = self.master_key.account_secret(request.account_id, epoch)?;
                match profile::customer_totp(&secret, params)?.verify(
                    code.as_str(),
                    now,
                    Window::default(),
                )? {
                    Some(matched) => CustomerEntry::Matched { step: matched.step },
                    None => CustomerEntry::NoMatch,
                }
            }
        };
        self.ledger.check_customer(&CustomerCheck {
            time: now,
            account_id: request.account_id,
            agent_id: &agent_id,
            ticket: request.ticket,
            current_step: now / params.period(),
            base_epoch: self.config.epoch,
            epoch,
            entry,
        })
    }

    /// Puts an issuance to the ledger: the accounts' epochs when it may go ahead (and the
    /// events are recorded), else the refusal (recorded) as an error.
    fn decide(
        &self,
        agent_id: &str,
        ticket: &str,
        account_ids: &[&str],
        now: u64,
    ) -> Result<Vec<u32>, Error> {
        let issuance = Issuance {
            time: now,
            agent_id,
            ticket,
            step: now / self.config.params.period(),
            base_epoch: self.config.epoch,
            account_ids,
            rate_limit: self.config.rate_limit,
        };
        match self.ledger.issue(&issuance)? {
            Decision::Go { epochs } if epochs.len() == account_ids.len() => Ok(epochs),
            Decision::Go { .. } => Err(crate::LedgerFault::Failed
                .error("the ledger answered with another number of epochs than accounts")),
            Decision::Revoked { account_id } => Err(Error::AccountRevoked {
                account_id: crate::uri::truncate(&account_id),
            }),
            Decision::RateLimited { retry_at } => {
                let limit = self.config.rate_limit.unwrap_or_default();
                Err(match retry_at {
                    Some(retry_at) => Error::RateLimited {
                        agent_id: crate::uri::truncate(agent_id),
                        max_codes: limit.max_codes,
                        window_seconds: limit.window_seconds,
                        retry_at,
                    },
                    None => Error::BatchExceedsRateLimit {
                        agent_id: crate::uri::truncate(agent_id),
                        count: account_ids.len(),
                        max_codes: limit.max_codes,
                        window_seconds: limit.window_seconds,
                    },
                })
            }
        }
    }

    /// Revokes an account at unix time `now` (recorded under `agent_id` and `reason`): no
    /// issuer sharing the ledger issues codes for it until it is re-enrolled.
    pub fn revoke(
        &self,
        account_id: &str,
        agent_id: &str,
        reason: &str,
        now: u64,
    ) -> Result<(), Error> {
        let agent_id = checked_agent(agent_id, reason)?;
        profile::check_account_id(account_id)?;
        self.ledger
            .revoke(&self.account_change(account_id, &agent_id, reason, now))
    }

    /// Re-enrolls an account at unix time `now` (recorded under `agent_id` and `reason`): its
    /// epoch goes up by one, so the old enrollment's device rejects every new code, and a
    /// revocation ends. Returns the new enrollment to hand to the customer's app.
    pub fn reenroll(
        &self,
        issuer_name: &str,
        account_id: &str,
        agent_id: &str,
        reason: &str,
        now: u64,
    ) -> Result<Enrollment, Error> {
        let agent_id = checked_agent(agent_id, reason)?;
        profile::check_account_id(account_id)?;
        // The issuer name is checked before anything is recorded.
        Enrollment::new(
            issuer_name,
            account_id,
            self.master_key.account_secret(account_id, 0)?,
            0,
            self.config.params,
        )?;
        let epoch = self
            .ledger
            .reenroll(&self.account_change(account_id, &agent_id, reason, now))?;
        self.enrollment_at(issuer_name, account_id, epoch)
    }

    fn account_change<'a>(
        &self,
        account_id: &'a str,
        agent_id: &'a str,
        reason: &'a str,
        now: u64,
    ) -> AccountChange<'a> {
        AccountChange {
            time: now,
            account_id,
            agent_id,
            reason,
            base_epoch: self.config.epoch,
        }
    }

    /// The account's current key epoch in the ledger.
    pub fn account_epoch(&self, account_id: &str) -> Result<u32, Error> {
        profile::check_account_id(account_id)?;
        Ok(self.ledger.account(account_id, self.config.epoch)?.epoch)
    }

    /// Audit records from the ledger, for supervisors: the newest `query.limit` matching
    /// records, newest first ([`Ledger::audit_events`]); an agent id in the query is taken in
    /// its canonical form.
    pub fn audit_events(&self, query: &AuditQuery<'_>) -> Result<Vec<LedgerRecord>, Error> {
        let agent_id = query
            .agent_id
            .map(|agent_id| checked_agent(agent_id, "-"))
            .transpose()?;
        self.ledger.audit_events(&AuditQuery {
            agent_id: agent_id.as_deref(),
            ..*query
        })
    }

    /// Codes for many accounts at once (a trusted batch job, for instance), all audited under
    /// one agent and reason. All or nothing: a bad account id, the rate limit or a failing
    /// sink means no code at all.
    pub fn issue_many<S: AsRef<str> + Sync>(
        &self,
        agent_id: &str,
        reason: &str,
        account_ids: &[S],
        now: u64,
    ) -> Result<Vec<TimedCode>, Error> {
        let agent_id = checked_agent(agent_id, reason)?;
        if account_ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<&str> = account_ids.iter().map(AsRef::as_ref).collect();
        for account_id in &ids {
            profile::check_account_id(account_id)?;
        }
        let epochs = self.decide(&agent_id, reason, &ids, now)?;
        let codes = self.batch_codes(&ids, &epochs, now)?;
        if self.config.params.check_digit() {
            Ok(codes
                .into_iter()
                .map(|code| self.config.params.present(code))
                .collect())
        } else {
            Ok(codes)
        }
    }

    /// The codes of a batch at `now`, in order: on the calling thread, or for a large batch
    /// split into runs of consecutive accounts on up to `batch_threads` scoped threads (on the
    /// calling thread alone if the system refuses a thread).
    fn batch_codes(
        &self,
        account_ids: &[&str],
        epochs: &[u32],
        now: u64,
    ) -> Result<Vec<TimedCode>, Error> {
        let threads = self
            .config
            .batch_threads
            .min(account_ids.len() / MIN_BATCH_PER_THREAD);
        if threads <= 1 {
            return self.batch_codes_here(account_ids, epochs, now);
        }
        let run_len = account_ids.len().div_ceil(threads);
        std::thread::scope(|scope| {
            let mut runs = Vec::with_capacity(threads);
            for (run, run_epochs) in account_ids.chunks(run_len).zip(epochs.chunks(run_len)) {
                let spawned = std::thread::Builder::new()
                    .name("callsign-batch".to_owned())
                    .spawn_scoped(scope, move || self.batch_codes_here(run, run_epochs, now));
                runs.push(match spawned {
                    Ok(thread) => RunCodes::Running(thread),
                    Err(_) => RunCodes::Here(run, run_epochs),
                });
            }
            let mut codes = Vec::with_capacity(account_ids.len());
            for run in runs {
                // The first failing run (in account order) decides the error, as on one thread.
                codes.extend(match run {
                    RunCodes::Running(thread) => thread
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?,
                    RunCodes::Here(run, run_epochs) => {
                        self.batch_codes_here(run, run_epochs, now)?
                    }
                });
            }
            Ok(codes)
        })
    }

    /// The codes of `account_ids` (each at its epoch in `epochs`) at `now`, on the calling
    /// thread. Cached accounts are looked up under one read lock, up to the first account
    /// that is not cached at its epoch; from there on, one lookup (and, where needed, a
    /// derivation) per account.
    fn batch_codes_here(
        &self,
        account_ids: &[&str],
        epochs: &[u32],
        now: u64,
    ) -> Result<Vec<TimedCode>, Error> {
        let mut codes = Vec::with_capacity(account_ids.len());
        {
            let cache = self
                .call_keys
                .read()
                .unwrap_or_else(PoisonError::into_inner);
            for (account_id, &epoch) in account_ids.iter().zip(epochs) {
                let Some((_, generator)) = cache
                    .get(*account_id)
                    .filter(|(cached_epoch, _)| *cached_epoch == epoch)
                else {
                    break;
                };
                codes.push(batch_code(generator, now, codes.first())?);
            }
        }
        for (account_id, &epoch) in account_ids.iter().zip(epochs).skip(codes.len()) {
            let code = batch_code(&*self.call_key(account_id, epoch)?, now, codes.first())?;
            codes.push(code);
        }
        Ok(codes)
    }

    /// The enrollment payload for an account at its current epoch in the ledger, to hand to
    /// the customer's app.
    pub fn enrollment(&self, issuer_name: &str, account_id: &str) -> Result<Enrollment, Error> {
        let epoch = self.account_epoch(account_id)?;
        self.enrollment_at(issuer_name, account_id, epoch)
    }

    fn enrollment_at(
        &self,
        issuer_name: &str,
        account_id: &str,
        epoch: u32,
    ) -> Result<Enrollment, Error> {
        Enrollment::new(
            issuer_name,
            account_id,
            self.master_key.account_secret(account_id, epoch)?,
            epoch,
            self.config.params,
        )
    }

    /// The account's code generator at `epoch`: from the cache (one read lock, held only for
    /// the lookup), or derived from the master key and cached.
    fn call_key(&self, account_id: &str, epoch: u32) -> Result<Arc<Totp>, Error> {
        let cached = self
            .call_keys
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(account_id)
            .filter(|(cached_epoch, _)| *cached_epoch == epoch)
            .map(|(_, generator)| Arc::clone(generator));
        match cached {
            Some(generator) => Ok(generator),
            None => self.derive_and_cache(account_id, epoch),
        }
    }

    /// The account's code at `epoch` and `now`: computed under the cache's read lock when the
    /// call key is cached (no reference count taken and dropped), else derived and cached.
    fn code_at_epoch(&self, account_id: &str, epoch: u32, now: u64) -> Result<TimedCode, Error> {
        {
            let cache = self
                .call_keys
                .read()
                .unwrap_or_else(PoisonError::into_inner);
            if let Some((_, generator)) = cache
                .get(account_id)
                .filter(|(cached_epoch, _)| *cached_epoch == epoch)
            {
                return generator.timed_code_at(now);
            }
        }
        self.derive_and_cache(account_id, epoch)?.timed_code_at(now)
    }

    /// Derives an account's code generator at `epoch` from the master key and caches it (the
    /// cache empties when full).
    fn derive_and_cache(&self, account_id: &str, epoch: u32) -> Result<Arc<Totp>, Error> {
        let secret = self.master_key.account_secret(account_id, epoch)?;
        let generator = Arc::new(profile::agent_totp(&secret, self.config.params)?);
        if self.config.cache_capacity > 0 {
            let mut cache = self
                .call_keys
                .write()
                .unwrap_or_else(PoisonError::into_inner);
            if cache.len() >= self.config.cache_capacity {
                cache.clear();
            }
            cache.insert(account_id.to_owned(), (epoch, Arc::clone(&generator)));
        }
        Ok(generator)
    }
}

impl core::fmt::Debug for Issuer {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Issuer")
            .field("master_key", &self.master_key)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// One account of an [`Issuer`], with its call key at hand. See [`Issuer::account`].
pub struct IssuerAccount<'a> {
    issuer: &'a Issuer,
    account_id: String,
    key: CallKey,
}

impl IssuerAccount<'_> {
    /// The account id.
    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    /// The agent code at unix time `now`, for `agent_id` under `ticket`; checked, rate-limited
    /// and audited exactly like [`Issuer::issue`].
    pub fn issue(&self, agent_id: &str, ticket: &str, now: u64) -> Result<TimedCode, Error> {
        let request = IssueRequest {
            account_id: &self.account_id,
            agent_id,
            ticket,
        };
        self.issuer.issue_with(Some(&self.key), &request, now)
    }
}

impl core::fmt::Debug for IssuerAccount<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("IssuerAccount")
            .field("account_id", &self.account_id)
            .finish_non_exhaustive()
    }
}

/// One run of a batch: computing on its own thread, or left to the calling thread because the
/// system refused a thread.
enum RunCodes<'scope, 'run, S> {
    Running(std::thread::ScopedJoinHandle<'scope, Result<Vec<TimedCode>, Error>>),
    Here(&'run [S], &'run [u32]),
}

/// The code of `generator` at `now`; with `first`, an earlier code of the same batch, its step
/// and validity are taken over instead of computed again. Every call key of an issuer has the
/// issuer's period and T0, so every code of a batch has the same step.
fn batch_code(generator: &Totp, now: u64, first: Option<&TimedCode>) -> Result<TimedCode, Error> {
    match first {
        Some(first) => Ok(TimedCode {
            code: generator.code_for_step(first.step),
            step: first.step,
            valid_until: first.valid_until,
            seconds_remaining: first.seconds_remaining,
        }),
        None => generator.timed_code_at(now),
    }
}

/// The agent id in the one form the rate limit and the audit use
/// ([`crate::canonical_agent_id`]: `Agent-7` and `agent-7` share one limit), after checking it
/// and the ticket. Every issuer path goes through here.
fn checked_agent<'a>(agent_id: &'a str, ticket: &str) -> Result<Cow<'a, str>, Error> {
    let canonical = crate::agent_id::canonical_agent_id_cow(agent_id)?;
    check_audit_fields(&canonical, ticket)?;
    Ok(canonical)
}

/// Checks an agent id and a ticket (or reason) for the audit trail: 1 to
/// [`MAX_AGENT_ID_LEN`] and 1 to [`MAX_TICKET_LEN`] bytes.
pub fn check_audit_fields(agent_id: &str, ticket: &str) -> Result<(), Error> {
    for (field, value, max) in [
        ("agent id", agent_id, MAX_AGENT_ID_LEN),
        ("ticket", ticket, MAX_TICKET_LEN),
    ] {
        if value.is_empty() || value.len() > max {
            return Err(Error::AuditFieldLength {
                field,
                len: value.len(),
                max,
            });
        }
    }
    Ok(())
}

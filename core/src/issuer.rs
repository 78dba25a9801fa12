//! The vendor side: issues agent codes, audits every issuance, enforces a per-agent rate
//! limit, and caches call keys.

use crate::audit::{AuditOutcome, AuditSink, IssuanceEvent};
use crate::profile::{self, MasterKey, ProfileParams};
use crate::{Enrollment, Error, TimedCode, Totp};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

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
    /// The key epoch of every account secret (bump it to rotate all of them).
    pub epoch: u32,
    /// Digits and period of the codes.
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

/// Issues agent codes from the master key. Safe to share between threads.
pub struct Issuer {
    master_key: MasterKey,
    config: IssuerConfig,
    sink: Arc<dyn AuditSink>,
    /// Call keys by account id. foldhash (randomly seeded per map) instead of `SipHash`: the
    /// lookup is on the issuance hot path, and the cache's capacity bounds what a flood of
    /// colliding ids could cost.
    call_keys: RwLock<HashMap<String, Arc<Totp>, foldhash::fast::RandomState>>,
    issued_by_agent: Mutex<HashMap<String, VecDeque<u64>>>,
}

impl Issuer {
    /// An issuer over `master_key` that audits to `sink`.
    pub fn new(
        master_key: MasterKey,
        config: IssuerConfig,
        sink: Arc<dyn AuditSink>,
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
            sink,
            call_keys: RwLock::new(HashMap::default()),
            issued_by_agent: Mutex::new(HashMap::new()),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &IssuerConfig {
        &self.config
    }

    /// The agent code for one account at unix time `now`.
    ///
    /// The agent id counts and is audited in its canonical form
    /// ([`crate::canonical_agent_id`]): `Agent-7` and `agent-7` share one limit.
    ///
    /// Order: inputs checked; the code computed; rate limit (a refusal is audited, then
    /// reported as [`Error::RateLimited`]); the event recorded; only then the code returned.
    /// A failing sink gives [`Error::AuditFailed`] and no code.
    pub fn issue(&self, request: &IssueRequest<'_>, now: u64) -> Result<TimedCode, Error> {
        let agent_id = check_request_fields(request.agent_id, request.ticket)?;
        let request = IssueRequest {
            agent_id: &agent_id,
            ..*request
        };
        self.issue_with(&*self.call_key(request.account_id)?, &request, now)
    }

    /// A handle on one account's cached call key, for issuing several codes (a support tool
    /// that keeps the customer's record open during a call): each issuance through it skips
    /// the cache lookup as well as HKDF, and is audited and rate-limited like [`Issuer::issue`].
    pub fn account(&self, account_id: &str) -> Result<IssuerAccount<'_>, Error> {
        Ok(IssuerAccount {
            issuer: self,
            account_id: account_id.to_owned(),
            generator: self.call_key(account_id)?,
        })
    }

    /// Issues one code with `generator`, the account's code generator: computes, rate-limits,
    /// audits.
    fn issue_with(
        &self,
        generator: &Totp,
        request: &IssueRequest<'_>,
        now: u64,
    ) -> Result<TimedCode, Error> {
        let code = generator.timed_code_at(now)?;
        let event = IssuanceEvent {
            time: now,
            outcome: AuditOutcome::Issued,
            account_id: request.account_id,
            agent_id: request.agent_id,
            ticket: request.ticket,
            step: code.step,
            epoch: self.config.epoch,
        };
        self.reserve(request.agent_id, 1, now, core::slice::from_ref(&event))?;
        self.record_reserved(request.agent_id, &[event], now)?;
        Ok(code)
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
        let agent_id = &*check_request_fields(agent_id, reason)?;
        let codes = self.batch_codes(account_ids, now)?;
        let events: Vec<IssuanceEvent<'_>> = account_ids
            .iter()
            .zip(&codes)
            .map(|(account_id, code)| IssuanceEvent {
                time: now,
                outcome: AuditOutcome::Issued,
                account_id: account_id.as_ref(),
                agent_id,
                ticket: reason,
                step: code.step,
                epoch: self.config.epoch,
            })
            .collect();
        self.reserve(agent_id, events.len(), now, &events)?;
        self.record_reserved(agent_id, &events, now)?;
        Ok(codes)
    }

    /// The codes of a batch at `now`, in order: on the calling thread, or for a large batch
    /// split into runs of consecutive accounts on up to `batch_threads` scoped threads (on the
    /// calling thread alone if the system refuses a thread).
    fn batch_codes<S: AsRef<str> + Sync>(
        &self,
        account_ids: &[S],
        now: u64,
    ) -> Result<Vec<TimedCode>, Error> {
        let threads = self
            .config
            .batch_threads
            .min(account_ids.len() / MIN_BATCH_PER_THREAD);
        if threads <= 1 {
            return self.batch_codes_here(account_ids, now);
        }
        let run_len = account_ids.len().div_ceil(threads);
        std::thread::scope(|scope| {
            let mut runs = Vec::with_capacity(threads);
            for run in account_ids.chunks(run_len) {
                let spawned = std::thread::Builder::new()
                    .name("callsign-batch".to_owned())
                    .spawn_scoped(scope, move || self.batch_codes_here(run, now));
                runs.push(match spawned {
                    Ok(thread) => RunCodes::Running(thread),
                    Err(_) => RunCodes::Here(run),
                });
            }
            let mut codes = Vec::with_capacity(account_ids.len());
            for run in runs {
                // The first failing run (in account order) decides the error, as on one thread.
                codes.extend(match run {
                    RunCodes::Running(thread) => thread
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?,
                    RunCodes::Here(run) => self.batch_codes_here(run, now)?,
                });
            }
            Ok(codes)
        })
    }

    /// The codes of `account_ids` at `now`, on the calling thread. Cached accounts are looked
    /// up under one read lock, up to the first account that is not cached; from there on, one
    /// lookup (and, where needed, a derivation) per account.
    fn batch_codes_here<S: AsRef<str>>(
        &self,
        account_ids: &[S],
        now: u64,
    ) -> Result<Vec<TimedCode>, Error> {
        let mut codes = Vec::with_capacity(account_ids.len());
        {
            let cache = self
                .call_keys
                .read()
                .unwrap_or_else(PoisonError::into_inner);
            for account_id in account_ids {
                let Some(generator) = cache.get(account_id.as_ref()) else {
                    break;
                };
                codes.push(batch_code(generator, now, codes.first())?);
            }
        }
        for account_id in &account_ids[codes.len()..] {
            let code = batch_code(&*self.call_key(account_id.as_ref())?, now, codes.first())?;
            codes.push(code);
        }
        Ok(codes)
    }

    /// The enrollment payload for an account, to hand to the customer's app.
    pub fn enrollment(&self, issuer_name: &str, account_id: &str) -> Result<Enrollment, Error> {
        Enrollment::new(
            issuer_name,
            account_id,
            self.master_key
                .account_secret(account_id, self.config.epoch)?,
            self.config.epoch,
            self.config.params,
        )
    }

    /// The account's code generator: from the cache (one read lock, held only for the lookup),
    /// or derived from the master key and cached.
    fn call_key(&self, account_id: &str) -> Result<Arc<Totp>, Error> {
        let cached = self
            .call_keys
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(account_id)
            .map(Arc::clone);
        match cached {
            Some(generator) => Ok(generator),
            None => self.derive_and_cache(account_id),
        }
    }

    /// Derives an account's code generator from the master key and caches it (the cache
    /// empties when full).
    fn derive_and_cache(&self, account_id: &str) -> Result<Arc<Totp>, Error> {
        let secret = self
            .master_key
            .account_secret(account_id, self.config.epoch)?;
        let generator = Arc::new(profile::agent_totp(&secret, self.config.params)?);
        if self.config.cache_capacity > 0 {
            let mut cache = self
                .call_keys
                .write()
                .unwrap_or_else(PoisonError::into_inner);
            if cache.len() >= self.config.cache_capacity {
                cache.clear();
            }
            cache.insert(account_id.to_owned(), Arc::clone(&generator));
        }
        Ok(generator)
    }

    /// Takes `count` codes from the agent's rate limit, or audits the refusal of `events` and
    /// reports when the agent may issue again.
    fn reserve(
        &self,
        agent_id: &str,
        count: usize,
        now: u64,
        events: &[IssuanceEvent<'_>],
    ) -> Result<(), Error> {
        let Some(limit) = self.config.rate_limit else {
            return Ok(());
        };
        let retry_at = {
            let mut issued_by_agent = self
                .issued_by_agent
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            let issued = match issued_by_agent.get_mut(agent_id) {
                Some(issued) => issued,
                None => issued_by_agent.entry(agent_id.to_owned()).or_default(),
            };
            while issued
                .front()
                .is_some_and(|&time| time.saturating_add(limit.window_seconds) <= now)
            {
                issued.pop_front();
            }
            let max = usize::try_from(limit.max_codes).unwrap_or(usize::MAX);
            let used = issued.len();
            if used.saturating_add(count) <= max {
                issued.extend(core::iter::repeat_n(now, count));
                return Ok(());
            }
            // The slot that must free up before `count` more fit; a batch larger than the
            // whole limit never fits.
            (used + count)
                .checked_sub(max + 1)
                .and_then(|index| issued.get(index))
                .filter(|_| count <= max)
                .map(|&time| time.saturating_add(limit.window_seconds))
        };
        let refusals: Vec<IssuanceEvent<'_>> = events
            .iter()
            .map(|event| IssuanceEvent {
                outcome: AuditOutcome::RefusedRateLimited,
                ..*event
            })
            .collect();
        self.record(&refusals)?;
        Err(match retry_at {
            Some(retry_at) => Error::RateLimited {
                agent_id: crate::uri::truncate(agent_id),
                max_codes: limit.max_codes,
                window_seconds: limit.window_seconds,
                retry_at,
            },
            None => Error::BatchExceedsRateLimit {
                agent_id: crate::uri::truncate(agent_id),
                count,
                max_codes: limit.max_codes,
                window_seconds: limit.window_seconds,
            },
        })
    }

    /// Records the issued `events` whose codes [`Issuer::reserve`] took from the agent's
    /// limit at `now`; if the sink fails, gives the codes back: only issued codes count.
    fn record_reserved(
        &self,
        agent_id: &str,
        events: &[IssuanceEvent<'_>],
        now: u64,
    ) -> Result<(), Error> {
        let recorded = self.record(events);
        if recorded.is_err() && self.config.rate_limit.is_some() {
            let mut issued_by_agent = self
                .issued_by_agent
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            if let Some(issued) = issued_by_agent.get_mut(agent_id) {
                // The reserved slots hold `now`; any `events.len()` of them are the same.
                let mut left = events.len();
                let mut index = issued.len();
                while left > 0 && index > 0 {
                    index -= 1;
                    if issued[index] == now {
                        issued.remove(index);
                        left -= 1;
                    }
                }
            }
        }
        recorded
    }

    fn record(&self, events: &[IssuanceEvent<'_>]) -> Result<(), Error> {
        self.sink
            .record(events)
            .map_err(|error| Error::AuditFailed {
                reason: error.message().to_owned(),
            })
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
    generator: Arc<Totp>,
}

impl IssuerAccount<'_> {
    /// The account id.
    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    /// The agent code at unix time `now`, for `agent_id` under `ticket`; checked, rate-limited
    /// and audited exactly like [`Issuer::issue`].
    pub fn issue(&self, agent_id: &str, ticket: &str, now: u64) -> Result<TimedCode, Error> {
        let agent_id = check_request_fields(agent_id, ticket)?;
        let request = IssueRequest {
            account_id: &self.account_id,
            agent_id: &agent_id,
            ticket,
        };
        self.issuer.issue_with(&self.generator, &request, now)
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
    Here(&'run [S]),
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

/// Checks the ticket and gives the agent id's canonical form ([`crate::canonical_agent_id`]):
/// the form the rate limit counts and the audit records.
fn check_request_fields(agent_id: &str, ticket: &str) -> Result<String, Error> {
    let canonical = crate::canonical_agent_id(agent_id)?;
    if ticket.is_empty() || ticket.len() > MAX_TICKET_LEN {
        return Err(Error::AuditFieldLength {
            field: "ticket",
            len: ticket.len(),
            max: MAX_TICKET_LEN,
        });
    }
    Ok(canonical)
}

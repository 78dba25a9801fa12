//! The customer's side: checks what the caller read out (entry mode) or shows the current
//! code (display mode), with an attempt limit and a lock that survive restarts.

use crate::mac::PreparedKey;
use crate::otp::ReplayGuard;
use crate::profile::{self, ProfileEntry, ProfileParams};
use crate::{Algorithm, Clock, Enrollment, Error, TimedCode, Totp, Verification, Window};
use sha2::{Digest, Sha256};
use std::sync::{Mutex, PoisonError};
use subtle::ConstantTimeEq;

/// The largest `max_failures` a verifier accepts.
pub const MAX_FAILURES_LIMIT: u32 = 20;
/// The longest lockout a verifier accepts: 30 days.
pub const MAX_LOCKOUT_SECONDS: u64 = 30 * 24 * 3600;

const STATE_MAGIC: &[u8; 4] = b"CSVS";
const STATE_VERSION: u8 = 1;
const FINGERPRINT_LEN: usize = 16;
const STATE_TAG_LEN: usize = 16;
// The state blob: magic, version, fingerprint, flags, last accepted step, lock end, failure
// count, the failure times (8 bytes each), then the tag.
const VERSION_AT: usize = STATE_MAGIC.len();
const FINGERPRINT_AT: usize = VERSION_AT + 1;
const FLAGS_AT: usize = FINGERPRINT_AT + FINGERPRINT_LEN;
const LAST_ACCEPTED_AT: usize = FLAGS_AT + 1;
const LOCKED_UNTIL_AT: usize = LAST_ACCEPTED_AT + 8;
const FAILURE_COUNT_AT: usize = LOCKED_UNTIL_AT + 8;
const STATE_HEADER_LEN: usize = FAILURE_COUNT_AT + 1;

/// How a verifier checks entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct VerifierConfig {
    /// Steps accepted around the current one (default 1 behind, 1 ahead).
    pub window: Window,
    /// Failed attempts within `lockout_seconds` that lock the verifier (default 3, at most 20).
    pub max_failures: u32,
    /// How long failures count, and how long a lock lasts (default 900 s, at most 30 days).
    pub lockout_seconds: u64,
}

impl Default for VerifierConfig {
    fn default() -> VerifierConfig {
        VerifierConfig {
            window: Window::default(),
            max_failures: 3,
            lockout_seconds: 15 * 60,
        }
    }
}

impl VerifierConfig {
    fn check(&self) -> Result<(), Error> {
        self.window.check()?;
        if !(1..=MAX_FAILURES_LIMIT).contains(&self.max_failures) {
            return Err(Error::InvalidConfig {
                reason: "max_failures must be between 1 and 20",
            });
        }
        if !(1..=MAX_LOCKOUT_SECONDS).contains(&self.lockout_seconds) {
            return Err(Error::InvalidConfig {
                reason: "lockout_seconds must be between 1 and 2592000 (30 days)",
            });
        }
        Ok(())
    }
}

/// The answer to "is my caller genuine?".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// The entry is the agent code of a step in the window: the caller is genuine.
    Genuine {
        /// The matching step.
        step: u64,
        /// Its distance from the device's current step (clock drift).
        drift: i64,
    },
    /// The entry matches no step in the window. After `attempts_left` more failures the
    /// verifier locks.
    NotGenuine {
        /// Failures still allowed before the lock.
        attempts_left: u32,
    },
    /// The entry is a code that was already accepted once (or an older one): a replay.
    AlreadyUsed {
        /// The step it matched.
        step: u64,
    },
    /// Too many failures: nothing is checked until `until`. Returned by the failure that
    /// locks and by every check during the lock.
    LockedOut {
        /// Unix time at which the lock ends.
        until: u64,
    },
    /// The entry's check digit is wrong (an enrollment with `check=damm`): the code was
    /// misheard or mistyped; ask the caller to repeat. Not an attempt, nothing compared.
    Misheard,
}

/// The attempt counter and lock, as they stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct VerifierStatus {
    /// Unix time at which the lock ends, if locked.
    pub locked_until: Option<u64>,
    /// Failures still allowed before the lock (0 when locked).
    pub attempts_left: u32,
    /// The last step accepted as genuine.
    pub last_accepted_step: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct State {
    failures: Vec<u64>,
    locked_until: Option<u64>,
    guard: ReplayGuard,
}

/// Checks agent codes on the customer's device. Safe to share between threads: checks are
/// serialized internally.
///
/// A malformed entry (a letter, a wrong length) is an error and does not count as a failed
/// attempt: it compares nothing and tells a caller nothing. During a lock every entry, even a
/// malformed one, gets [`Verdict::LockedOut`].
pub struct Verifier {
    totp: Totp,
    /// The customer-code generator (Addition A), for [`Verifier::customer_code`].
    customer: Totp,
    params: ProfileParams,
    config: VerifierConfig,
    state_key: PreparedKey,
    fingerprint: [u8; FINGERPRINT_LEN],
    state: Mutex<State>,
}

impl Verifier {
    /// A fresh verifier for an enrollment.
    pub fn new(enrollment: &Enrollment, config: VerifierConfig) -> Result<Verifier, Error> {
        config.check()?;
        // The key that authenticates the persisted state, derived from the account secret.
        let state_key = profile::hkdf_sha256(
            b"callsign v1 state",
            enrollment.secret().expose_bytes(),
            &[b"verifier-state"],
        )?;
        Ok(Verifier {
            totp: profile::agent_totp(enrollment.secret(), enrollment.params())?,
            customer: profile::customer_totp(enrollment.secret(), enrollment.params())?,
            params: enrollment.params(),
            config,
            state_key: PreparedKey::new(Algorithm::Sha256, &state_key),
            fingerprint: fingerprint(enrollment),
            state: Mutex::new(State::default()),
        })
    }

    /// A fresh verifier from a <callsign://enroll> URI.
    pub fn from_uri(uri: &str, config: VerifierConfig) -> Result<Verifier, Error> {
        Verifier::new(&Enrollment::parse(uri)?, config)
    }

    /// A verifier restored from a blob of [`Verifier::export_state`]. A corrupt or foreign
    /// blob is an error; the app should then fall back to [`Verifier::new_locked`].
    pub fn with_state(
        enrollment: &Enrollment,
        config: VerifierConfig,
        blob: &[u8],
    ) -> Result<Verifier, Error> {
        let verifier = Verifier::new(enrollment, config)?;
        verifier.import_state(blob)?;
        Ok(verifier)
    }

    /// The fail-closed fallback when the persisted state is lost or damaged: a verifier that
    /// starts locked from `now` for the lockout period.
    pub fn new_locked(
        enrollment: &Enrollment,
        config: VerifierConfig,
        now: u64,
    ) -> Result<Verifier, Error> {
        let verifier = Verifier::new(enrollment, config)?;
        verifier.lock_state().locked_until = Some(now.saturating_add(config.lockout_seconds));
        Ok(verifier)
    }

    /// The configuration.
    pub fn config(&self) -> &VerifierConfig {
        &self.config
    }

    /// Entry mode: checks what the customer typed, at unix time `now`.
    pub fn check(&self, entry: &str, now: u64) -> Result<Verdict, Error> {
        let mut state = self.lock_state();
        if let Some(until) = state.locked_until {
            if lock_in_force(until, now) {
                return Ok(Verdict::LockedOut { until });
            }
            state.locked_until = None;
            state.failures.clear();
        }
        let code = match self.params.read_entry(entry)? {
            ProfileEntry::Code(code) => code,
            ProfileEntry::Misheard => return Ok(Verdict::Misheard),
        };
        let outcome = self.totp.verify_with_guard(
            code.as_str(),
            now,
            self.config.window,
            &mut state.guard,
        )?;
        Ok(match outcome {
            Verification::Accepted(matched) => {
                state.failures.clear();
                Verdict::Genuine {
                    step: matched.step,
                    drift: matched.drift,
                }
            }
            Verification::Replayed(matched) => Verdict::AlreadyUsed { step: matched.step },
            Verification::Rejected => self.record_failure(&mut state, now),
        })
    }

    /// Entry mode with the time from `clock`.
    pub fn check_now(&self, entry: &str, clock: &dyn Clock) -> Result<Verdict, Error> {
        self.check(entry, clock.now()?)
    }

    /// Display mode: the current code, for the customer to read back to the caller.
    pub fn display(&self, now: u64) -> Result<TimedCode, Error> {
        Ok(self.params.present(self.totp.timed_code_at(now)?))
    }

    /// The customer code at unix time `now` (Addition A), for the customer to read to the
    /// vendor's agent when the customer calls in. Show it only when the customer asks for it
    /// ("I am calling ..."), never in answer to an incoming call: a caller who asks for this
    /// code is the scam it must not enable.
    pub fn customer_code(&self, now: u64) -> Result<TimedCode, Error> {
        Ok(self.params.present(self.customer.timed_code_at(now)?))
    }

    /// The attempt counter and lock at unix time `now`.
    pub fn status(&self, now: u64) -> VerifierStatus {
        let state = self.lock_state();
        let locked_until = state
            .locked_until
            .filter(|&until| lock_in_force(until, now));
        let recent = if state.locked_until.is_some() && locked_until.is_none() {
            0
        } else {
            self.recent_failures(&state, now)
        };
        VerifierStatus {
            locked_until,
            attempts_left: if locked_until.is_some() {
                0
            } else {
                self.config.max_failures.saturating_sub(recent)
            },
            last_accepted_step: state.guard.last_accepted(),
        }
    }

    /// The state (failure times, lock, last accepted step) as a small versioned blob for the
    /// app to persist after every check. It is bound to this enrollment and integrity-checked.
    pub fn export_state(&self) -> Vec<u8> {
        let state = self.lock_state();
        let failures = &state.failures[state
            .failures
            .len()
            .saturating_sub(MAX_FAILURES_LIMIT as usize)..];
        let mut blob = Vec::with_capacity(STATE_HEADER_LEN + failures.len() * 8 + STATE_TAG_LEN);
        blob.extend_from_slice(STATE_MAGIC);
        blob.push(STATE_VERSION);
        blob.extend_from_slice(&self.fingerprint);
        let last_accepted = state.guard.last_accepted();
        blob.push(u8::from(last_accepted.is_some()) | u8::from(state.locked_until.is_some()) << 1);
        blob.extend_from_slice(&last_accepted.unwrap_or(0).to_be_bytes());
        blob.extend_from_slice(&state.locked_until.unwrap_or(0).to_be_bytes());
        // At most MAX_FAILURES_LIMIT (20) entries, so the count fits a byte.
        blob.push(u8::try_from(failures.len()).unwrap_or(u8::MAX));
        for time in failures {
            blob.extend_from_slice(&time.to_be_bytes());
        }
        let tag = self.state_key.sign(&blob);
        blob.extend_from_slice(&tag.as_bytes()[..STATE_TAG_LEN]);
        blob
    }

    /// Replaces the state with one from [`Verifier::export_state`]. On error the state is
    /// left as it was.
    pub fn import_state(&self, blob: &[u8]) -> Result<(), Error> {
        let imported = self.decode_state(blob)?;
        *self.lock_state() = imported;
        Ok(())
    }

    fn decode_state(&self, blob: &[u8]) -> Result<State, Error> {
        if blob.len() <= VERSION_AT || &blob[..VERSION_AT] != STATE_MAGIC {
            return Err(Error::StateCorrupt {
                reason: "not a callsign verifier state",
            });
        }
        if blob[VERSION_AT] != STATE_VERSION {
            return Err(Error::StateForeign);
        }
        if blob.len() < STATE_HEADER_LEN + STATE_TAG_LEN {
            return Err(Error::StateCorrupt {
                reason: "truncated",
            });
        }
        if blob[FINGERPRINT_AT..FLAGS_AT] != self.fingerprint {
            return Err(Error::StateForeign);
        }
        let count = usize::from(blob[FAILURE_COUNT_AT]);
        if count > MAX_FAILURES_LIMIT as usize
            || blob.len() != STATE_HEADER_LEN + count * 8 + STATE_TAG_LEN
        {
            return Err(Error::StateCorrupt {
                reason: "length does not match the failure count",
            });
        }
        let (body, tag) = blob.split_at(blob.len() - STATE_TAG_LEN);
        let expected = self.state_key.sign(body);
        if !bool::from(expected.as_bytes()[..STATE_TAG_LEN].ct_eq(tag)) {
            return Err(Error::StateCorrupt {
                reason: "integrity check failed",
            });
        }
        let flags = body[FLAGS_AT];
        if flags > 0b11 {
            return Err(Error::StateCorrupt {
                reason: "unknown flags",
            });
        }
        let read_u64 = |offset: usize| {
            let mut bytes = [0u8; 8];
            bytes.copy_from_slice(&body[offset..offset + 8]);
            u64::from_be_bytes(bytes)
        };
        let last_accepted = (flags & 1 != 0).then(|| read_u64(LAST_ACCEPTED_AT));
        let locked_until = (flags & 2 != 0).then(|| read_u64(LOCKED_UNTIL_AT));
        let failures = (0..count)
            .map(|index| read_u64(STATE_HEADER_LEN + index * 8))
            .collect();
        Ok(State {
            failures,
            locked_until,
            guard: ReplayGuard::with_last_accepted(last_accepted),
        })
    }

    fn record_failure(&self, state: &mut State, now: u64) -> Verdict {
        let lockout = self.config.lockout_seconds;
        state
            .failures
            .retain(|&time| failure_counts(time, now, lockout));
        state.failures.push(now);
        let failures = u32::try_from(state.failures.len()).unwrap_or(u32::MAX);
        if failures >= self.config.max_failures {
            let until = now.saturating_add(lockout);
            state.locked_until = Some(until);
            Verdict::LockedOut { until }
        } else {
            Verdict::NotGenuine {
                attempts_left: self.config.max_failures - failures,
            }
        }
    }

    fn recent_failures(&self, state: &State, now: u64) -> u32 {
        let lockout = self.config.lockout_seconds;
        let recent = state
            .failures
            .iter()
            .filter(|&&time| failure_counts(time, now, lockout))
            .count();
        u32::try_from(recent).unwrap_or(u32::MAX)
    }

    fn lock_state(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic cannot leave the state half-updated (every update is a single assignment or
        // push), so a poisoned lock is safe to use.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl core::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Verifier")
            .field("config", &self.config)
            .field("digits", &self.totp.digits())
            .field("period", &self.totp.period())
            .finish_non_exhaustive()
    }
}

/// Whether a lock ending at `until` is in force at `now`. A lock whose end saturated at
/// `u64::MAX` never ends, so that it also holds at `now == u64::MAX`.
fn lock_in_force(until: u64, now: u64) -> bool {
    now < until || until == u64::MAX
}

/// Whether a failure at `time` still counts at `now`: during `[time, time + lockout)`, without
/// the overflow of `time + lockout` that made failures at `now == u64::MAX` never count.
fn failure_counts(time: u64, now: u64, lockout: u64) -> bool {
    now.saturating_sub(time) < lockout
}

/// Identifies an enrollment (issuer, account, epoch) without revealing its secret.
fn fingerprint(enrollment: &Enrollment) -> [u8; FINGERPRINT_LEN] {
    let mut hasher = Sha256::new();
    hasher.update(b"callsign v1 enrollment");
    hasher.update(enrollment.epoch().to_be_bytes());
    for field in [enrollment.issuer(), enrollment.account_id()] {
        hasher.update((field.len() as u64).to_be_bytes());
        hasher.update(field.as_bytes());
    }
    let digest = hasher.finalize();
    let mut out = [0u8; FINGERPRINT_LEN];
    out.copy_from_slice(&digest[..FINGERPRINT_LEN]);
    out
}

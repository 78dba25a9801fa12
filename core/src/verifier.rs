//! The customer's side: checks what the caller read out (entry mode) or shows the current
//! code (display mode), with an attempt limit and a lock that survive restarts.

use crate::algorithm::Algorithm;
use crate::clock::Clock;
use crate::enrollment::Enrollment;
use crate::error::Error;
use crate::mac::PreparedKey;
use crate::otp::ReplayGuard;
use crate::otp::{TimedCode, Totp, Verification, Window};
use crate::profile::{self, ProfileEntry, ProfileParams};
use sha2::{Digest, Sha256};
use std::sync::{Mutex, PoisonError};
use subtle::ConstantTimeEq;

/// The largest `max_failures` a verifier accepts.
pub const MAX_FAILURES_LIMIT: u32 = 20;
/// The longest lockout a verifier accepts: 30 days.
pub const MAX_LOCKOUT_SECONDS: u64 = 30 * 24 * 3600;

/// The latest device time a verifier accepts: 9999-12-31T23:59:59Z. A later `now` is an
/// [`Error::Overflow`] and changes nothing, so that no clock setting can push a lock or the
/// verifier's idea of the latest time beyond where arithmetic and dates still work.
pub const MAX_DEVICE_TIME: u64 = 253_402_300_799;

/// The state blob's layout, byte by byte, is in docs/protocol.md ("The verifier state blob").
const STATE_MAGIC: &[u8; 4] = b"CSVS";
/// The version [`Verifier::export_state`] writes. Version 1 blobs are still read (migrated).
pub const STATE_VERSION: u8 = 2;
const STATE_VERSION_1: u8 = 1;
const FINGERPRINT_LEN: usize = 16;
const STATE_TAG_LEN: usize = 16;
const CHECKSUM_LEN: usize = 4;
const VERSION_AT: usize = STATE_MAGIC.len();
const FINGERPRINT_AT: usize = VERSION_AT + 1;
const FLAGS_AT: usize = FINGERPRINT_AT + FINGERPRINT_LEN;
const LAST_ACCEPTED_AT: usize = FLAGS_AT + 1;
const LOCKED_UNTIL_AT: usize = LAST_ACCEPTED_AT + 8;
// Version 2: the latest time seen, then the failure count.
const LATEST_AT: usize = LOCKED_UNTIL_AT + 8;
const FAILURE_COUNT_AT: usize = LATEST_AT + 8;
const STATE_HEADER_LEN: usize = FAILURE_COUNT_AT + 1;
// Version 1 had no latest time and no checksum.
const V1_FAILURE_COUNT_AT: usize = LOCKED_UNTIL_AT + 8;
const V1_HEADER_LEN: usize = V1_FAILURE_COUNT_AT + 1;
const FINGERPRINT_LABEL_V1: &[u8] = b"callsign v1 enrollment";
const FINGERPRINT_LABEL_V2: &[u8] = b"callsign v2 enrollment";

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
    /// [`VerifierConfig::DEFAULT`].
    fn default() -> VerifierConfig {
        VerifierConfig::DEFAULT
    }
}

impl VerifierConfig {
    /// The default: 1 step behind and 1 ahead, 3 failures lock for 900 s.
    pub const DEFAULT: VerifierConfig = VerifierConfig {
        window: Window::DEFAULT,
        max_failures: 3,
        lockout_seconds: 15 * 60,
    };

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

impl Verdict {
    /// The verdict's name: `genuine`, `not_genuine`, `already_used`, `locked_out` or
    /// `misheard` (the names of the conformance vectors and of every binding).
    pub fn as_str(&self) -> &'static str {
        match self {
            Verdict::Genuine { .. } => "genuine",
            Verdict::NotGenuine { .. } => "not_genuine",
            Verdict::AlreadyUsed { .. } => "already_used",
            Verdict::LockedOut { .. } => "locked_out",
            Verdict::Misheard => "misheard",
        }
    }

    /// Whether the caller proved to be genuine.
    pub fn is_genuine(&self) -> bool {
        matches!(self, Verdict::Genuine { .. })
    }

    /// The matched step (genuine or already used).
    pub fn step(&self) -> Option<u64> {
        match *self {
            Verdict::Genuine { step, .. } | Verdict::AlreadyUsed { step } => Some(step),
            _ => None,
        }
    }

    /// The clock drift in steps (genuine).
    pub fn drift(&self) -> Option<i64> {
        match *self {
            Verdict::Genuine { drift, .. } => Some(drift),
            _ => None,
        }
    }

    /// Failures still allowed before the lock (not genuine).
    pub fn attempts_left(&self) -> Option<u32> {
        match *self {
            Verdict::NotGenuine { attempts_left } => Some(attempts_left),
            _ => None,
        }
    }

    /// When the lock ends (locked out).
    pub fn locked_until(&self) -> Option<u64> {
        match *self {
            Verdict::LockedOut { until } => Some(until),
            _ => None,
        }
    }
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
    /// The latest device time seen. Locks and failures are judged against it, never against
    /// an earlier time, so moving the clock back neither ends a lock nor forgets a failure.
    latest: u64,
}

/// The 16 leading bytes of a state tag. Deliberately without `PartialEq`: the only way to
/// compare two is [`ConstantTimeEq`].
struct StateTag([u8; STATE_TAG_LEN]);

impl StateTag {
    fn of(key: &PreparedKey, body: &[u8]) -> StateTag {
        let mut out = [0u8; STATE_TAG_LEN];
        out.copy_from_slice(&key.sign(body).as_bytes()[..STATE_TAG_LEN]);
        StateTag(out)
    }

    fn read(bytes: &[u8]) -> StateTag {
        let mut out = [0u8; STATE_TAG_LEN];
        out.copy_from_slice(&bytes[..STATE_TAG_LEN]);
        StateTag(out)
    }
}

impl ConstantTimeEq for StateTag {
    fn ct_eq(&self, other: &StateTag) -> subtle::Choice {
        self.0.ct_eq(&other.0)
    }
}

/// Checks agent codes on the customer's device. Safe to share between threads: checks are
/// serialized internally.
///
/// A malformed entry (a letter, a wrong length) is an error and does not count as a failed
/// attempt: it compares nothing and tells a caller nothing. During a lock every entry, even a
/// malformed one, gets [`Verdict::LockedOut`].
///
/// The verifier remembers the latest time it was given. A `now` before it (the clock was moved
/// back) is still used to find the current code, but locks and failures are judged at the
/// latest time: a lock does not end and a failure is not forgotten because the clock went back.
pub struct Verifier {
    totp: Totp,
    /// The customer-code generator (Addition A), for [`Verifier::customer_code`].
    customer: Totp,
    params: ProfileParams,
    config: VerifierConfig,
    state_key: PreparedKey,
    fingerprint: [u8; FINGERPRINT_LEN],
    fingerprint_v1: [u8; FINGERPRINT_LEN],
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
            fingerprint_v1: fingerprint_v1(enrollment),
            state: Mutex::new(State::default()),
        })
    }

    /// A fresh verifier from a received <callsign://enroll> payload, read under `trust` (see
    /// [`Enrollment::from_uri`]).
    pub fn from_uri(
        uri: &str,
        trust: &crate::signing::EnrollmentTrust,
        config: VerifierConfig,
    ) -> Result<Verifier, Error> {
        Verifier::new(&Enrollment::from_uri(uri, trust)?, config)
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
    /// starts locked from `now` for the lockout period. `now` above [`MAX_DEVICE_TIME`] is an
    /// [`Error::Overflow`].
    pub fn new_locked(
        enrollment: &Enrollment,
        config: VerifierConfig,
        now: u64,
    ) -> Result<Verifier, Error> {
        let now = check_device_time(now)?;
        let verifier = Verifier::new(enrollment, config)?;
        {
            let mut state = verifier.lock_state();
            state.latest = now;
            state.locked_until = Some(lock_end(now, config.lockout_seconds)?);
        }
        Ok(verifier)
    }

    /// The configuration.
    pub fn config(&self) -> &VerifierConfig {
        &self.config
    }

    /// Entry mode: checks what the customer typed, at unix time `now` (at most
    /// [`MAX_DEVICE_TIME`]; a later time is an [`Error::Overflow`] and changes nothing).
    pub fn check(&self, entry: &str, now: u64) -> Result<Verdict, Error> {
        let now = check_device_time(now)?;
        let mut state = self.lock_state();
        if let Some(locked) = observe(&mut state, now) {
            return Ok(locked);
        }
        let latest = state.latest;
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
            Verification::Rejected => self.record_failure(&mut state, latest)?,
        })
    }

    /// The answer every entry gets at `now` if the verifier is locked then
    /// (`Some(`[`Verdict::LockedOut`]`)`), or `None`; records `now` as [`Verifier::check`]
    /// does. For bindings that receive an entry they cannot even decode (the C API's non-UTF-8
    /// text): during a lock that entry, too, is answered "locked out".
    pub fn lock_verdict(&self, now: u64) -> Result<Option<Verdict>, Error> {
        let now = check_device_time(now)?;
        Ok(observe(&mut self.lock_state(), now))
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

    /// The attempt counter and lock at unix time `now` (judged, like [`Verifier::check`], at
    /// the latest time seen if `now` lies before it). Changes nothing.
    pub fn status(&self, now: u64) -> VerifierStatus {
        let state = self.lock_state();
        let latest = state.latest.max(now);
        let locked_until = state.locked_until.filter(|&until| latest < until);
        let recent = if state.locked_until.is_some() && locked_until.is_none() {
            0
        } else {
            self.recent_failures(&state, latest)
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

    /// The state (failure times, lock, last accepted step, latest time seen) as a small
    /// versioned blob for the app to persist after every check. It is bound to this
    /// enrollment and integrity-checked; docs/protocol.md gives its layout.
    pub fn export_state(&self) -> Vec<u8> {
        let state = self.lock_state();
        let failures = &state.failures[state
            .failures
            .len()
            .saturating_sub(MAX_FAILURES_LIMIT as usize)..];
        let mut blob = Vec::with_capacity(
            STATE_HEADER_LEN + failures.len() * 8 + STATE_TAG_LEN + CHECKSUM_LEN,
        );
        blob.extend_from_slice(STATE_MAGIC);
        blob.push(STATE_VERSION);
        blob.extend_from_slice(&self.fingerprint);
        let last_accepted = state.guard.last_accepted();
        blob.push(u8::from(last_accepted.is_some()) | u8::from(state.locked_until.is_some()) << 1);
        blob.extend_from_slice(&last_accepted.unwrap_or(0).to_be_bytes());
        blob.extend_from_slice(&state.locked_until.unwrap_or(0).to_be_bytes());
        blob.extend_from_slice(&state.latest.to_be_bytes());
        // At most MAX_FAILURES_LIMIT (20) entries, so the count fits a byte.
        blob.push(u8::try_from(failures.len()).unwrap_or(u8::MAX));
        for time in failures {
            blob.extend_from_slice(&time.to_be_bytes());
        }
        let tag = StateTag::of(&self.state_key, &blob);
        blob.extend_from_slice(&tag.0);
        let sum = checksum(&blob);
        blob.extend_from_slice(&sum);
        blob
    }

    /// Replaces the state with one from [`Verifier::export_state`] (version 2, or a version 1
    /// blob of an earlier release, which is migrated). On error the state is left as it was.
    pub fn import_state(&self, blob: &[u8]) -> Result<(), Error> {
        let imported = self.decode_state(blob)?;
        *self.lock_state() = imported;
        Ok(())
    }

    fn decode_state(&self, blob: &[u8]) -> Result<State, Error> {
        if blob.len() <= VERSION_AT || &blob[..VERSION_AT] != STATE_MAGIC {
            return Err(corrupt("not a callsign verifier state"));
        }
        if blob[VERSION_AT] == STATE_VERSION_1 {
            return self.decode_state_v1(blob);
        }
        // From version 2 on, every blob ends with a checksum over everything before it, so
        // that damage (to the version or fingerprint bytes too) reads as corrupt, not foreign.
        let Some(checked_len) = blob.len().checked_sub(CHECKSUM_LEN) else {
            return Err(corrupt("truncated"));
        };
        let (checked, sum) = blob.split_at(checked_len);
        if checked.len() <= VERSION_AT || checksum(checked) != sum {
            return Err(corrupt("checksum mismatch: the blob is damaged"));
        }
        if checked[VERSION_AT] != STATE_VERSION {
            return Err(Error::StateForeign);
        }
        if checked.len() < STATE_HEADER_LEN + STATE_TAG_LEN {
            return Err(corrupt("truncated"));
        }
        let count = usize::from(checked[FAILURE_COUNT_AT]);
        if count > MAX_FAILURES_LIMIT as usize
            || checked.len() != STATE_HEADER_LEN + count * 8 + STATE_TAG_LEN
        {
            return Err(corrupt("length does not match the failure count"));
        }
        if checked[FINGERPRINT_AT..FLAGS_AT] != self.fingerprint {
            return Err(Error::StateForeign);
        }
        let body = self.authenticated_body(checked)?;
        let latest = read_u64(body, LATEST_AT);
        state_from_fields(body, latest, STATE_HEADER_LEN, count)
    }

    /// Version 1 (before the latest time, the checksum and a fingerprint over period and
    /// digits): read as it was written; the latest time seen becomes the latest time the
    /// blob holds (the last failure, or the start of the lock).
    fn decode_state_v1(&self, blob: &[u8]) -> Result<State, Error> {
        if blob.len() < V1_HEADER_LEN + STATE_TAG_LEN {
            return Err(corrupt("truncated"));
        }
        if blob[FINGERPRINT_AT..FLAGS_AT] != self.fingerprint_v1 {
            return Err(Error::StateForeign);
        }
        let count = usize::from(blob[V1_FAILURE_COUNT_AT]);
        if count > MAX_FAILURES_LIMIT as usize
            || blob.len() != V1_HEADER_LEN + count * 8 + STATE_TAG_LEN
        {
            return Err(corrupt("length does not match the failure count"));
        }
        let body = self.authenticated_body(blob)?;
        let mut state = state_from_fields(body, 0, V1_HEADER_LEN, count)?;
        let lock_start = state
            .locked_until
            .map_or(0, |until| until.saturating_sub(self.config.lockout_seconds));
        state.latest = state
            .failures
            .iter()
            .copied()
            .chain([lock_start])
            .max()
            .unwrap_or(0)
            .min(MAX_DEVICE_TIME);
        Ok(state)
    }

    /// Checks the tag at the end of `blob` and returns what it covers.
    fn authenticated_body<'a>(&self, blob: &'a [u8]) -> Result<&'a [u8], Error> {
        let (body, tag) = blob.split_at(blob.len() - STATE_TAG_LEN);
        let expected = StateTag::of(&self.state_key, body);
        if !bool::from(expected.ct_eq(&StateTag::read(tag))) {
            return Err(corrupt("integrity check failed"));
        }
        Ok(body)
    }

    fn record_failure(&self, state: &mut State, now: u64) -> Result<Verdict, Error> {
        let lockout = self.config.lockout_seconds;
        state
            .failures
            .retain(|&time| failure_counts(time, now, lockout));
        state.failures.push(now);
        let failures = u32::try_from(state.failures.len()).unwrap_or(u32::MAX);
        Ok(if failures >= self.config.max_failures {
            let until = lock_end(now, lockout)?;
            state.locked_until = Some(until);
            Verdict::LockedOut { until }
        } else {
            Verdict::NotGenuine {
                attempts_left: self.config.max_failures - failures,
            }
        })
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

/// Records `now` as seen and ends a lock whose time is up (clearing the failures); returns the
/// verdict of a lock still in force at the latest time seen.
fn observe(state: &mut State, now: u64) -> Option<Verdict> {
    state.latest = state.latest.max(now);
    if let Some(until) = state.locked_until {
        if state.latest < until {
            return Some(Verdict::LockedOut { until });
        }
        state.locked_until = None;
        state.failures.clear();
    }
    None
}

fn corrupt(reason: &'static str) -> Error {
    Error::StateCorrupt { reason }
}

fn check_device_time(now: u64) -> Result<u64, Error> {
    if now > MAX_DEVICE_TIME {
        return Err(Error::Overflow {
            what: "device time after 9999-12-31T23:59:59Z",
        });
    }
    Ok(now)
}

/// The end of a lock that starts at `now`. Cannot overflow for `now <= MAX_DEVICE_TIME`.
fn lock_end(now: u64, lockout: u64) -> Result<u64, Error> {
    now.checked_add(lockout)
        .ok_or(Error::Overflow { what: "lock end" })
}

/// Whether a failure at `time` still counts at `now`: during `[time, time + lockout)`. At
/// `time + lockout` it is forgotten ("older than the lockout" in docs/protocol.md means
/// `lockout` seconds old or more).
fn failure_counts(time: u64, now: u64, lockout: u64) -> bool {
    now.saturating_sub(time) < lockout
}

fn read_u64(body: &[u8], offset: usize) -> u64 {
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&body[offset..offset + 8]);
    u64::from_be_bytes(bytes)
}

/// The fields both versions share, from an authenticated body: flags, last accepted step, lock
/// end and `count` failure times from `failures_at`. Times after what a device can report are
/// corrupt, so that no blob carries a lock that never ends.
fn state_from_fields(
    body: &[u8],
    latest: u64,
    failures_at: usize,
    count: usize,
) -> Result<State, Error> {
    let flags = body[FLAGS_AT];
    if flags > 0b11 {
        return Err(corrupt("unknown flags"));
    }
    let last_accepted = (flags & 1 != 0).then(|| read_u64(body, LAST_ACCEPTED_AT));
    let locked_until = (flags & 2 != 0).then(|| read_u64(body, LOCKED_UNTIL_AT));
    let failures: Vec<u64> = (0..count)
        .map(|index| read_u64(body, failures_at + index * 8))
        .collect();
    if latest > MAX_DEVICE_TIME
        || failures.iter().any(|&time| time > MAX_DEVICE_TIME)
        || locked_until.is_some_and(|until| until > MAX_DEVICE_TIME + MAX_LOCKOUT_SECONDS)
    {
        return Err(corrupt("a time lies after 9999-12-31"));
    }
    Ok(State {
        failures,
        locked_until,
        guard: ReplayGuard::with_last_accepted(last_accepted),
        latest,
    })
}

/// The first 4 bytes of SHA-256 over `bytes`: tells accidental damage from another enrollment.
fn checksum(bytes: &[u8]) -> [u8; CHECKSUM_LEN] {
    let digest = Sha256::digest(bytes);
    let mut out = [0u8; CHECKSUM_LEN];
    out.copy_from_slice(&digest[..CHECKSUM_LEN]);
    out
}

/// Identifies an enrollment (issuer, account, epoch, period, digits) without revealing its
/// secret: a blob from an enrollment with the same secret but another period or digit count
/// is foreign.
fn fingerprint(enrollment: &Enrollment) -> [u8; FINGERPRINT_LEN] {
    let params = enrollment.params();
    let mut hasher = Sha256::new();
    hasher.update(FINGERPRINT_LABEL_V2);
    hasher.update(enrollment.epoch().to_be_bytes());
    hasher.update(params.period().to_be_bytes());
    hasher.update(
        u8::try_from(params.digits())
            .unwrap_or(u8::MAX)
            .to_be_bytes(),
    );
    identity_fields(hasher, enrollment)
}

/// The version 1 fingerprint (issuer, account, epoch), to read blobs of earlier releases.
fn fingerprint_v1(enrollment: &Enrollment) -> [u8; FINGERPRINT_LEN] {
    let mut hasher = Sha256::new();
    hasher.update(FINGERPRINT_LABEL_V1);
    hasher.update(enrollment.epoch().to_be_bytes());
    identity_fields(hasher, enrollment)
}

fn identity_fields(mut hasher: Sha256, enrollment: &Enrollment) -> [u8; FINGERPRINT_LEN] {
    for field in [enrollment.issuer(), enrollment.account_id()] {
        hasher.update((field.len() as u64).to_be_bytes());
        hasher.update(field.as_bytes());
    }
    let digest = hasher.finalize();
    let mut out = [0u8; FINGERPRINT_LEN];
    out.copy_from_slice(&digest[..FINGERPRINT_LEN]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The state tag can only be compared in constant time: `StateTag` has no `PartialEq`, so
    /// `expected != tag` does not compile (issue 20: that mutant survived every suite). This
    /// compiles only while `StateTag: !PartialEq` (two blanket impls would become ambiguous).
    #[test]
    fn the_state_tag_has_no_variable_time_equality() {
        trait AmbiguousIfPartialEq<A> {
            fn check() {}
        }
        impl<T: ?Sized> AmbiguousIfPartialEq<()> for T {}
        #[allow(dead_code)]
        struct Invalid;
        impl<T: ?Sized + PartialEq> AmbiguousIfPartialEq<Invalid> for T {}
        <StateTag as AmbiguousIfPartialEq<_>>::check();

        let key = PreparedKey::new(Algorithm::Sha256, &[7u8; 32]);
        let tag = StateTag::of(&key, b"body");
        assert!(bool::from(tag.ct_eq(&StateTag::of(&key, b"body"))));
        assert!(!bool::from(tag.ct_eq(&StateTag::of(&key, b"bodY"))));
    }
}

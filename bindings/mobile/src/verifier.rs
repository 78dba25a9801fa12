//! The customer's side of the caller-verification profile: the enrollment payload and the
//! verifier with its verdicts, display mode and persisted state.

use crate::clock::{self, Clock};
use crate::error::Result;
use crate::otp::{Secret, Window};
use std::sync::Arc;
use zeroize::Zeroizing;

/// What the app received at enrollment: issuer, account, account secret, epoch and code
/// parameters. Its text form (`toString` / `description`) hides the secret.
#[derive(Debug, uniffi::Object)]
#[uniffi::export(Debug)]
pub struct Enrollment {
    pub(crate) inner: callsign::Enrollment,
}

#[uniffi::export]
impl Enrollment {
    /// An enrollment from its parts: issuer (1..=128 bytes), account id (1..=256 bytes), the
    /// account secret, its epoch, digits (6..=8), period (10..=300 s) and whether every code
    /// carries a Damm check digit.
    #[uniffi::constructor]
    pub fn new(
        issuer: &str,
        account_id: &str,
        secret: &Secret,
        epoch: u32,
        digits: u32,
        period: u64,
        check_digit: bool,
    ) -> Result<Arc<Enrollment>> {
        let params = callsign::ProfileParams::new(digits, period)?.with_check_digit(check_digit);
        let inner =
            callsign::Enrollment::new(issuer, account_id, secret.inner().clone(), epoch, params)?;
        Ok(Arc::new(Enrollment { inner }))
    }

    /// Reads a received `callsign://enroll` payload under the vendor's pinned Ed25519 public
    /// keys (`trusted_keys`, 32 bytes each; several allow rotation). An unsigned payload, a
    /// malformed signature, one no pinned key verifies and data after the signature throw
    /// `UntrustedEnrollment`; so does a payload read with no keys unless `allow_unsigned` is
    /// true (tests and tools only). Malformed payloads throw `InvalidUri`.
    #[uniffi::constructor]
    #[allow(
        clippy::needless_pass_by_value,
        reason = "UniFFI passes lists of ByteArray/Data as Vec<Vec<u8>>"
    )]
    pub fn from_uri(
        uri: String,
        trusted_keys: Vec<Vec<u8>>,
        allow_unsigned: bool,
    ) -> Result<Arc<Enrollment>> {
        let uri = Zeroizing::new(uri);
        let trust = callsign::EnrollmentTrust::from_options(&trusted_keys, allow_unsigned)?;
        Ok(Arc::new(Enrollment {
            inner: callsign::Enrollment::from_uri(&uri, &trust)?,
        }))
    }

    /// Whether the enrollment carries a signature.
    pub fn is_signed(&self) -> bool {
        self.inner.signature().is_some()
    }

    /// The issuer's display name.
    pub fn issuer(&self) -> String {
        self.inner.issuer().to_owned()
    }

    /// The account id.
    pub fn account_id(&self) -> String {
        self.inner.account_id().to_owned()
    }

    /// The account secret.
    pub fn secret(&self) -> Arc<Secret> {
        Secret::wrap(self.inner.secret().clone())
    }

    /// The key epoch.
    pub fn epoch(&self) -> u32 {
        self.inner.epoch()
    }

    /// Digits per code.
    pub fn digits(&self) -> u32 {
        self.inner.params().digits()
    }

    /// Seconds per code.
    pub fn period(&self) -> u64 {
        self.inner.params().period()
    }

    /// Whether every code carries a Damm check digit (`check=damm`).
    pub fn check_digit(&self) -> bool {
        self.inner.params().check_digit()
    }

    /// The canonical `callsign://enroll` URI, for the app to store in its secure storage. It
    /// contains the account secret.
    pub fn to_uri(&self) -> String {
        self.inner.to_uri_string().to_string()
    }
}

pub use callsign::{Verdict, VerifierConfig, VerifierStatus};

/// How a verifier checks entries.
// Core's `callsign::VerifierConfig`, exposed as a uniffi remote type: nothing to convert.
#[uniffi::remote(Record)]
pub struct VerifierConfig {
    /// Steps accepted around the current one.
    pub window: Window,
    /// Failed attempts within `lockout_seconds` that lock the verifier (1..=20).
    pub max_failures: u32,
    /// How long failures count and how long a lock lasts, in seconds (1..=2592000).
    pub lockout_seconds: u64,
}

/// The recommended configuration: one step behind and ahead, 3 failures, 15 minutes.
#[uniffi::export]
pub fn default_verifier_config() -> VerifierConfig {
    VerifierConfig::DEFAULT
}

/// The answer to "is my caller genuine?".
// Core's `callsign::Verdict`, exposed as a uniffi remote type: nothing to convert.
#[uniffi::remote(Enum)]
pub enum Verdict {
    /// The entry is the agent code of a step in the window: the caller is genuine.
    Genuine {
        /// The matching step.
        step: u64,
        /// Its distance from the device's current step (clock drift).
        drift: i64,
    },
    /// The entry matches no step in the window; `attempts_left` more failures lock.
    NotGenuine {
        /// Failures still allowed before the lock.
        attempts_left: u32,
    },
    /// The entry is a code that was already accepted (or an older one): a replay.
    AlreadyUsed {
        /// The step it matched.
        step: u64,
    },
    /// Too many failures: nothing is checked until `until` (unix seconds).
    LockedOut {
        /// Unix time at which the lock ends.
        until: u64,
    },
    /// The check digit is wrong: the code was misheard; ask the caller to repeat. Not an
    /// attempt.
    Misheard,
}

/// The attempt counter and lock as they stand.
// Core's `callsign::VerifierStatus`, exposed as a uniffi remote type: nothing to convert.
#[uniffi::remote(Record)]
pub struct VerifierStatus {
    /// Unix time at which the lock ends, if locked.
    pub locked_until: Option<u64>,
    /// Failures still allowed before the lock (0 when locked).
    pub attempts_left: u32,
    /// The last step accepted as genuine.
    pub last_accepted_step: Option<u64>,
}

/// Display mode's answer: the current code, grouped for reading aloud, and how long it lasts.
/// Its text form (`toString` / `description`) hides the digits.
#[derive(Debug, uniffi::Object)]
#[uniffi::export(Debug)]
pub struct TimedCode {
    inner: callsign::TimedCode,
}

impl TimedCode {
    pub(crate) fn wrap(inner: callsign::TimedCode) -> Arc<TimedCode> {
        Arc::new(TimedCode { inner })
    }
}

#[uniffi::export]
impl TimedCode {
    /// The digits, for example "482913".
    pub fn code(&self) -> String {
        self.inner.as_str().to_owned()
    }

    /// The digits grouped for reading aloud, for example "482 913".
    pub fn grouped(&self) -> String {
        self.inner.grouped().as_str().to_owned()
    }

    /// The time step of the code.
    pub fn step(&self) -> u64 {
        self.inner.step
    }

    /// Unix time at which the next code takes over.
    pub fn valid_until(&self) -> u64 {
        self.inner.valid_until
    }

    /// Seconds from the asked time until the code changes.
    pub fn seconds_remaining(&self) -> u64 {
        self.inner.seconds_remaining
    }
}

/// Checks agent codes on the customer's device. Safe to share between threads.
///
/// Persist [`Verifier::export_state`] after every check and restore it with
/// [`Verifier::with_state`]: the attempt limit and the lock then survive app restarts. When the
/// stored state is lost or damaged, start with [`Verifier::new_locked`] (fail closed).
#[derive(Debug, uniffi::Object)]
pub struct Verifier {
    inner: callsign::Verifier,
}

impl Verifier {
    fn wrap(inner: callsign::Verifier) -> Arc<Verifier> {
        Arc::new(Verifier { inner })
    }
}

#[uniffi::export]
impl Verifier {
    /// A fresh verifier for an enrollment.
    #[uniffi::constructor]
    pub fn new(enrollment: &Enrollment, config: VerifierConfig) -> Result<Arc<Verifier>> {
        Ok(Verifier::wrap(callsign::Verifier::new(
            &enrollment.inner,
            config,
        )?))
    }

    /// A fresh verifier from a received `callsign://enroll` payload, read under the pinned
    /// keys as [`Enrollment::from_uri`] reads it.
    #[uniffi::constructor]
    pub fn from_uri(
        uri: String,
        trusted_keys: Vec<Vec<u8>>,
        allow_unsigned: bool,
        config: VerifierConfig,
    ) -> Result<Arc<Verifier>> {
        let enrollment = Enrollment::from_uri(uri, trusted_keys, allow_unsigned)?;
        Verifier::new(&enrollment, config)
    }

    /// A verifier restored from a blob of [`Verifier::export_state`]; a corrupt or foreign
    /// blob throws `InvalidState`.
    #[uniffi::constructor]
    #[allow(
        clippy::needless_pass_by_value,
        reason = "UniFFI passes ByteArray/Data as Vec<u8>"
    )]
    pub fn with_state(
        enrollment: &Enrollment,
        config: VerifierConfig,
        state: Vec<u8>,
    ) -> Result<Arc<Verifier>> {
        Ok(Verifier::wrap(callsign::Verifier::with_state(
            &enrollment.inner,
            config,
            &state,
        )?))
    }

    /// The fail-closed fallback when the stored state is lost: locked from `now` for the
    /// lockout period.
    #[uniffi::constructor]
    pub fn new_locked(
        enrollment: &Enrollment,
        config: VerifierConfig,
        now: u64,
    ) -> Result<Arc<Verifier>> {
        Ok(Verifier::wrap(callsign::Verifier::new_locked(
            &enrollment.inner,
            config,
            now,
        )?))
    }

    /// The configuration in force.
    pub fn config(&self) -> VerifierConfig {
        *self.inner.config()
    }

    /// Entry mode: checks what the customer typed at unix time `now`. A malformed entry throws
    /// `InvalidCode` and does not count as an attempt (during a lock it gets `LockedOut`).
    pub fn check(&self, entry: &str, now: u64) -> Result<Verdict> {
        Ok(self.inner.check(entry, now)?)
    }

    /// Entry mode with the time from the app's `clock`.
    pub fn check_now(&self, entry: &str, clock: Arc<dyn Clock>) -> Result<Verdict> {
        self.check(entry, clock::now(clock)?)
    }

    /// Display mode: the code at unix time `now`, for the customer to read back.
    pub fn display(&self, now: u64) -> Result<Arc<TimedCode>> {
        Ok(TimedCode::wrap(self.inner.display(now)?))
    }

    /// Display mode with the time from the app's `clock`.
    pub fn display_now(&self, clock: Arc<dyn Clock>) -> Result<Arc<TimedCode>> {
        self.display(clock::now(clock)?)
    }

    /// The customer code at unix time `now`, for the customer to read to the vendor's agent
    /// when the customer calls in. Show it only on the customer's own request ("I am calling
    /// ..."), never in answer to an incoming call.
    pub fn customer_code(&self, now: u64) -> Result<Arc<TimedCode>> {
        Ok(Arc::new(TimedCode {
            inner: self.inner.customer_code(now)?,
        }))
    }

    /// The customer code with the time from the app's `clock`.
    pub fn customer_code_now(&self, clock: Arc<dyn Clock>) -> Result<Arc<TimedCode>> {
        self.customer_code(clock::now(clock)?)
    }

    /// The attempt counter and lock at unix time `now`.
    pub fn status(&self, now: u64) -> VerifierStatus {
        self.inner.status(now)
    }

    /// The state (failure times, lock, last accepted step, latest time seen) as a small
    /// versioned, integrity-checked blob bound to this enrollment; persist it after every check.
    pub fn export_state(&self) -> Vec<u8> {
        self.inner.export_state()
    }

    /// Replaces the state with an exported one; a corrupt or foreign blob throws
    /// `InvalidState` and leaves the state as it was.
    #[allow(
        clippy::needless_pass_by_value,
        reason = "UniFFI passes ByteArray/Data as Vec<u8>"
    )]
    pub fn import_state(&self, state: Vec<u8>) -> Result<()> {
        Ok(self.inner.import_state(&state)?)
    }
}

//! The enrollment and the verifier state kept together in the app's private directory, so that
//! a lost state opens locked instead of fresh (the core's `StoredVerifier`).

use crate::clock::{self, Clock};
use crate::error::Result;
use crate::verifier::{Enrollment, TimedCode, Verdict, VerifierConfig, VerifierStatus};
use std::sync::Arc;

pub use callsign::Restored;

/// How [`open_stored_verifier`] found the app's records.
// Core's `callsign::Restored`, exposed as a uniffi remote type: nothing to convert.
#[uniffi::remote(Enum)]
pub enum Restored {
    /// Enrollment and state were read: attempt counter and lock are as they were.
    State,
    /// The enrollment was there but its state was missing or damaged: the verifier starts
    /// locked for the lockout period.
    LockedAfterLostState,
}

/// A verifier whose enrollment and state live in a directory (on Android `filesDir`, on iOS
/// Application Support): files with mode 0600, written atomically, the state saved after every
/// check.
#[derive(Debug, uniffi::Object)]
pub struct StoredVerifier {
    inner: callsign::StoredVerifier,
}

fn storage(directory: &str) -> Result<Arc<callsign::FileStorage>> {
    Ok(Arc::new(callsign::FileStorage::new(directory)?))
}

/// Opens what the app stored in `directory`: null when nothing is enrolled yet (the first
/// run); else the verifier as it was, or, when the state is missing or damaged, one locked from
/// `now` for the lockout period. Never start a fresh verifier because the state is gone.
#[uniffi::export]
pub fn open_stored_verifier(
    directory: &str,
    config: VerifierConfig,
    now: u64,
) -> Result<Option<Arc<StoredVerifier>>> {
    let stored = callsign::StoredVerifier::open(storage(directory)?, config, now)?;
    Ok(stored.map(|inner| Arc::new(StoredVerifier { inner })))
}

#[uniffi::export]
impl StoredVerifier {
    /// Enrolls the app in `directory` with `enrollment` (read it with `Enrollment.fromUri` and
    /// the pinned keys). The same enrollment again keeps its state and lock; another one
    /// replaces it, locked if the old one was locked at `now`.
    #[uniffi::constructor]
    pub fn enroll(
        directory: &str,
        enrollment: &Enrollment,
        config: VerifierConfig,
        now: u64,
    ) -> Result<Arc<StoredVerifier>> {
        let inner = callsign::StoredVerifier::enroll(
            storage(directory)?,
            enrollment.inner.clone(),
            config,
            now,
        )?;
        Ok(Arc::new(StoredVerifier { inner }))
    }

    /// Entry mode: checks `entry` at unix time `now` and saves the state before returning.
    pub fn check(&self, entry: &str, now: u64) -> Result<Verdict> {
        Ok(self.inner.check(entry, now)?)
    }

    /// Entry mode with the time from the app's `clock`.
    pub fn check_now(&self, entry: &str, clock: Arc<dyn Clock>) -> Result<Verdict> {
        self.check(entry, clock::now(clock)?)
    }

    /// Display mode: the code at unix time `now`.
    pub fn display(&self, now: u64) -> Result<Arc<TimedCode>> {
        Ok(TimedCode::wrap(self.inner.verifier().display(now)?))
    }

    /// The attempt counter and lock at unix time `now`.
    pub fn status(&self, now: u64) -> VerifierStatus {
        self.inner.status(now)
    }

    /// How the records were found (null after a fresh enrollment).
    pub fn restored(&self) -> Option<Restored> {
        self.inner.restored()
    }

    /// The stored enrollment.
    pub fn enrollment(&self) -> Arc<Enrollment> {
        Arc::new(Enrollment {
            inner: self.inner.enrollment().clone(),
        })
    }
}

//! The time source the app supplies: a foreign trait, so a Kotlin or Swift object can answer
//! with server-synced time instead of the phone's clock.

use crate::CallsignError;
use std::sync::Arc;

/// Why the app's clock could not tell the time. Kotlin and Swift implementations throw
/// `ClockException.Unavailable` / `ClockError.Unavailable`; any other exception they throw
/// arrives as `Unavailable` too.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum ClockError {
    /// The clock has no trustworthy time (for example: not yet synced with the server).
    #[error("the app's clock is unavailable: {reason}")]
    Unavailable {
        /// What went wrong, for the error message.
        reason: String,
    },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for ClockError {
    fn from(error: uniffi::UnexpectedUniFFICallbackError) -> ClockError {
        ClockError::Unavailable {
            reason: error.reason,
        }
    }
}

/// A source of the current unix time in seconds, implemented by the app.
#[uniffi::export(with_foreign)]
pub trait Clock: Send + Sync {
    /// The current unix time in whole seconds.
    fn now(&self) -> Result<u64, ClockError>;
}

/// Asks `clock` for the time; its failure becomes [`CallsignError::ClockUnavailable`].
#[allow(
    clippy::needless_pass_by_value,
    reason = "UniFFI hands foreign objects over as Arc<dyn Clock>; callers pass theirs on"
)]
pub(crate) fn now(clock: Arc<dyn Clock>) -> Result<u64, CallsignError> {
    clock
        .now()
        .map_err(|error| CallsignError::ClockUnavailable(error.to_string()))
}

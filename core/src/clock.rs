//! Where "now" comes from: the system clock, a fixed clock for tests, or the caller's own
//! (an app that trusts a server-synced clock more than the phone's).

use crate::error::Error;
use std::sync::atomic::{AtomicU64, Ordering};

/// A source of the current unix time in seconds.
pub trait Clock: Send + Sync {
    /// The current unix time in whole seconds.
    fn now(&self) -> Result<u64, Error>;
}

/// The operating system's wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Result<u64, Error> {
        match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
            Ok(since_epoch) => Ok(since_epoch.as_secs()),
            Err(before) => Err(Error::TimeBefore1970 {
                seconds_before: before.duration().as_secs().max(1),
            }),
        }
    }
}

/// A clock that shows a set time until it is set or advanced; for tests and simulations.
#[derive(Debug, Default)]
pub struct FixedClock {
    now: AtomicU64,
}

impl FixedClock {
    /// A clock showing `now`.
    pub fn new(now: u64) -> FixedClock {
        FixedClock {
            now: AtomicU64::new(now),
        }
    }

    /// Sets the time.
    pub fn set(&self, now: u64) {
        self.now.store(now, Ordering::SeqCst);
    }

    /// Moves the time forward by `seconds`, stopping at `u64::MAX`.
    pub fn advance(&self, seconds: u64) {
        let _ = self
            .now
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |now| {
                Some(now.saturating_add(seconds))
            });
    }
}

impl Clock for FixedClock {
    fn now(&self) -> Result<u64, Error> {
        Ok(self.now.load(Ordering::SeqCst))
    }
}

/// Unix seconds of a date and time; times before 1970 are an error.
pub fn unix_seconds(time: time::OffsetDateTime) -> Result<u64, Error> {
    unix_seconds_from_signed(i128::from(time.unix_timestamp()))
}

/// Unix seconds from a signed count of seconds since 1970 (a binding's integer argument, a
/// date's timestamp): a negative count is [`Error::TimeBefore1970`] (how far before, saturated
/// at `u64::MAX`), one above `u64::MAX` is [`Error::Overflow`]. A caller whose integer does
/// not fit `i128` passes `i128::MIN` or `i128::MAX` by its sign.
pub fn unix_seconds_from_signed(seconds: i128) -> Result<u64, Error> {
    u64::try_from(seconds).map_err(|_| {
        if seconds < 0 {
            Error::TimeBefore1970 {
                seconds_before: u64::try_from(seconds.unsigned_abs()).unwrap_or(u64::MAX),
            }
        } else {
            Error::Overflow {
                what: "unix time above 2^64 - 1",
            }
        }
    })
}

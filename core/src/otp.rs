//! RFC 4226 HOTP and RFC 6238 TOTP over prepared keys, with windowed constant-time
//! verification and a replay guard.

use crate::algorithm::Algorithm;
use crate::clock::Clock;
use crate::code::{Code, Digits, dynamic_truncation};
use crate::error::Error;
use crate::mac::{Backend, PreparedKey};
use crate::secret::Secret;
use subtle::{Choice, ConditionallySelectable, ConstantTimeEq};

/// The most candidate steps one verification may compare (behind + 1 + ahead).
pub const MAX_WINDOW_STEPS: u64 = 101;

/// Which steps around the current one a verification accepts.
///
/// Steps that do not exist (below 0, above `u64::MAX`) are simply not candidates: the window
/// is clipped at both ends instead of wrapping around.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Window {
    /// Steps (or counters) before the current one that still match.
    pub behind: u64,
    /// Steps (or counters) after the current one that already match.
    pub ahead: u64,
}

impl Window {
    /// One step behind and one ahead, the profile's default.
    pub const DEFAULT: Window = Window {
        behind: 1,
        ahead: 1,
    };

    /// Only the current step.
    pub const EXACT: Window = Window {
        behind: 0,
        ahead: 0,
    };

    /// A window of `behind` steps back and `ahead` steps forward.
    pub fn new(behind: u64, ahead: u64) -> Result<Window, Error> {
        let window = Window { behind, ahead };
        window.check()?;
        Ok(window)
    }

    /// The same number of steps on both sides.
    pub fn symmetric(skew: u64) -> Result<Window, Error> {
        Window::new(skew, skew)
    }

    pub(crate) fn check(self) -> Result<(), Error> {
        let total = self
            .behind
            .checked_add(self.ahead)
            .and_then(|steps| steps.checked_add(1));
        match total {
            Some(total) if total <= MAX_WINDOW_STEPS => Ok(()),
            _ => Err(Error::WindowTooLarge {
                behind: self.behind,
                ahead: self.ahead,
                max: MAX_WINDOW_STEPS,
            }),
        }
    }
}

impl Default for Window {
    /// [`Window::DEFAULT`].
    fn default() -> Window {
        Window::DEFAULT
    }
}

/// A successful match: the step (or counter) whose code matched, and its distance from the
/// current one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Match {
    /// The matching step or counter.
    pub step: u64,
    /// `step - current`: negative when the code was older, positive when the other side's
    /// clock runs ahead.
    pub drift: i64,
}

/// Remembers the last accepted step so that no code is accepted twice (RFC 6238 section 5.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReplayGuard {
    last_accepted: Option<u64>,
}

impl ReplayGuard {
    /// A guard that has accepted nothing yet.
    pub fn new() -> ReplayGuard {
        ReplayGuard::default()
    }

    /// A guard restored from a persisted last accepted step.
    pub fn with_last_accepted(last_accepted: Option<u64>) -> ReplayGuard {
        ReplayGuard { last_accepted }
    }

    /// The last accepted step, if any.
    pub fn last_accepted(&self) -> Option<u64> {
        self.last_accepted
    }

    /// Records a match: accepted when its step is after the last accepted one, replayed when
    /// it is at or before it.
    pub fn admit(&mut self, matched: Match) -> Verification {
        match self.last_accepted {
            Some(last) if matched.step <= last => Verification::Replayed(matched),
            _ => {
                self.last_accepted = Some(matched.step);
                Verification::Accepted(matched)
            }
        }
    }
}

/// The outcome of a verification through a [`ReplayGuard`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verification {
    /// The code matched a step after the last accepted one.
    Accepted(Match),
    /// The code matched a step at or before the last accepted one: a replay.
    Replayed(Match),
    /// The code matched no step in the window.
    Rejected,
}

/// A code generator bound to a prepared key and a digit count, shared by HOTP and TOTP.
#[derive(Debug, Clone)]
struct Generator {
    key: PreparedKey,
    digits: Digits,
}

impl Generator {
    /// A generator over a secret's bytes, whose length is checked as [`Secret`] checks it.
    fn new(
        backend: Backend,
        secret: &[u8],
        algorithm: Algorithm,
        digits: u32,
    ) -> Result<Generator, Error> {
        crate::secret::check_len(secret.len())?;
        Ok(Generator {
            digits: Digits::new(digits)?,
            key: PreparedKey::with_backend(backend, algorithm, secret),
        })
    }

    #[inline]
    fn code(&self, counter: u64) -> Code {
        let value = self
            .key
            .with_tag(&counter.to_be_bytes(), dynamic_truncation);
        Code::from_value(value, self.digits)
    }

    /// Compares `entry` with the code of every step in the window, in constant time and
    /// without an early exit; reports the first matching step.
    fn find(&self, entry: &str, current: u64, window: Window) -> Result<Option<Match>, Error> {
        window.check()?;
        // Candidates are compared as numbers (the truncated HMAC value mod 10^digits), which
        // is what the digits encode; formatting each candidate would only cost time.
        let wanted = Code::parse_entry(entry, self.digits.get())?.value();
        let modulus = self.digits.modulus();
        let first = current.saturating_sub(window.behind);
        let last = current.saturating_add(window.ahead);
        let mut found = Choice::from(0);
        let mut matched_step = 0u64;
        self.key.for_each_counter_tag(first, last, |step, tag| {
            let candidate = dynamic_truncation(tag) % modulus;
            let is_match = candidate.ct_eq(&wanted);
            matched_step.conditional_assign(&step, is_match & !found);
            found |= is_match;
        });
        if !bool::from(found) {
            return Ok(None);
        }
        // Both values lie within MAX_WINDOW_STEPS of each other, so the difference fits; one
        // subtraction for both signs, no branch on where the match lies.
        let drift = i64::try_from(i128::from(matched_step) - i128::from(current))
            .map_err(|_| Error::Overflow { what: "drift" })?;
        Ok(Some(Match {
            step: matched_step,
            drift,
        }))
    }
}

/// RFC 4226 HOTP: codes from a counter.
#[derive(Debug, Clone)]
pub struct Hotp {
    generator: Generator,
}

impl Hotp {
    /// HOTP with `secret`, `algorithm` and `digits` (6..=8), on the default HMAC backend.
    pub fn new(secret: &Secret, algorithm: Algorithm, digits: u32) -> Result<Hotp, Error> {
        Hotp::with_backend(Backend::DEFAULT, secret, algorithm, digits)
    }

    /// HOTP on a chosen HMAC backend.
    pub fn with_backend(
        backend: Backend,
        secret: &Secret,
        algorithm: Algorithm,
        digits: u32,
    ) -> Result<Hotp, Error> {
        Ok(Hotp {
            generator: Generator::new(backend, secret.expose_bytes(), algorithm, digits)?,
        })
    }

    /// HOTP straight from a secret's raw bytes, length-checked like [`Secret::from_bytes`] but
    /// not copied: for one-shot codes, where the caller already holds the bytes.
    pub fn from_secret_bytes(
        secret: &[u8],
        algorithm: Algorithm,
        digits: u32,
    ) -> Result<Hotp, Error> {
        Ok(Hotp {
            generator: Generator::new(Backend::DEFAULT, secret, algorithm, digits)?,
        })
    }

    /// The code for `counter`.
    pub fn code(&self, counter: u64) -> Code {
        self.generator.code(counter)
    }

    /// The digit count.
    pub fn digits(&self) -> u32 {
        self.generator.digits.get()
    }

    /// Checks `entry` against the counters in `window` around `counter`.
    ///
    /// `Ok(None)` means a well-formed code that matched no counter; a malformed entry is an
    /// error. The caller should store `step + 1` of a match as its next counter.
    pub fn verify(
        &self,
        entry: &str,
        counter: u64,
        window: Window,
    ) -> Result<Option<Match>, Error> {
        self.generator.find(entry, counter, window)
    }
}

/// RFC 6238 TOTP: codes from time steps of `period` seconds since `t0`.
#[derive(Debug, Clone)]
pub struct Totp {
    generator: Generator,
    period: u64,
    t0: u64,
}

impl Totp {
    /// TOTP with `secret`, `algorithm`, `digits` (6..=8) and `period` (>= 1 s), T0 = 0, on
    /// the default HMAC backend.
    pub fn new(
        secret: &Secret,
        algorithm: Algorithm,
        digits: u32,
        period: u64,
    ) -> Result<Totp, Error> {
        Totp::with_backend(Backend::DEFAULT, secret, algorithm, digits, period)
    }

    /// TOTP on a chosen HMAC backend.
    pub fn with_backend(
        backend: Backend,
        secret: &Secret,
        algorithm: Algorithm,
        digits: u32,
        period: u64,
    ) -> Result<Totp, Error> {
        Totp::from_parts(backend, secret.expose_bytes(), algorithm, digits, period)
    }

    /// TOTP straight from a secret's raw bytes, length-checked like [`Secret::from_bytes`] but
    /// not copied: for one-shot codes, where the caller already holds the bytes.
    pub fn from_secret_bytes(
        secret: &[u8],
        algorithm: Algorithm,
        digits: u32,
        period: u64,
    ) -> Result<Totp, Error> {
        Totp::from_parts(Backend::DEFAULT, secret, algorithm, digits, period)
    }

    fn from_parts(
        backend: Backend,
        secret: &[u8],
        algorithm: Algorithm,
        digits: u32,
        period: u64,
    ) -> Result<Totp, Error> {
        if period == 0 {
            return Err(Error::ZeroPeriod);
        }
        Ok(Totp {
            generator: Generator::new(backend, secret, algorithm, digits)?,
            period,
            t0: 0,
        })
    }

    /// The same TOTP with the epoch T0 (unix seconds) moved.
    #[must_use]
    pub fn with_t0(mut self, t0: u64) -> Totp {
        self.t0 = t0;
        self
    }

    /// The digit count.
    pub fn digits(&self) -> u32 {
        self.generator.digits.get()
    }

    /// The period in seconds.
    pub fn period(&self) -> u64 {
        self.period
    }

    /// The epoch T0 in unix seconds.
    pub fn t0(&self) -> u64 {
        self.t0
    }

    /// The time step at unix time `time`: floor((time - T0) / period).
    pub fn step_at(&self, time: u64) -> Result<u64, Error> {
        Ok(self.since_t0(time)? / self.period)
    }

    /// Seconds from T0 to `time`; a time before T0 is an error.
    fn since_t0(&self, time: u64) -> Result<u64, Error> {
        time.checked_sub(self.t0)
            .ok_or(Error::TimeBeforeEpoch { time, t0: self.t0 })
    }

    /// The code of time step `step`.
    pub fn code_for_step(&self, step: u64) -> Code {
        self.generator.code(step)
    }

    /// The code at unix time `time`.
    pub fn code_at(&self, time: u64) -> Result<Code, Error> {
        Ok(self.generator.code(self.step_at(time)?))
    }

    /// The code at a date and time.
    pub fn code_at_datetime(&self, time: time::OffsetDateTime) -> Result<Code, Error> {
        self.code_at(crate::clock::unix_seconds(time)?)
    }

    /// The code now, by `clock`.
    pub fn code_now(&self, clock: &dyn Clock) -> Result<Code, Error> {
        self.code_at(clock.now()?)
    }

    /// The code at `time` with its step and how long it stays valid.
    pub fn timed_code_at(&self, time: u64) -> Result<TimedCode, Error> {
        let since_t0 = self.since_t0(time)?;
        // One division gives both: the step, and how far `time` lies into it.
        let (step, into_step) = (since_t0 / self.period, since_t0 % self.period);
        // `time - into_step` is the start of the step (T0 + step * period), not above `time`.
        let valid_until = (time - into_step)
            .checked_add(self.period)
            .ok_or(Error::Overflow {
                what: "end of the time step",
            })?;
        Ok(TimedCode {
            code: self.generator.code(step),
            step,
            valid_until,
            // `time` lies inside the step, so it is below `valid_until`.
            seconds_remaining: valid_until - time,
        })
    }

    /// Seconds until the code changes: period - ((time - T0) mod period).
    pub fn seconds_remaining(&self, time: u64) -> Result<u64, Error> {
        Ok(self.period - self.since_t0(time)? % self.period)
    }

    /// Checks `entry` against the steps in `window` around the step at `time`.
    ///
    /// `Ok(None)` means a well-formed code that matched no step; a malformed entry is an error.
    pub fn verify(&self, entry: &str, time: u64, window: Window) -> Result<Option<Match>, Error> {
        self.generator.find(entry, self.step_at(time)?, window)
    }

    /// Like [`Totp::verify`], and rejects a step at or before the guard's last accepted one.
    pub fn verify_with_guard(
        &self,
        entry: &str,
        time: u64,
        window: Window,
        guard: &mut ReplayGuard,
    ) -> Result<Verification, Error> {
        Ok(match self.verify(entry, time, window)? {
            Some(matched) => guard.admit(matched),
            None => Verification::Rejected,
        })
    }
}

/// A code together with its time step and validity.
#[derive(Debug, Clone)]
pub struct TimedCode {
    /// The code.
    pub code: Code,
    /// Its time step.
    pub step: u64,
    /// Unix time at which the next code takes over (exclusive end of validity).
    pub valid_until: u64,
    /// Seconds from the given time until `valid_until`.
    pub seconds_remaining: u64,
}

impl TimedCode {
    /// The digits.
    pub fn as_str(&self) -> &str {
        self.code.as_str()
    }

    /// The digits grouped for reading aloud ("482 913").
    pub fn grouped(&self) -> crate::code::GroupedCode {
        self.code.grouped()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::mac::TAGS_COMPUTED;

    fn tags_computed_by(run: impl FnOnce()) -> u64 {
        let before = TAGS_COMPUTED.with(core::cell::Cell::get);
        run();
        TAGS_COMPUTED.with(core::cell::Cell::get) - before
    }

    /// The accessors report what the generator was built with (cargo-mutants survivors: the
    /// bindings read them, core's own tests did not).
    #[test]
    fn accessors_report_the_parameters() {
        let secret = Secret::from_bytes(b"12345678901234567890").unwrap();
        assert_eq!(Hotp::new(&secret, Algorithm::Sha1, 7).unwrap().digits(), 7);
        let totp = Totp::new(&secret, Algorithm::Sha256, 8, 45)
            .unwrap()
            .with_t0(17);
        assert_eq!((totp.digits(), totp.period(), totp.t0()), (8, 45, 17));
        let totp = Totp::new(&secret, Algorithm::Sha1, 6, 30).unwrap();
        assert_eq!((totp.digits(), totp.period(), totp.t0()), (6, 30, 0));
    }

    /// Seconds until the code changes, counted from T0 (cargo-mutants survivors: only the
    /// bindings called it).
    #[test]
    fn seconds_remaining_counts_from_t0() {
        let secret = Secret::from_bytes(b"12345678901234567890").unwrap();
        let totp = Totp::new(&secret, Algorithm::Sha1, 6, 30)
            .unwrap()
            .with_t0(17);
        for (time, remaining) in [(17, 30), (18, 29), (46, 1), (47, 30), (100, 7)] {
            assert_eq!(
                totp.seconds_remaining(time).unwrap(),
                remaining,
                "t = {time}"
            );
        }
        assert!(totp.seconds_remaining(16).is_err());
    }

    /// Two steps of one window with the same code: the earliest one is the match (a
    /// cargo-mutants survivor let a later duplicate overwrite it). RFC 4226's secret gives
    /// 709847 at counters 2386 and 2394 (found by the stdlib reference, not by core).
    #[test]
    fn the_earliest_of_two_matching_steps_is_the_match() {
        let secret = Secret::from_bytes(b"12345678901234567890").unwrap();
        let hotp = Hotp::new(&secret, Algorithm::Sha1, 6).unwrap();
        assert_eq!(hotp.code(2386).as_str(), "709847");
        assert_eq!(hotp.code(2394).as_str(), "709847");
        let found = hotp
            .verify("709847", 2390, Window::new(4, 4).unwrap())
            .unwrap()
            .unwrap();
        assert_eq!((found.step, found.drift), (2386, -4));
        let found = hotp
            .verify("709847", 2394, Window::new(10, 0).unwrap())
            .unwrap()
            .unwrap();
        assert_eq!((found.step, found.drift), (2386, -8));
    }

    /// The window comparison computes and compares every candidate, wherever the match is
    /// (issue 20: a mutant that stopped at the first match survived every suite).
    #[test]
    fn the_window_comparison_has_no_early_exit() {
        let secret = Secret::from_bytes(b"12345678901234567890").unwrap();
        let hotp = Hotp::new(&secret, Algorithm::Sha1, 6).unwrap();
        let window = Window::new(0, 100).unwrap();
        for matching in [1000, 1001, 1050, 1100] {
            let code = hotp.code(matching);
            let mut found = None;
            let count =
                tags_computed_by(|| found = hotp.verify(code.as_str(), 1000, window).unwrap());
            assert_eq!(found.map(|m| m.step), Some(matching));
            assert_eq!(count, 101, "match at {matching}");
        }
        let count = tags_computed_by(|| {
            hotp.verify("000000", 1000, window).unwrap();
        });
        assert_eq!(count, 101);
    }
}

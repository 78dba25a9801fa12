//! The HOTP/TOTP basics: algorithms, secrets, generators, windows, base32 and entry parsing.

use crate::clock::{self, Clock};
use crate::error::Result;
use std::sync::Arc;
use zeroize::Zeroizing;

pub use callsign::Algorithm;
/// A successful match (core's `Match`, named for Kotlin and Swift).
pub type OtpMatch = callsign::Match;
pub use callsign::Window;

/// The hash function under the HMAC.
// Core's `callsign::Algorithm`, exposed as a uniffi remote type: nothing to convert.
#[uniffi::remote(Enum)]
pub enum Algorithm {
    /// HMAC-SHA-1, the default of RFC 4226 and of otpauth:// URIs.
    Sha1,
    /// HMAC-SHA-256, used by the callsign profile.
    Sha256,
    /// HMAC-SHA-512.
    Sha512,
}

/// Parses an algorithm name such as "SHA1", "sha256" or "SHA-512" (case-insensitive).
#[uniffi::export]
pub fn parse_algorithm(name: &str) -> Result<Algorithm> {
    Ok(name.parse::<Algorithm>()?)
}

/// An HOTP/TOTP shared secret of 16 to 1024 bytes, zeroized when released. Its text form
/// (`toString` / `description`) shows only the length.
#[derive(Debug, PartialEq, Eq, uniffi::Object)]
#[uniffi::export(Debug, Eq)]
pub struct Secret {
    inner: callsign::Secret,
}

impl Secret {
    pub(crate) fn wrap(inner: callsign::Secret) -> Arc<Secret> {
        Arc::new(Secret { inner })
    }

    pub(crate) fn inner(&self) -> &callsign::Secret {
        &self.inner
    }
}

#[uniffi::export]
impl Secret {
    /// A secret from raw bytes (16..=1024).
    #[uniffi::constructor]
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Arc<Secret>> {
        let bytes = Zeroizing::new(bytes);
        Ok(Secret::wrap(callsign::Secret::from_zeroizing(bytes)?))
    }

    /// A secret from base32 as people paste it (any case, spaces, hyphens, `=` padding).
    #[uniffi::constructor]
    pub fn from_base32(text: String) -> Result<Arc<Secret>> {
        let text = Zeroizing::new(text);
        Ok(Secret::wrap(callsign::Secret::from_base32(&text)?))
    }

    /// A new random secret of the length recommended for `algorithm` (20, 32 or 64 bytes).
    #[uniffi::constructor]
    pub fn generate(algorithm: Algorithm) -> Result<Arc<Secret>> {
        Ok(Secret::wrap(callsign::Secret::generate(algorithm)?))
    }

    /// The secret as upper-case base32 without padding, for a setup screen or an export.
    pub fn to_base32(&self) -> String {
        self.inner.to_base32().to_string()
    }

    /// The length in bytes.
    pub fn byte_length(&self) -> u32 {
        u32::try_from(self.inner.len()).unwrap_or(u32::MAX)
    }
}

/// Steps (or counters) around the current one that a verification accepts; at most 101 in
/// total.
// Core's `callsign::Window`, exposed as a uniffi remote type: nothing to convert.
#[uniffi::remote(Record)]
pub struct Window {
    /// Steps before the current one that still match.
    pub behind: u64,
    /// Steps after the current one that already match.
    pub ahead: u64,
}

/// A successful match: the step (or counter) whose code matched and its distance from the
/// current one.
// Core's `callsign::Match`, exposed as a uniffi remote type: nothing to convert.
#[uniffi::remote(Record)]
pub struct OtpMatch {
    /// The matching step or counter.
    pub step: u64,
    /// `step - current`: negative for an older code, positive when the other clock runs ahead.
    pub drift: i64,
}

/// RFC 4226 HOTP: codes from a counter.
#[derive(Debug, uniffi::Object)]
pub struct Hotp {
    inner: callsign::Hotp,
}

impl Hotp {
    pub(crate) fn wrap(inner: callsign::Hotp) -> Arc<Hotp> {
        Arc::new(Hotp { inner })
    }
}

#[uniffi::export]
impl Hotp {
    /// HOTP with `secret`, `algorithm` and `digits` (6..=8).
    #[uniffi::constructor]
    pub fn new(secret: &Secret, algorithm: Algorithm, digits: u32) -> Result<Arc<Hotp>> {
        Ok(Hotp::wrap(callsign::Hotp::new(
            secret.inner(),
            algorithm,
            digits,
        )?))
    }

    /// The code for `counter`.
    pub fn code(&self, counter: u64) -> String {
        self.inner.code(counter).as_str().to_owned()
    }

    /// The digit count.
    pub fn digits(&self) -> u32 {
        self.inner.digits()
    }

    /// Checks `entry` against the counters in `window` around `counter`: the match, or null
    /// when a well-formed entry matches none. A malformed entry throws `InvalidCode`.
    pub fn verify(&self, entry: &str, counter: u64, window: Window) -> Result<Option<OtpMatch>> {
        Ok(self.inner.verify(entry, counter, window)?)
    }
}

/// RFC 6238 TOTP: codes from time steps of `period` seconds since `t0`.
#[derive(Debug, uniffi::Object)]
pub struct Totp {
    inner: callsign::Totp,
}

impl Totp {
    pub(crate) fn wrap(inner: callsign::Totp) -> Arc<Totp> {
        Arc::new(Totp { inner })
    }
}

#[uniffi::export]
impl Totp {
    /// TOTP with `secret`, `algorithm`, `digits` (6..=8), `period` (>= 1 s) and epoch `t0`
    /// (unix seconds, default 0).
    #[uniffi::constructor(default(t0 = 0))]
    pub fn new(
        secret: &Secret,
        algorithm: Algorithm,
        digits: u32,
        period: u64,
        t0: u64,
    ) -> Result<Arc<Totp>> {
        let totp = callsign::Totp::new(secret.inner(), algorithm, digits, period)?;
        Ok(Totp::wrap(totp.with_t0(t0)))
    }

    /// The digit count.
    pub fn digits(&self) -> u32 {
        self.inner.digits()
    }

    /// The period in seconds.
    pub fn period(&self) -> u64 {
        self.inner.period()
    }

    /// The time step at unix time `time`.
    pub fn step_at(&self, time: u64) -> Result<u64> {
        Ok(self.inner.step_at(time)?)
    }

    /// The code at unix time `time`.
    pub fn code_at(&self, time: u64) -> Result<String> {
        Ok(self.inner.code_at(time)?.as_str().to_owned())
    }

    /// The code now, by the app's `clock`.
    pub fn code_now(&self, clock: Arc<dyn Clock>) -> Result<String> {
        self.code_at(clock::now(clock)?)
    }

    /// Checks `entry` against the steps in `window` around the step at `time`: the match, or
    /// null when a well-formed entry matches none. A malformed entry throws `InvalidCode`.
    pub fn verify(&self, entry: &str, time: u64, window: Window) -> Result<Option<OtpMatch>> {
        Ok(self.inner.verify(entry, time, window)?)
    }
}

/// Encodes bytes as upper-case RFC 4648 base32 without padding.
#[uniffi::export]
pub fn base32_encode(bytes: Vec<u8>) -> String {
    callsign::base32::encode(&Zeroizing::new(bytes))
}

/// Decodes base32 as people paste it: any case, spaces, hyphens, trailing `=`. Anything else
/// throws `InvalidBase32` naming the position.
#[uniffi::export]
pub fn base32_decode(text: &str) -> Result<Vec<u8>> {
    Ok(callsign::base32::decode(text)?.to_vec())
}

/// What a person typed, as the bare `digits` digits it stands for ("482 913" -> "482913").
/// Anything but digits grouped by single spaces or dashes throws `InvalidCode`.
#[uniffi::export]
pub fn parse_entry(entry: &str, digits: u32) -> Result<String> {
    Ok(callsign::Code::parse_entry(entry, digits)?
        .as_str()
        .to_owned())
}

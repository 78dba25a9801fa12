//! Default argument values, read once from core's defaults. The pyo3 signatures name these
//! constants; `DEFAULTS` hands them to Python. pyo3 writes only literal defaults into a text
//! signature, so the text signatures and the stubs spell the values out: they are generated from
//! `DEFAULTS` by `CALLSIGN_BLESS_DEFAULTS=1 pytest tests/test_defaults.py`, which fails without
//! the variable until they match.

use callsign::{
    AuditQuery, IssuerConfig, OtpAuthUri, ProfileParams, RateLimit, VerifierConfig, Window,
};
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// The issuer's key epoch.
pub(crate) const EPOCH: u32 = IssuerConfig::DEFAULT_EPOCH;
/// Digits of the profile's codes.
pub(crate) const DIGITS: u32 = ProfileParams::DEFAULT.digits();
/// Period of the profile's codes.
pub(crate) const PERIOD: u64 = ProfileParams::DEFAULT.period();
/// Whether the profile's codes carry a check digit.
pub(crate) const CHECK_DIGIT: bool = ProfileParams::DEFAULT.check_digit();
/// Codes per agent per rate-limit window.
pub(crate) const MAX_CODES: u32 = RateLimit::DEFAULT.max_codes;
/// The rate-limit window.
pub(crate) const WINDOW_SECONDS: u64 = RateLimit::DEFAULT.window_seconds;
/// Accounts whose call keys an issuer caches.
pub(crate) const CACHE_CAPACITY: usize = IssuerConfig::DEFAULT_CACHE_CAPACITY;
/// Audit records read back at most.
pub(crate) const AUDIT_QUERY_LIMIT: usize = AuditQuery::DEFAULT_LIMIT;
/// Steps behind the current one that a verifier (and a TOTP check) accepts.
pub(crate) const BEHIND: u64 = VerifierConfig::DEFAULT.window.behind;
/// Steps ahead of the current one that a verifier (and a TOTP check) accepts.
pub(crate) const AHEAD: u64 = VerifierConfig::DEFAULT.window.ahead;
/// Failures that lock a verifier.
pub(crate) const MAX_FAILURES: u32 = VerifierConfig::DEFAULT.max_failures;
/// How long failures count and a lock lasts.
pub(crate) const LOCKOUT_SECONDS: u64 = VerifierConfig::DEFAULT.lockout_seconds;
/// Counters behind the given one that an HOTP check accepts.
pub(crate) const HOTP_BEHIND: u64 = Window::EXACT.behind;
/// Counters ahead of the given one that an HOTP check accepts.
pub(crate) const HOTP_AHEAD: u64 = Window::EXACT.ahead;
/// Digits of a plain HOTP/TOTP code (the otpauth:// format's default).
pub(crate) const OTP_DIGITS: u32 = OtpAuthUri::DEFAULT_DIGITS;
/// Period of a plain TOTP code (the otpauth:// format's default).
pub(crate) const OTP_PERIOD: u64 = OtpAuthUri::DEFAULT_PERIOD;
/// Algorithm of a plain HOTP/TOTP code (the otpauth:// format's default).
pub(crate) const OTP_ALGORITHM: &str = OtpAuthUri::DEFAULT_ALGORITHM.as_str();

/// How long a ledger call waits at most, in seconds.
pub(crate) const TIMEOUT_SECONDS: f64 = callsign_ledger::DEFAULT_TIMEOUT.as_secs_f64();

/// Adds `DEFAULTS`, a dict of every default above by its lower-case name.
pub(crate) fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    let defaults = PyDict::new(module.py());
    defaults.set_item("epoch", EPOCH)?;
    defaults.set_item("digits", DIGITS)?;
    defaults.set_item("period", PERIOD)?;
    defaults.set_item("check_digit", CHECK_DIGIT)?;
    defaults.set_item("max_codes", MAX_CODES)?;
    defaults.set_item("window_seconds", WINDOW_SECONDS)?;
    defaults.set_item("cache_capacity", CACHE_CAPACITY)?;
    defaults.set_item("audit_query_limit", AUDIT_QUERY_LIMIT)?;
    defaults.set_item("behind", BEHIND)?;
    defaults.set_item("ahead", AHEAD)?;
    defaults.set_item("max_failures", MAX_FAILURES)?;
    defaults.set_item("lockout_seconds", LOCKOUT_SECONDS)?;
    defaults.set_item("hotp_behind", HOTP_BEHIND)?;
    defaults.set_item("hotp_ahead", HOTP_AHEAD)?;
    defaults.set_item("otp_digits", OTP_DIGITS)?;
    defaults.set_item("otp_period", OTP_PERIOD)?;
    defaults.set_item("otp_algorithm", OTP_ALGORITHM)?;
    defaults.set_item("timeout_seconds", TIMEOUT_SECONDS)?;
    module.add("DEFAULTS", defaults)
}

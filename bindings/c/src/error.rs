//! `callsign_result`: the outcome of every fallible C function, its messages and names, and the
//! detailed message of the last failure on each thread.

use std::cell::RefCell;
use std::ffi::CStr;
use std::fmt::Display;
use std::os::raw::c_char;

use callsign::ErrorKind;

use crate::boundary::ffi_boundary;
use crate::ffi::write_text;

/// The outcome of a callsign function. `CALLSIGN_RESULT_OK` (0) is success.
///
/// Values come in numbered ranges: 1xx misuse of the C API, 2xx OTP parameters, 3xx keys and
/// encodings, 4xx malformed or untrusted input, 5xx issuer policy, 6xx files and device
/// storage. Each kind of core error has exactly one value; its name (`callsign_result_name`) is
/// the error name used by the conformance vectors.
/// Values are never renumbered; a retired value stays reserved.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum callsign_result {
    /// Success.
    Ok = 0,
    /// A required pointer argument was NULL.
    NullParameter = 100,
    /// The output buffer is too small; `*out_needed` holds the size it needs.
    InsufficientSize = 101,
    /// A text argument is not valid UTF-8.
    InvalidUtf8 = 102,
    /// An enumeration argument holds a value outside its enumeration.
    InvalidArgument = 103,
    /// An internal error (a Rust panic) was caught at the boundary. Please report it.
    Panic = 104,
    /// The core library reported an error kind this version of the C API does not know.
    UnknownError = 199,
    /// The number of digits is outside 6..=8.
    InvalidDigits = 200,
    /// The period is zero or outside the allowed range.
    InvalidPeriod = 201,
    /// The time lies before the TOTP epoch T0.
    TimeBeforeEpoch = 202,
    /// A time or counter computation would overflow.
    Overflow = 203,
    /// A configuration value (window, attempt limit, lockout, rate limit) is out of range.
    InvalidConfig = 204,
    /// The secret is too short or too long.
    InvalidSecretLength = 300,
    /// The base32 text is malformed.
    InvalidBase32 = 301,
    /// The hash algorithm is not SHA1, SHA256 or SHA512.
    UnsupportedAlgorithm = 302,
    /// The master key is not 32 to 64 bytes long.
    InvalidMasterKey = 303,
    /// The system random generator failed.
    RandomUnavailable = 304,
    /// An Ed25519 signing key seed or public key is not 32 bytes long.
    InvalidSigningKey = 305,
    /// An entered code is malformed (wrong length or a character other than digits and separators).
    InvalidCode = 400,
    /// An otpauth:// or callsign:// URI is malformed.
    InvalidUri = 401,
    /// An account id, agent id or ticket is empty or too long.
    InvalidIdentifier = 402,
    /// A persisted verifier state is corrupt or belongs to another enrollment.
    InvalidState = 403,
    /// An enrollment payload is not signed by a pinned key (unsigned, bad or unpinned
    /// signature, data after the signature), or no keys are pinned.
    UntrustedEnrollment = 404,
    /// The agent reached the issuer's rate limit; no code was issued.
    RateLimited = 500,
    /// The audit sink failed; no code was issued.
    AuditFailed = 501,
    /// The account is revoked; no code was issued (the refusal was audited).
    AccountRevoked = 502,
    /// The issuer's ledger (its database) failed, timed out or was closed; no code was issued.
    StoreUnavailable = 503,
    /// A file (an audit file) could not be opened, read or used; the last-error message says why.
    IoFailed = 600,
    /// The device storage of the enrollment and verifier state failed.
    StorageFailed = 601,
}

impl callsign_result {
    /// Every value, for lookups by number.
    const ALL: [callsign_result; 29] = [
        Self::Ok,
        Self::NullParameter,
        Self::InsufficientSize,
        Self::InvalidUtf8,
        Self::InvalidArgument,
        Self::Panic,
        Self::UnknownError,
        Self::InvalidDigits,
        Self::InvalidPeriod,
        Self::TimeBeforeEpoch,
        Self::Overflow,
        Self::InvalidConfig,
        Self::InvalidSecretLength,
        Self::InvalidBase32,
        Self::UnsupportedAlgorithm,
        Self::InvalidMasterKey,
        Self::RandomUnavailable,
        Self::InvalidSigningKey,
        Self::InvalidCode,
        Self::InvalidUri,
        Self::InvalidIdentifier,
        Self::InvalidState,
        Self::UntrustedEnrollment,
        Self::RateLimited,
        Self::AuditFailed,
        Self::AccountRevoked,
        Self::StoreUnavailable,
        Self::IoFailed,
        Self::StorageFailed,
    ];

    /// The value with number `code`, if there is one.
    fn from_code(code: u32) -> Option<Self> {
        Self::ALL.into_iter().find(|result| *result as u32 == code)
    }

    /// The stable `snake_case` name (for core errors: the core's `ErrorKind::as_str`).
    fn name(self) -> &'static CStr {
        match self {
            Self::Ok => c"ok",
            Self::NullParameter => c"null_parameter",
            Self::InsufficientSize => c"insufficient_size",
            Self::InvalidUtf8 => c"invalid_utf8",
            Self::InvalidArgument => c"invalid_argument",
            Self::Panic => c"panic",
            Self::UnknownError => c"unknown_error",
            Self::InvalidDigits => c"invalid_digits",
            Self::InvalidPeriod => c"invalid_period",
            Self::TimeBeforeEpoch => c"time_before_epoch",
            Self::Overflow => c"overflow",
            Self::InvalidConfig => c"invalid_config",
            Self::InvalidSecretLength => c"invalid_secret_length",
            Self::InvalidBase32 => c"invalid_base32",
            Self::UnsupportedAlgorithm => c"unsupported_algorithm",
            Self::InvalidMasterKey => c"invalid_master_key",
            Self::RandomUnavailable => c"random_unavailable",
            Self::InvalidSigningKey => c"invalid_signing_key",
            Self::UntrustedEnrollment => c"untrusted_enrollment",
            Self::StorageFailed => c"storage_failed",
            Self::InvalidCode => c"invalid_code",
            Self::InvalidUri => c"invalid_uri",
            Self::InvalidIdentifier => c"invalid_identifier",
            Self::InvalidState => c"invalid_state",
            Self::RateLimited => c"rate_limited",
            Self::AuditFailed => c"audit_failed",
            Self::AccountRevoked => c"account_revoked",
            Self::StoreUnavailable => c"store_unavailable",
            Self::IoFailed => c"io_failed",
        }
    }

    /// A sentence describing the value.
    fn message(self) -> &'static str {
        match self {
            Self::Ok => "success",
            Self::NullParameter => "a required pointer argument was NULL",
            Self::InsufficientSize => "the output buffer is too small",
            Self::InvalidUtf8 => "a text argument is not valid UTF-8",
            Self::InvalidArgument => "an enumeration argument is out of range",
            Self::Panic => "internal error: a panic was caught at the C boundary",
            Self::UnknownError => "an error this version of the C API does not know",
            Self::InvalidDigits => "the number of digits must be between 6 and 8",
            Self::InvalidPeriod => "the period is zero or out of range",
            Self::TimeBeforeEpoch => "the time lies before the TOTP epoch",
            Self::Overflow => "time or counter arithmetic overflows",
            Self::InvalidConfig => "a configuration value is out of range",
            Self::InvalidSecretLength => "the secret is too short or too long",
            Self::InvalidBase32 => "the base32 text is malformed",
            Self::UnsupportedAlgorithm => "the algorithm must be SHA1, SHA256 or SHA512",
            Self::InvalidMasterKey => "the master key must have 32 to 64 bytes",
            Self::RandomUnavailable => "the system random generator failed",
            Self::InvalidCode => "the code is malformed",
            Self::InvalidUri => "the URI is malformed",
            Self::InvalidIdentifier => "an account id, agent id or ticket is empty or too long",
            Self::InvalidState => "the verifier state is corrupt or foreign",
            Self::RateLimited => "the agent reached the rate limit",
            Self::AuditFailed => "the audit sink failed, so no code was issued",
            Self::AccountRevoked => "the account is revoked, so no code was issued",
            Self::StoreUnavailable => "the ledger failed, so nothing was issued or changed",
            Self::IoFailed => "a file could not be opened, read or used",
            Self::InvalidSigningKey => "the signing key seed or public key must have 32 bytes",
            Self::UntrustedEnrollment => "the enrollment is not signed by a pinned key",
            Self::StorageFailed => "the device storage failed",
        }
    }
}

thread_local! {
    /// The detailed message of the last failure on this thread.
    static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Remembers `detail` as this thread's last error message and returns `result`.
pub(crate) fn record_failure(result: callsign_result, detail: &dyn Display) -> callsign_result {
    LAST_ERROR.with(|last| *last.borrow_mut() = detail.to_string());
    result
}

/// The one `callsign_result` of each core error kind.
fn result_for_kind(kind: ErrorKind) -> callsign_result {
    match kind {
        ErrorKind::InvalidDigits => callsign_result::InvalidDigits,
        ErrorKind::InvalidPeriod => callsign_result::InvalidPeriod,
        ErrorKind::TimeBeforeEpoch => callsign_result::TimeBeforeEpoch,
        ErrorKind::Overflow => callsign_result::Overflow,
        ErrorKind::InvalidConfig => callsign_result::InvalidConfig,
        ErrorKind::InvalidSecretLength => callsign_result::InvalidSecretLength,
        ErrorKind::InvalidBase32 => callsign_result::InvalidBase32,
        ErrorKind::UnsupportedAlgorithm => callsign_result::UnsupportedAlgorithm,
        ErrorKind::InvalidCode => callsign_result::InvalidCode,
        ErrorKind::InvalidUri => callsign_result::InvalidUri,
        ErrorKind::InvalidMasterKey => callsign_result::InvalidMasterKey,
        ErrorKind::InvalidIdentifier => callsign_result::InvalidIdentifier,
        ErrorKind::RateLimited => callsign_result::RateLimited,
        ErrorKind::AuditFailed => callsign_result::AuditFailed,
        ErrorKind::InvalidState => callsign_result::InvalidState,
        ErrorKind::AccountRevoked => callsign_result::AccountRevoked,
        ErrorKind::StoreUnavailable => callsign_result::StoreUnavailable,
        ErrorKind::RandomUnavailable => callsign_result::RandomUnavailable,
        ErrorKind::InvalidSigningKey => callsign_result::InvalidSigningKey,
        ErrorKind::UntrustedEnrollment => callsign_result::UntrustedEnrollment,
        ErrorKind::StorageFailed => callsign_result::StorageFailed,
        _ => callsign_result::UnknownError,
    }
}

/// Records a core error's message as this thread's last error and returns its result.
pub(crate) fn core_failure(error: &callsign::Error) -> callsign_result {
    record_failure(result_for_kind(error.kind()), error)
}

/// The result for a failed file operation, with its message as the last error.
pub(crate) fn io_failed(error: &std::io::Error) -> callsign_result {
    record_failure(callsign_result::IoFailed, error)
}

/// The result for a NULL `argument`.
pub(crate) fn null_parameter(argument: &str) -> callsign_result {
    record_failure(
        callsign_result::NullParameter,
        &format_args!("the argument `{argument}` is NULL"),
    )
}

/// The result for a text `argument` that is not UTF-8.
pub(crate) fn invalid_utf8(argument: &str) -> callsign_result {
    record_failure(
        callsign_result::InvalidUtf8,
        &format_args!("the argument `{argument}` is not valid UTF-8"),
    )
}

/// The result for an enumeration `argument` holding `value`, which is outside its enumeration.
pub(crate) fn invalid_argument(argument: &str, value: u32) -> callsign_result {
    record_failure(
        callsign_result::InvalidArgument,
        &format_args!("the argument `{argument}` has the value {value}, outside its enumeration"),
    )
}

/// The result for an output buffer of `size` bytes where `needed` are required.
pub(crate) fn insufficient_size(needed: usize, size: usize) -> callsign_result {
    record_failure(
        callsign_result::InsufficientSize,
        &format_args!("the output needs {needed} bytes, the buffer has {size}"),
    )
}

/// Writes the message for `result` (a `callsign_result` value) into `out` (see the header's
/// conventions). An unknown value yields `CALLSIGN_RESULT_INVALID_ARGUMENT`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_result_message(
    result: u32,
    out: *mut c_char,
    out_size: usize,
    out_needed: *mut usize,
) -> callsign_result {
    ffi_boundary! {
        match callsign_result::from_code(result) {
            Some(known) => unsafe { write_text(known.message(), out, out_size, out_needed) },
            None => invalid_argument("result", result),
        }
    }
}

/// The stable `snake_case` name of `result` (e.g. "`invalid_base32`"), as a static NUL-terminated
/// string that must not be freed. An unknown value gives "`unknown_result`". Never NULL.
#[unsafe(no_mangle)]
pub extern "C" fn callsign_result_name(result: u32) -> *const c_char {
    ffi_boundary! {
        callsign_result::from_code(result).map_or(c"unknown_result", callsign_result::name).as_ptr()
    }
}

/// Writes the detailed message of the last failed call on this thread (for example the position
/// of a bad base32 character) into `out`; the empty string when no call failed yet. Messages
/// never contain secret material. Asking with a short buffer keeps the message for a retry.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_last_error_message(
    out: *mut c_char,
    out_size: usize,
    out_needed: *mut usize,
) -> callsign_result {
    ffi_boundary! {
        // Taken out (not cloned) and put back, since a failing write records its own error.
        let detail = LAST_ERROR.with(RefCell::take);
        let result = unsafe { write_text(&detail, out, out_size, out_needed) };
        LAST_ERROR.with(|last| *last.borrow_mut() = detail);
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_has_a_distinct_number_and_name() {
        for (i, a) in callsign_result::ALL.iter().enumerate() {
            for b in &callsign_result::ALL[i + 1..] {
                assert_ne!(*a as u32, *b as u32);
                assert_ne!(a.name(), b.name());
            }
            assert_eq!(callsign_result::from_code(*a as u32), Some(*a));
        }
        assert_eq!(callsign_result::from_code(7), None);
    }

    #[test]
    fn every_core_error_kind_has_its_own_result_named_like_the_kind() {
        for (i, kind) in ErrorKind::ALL.iter().enumerate() {
            let result = result_for_kind(*kind);
            assert_eq!(result.name().to_bytes(), kind.as_str().as_bytes());
            for other in &ErrorKind::ALL[i + 1..] {
                assert_ne!(result, result_for_kind(*other));
            }
        }
    }
}

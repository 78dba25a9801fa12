//! The bottom layer of the C API: `callsign_result`, the outcome of every fallible C function,
//! its names and messages, and the detailed message of the last failure on each thread. It
//! imports nothing from the rest of the crate; the extern functions that read it are in
//! `messages.rs`.
//!
//! The results of core error kinds take their numbers, names and messages from core's table
//! (`callsign::ErrorKind`); only the C API's own results (success, misuse, files) are described
//! here.

use std::cell::RefCell;
use std::ffi::{CStr, CString};
use std::fmt::Display;
use std::sync::LazyLock;

use callsign::ErrorKind;

/// The outcome of a callsign function. `CALLSIGN_RESULT_OK` (0) is success.
///
/// Values come in numbered ranges: 1xx misuse of the C API, 2xx OTP parameters, 3xx keys and
/// encodings, 4xx malformed or untrusted input, 5xx issuer policy, 6xx files and device
/// storage. Each kind of core error has exactly one value, its number in core's table; its name
/// (`callsign_result_name`) is the error name used by the conformance vectors.
/// Values are never renumbered; a retired value stays reserved.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum_macros::FromRepr)]
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
    /// The number of digits is out of range.
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
    /// The master key has the wrong length.
    InvalidMasterKey = 303,
    /// The system random generator failed.
    RandomUnavailable = 304,
    /// An Ed25519 signing key seed or public key has the wrong length.
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
    /// The names and messages of the C API's own results (those that are no core error kind).
    const OWN: [(callsign_result, &'static CStr, &'static str); 8] = [
        (Self::Ok, c"ok", "success"),
        (
            Self::NullParameter,
            c"null_parameter",
            "a required pointer argument was NULL",
        ),
        (
            Self::InsufficientSize,
            c"insufficient_size",
            "the output buffer is too small",
        ),
        (
            Self::InvalidUtf8,
            c"invalid_utf8",
            "a text argument is not valid UTF-8",
        ),
        (
            Self::InvalidArgument,
            c"invalid_argument",
            "an enumeration argument is out of range",
        ),
        (
            Self::Panic,
            c"panic",
            "internal error: a panic was caught at the C boundary",
        ),
        (
            Self::UnknownError,
            c"unknown_error",
            "an error this version of the C API does not know",
        ),
        (
            Self::IoFailed,
            c"io_failed",
            "a file could not be opened, read or used",
        ),
    ];

    /// The core error kind this value stands for, if any.
    fn kind(self) -> Option<ErrorKind> {
        ErrorKind::ALL
            .into_iter()
            .find(|kind| kind.number() == self as u32)
    }

    /// The stable `snake_case` name (for core errors: the core's `ErrorKind::as_str`).
    pub(crate) fn name(self) -> &'static CStr {
        /// Core's kind names, NUL-terminated, by number.
        static KIND_NAMES: LazyLock<Vec<(u32, CString)>> = LazyLock::new(|| {
            ErrorKind::ALL
                .iter()
                .filter_map(|kind| Some((kind.number(), CString::new(kind.as_str()).ok()?)))
                .collect()
        });
        KIND_NAMES
            .iter()
            .find(|(number, _)| *number == self as u32)
            .map(|(_, name)| name.as_c_str())
            .or_else(|| self.own().map(|(name, _)| name))
            .unwrap_or(c"unknown_result")
    }

    /// A sentence describing the value (for core errors: the core's `ErrorKind::message`).
    pub(crate) fn message(self) -> &'static str {
        match self.kind() {
            Some(kind) => kind.message(),
            None => self.own().map_or("unknown result", |(_, message)| message),
        }
    }

    /// The name and message of one of the C API's own results.
    fn own(self) -> Option<(&'static CStr, &'static str)> {
        Self::OWN
            .into_iter()
            .find(|(result, _, _)| *result == self)
            .map(|(_, name, message)| (name, message))
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

/// Runs `read` on this thread's last error message. The message is taken out for the call
/// (not cloned) and put back afterwards, since `read` may record an error of its own.
pub(crate) fn with_last_error<T>(read: impl FnOnce(&str) -> T) -> T {
    let detail = LAST_ERROR.with(RefCell::take);
    let value = read(&detail);
    LAST_ERROR.with(|last| *last.borrow_mut() = detail);
    value
}

/// The one `callsign_result` of each core error kind: the value with the kind's number.
fn result_for_kind(kind: ErrorKind) -> callsign_result {
    callsign_result::from_repr(kind.number()).unwrap_or(callsign_result::UnknownError)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every value: result numbers have three digits at most.
    fn every_result() -> Vec<callsign_result> {
        (0..1000).filter_map(callsign_result::from_repr).collect()
    }

    #[test]
    fn every_value_has_a_distinct_number_name_and_message() {
        let all = every_result();
        assert_eq!(all.len(), ErrorKind::ALL.len() + callsign_result::OWN.len());
        for (i, a) in all.iter().enumerate() {
            assert_ne!(a.name(), c"unknown_result", "{a:?} has no name");
            assert_ne!(a.message(), "unknown result", "{a:?} has no message");
            assert!(
                a.kind().is_none() || a.own().is_none(),
                "{a:?} is both a core kind and one of the C API's own results"
            );
            for b in &all[i + 1..] {
                assert_ne!(*a as u32, *b as u32);
                assert_ne!(a.name(), b.name());
            }
        }
    }

    /// Adding a kind to core's table fails here until `callsign_result` has a variant with the
    /// kind's number.
    #[test]
    fn every_core_error_kind_has_the_result_with_its_number_and_name() {
        for kind in ErrorKind::ALL {
            let result = result_for_kind(kind);
            assert_eq!(
                result as u32,
                kind.number(),
                "core's kind {kind} ({}) has no callsign_result: add `{kind:?} = {},` to the enum \
                 in bindings/c/src/error.rs",
                kind.number(),
                kind.number()
            );
            assert_eq!(result.name().to_bytes(), kind.as_str().as_bytes());
            assert_eq!(result.message(), kind.message());
        }
    }
}

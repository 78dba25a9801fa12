//! The table of error kinds: for each kind its stable name, its number and its one-line
//! message. Bindings expand it instead of keeping tables of their own.
//!
//! Adding a kind: add a line to the table below and a variant (or arm) to [`Error::kind`]; the
//! binding tests then name the one line each binding lacks (C: the `callsign_result` variant
//! with this number; Python: the exception class in `errors.rs` and `_callsign.pyi`; mobile:
//! the arm in `error.rs`).
//!
//! [`Error::kind`]: crate::Error::kind

use std::sync::LazyLock;

use crate::algorithm::Algorithm;
use crate::code::{MAX_DIGITS, MIN_DIGITS};
use crate::issuer::{MAX_AGENT_ID_LEN, MAX_TICKET_LEN};
use crate::otp::MAX_WINDOW_STEPS;
use crate::profile::{
    MAX_ACCOUNT_ID_LEN, MAX_MASTER_KEY_LEN, MAX_PROFILE_PERIOD, MIN_MASTER_KEY_LEN,
    MIN_PROFILE_PERIOD,
};
use crate::secret::{MAX_SECRET_LEN, MIN_SECRET_LEN};
use crate::signing::{PUBLIC_KEY_LEN, SIGNING_SEED_LEN};

/// Declares [`ErrorKind`] and its table from one line per kind:
/// `Kind = number, "name", (format arguments of the message);`.
macro_rules! error_kinds {
    ($(
        $(#[doc = $doc:literal])+
        $kind:ident = $number:literal, $name:literal, ($($message:tt)+);
    )+) => {
        /// The kind of an [`Error`](crate::Error), without its details: what bindings map to
        /// their error types and what the conformance vectors name.
        ///
        /// Each kind has a stable name ([`ErrorKind::as_str`]), a stable number
        /// ([`ErrorKind::number`], the C API's result code) and a one-line message
        /// ([`ErrorKind::message`]).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorKind {
            $($(#[doc = $doc])+ $kind,)+
        }

        /// How many kinds there are.
        const COUNT: usize = [$($name),+].len();

        impl ErrorKind {
            /// Every kind, in declaration order (the order of the conformance vectors' list).
            pub const ALL: [ErrorKind; COUNT] = [$(ErrorKind::$kind),+];

            /// The stable `snake_case` name used in the conformance vectors and by bindings.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(ErrorKind::$kind => $name,)+
                }
            }

            /// The stable number of the kind: the C API's `callsign_result` value. Numbers
            /// come in ranges (2xx OTP parameters, 3xx keys and encodings, 4xx malformed or
            /// untrusted input, 5xx issuer policy, 6xx files and device storage; 1xx belongs
            /// to the C API's own misuse results) and are never reused.
            pub const fn number(self) -> u32 {
                match self {
                    $(ErrorKind::$kind => $number,)+
                }
            }

            /// The kind's one-line message, the same for every error of the kind (an
            /// [`Error`](crate::Error)'s own message adds the details). Limits in it come from
            /// the crate's constants.
            pub fn message(self) -> &'static str {
                static MESSAGES: LazyLock<[String; COUNT]> =
                    LazyLock::new(|| [$(format!($($message)+)),+]);
                &MESSAGES[self as usize]
            }
        }
    };
}

error_kinds! {
    /// See [`Error::InvalidDigits`](crate::Error::InvalidDigits).
    InvalidDigits = 200, "invalid_digits",
        ("the number of digits must be between {MIN_DIGITS} and {MAX_DIGITS}");
    /// See [`Error::ZeroPeriod`](crate::Error::ZeroPeriod) and
    /// [`Error::PeriodOutOfRange`](crate::Error::PeriodOutOfRange).
    InvalidPeriod = 201, "invalid_period",
        ("the period is zero, or outside {MIN_PROFILE_PERIOD} to {MAX_PROFILE_PERIOD} seconds for the callsign profile");
    /// See [`Error::TimeBeforeEpoch`](crate::Error::TimeBeforeEpoch) and
    /// [`Error::TimeBefore1970`](crate::Error::TimeBefore1970).
    TimeBeforeEpoch = 202, "time_before_epoch",
        ("the time lies before the TOTP epoch T0 (or before 1970)");
    /// See [`Error::Overflow`](crate::Error::Overflow).
    Overflow = 203, "overflow",
        ("time or counter arithmetic leaves the 64-bit range");
    /// See [`Error::WindowTooLarge`](crate::Error::WindowTooLarge),
    /// [`Error::InvalidConfig`](crate::Error::InvalidConfig) and the configuration faults of
    /// [`Error::Ledger`](crate::Error::Ledger).
    InvalidConfig = 204, "invalid_config",
        ("a configuration value (window of at most {MAX_WINDOW_STEPS} steps, attempt limit, lockout, rate limit, ledger location) is out of range");
    /// See [`Error::SecretTooShort`](crate::Error::SecretTooShort) and
    /// [`Error::SecretTooLong`](crate::Error::SecretTooLong).
    InvalidSecretLength = 300, "invalid_secret_length",
        ("the secret must have {MIN_SECRET_LEN} to {MAX_SECRET_LEN} bytes");
    /// See the base32 variants of [`Error`](crate::Error).
    InvalidBase32 = 301, "invalid_base32",
        ("the base32 text has a bad character, length or padding");
    /// See [`Error::UnsupportedAlgorithm`](crate::Error::UnsupportedAlgorithm).
    UnsupportedAlgorithm = 302, "unsupported_algorithm",
        ("the algorithm must be {}", algorithm_names());
    /// See [`Error::InvalidCodeLength`](crate::Error::InvalidCodeLength),
    /// [`Error::InvalidCodeCharacter`](crate::Error::InvalidCodeCharacter) and
    /// [`Error::CheckDigitMissing`](crate::Error::CheckDigitMissing).
    InvalidCode = 400, "invalid_code",
        ("the code is not the expected number of digits (spaces and dashes between groups allowed)");
    /// See the `Uri*` variants of [`Error`](crate::Error) and
    /// [`Error::UnsupportedVersion`](crate::Error::UnsupportedVersion).
    InvalidUri = 401, "invalid_uri",
        ("the otpauth:// or callsign:// URI is malformed");
    /// See [`Error::MasterKeyLength`](crate::Error::MasterKeyLength).
    InvalidMasterKey = 303, "invalid_master_key",
        ("the master key must have {MIN_MASTER_KEY_LEN} to {MAX_MASTER_KEY_LEN} bytes");
    /// See [`Error::AccountIdLength`](crate::Error::AccountIdLength),
    /// [`Error::AuditFieldLength`](crate::Error::AuditFieldLength),
    /// [`Error::InvalidAgentId`](crate::Error::InvalidAgentId) and
    /// [`Error::NulInIdentifier`](crate::Error::NulInIdentifier).
    InvalidIdentifier = 402, "invalid_identifier",
        ("an account id (1 to {MAX_ACCOUNT_ID_LEN} bytes), agent id (1 to {MAX_AGENT_ID_LEN}) or ticket (1 to {MAX_TICKET_LEN}) is empty, too long or holds a forbidden character");
    /// See [`Error::RateLimited`](crate::Error::RateLimited) and
    /// [`Error::BatchExceedsRateLimit`](crate::Error::BatchExceedsRateLimit).
    RateLimited = 500, "rate_limited",
        ("the agent reached the rate limit, so no code was issued");
    /// See [`Error::AuditFailed`](crate::Error::AuditFailed).
    AuditFailed = 501, "audit_failed",
        ("the audit sink failed, so no code was issued");
    /// See [`Error::StateCorrupt`](crate::Error::StateCorrupt) and
    /// [`Error::StateForeign`](crate::Error::StateForeign).
    InvalidState = 403, "invalid_state",
        ("the verifier state is corrupt or belongs to another enrollment");
    /// See [`Error::AccountRevoked`](crate::Error::AccountRevoked).
    AccountRevoked = 502, "account_revoked",
        ("the account is revoked, so no code was issued");
    /// See [`Error::Ledger`](crate::Error::Ledger) (every fault but a malformed location or an
    /// unsupported request, which are [`ErrorKind::InvalidConfig`]).
    StoreUnavailable = 503, "store_unavailable",
        ("the ledger failed, so nothing was issued or changed");
    /// See [`Error::RandomUnavailable`](crate::Error::RandomUnavailable).
    RandomUnavailable = 304, "random_unavailable",
        ("the system random generator failed");
    /// See [`Error::SigningKeyLength`](crate::Error::SigningKeyLength).
    InvalidSigningKey = 305, "invalid_signing_key",
        ("an Ed25519 key seed must have {SIGNING_SEED_LEN} bytes and a public key {PUBLIC_KEY_LEN}");
    /// See [`Error::EnrollmentUnsigned`](crate::Error::EnrollmentUnsigned),
    /// [`Error::EnrollmentSignatureMalformed`](crate::Error::EnrollmentSignatureMalformed),
    /// [`Error::EnrollmentSignatureMismatch`](crate::Error::EnrollmentSignatureMismatch),
    /// [`Error::EnrollmentTrailingData`](crate::Error::EnrollmentTrailingData) and
    /// [`Error::EnrollmentKeysMissing`](crate::Error::EnrollmentKeysMissing).
    UntrustedEnrollment = 404, "untrusted_enrollment",
        ("the enrollment is not signed by a pinned key, or no keys are pinned");
    /// See [`Error::StorageFailed`](crate::Error::StorageFailed).
    StorageFailed = 601, "storage_failed",
        ("the device storage failed");
}

/// "SHA1, SHA256 or SHA512": the names of [`Algorithm::ALL`].
fn algorithm_names() -> String {
    let names = Algorithm::ALL.map(Algorithm::as_str);
    match names.split_last() {
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

impl core::fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_numbers_are_distinct_and_numbers_lie_in_the_kind_ranges() {
        for (i, kind) in ErrorKind::ALL.iter().enumerate() {
            assert!((200..700).contains(&kind.number()), "{kind}");
            assert!(
                kind.as_str()
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                "{kind}"
            );
            for other in &ErrorKind::ALL[i + 1..] {
                assert_ne!(kind.number(), other.number(), "{kind} and {other}");
                assert_ne!(kind.as_str(), other.as_str());
            }
        }
    }

    #[test]
    fn messages_are_one_line_and_built_from_the_constants() {
        for kind in ErrorKind::ALL {
            let message = kind.message();
            assert!(!message.is_empty() && !message.contains('\n'), "{kind}");
            assert!(!message.contains('{'), "{kind}: {message}");
        }
        assert_eq!(
            ErrorKind::InvalidDigits.message(),
            format!("the number of digits must be between {MIN_DIGITS} and {MAX_DIGITS}")
        );
        assert_eq!(
            ErrorKind::UnsupportedAlgorithm.message(),
            "the algorithm must be SHA1, SHA256 or SHA512"
        );
        assert!(ErrorKind::InvalidMasterKey.message().contains(&format!(
            "{MIN_MASTER_KEY_LEN} to {MAX_MASTER_KEY_LEN} bytes"
        )));
    }

    /// The numbers are the C API's result codes: C callers depend on them.
    #[test]
    fn numbers_never_change() {
        let numbers: Vec<(&str, u32)> = ErrorKind::ALL
            .iter()
            .map(|kind| (kind.as_str(), kind.number()))
            .collect();
        assert_eq!(
            numbers,
            [
                ("invalid_digits", 200),
                ("invalid_period", 201),
                ("time_before_epoch", 202),
                ("overflow", 203),
                ("invalid_config", 204),
                ("invalid_secret_length", 300),
                ("invalid_base32", 301),
                ("unsupported_algorithm", 302),
                ("invalid_code", 400),
                ("invalid_uri", 401),
                ("invalid_master_key", 303),
                ("invalid_identifier", 402),
                ("rate_limited", 500),
                ("audit_failed", 501),
                ("invalid_state", 403),
                ("account_revoked", 502),
                ("store_unavailable", 503),
                ("random_unavailable", 304),
                ("invalid_signing_key", 305),
                ("untrusted_enrollment", 404),
                ("storage_failed", 601),
            ]
        );
    }
}

//! The one error type the apps see: a variant per core error kind, carrying core's message.

use callsign::ErrorKind;

/// Why a callsign call failed. Kotlin sees `CallsignException.<Variant>`, Swift
/// `CallsignError.<Variant>`; the message is the human-readable reason (never secret material).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
#[uniffi(flat_error)]
pub enum CallsignError {
    /// The digit count is outside 6..=8.
    #[error("{0}")]
    InvalidDigits(String),
    /// The period is zero or outside the profile's range.
    #[error("{0}")]
    InvalidPeriod(String),
    /// The time lies before the TOTP epoch T0.
    #[error("{0}")]
    TimeBeforeEpoch(String),
    /// A time or counter computation would overflow.
    #[error("{0}")]
    Overflow(String),
    /// A configuration value (window, attempt limit, lockout) is out of range.
    #[error("{0}")]
    InvalidConfig(String),
    /// A secret is shorter than 16 bytes or longer than 1024.
    #[error("{0}")]
    InvalidSecretLength(String),
    /// Base32 text is malformed.
    #[error("{0}")]
    InvalidBase32(String),
    /// The algorithm name is not SHA1, SHA256 or SHA512.
    #[error("{0}")]
    UnsupportedAlgorithm(String),
    /// A code or entry is not exactly the expected number of digits (spaces and dashes
    /// between groups allowed).
    #[error("{0}")]
    InvalidCode(String),
    /// A callsign:// or otpauth:// URI is malformed.
    #[error("{0}")]
    InvalidUri(String),
    /// An account id is empty or too long.
    #[error("{0}")]
    InvalidIdentifier(String),
    /// A persisted verifier state is corrupt or belongs to another enrollment.
    #[error("{0}")]
    InvalidState(String),
    /// The system random generator failed.
    #[error("{0}")]
    RandomUnavailable(String),
    /// A pinned enrollment public key is not 32 bytes long.
    #[error("{0}")]
    InvalidSigningKey(String),
    /// An enrollment payload is unsigned, badly signed, signed by a key that is not pinned, or
    /// has data after its signature; or no keys are pinned. The message says which.
    #[error("{0}")]
    UntrustedEnrollment(String),
    /// The device storage of the enrollment and verifier state failed.
    #[error("{0}")]
    StorageFailed(String),
    /// The app's [`crate::Clock`] could not tell the time.
    #[error("{0}")]
    ClockUnavailable(String),
    /// An error kind that the mobile API does not expect (issuer-side kinds, or kinds that a
    /// newer core adds).
    #[error("{0}")]
    Unexpected(String),
}

impl From<callsign::Error> for CallsignError {
    fn from(error: callsign::Error) -> CallsignError {
        let message = error.to_string();
        match error.kind() {
            ErrorKind::InvalidDigits => CallsignError::InvalidDigits(message),
            ErrorKind::InvalidPeriod => CallsignError::InvalidPeriod(message),
            ErrorKind::TimeBeforeEpoch => CallsignError::TimeBeforeEpoch(message),
            ErrorKind::Overflow => CallsignError::Overflow(message),
            ErrorKind::InvalidConfig => CallsignError::InvalidConfig(message),
            ErrorKind::InvalidSecretLength => CallsignError::InvalidSecretLength(message),
            ErrorKind::InvalidBase32 => CallsignError::InvalidBase32(message),
            ErrorKind::UnsupportedAlgorithm => CallsignError::UnsupportedAlgorithm(message),
            ErrorKind::InvalidCode => CallsignError::InvalidCode(message),
            ErrorKind::InvalidUri => CallsignError::InvalidUri(message),
            ErrorKind::InvalidIdentifier => CallsignError::InvalidIdentifier(message),
            ErrorKind::InvalidState => CallsignError::InvalidState(message),
            ErrorKind::RandomUnavailable => CallsignError::RandomUnavailable(message),
            ErrorKind::InvalidSigningKey => CallsignError::InvalidSigningKey(message),
            ErrorKind::UntrustedEnrollment => CallsignError::UntrustedEnrollment(message),
            ErrorKind::StorageFailed => CallsignError::StorageFailed(message),
            _ => CallsignError::Unexpected(format!("{}: {message}", error.kind())),
        }
    }
}

/// Shorthand for the results of this crate.
pub(crate) type Result<T, E = CallsignError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_map_to_variants_with_core_messages() {
        let error = CallsignError::from(callsign::Error::InvalidDigits { digits: 9 });
        assert_eq!(
            error,
            CallsignError::InvalidDigits("digits must be between 6 and 8, got 9".to_owned())
        );
    }

    #[test]
    fn issuer_side_kinds_are_unexpected_with_kind_and_message() {
        let error = CallsignError::from(callsign::Error::MasterKeyLength { len: 3 });
        assert_eq!(
            error.to_string(),
            "invalid_master_key: the master key has 3 bytes; it must have 32 to 64"
        );
        assert!(matches!(error, CallsignError::Unexpected(_)));
    }
}

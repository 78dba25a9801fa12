//! The one error type the apps see: a variant per core error kind, carrying core's message.

use callsign::ErrorKind;

/// Declares [`CallsignError`] with one variant per core error kind that the apps can meet (its
/// name is the kind's), followed by the mobile API's own variants, and the mapping from core
/// errors to it.
macro_rules! mobile_errors {
    (
        kinds { $($(#[doc = $doc:literal])+ $kind:ident,)+ }
        own { $($(#[doc = $own_doc:literal])+ $own:ident,)+ }
    ) => {
        /// Why a callsign call failed. Kotlin sees `CallsignException.<Variant>`, Swift
        /// `CallsignError.<Variant>`; the message is the human-readable reason (never secret
        /// material).
        #[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
        #[uniffi(flat_error)]
        pub enum CallsignError {
            $($(#[doc = $doc])+ #[error("{0}")] $kind(String),)+
            $($(#[doc = $own_doc])+ #[error("{0}")] $own(String),)+
        }

        /// The variant of a core error kind carrying `message`; `None` for kinds the apps do
        /// not expect (the issuer-side kinds, or a kind that a newer core adds).
        fn variant_of(kind: ErrorKind, message: String) -> Option<CallsignError> {
            match kind {
                $(ErrorKind::$kind => Some(CallsignError::$kind(message)),)+
                _ => None,
            }
        }
    };
}

// One line per core error kind the apps can meet: adding a kind to core makes the test below
// ask for its line here or in `ISSUER_SIDE`. Each kind's message comes from core.
mobile_errors! {
    kinds {
        /// The digit count is out of range.
        InvalidDigits,
        /// The period is zero or outside the profile's range.
        InvalidPeriod,
        /// The time lies before the TOTP epoch T0.
        TimeBeforeEpoch,
        /// A time or counter computation would overflow.
        Overflow,
        /// A configuration value (window, attempt limit, lockout) is out of range.
        InvalidConfig,
        /// A secret is too short or too long.
        InvalidSecretLength,
        /// Base32 text is malformed.
        InvalidBase32,
        /// The algorithm name is not SHA1, SHA256 or SHA512.
        UnsupportedAlgorithm,
        /// A code or entry is not exactly the expected number of digits (spaces and dashes
        /// between groups allowed).
        InvalidCode,
        /// A callsign:// or otpauth:// URI is malformed.
        InvalidUri,
        /// An account id is empty or too long.
        InvalidIdentifier,
        /// A persisted verifier state is corrupt or belongs to another enrollment.
        InvalidState,
        /// The system random generator failed.
        RandomUnavailable,
        /// A pinned enrollment public key has the wrong length.
        InvalidSigningKey,
        /// An enrollment payload is unsigned, badly signed, signed by a key that is not pinned,
        /// or has data after its signature; or no keys are pinned. The message says which.
        UntrustedEnrollment,
        /// The device storage of the enrollment and verifier state failed.
        StorageFailed,
    }
    own {
        /// The app's [`crate::Clock`] could not tell the time.
        ClockUnavailable,
        /// An error kind that the mobile API does not expect (issuer-side kinds, or kinds that
        /// a newer core adds).
        Unexpected,
    }
}

impl From<callsign::Error> for CallsignError {
    fn from(error: callsign::Error) -> CallsignError {
        let kind = error.kind();
        let message = error.to_string();
        variant_of(kind, message.clone())
            .unwrap_or_else(|| CallsignError::Unexpected(format!("{kind}: {message}")))
    }
}

/// Shorthand for the results of this crate.
pub(crate) type Result<T, E = CallsignError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    /// The kinds that only the vendor's issuer meets; on a device they become
    /// [`CallsignError::Unexpected`].
    const ISSUER_SIDE: [ErrorKind; 5] = [
        ErrorKind::InvalidMasterKey,
        ErrorKind::RateLimited,
        ErrorKind::AuditFailed,
        ErrorKind::AccountRevoked,
        ErrorKind::StoreUnavailable,
    ];

    /// Adding a kind to core fails here until the kind has its variant or is issuer-side.
    #[test]
    fn every_core_error_kind_has_a_variant_or_is_issuer_side() {
        for kind in ErrorKind::ALL {
            let has_variant = variant_of(kind, String::new()).is_some();
            assert!(
                has_variant != ISSUER_SIDE.contains(&kind),
                "core's kind {kind} needs exactly one of: a line `{kind:?},` in the kinds of \
                 mobile_errors! in bindings/mobile/src/error.rs, or an entry in ISSUER_SIDE"
            );
        }
    }

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

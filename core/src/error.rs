//! The one error type of the crate (its kinds and their table are in `error_kind.rs`).

use crate::error_kind::ErrorKind;

/// Everything that can go wrong in callsign.
///
/// Messages name the bad value or position, never secret material. Bindings map
/// [`Error::kind`] to their own error types, and the conformance vectors name errors by
/// [`ErrorKind::as_str`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The number of digits is outside [`crate::MIN_DIGITS`]..=[`crate::MAX_DIGITS`].
    #[error(
        "digits must be between {} and {}, got {digits}",
        crate::code::MIN_DIGITS,
        crate::code::MAX_DIGITS
    )]
    InvalidDigits {
        /// The rejected digit count.
        digits: u32,
    },
    /// The TOTP period is zero.
    #[error("the period must be at least 1 second")]
    ZeroPeriod,
    /// The period is outside what the profile allows.
    #[error("the period must be between {min} and {max} seconds, got {period}")]
    PeriodOutOfRange {
        /// The rejected period in seconds.
        period: u64,
        /// The smallest allowed period.
        min: u64,
        /// The largest allowed period.
        max: u64,
    },
    /// The time lies before the TOTP epoch T0.
    #[error("time {time} lies before the TOTP epoch T0 = {t0}")]
    TimeBeforeEpoch {
        /// The rejected unix time.
        time: u64,
        /// The epoch in force.
        t0: u64,
    },
    /// A date or an integer time lies before 1970-01-01 (a negative unix time).
    #[error("the time lies {seconds_before} s before 1970-01-01; unix times cannot be negative")]
    TimeBefore1970 {
        /// How far before 1970 it lies, in seconds (saturated at `u64::MAX`).
        seconds_before: u64,
    },
    /// A time or counter computation would leave the u64 range.
    #[error("time or counter arithmetic overflows: {what}")]
    Overflow {
        /// Which computation overflowed.
        what: &'static str,
    },
    /// The verification window is larger than allowed.
    #[error(
        "the verification window ({behind} behind, {ahead} ahead) exceeds {max} steps in total"
    )]
    WindowTooLarge {
        /// Steps accepted before the current one.
        behind: u64,
        /// Steps accepted after the current one.
        ahead: u64,
        /// The largest total number of candidate steps.
        max: u64,
    },
    /// The secret is shorter than the minimum.
    #[error("the secret has {len} bytes ({bits} bits); at least {min} bytes are required")]
    SecretTooShort {
        /// Its length in bytes.
        len: usize,
        /// Its length in bits.
        bits: usize,
        /// The minimum in bytes.
        min: usize,
    },
    /// The secret is longer than the maximum.
    #[error("the secret has {len} bytes; at most {max} bytes are accepted")]
    SecretTooLong {
        /// Its length in bytes.
        len: usize,
        /// The maximum in bytes.
        max: usize,
    },
    /// A base32 string contains a character outside RFC 4648's alphabet.
    #[error("invalid base32 character {character:?} at position {position}")]
    InvalidBase32Character {
        /// The offending character.
        character: char,
        /// Its character position (0-based) in the input as given.
        position: usize,
    },
    /// A base32 string has a length no encoding can produce, or misplaced padding.
    #[error("invalid base32 length: {symbols} symbols cannot encode whole bytes")]
    InvalidBase32Length {
        /// The number of base32 symbols (without separators and padding).
        symbols: usize,
    },
    /// The hash algorithm's name is not one of SHA1, SHA256, SHA512.
    #[error("unsupported algorithm {name:?}: expected SHA1, SHA256 or SHA512")]
    UnsupportedAlgorithm {
        /// The rejected name.
        name: String,
    },
    /// A code has the wrong number of digits.
    #[error("the code must have exactly {expected} digits, got {actual}")]
    InvalidCodeLength {
        /// The digits the code must have.
        expected: u32,
        /// The digits it has.
        actual: usize,
    },
    /// An account's codes carry a check digit, and the entry has only the code's digits.
    #[error(
        "this code has a check digit: {expected} digits are expected ({digits} and the check digit), got {digits}"
    )]
    CheckDigitMissing {
        /// The digits with the check digit.
        expected: u32,
        /// The code's digits without it (what the entry has).
        digits: u32,
    },
    /// A code contains something other than digits (and, in an entry, group separators).
    #[error("invalid character {character:?} at position {position} of the code")]
    InvalidCodeCharacter {
        /// The offending character.
        character: char,
        /// Its character position (0-based).
        position: usize,
    },
    /// The URI does not start with the expected scheme.
    #[error("the URI must start with {expected}")]
    UriScheme {
        /// The scheme and host that was expected.
        expected: &'static str,
    },
    /// The otpauth:// type is neither totp nor hotp.
    #[error("unknown otpauth type {found:?}: expected totp or hotp")]
    UriType {
        /// The rejected type.
        found: String,
    },
    /// The URI's label is malformed (empty account, or more than one colon).
    #[error("invalid label: {reason}")]
    UriLabel {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A required parameter is missing.
    #[error("the URI lacks the required parameter {name:?}")]
    UriMissingParameter {
        /// The parameter's name.
        name: &'static str,
    },
    /// A parameter appears more than once.
    #[error("the URI has the parameter {name:?} more than once")]
    UriDuplicateParameter {
        /// The parameter's name.
        name: String,
    },
    /// A parameter is not part of the format.
    #[error("the URI has an unknown parameter: {name}")]
    UriUnknownParameter {
        /// The parameter's name when it is short and plain, else only its length (an odd or
        /// long "name" may be a pasted secret, so it is never echoed).
        name: String,
    },
    /// A parameter's value is malformed.
    #[error("the URI parameter {name:?} has an invalid value: {reason}")]
    UriInvalidParameter {
        /// The parameter's name.
        name: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// Percent-encoding is malformed, decodes to invalid UTF-8, or a character needs encoding.
    #[error("invalid URI encoding at position {position}: {reason}")]
    UriEncoding {
        /// Byte position in the URI.
        position: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// The URI is longer than [`crate::MAX_URI_LEN`]; nothing of it was parsed.
    #[error("the URI has {len} bytes; at most {max} are accepted")]
    UriTooLong {
        /// Its length in bytes.
        len: usize,
        /// The longest accepted.
        max: usize,
    },
    /// The URI has more than [`crate::MAX_URI_PARAMETERS`] query parameters.
    #[error("the URI has more than {max} query parameters")]
    UriTooManyParameters {
        /// The most accepted.
        max: usize,
    },
    /// The label's issuer and the issuer parameter differ.
    #[error("the label's issuer {label:?} differs from the issuer parameter {parameter:?}")]
    UriIssuerMismatch {
        /// The issuer in the label.
        label: String,
        /// The issuer parameter.
        parameter: String,
    },
    /// The enrollment payload's version is not 1.
    #[error("unsupported enrollment version {found:?}: only version 1 exists")]
    UnsupportedVersion {
        /// The rejected version.
        found: String,
    },
    /// The master key has the wrong length.
    #[error(
        "the master key has {len} bytes; it must have {} to {}",
        crate::profile::MIN_MASTER_KEY_LEN,
        crate::profile::MAX_MASTER_KEY_LEN
    )]
    MasterKeyLength {
        /// Its length in bytes.
        len: usize,
    },
    /// The account id is empty or longer than [`crate::MAX_ACCOUNT_ID_LEN`] bytes.
    #[error(
        "the account id has {len} bytes; it must have 1 to {}",
        crate::profile::MAX_ACCOUNT_ID_LEN
    )]
    AccountIdLength {
        /// Its length in bytes.
        len: usize,
    },
    /// An agent id or ticket for the audit trail is empty or too long.
    #[error("the {field} must have 1 to {max} bytes, got {len}")]
    AuditFieldLength {
        /// Which field.
        field: &'static str,
        /// Its length in bytes.
        len: usize,
        /// Its maximum length.
        max: usize,
    },
    /// An id or text for a database ledger holds a NUL character, which a database text
    /// column cannot store.
    #[error(
        "the {field} holds a NUL character at byte {position}; a ledger database cannot store it"
    )]
    NulInIdentifier {
        /// Which field.
        field: &'static str,
        /// The byte position of the first NUL.
        position: usize,
    },
    /// The agent has issued as many codes as the rate limit allows.
    #[error(
        "agent {agent_id:?} reached the rate limit of {max_codes} codes per {window_seconds} s; next code possible at {retry_at}"
    )]
    RateLimited {
        /// The agent that was refused.
        agent_id: String,
        /// The limit's number of codes.
        max_codes: u32,
        /// The limit's rolling window in seconds.
        window_seconds: u64,
        /// Unix time at which the agent may issue again.
        retry_at: u64,
    },
    /// An agent id holds a character no agent id may hold (see
    /// [`canonical_agent_id`](crate::canonical_agent_id)).
    #[error(
        "the agent id holds U+{character:04X} at position {position}: agent ids may not hold control, format, line or paragraph separator, private-use or unassigned characters"
    )]
    InvalidAgentId {
        /// The refused character's code point.
        character: u32,
        /// Its character position (0-based).
        position: usize,
    },
    /// A batch asks for more codes than the rate limit allows in a whole window: it can
    /// never be issued at once.
    #[error(
        "a batch of {count} codes can never fit agent {agent_id:?}'s rate limit of {max_codes} codes per {window_seconds} s; split it into batches of at most {max_codes}"
    )]
    BatchExceedsRateLimit {
        /// The agent that was refused.
        agent_id: String,
        /// The codes the batch asked for.
        count: usize,
        /// The limit's number of codes.
        max_codes: u32,
        /// The limit's rolling window in seconds.
        window_seconds: u64,
    },
    /// The audit sink failed; no code was issued.
    #[error("the audit sink failed, so no code was issued: {reason}")]
    AuditFailed {
        /// The sink's description of the failure.
        reason: String,
    },
    /// The account is revoked: no codes until it is re-enrolled. The refusal was audited.
    #[error("the account {account_id:?} is revoked; re-enroll it to issue codes again")]
    AccountRevoked {
        /// The revoked account.
        account_id: String,
    },
    /// The ledger (the issuer's database) could not do its work; no code was issued.
    #[error("the ledger failed ({fault}), so nothing was issued or changed: {reason}")]
    Ledger {
        /// What kind of failure.
        fault: crate::ledger::LedgerFault,
        /// What happened.
        reason: String,
    },
    /// A persisted verifier state blob is damaged or unreadable.
    #[error("the verifier state is corrupt: {reason}")]
    StateCorrupt {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A verifier state blob belongs to another enrollment or another format version.
    #[error("the verifier state belongs to another enrollment or format version")]
    StateForeign,
    /// A configuration value is outside its allowed range.
    #[error("invalid configuration: {reason}")]
    InvalidConfig {
        /// What is wrong.
        reason: &'static str,
    },
    /// The operating system's random generator failed.
    #[error("the system random generator failed")]
    RandomUnavailable,
    /// An Ed25519 seed or public key has the wrong length.
    #[error("the {what} has {len} bytes; it must have 32")]
    SigningKeyLength {
        /// Which key.
        what: &'static str,
        /// Its length in bytes.
        len: usize,
    },
    /// Enrollment keys are pinned, and the payload carries no signature.
    #[error(
        "the enrollment is not signed; this app accepts only enrollments signed by its vendor's pinned keys"
    )]
    EnrollmentUnsigned,
    /// The payload's `sig` value is not a well-formed signature.
    #[error("the enrollment's signature is malformed: {reason}")]
    EnrollmentSignatureMalformed {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// No pinned key verifies the signature: the payload was signed by a key that is not
    /// pinned, or altered after signing (Ed25519 cannot tell the two apart).
    #[error(
        "no pinned key verifies the enrollment's signature: it was signed by another key or altered after signing"
    )]
    EnrollmentSignatureMismatch,
    /// Something follows the signature; `sig` must be the last parameter and appear once.
    #[error("the enrollment has data after its signature; sig must be the last parameter")]
    EnrollmentTrailingData,
    /// A payload was to be checked with no pinned keys, and unsigned payloads were not
    /// explicitly allowed.
    #[error(
        "no enrollment keys are pinned: pin the vendor's public keys, or allow unsigned enrollments explicitly (tests and tools only)"
    )]
    EnrollmentKeysMissing,
    /// The device storage of the enrollment and verifier state failed.
    #[error("the device storage failed: {reason}")]
    StorageFailed {
        /// What failed, with the operating system's message.
        reason: String,
    },
}

impl Error {
    /// The kind of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::InvalidDigits { .. } => ErrorKind::InvalidDigits,
            Error::ZeroPeriod | Error::PeriodOutOfRange { .. } => ErrorKind::InvalidPeriod,
            Error::TimeBeforeEpoch { .. } | Error::TimeBefore1970 { .. } => {
                ErrorKind::TimeBeforeEpoch
            }
            Error::Overflow { .. } => ErrorKind::Overflow,
            Error::WindowTooLarge { .. }
            | Error::InvalidConfig { .. }
            | Error::Ledger {
                fault:
                    crate::ledger::LedgerFault::InvalidLocation
                    | crate::ledger::LedgerFault::Unsupported,
                ..
            } => ErrorKind::InvalidConfig,
            Error::SecretTooShort { .. } | Error::SecretTooLong { .. } => {
                ErrorKind::InvalidSecretLength
            }
            Error::InvalidBase32Character { .. } | Error::InvalidBase32Length { .. } => {
                ErrorKind::InvalidBase32
            }
            Error::UnsupportedAlgorithm { .. } => ErrorKind::UnsupportedAlgorithm,
            Error::InvalidCodeLength { .. }
            | Error::InvalidCodeCharacter { .. }
            | Error::CheckDigitMissing { .. } => ErrorKind::InvalidCode,
            Error::UriScheme { .. }
            | Error::UriType { .. }
            | Error::UriLabel { .. }
            | Error::UriMissingParameter { .. }
            | Error::UriDuplicateParameter { .. }
            | Error::UriUnknownParameter { .. }
            | Error::UriInvalidParameter { .. }
            | Error::UriEncoding { .. }
            | Error::UriIssuerMismatch { .. }
            | Error::UriTooLong { .. }
            | Error::UriTooManyParameters { .. }
            | Error::UnsupportedVersion { .. } => ErrorKind::InvalidUri,
            Error::MasterKeyLength { .. } => ErrorKind::InvalidMasterKey,
            Error::AccountIdLength { .. }
            | Error::AuditFieldLength { .. }
            | Error::InvalidAgentId { .. }
            | Error::NulInIdentifier { .. } => ErrorKind::InvalidIdentifier,
            Error::RateLimited { .. } | Error::BatchExceedsRateLimit { .. } => {
                ErrorKind::RateLimited
            }
            Error::AuditFailed { .. } => ErrorKind::AuditFailed,
            Error::StateCorrupt { .. } | Error::StateForeign => ErrorKind::InvalidState,
            Error::AccountRevoked { .. } => ErrorKind::AccountRevoked,
            Error::Ledger { .. } => ErrorKind::StoreUnavailable,
            Error::RandomUnavailable => ErrorKind::RandomUnavailable,
            Error::SigningKeyLength { .. } => ErrorKind::InvalidSigningKey,
            Error::EnrollmentUnsigned
            | Error::EnrollmentSignatureMalformed { .. }
            | Error::EnrollmentSignatureMismatch
            | Error::EnrollmentTrailingData
            | Error::EnrollmentKeysMissing => ErrorKind::UntrustedEnrollment,
            Error::StorageFailed { .. } => ErrorKind::StorageFailed,
        }
    }
}

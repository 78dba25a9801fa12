//! # callsign
//!
//! Codes that let a customer tell a genuine support call from a scam.
//!
//! The engine: RFC 4226 HOTP and RFC 6238 TOTP ([`Hotp`], [`Totp`]) over prepared HMAC keys
//! ([`mac::PreparedKey`]), windowed constant-time verification ([`Window`], [`Match`]) with a
//! replay guard ([`ReplayGuard`]), secrets ([`Secret`]), lenient base32 ([`base32`]),
//! otpauth:// URIs ([`OtpAuthUri`]) and their bulk import ([`import_otpauth`]).
//!
//! The caller-verification profile (protocol v1): a key schedule from a master key
//! ([`MasterKey`]), the vendor-side [`Issuer`] with audit ([`AuditSink`]) and rate limit, the
//! callsign:// [`Enrollment`] payload and the customer-side [`Verifier`].
//!
//! ```
//! use callsign::{Algorithm, Secret, Totp, Window};
//!
//! let secret = Secret::from_bytes(b"12345678901234567890")?;
//! let totp = Totp::new(&secret, Algorithm::Sha1, 8, 30)?;
//! assert_eq!(totp.code_at(59)?.as_str(), "94287082");
//! let matched = totp.verify("9428 7082", 89, Window::default())?;
//! assert_eq!(matched.map(|m| m.drift), Some(-1));
//! # Ok::<(), callsign::Error>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod algorithm;
pub mod base32;
mod clock;
mod code;
pub mod damm;
mod error;
mod error_kind;
mod import;
pub mod mac;
mod otp;
mod otpauth;
mod secret;
mod uri;

pub use algorithm::Algorithm;
pub use clock::{Clock, FixedClock, SystemClock, unix_seconds, unix_seconds_from_signed};
pub use code::{Code, Digits, GroupedCode, MAX_CODE_LEN, MAX_DIGITS, MAX_GROUPED_LEN, MIN_DIGITS};
pub use error::Error;
pub use error_kind::ErrorKind;
pub use import::{ImportedLine, import_otpauth, import_otpauth_lines};
pub use otp::{Hotp, MAX_WINDOW_STEPS, Match, ReplayGuard, TimedCode, Totp, Verification, Window};
pub use otpauth::{OtpAuthUri, OtpKind};
pub use secret::{MAX_SECRET_LEN, MIN_SECRET_LEN, Secret};
pub use uri::{MAX_URI_LEN, MAX_URI_PARAMETERS};

mod agent_id;
mod audit;
mod audit_chain;
mod enrollment;
mod inbound;
mod issuer;
mod ledger;
mod profile;
mod signing;
mod store;
mod verifier;

pub use agent_id::canonical_agent_id;
pub use audit::{
    AuditError, AuditOutcome, AuditSink, IssuanceEvent, JsonLinesAuditSink, MemoryAuditSink,
    NullAuditSink,
};
pub use audit_chain::{
    AUDIT_CHAIN_LEN, AUDIT_CHAIN_START, AuditChainBreak, AuditChainHead, AuditChainReport,
    AuditChainVerifier, AuditRecord, audit_chain_batch, audit_chain_hash, audit_chain_hex,
    parse_audit_chain_hex, verify_audit_chain, verify_audit_file,
};
pub use enrollment::{Enrollment, MAX_ISSUER_LEN, SignerError};
pub use inbound::{
    CUSTOMER_LOCKOUT_SECONDS, CUSTOMER_MAX_FAILURES, CustomerCheck, CustomerEntry, CustomerState,
    CustomerVerdict, decide_customer,
};
pub use issuer::{
    EnrollmentIssuer, IssueRequest, Issuer, IssuerAccount, IssuerConfig, MAX_AGENT_ID_LEN,
    MAX_TICKET_LEN, MIN_BATCH_PER_THREAD, RateLimit, check_audit_fields, check_ticket,
};
pub use ledger::{
    AccountChange, AccountState, AuditQuery, Decision, Issuance, Ledger, LedgerFault, LedgerRecord,
    MAX_AUDIT_QUERY_LIMIT, MemoryLedger, RateSlot, next_epoch, stale_epoch, window_start,
};
pub use profile::{
    MAX_ACCOUNT_ID_LEN, MAX_MASTER_KEY_LEN, MAX_PROFILE_PERIOD, MIN_MASTER_KEY_LEN,
    MIN_PROFILE_PERIOD, MasterKey, ProfileEntry, ProfileParams, agent_code, agent_totp,
    check_account_id, customer_code, customer_totp, derive_call_key, derive_customer_key,
};
pub use signing::{
    EnrollmentTrust, PUBLIC_KEY_LEN, SIGNATURE_LEN, SIGNING_SEED_LEN, SigningKey, VerifyingKey,
};
pub use store::{
    DeviceStorage, ENROLLMENT_RECORD, FileStorage, Restored, STATE_RECORD, StoredVerifier,
};
pub use verifier::{
    MAX_DEVICE_TIME, MAX_FAILURES_LIMIT, MAX_LOCKOUT_SECONDS, STATE_VERSION, Verdict, Verifier,
    VerifierConfig, VerifierStatus,
};

/// The README's Rust examples, compiled and run as doctests so that they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

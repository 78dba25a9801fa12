//! Kotlin and Swift bindings for `callsign`, made with `uniffi`: a thin facade over the core
//! crate for the customer's app.
//!
//! Exposed: the device [`Verifier`] built from a `callsign://enroll` [`Enrollment`] read under
//! the vendor's pinned keys, [`StoredVerifier`] (enrollment and state stored together; entry mode
//! with its [`Verdict`]s, display mode, state export and import), a [`Clock`] the app can
//! implement with server-synced time, and the HOTP/TOTP basics ([`Secret`], [`Hotp`], [`Totp`],
//! [`OtpAuthUri`], base32, entry normalization). Every failure is a [`CallsignError`] whose
//! variant follows core's error kind and whose message is core's message. Every object is
//! `Send + Sync` and may be shared between threads.
//!
//! The bindings are generated from the built library with the pinned `uniffi-bindgen` of the
//! sibling crate; see `bindings/mobile/README.md`.

uniffi::setup_scaffolding!("callsign");

mod clock;
mod error;
mod otp;
mod otpauth;
mod store;
mod verifier;

pub use clock::{Clock, ClockError};
pub use error::CallsignError;
pub use otp::{
    Algorithm, Hotp, OtpMatch, Secret, Totp, Window, base32_decode, base32_encode, parse_algorithm,
    parse_entry,
};
pub use otpauth::{OtpAuthUri, OtpKind};
pub use store::{Restored, StoredVerifier, open_stored_verifier};
pub use verifier::{
    Enrollment, TimedCode, Verdict, Verifier, VerifierConfig, VerifierStatus,
    default_verifier_config,
};

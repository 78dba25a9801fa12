//! The customer side of the callsign profile: the enrollment payload and the verifier with its
//! entry and display modes and its persisted state.

use std::ffi::CStr;
use std::os::raw::c_char;

use callsign::{
    Enrollment, ProfileParams, Verdict, Verifier, VerifierConfig, VerifierStatus, Window,
};

use crate::boundary::ffi_boundary;
use crate::error::callsign_result;
use crate::ffi::{
    free_handle, set_handle, try_core, try_out, try_out_handle, try_ref, try_slice, try_str,
    write_bytes, write_text,
};
use crate::otp::{callsign_secret, callsign_timed_code};

/// A <callsign://enroll> payload: issuer, account id, account secret, epoch, digits, period.
/// Holds the account secret, zeroized when freed. Immutable: may be shared between threads.
pub struct callsign_enrollment {
    pub(crate) enrollment: Enrollment,
}

/// The numeric fields of an enrollment.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct callsign_enrollment_info {
    /// The key epoch.
    pub epoch: u32,
    /// Code digits.
    pub digits: u32,
    /// Code period in seconds.
    pub period: u64,
}

/// Parses a <callsign://enroll?v=1>&... URI (strict: unknown, duplicated or missing parameters
/// and versions other than 1 are `CALLSIGN_RESULT_INVALID_URI`). Checks the structure only, not
/// the origin, and refuses a signed payload: an app reads received payloads with
/// `callsign_enrollment_from_uri` and its pinned keys.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_enrollment_parse(
    uri: *const c_char,
    out: *mut *mut callsign_enrollment,
) -> callsign_result {
    ffi_boundary! {
        let out = try_out_handle!(out);
        let enrollment = try_core!(Enrollment::parse(try_str!(uri)));
        set_handle(out, callsign_enrollment { enrollment })
    }
}

/// Builds an enrollment from its parts: `issuer` (1..=128 bytes), `account_id` (1..=256
/// bytes), a copy of `account_secret`, `epoch`, `digits` (6..=8) and `period` (10..=300 s).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_enrollment_new(
    issuer: *const c_char,
    account_id: *const c_char,
    account_secret: *const callsign_secret,
    epoch: u32,
    digits: u32,
    period: u64,
    out: *mut *mut callsign_enrollment,
) -> callsign_result {
    ffi_boundary! {
        let out = try_out_handle!(out);
        let (issuer, account_id) = (try_str!(issuer), try_str!(account_id));
        let secret = try_ref!(account_secret).secret.clone();
        let params = try_core!(ProfileParams::new(digits, period));
        let enrollment = try_core!(Enrollment::new(issuer, account_id, secret, epoch, params));
        set_handle(out, callsign_enrollment { enrollment })
    }
}

/// Writes the <callsign://enroll> URI (text output; it holds the account secret).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_enrollment_to_uri(
    enrollment: *const callsign_enrollment,
    out: *mut c_char,
    out_size: usize,
    out_needed: *mut usize,
) -> callsign_result {
    ffi_boundary! {
        let uri = try_ref!(enrollment).enrollment.to_uri_string();
        unsafe { write_text(&uri, out, out_size, out_needed) }
    }
}

/// Writes the issuer name (text output).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_enrollment_issuer(
    enrollment: *const callsign_enrollment,
    out: *mut c_char,
    out_size: usize,
    out_needed: *mut usize,
) -> callsign_result {
    ffi_boundary! {
        let issuer = try_ref!(enrollment).enrollment.issuer();
        unsafe { write_text(issuer, out, out_size, out_needed) }
    }
}

/// Writes the account id (text output).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_enrollment_account_id(
    enrollment: *const callsign_enrollment,
    out: *mut c_char,
    out_size: usize,
    out_needed: *mut usize,
) -> callsign_result {
    ffi_boundary! {
        let account_id = try_ref!(enrollment).enrollment.account_id();
        unsafe { write_text(account_id, out, out_size, out_needed) }
    }
}

/// Stores the enrollment's epoch, digits and period in `*out`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_enrollment_get_info(
    enrollment: *const callsign_enrollment,
    out: *mut callsign_enrollment_info,
) -> callsign_result {
    ffi_boundary! {
        let enrollment = &try_ref!(enrollment).enrollment;
        let out = try_out!(out);
        out.set(callsign_enrollment_info {
            epoch: enrollment.epoch(),
            digits: enrollment.params().digits(),
            period: enrollment.params().period(),
        });
        callsign_result::Ok
    }
}

/// Stores a copy of the account secret in `*out` (free it with `callsign_secret_free`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_enrollment_secret(
    enrollment: *const callsign_enrollment,
    out: *mut *mut callsign_secret,
) -> callsign_result {
    ffi_boundary! {
        let out = try_out_handle!(out);
        let secret = try_ref!(enrollment).enrollment.secret().clone();
        set_handle(out, callsign_secret { secret })
    }
}

/// Frees an enrollment and zeroizes its secret. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_enrollment_free(enrollment: *mut callsign_enrollment) {
    ffi_boundary! { unsafe { free_handle(enrollment) } }
}

/// How a verifier checks entries. Fill it with `callsign_verifier_config_default`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct callsign_verifier_config {
    /// Steps accepted before the current one.
    pub behind: u64,
    /// Steps accepted after the current one.
    pub ahead: u64,
    /// Failed attempts within `lockout_seconds` that lock the verifier (1..=20).
    pub max_failures: u32,
    /// How long failures count and a lock lasts, in seconds (1 s to 30 days).
    pub lockout_seconds: u64,
}

impl callsign_verifier_config {
    pub(crate) fn to_core(self) -> Result<VerifierConfig, callsign::Error> {
        Ok(VerifierConfig {
            window: Window::new(self.behind, self.ahead)?,
            max_failures: self.max_failures,
            lockout_seconds: self.lockout_seconds,
        })
    }
}

/// Stores the default verifier configuration (1 step behind, 1 ahead, 3 failures within
/// 900 s lock for 900 s) in `*out`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_verifier_config_default(
    out: *mut callsign_verifier_config,
) -> callsign_result {
    ffi_boundary! {
        let out = try_out!(out);
        let config = VerifierConfig::default();
        out.set(callsign_verifier_config {
            behind: config.window.behind,
            ahead: config.window.ahead,
            max_failures: config.max_failures,
            lockout_seconds: config.lockout_seconds,
        });
        callsign_result::Ok
    }
}

/// The kind of a verdict.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum callsign_verdict_kind {
    /// The entry is the agent code of a step in the window: the caller is genuine.
    Genuine = 1,
    /// The entry matches no step; `attempts_left` more failures lock the verifier.
    NotGenuine = 2,
    /// The entry matches a step at or before the last accepted one: a replay.
    AlreadyUsed = 3,
    /// Too many failures: nothing is checked until `locked_until`.
    LockedOut = 4,
    /// The check digit is wrong: ask the caller to repeat. Not an attempt.
    Misheard = 5,
}

/// The answer to "is my caller genuine?". Fields that do not apply to `kind` are 0.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct callsign_verdict {
    /// A `callsign_verdict_kind` value.
    pub kind: u32,
    /// The matching step (GENUINE, `ALREADY_USED`).
    pub step: u64,
    /// The matching step minus the device's current step (GENUINE).
    pub drift: i64,
    /// Failures still allowed before the lock (`NOT_GENUINE`).
    pub attempts_left: u32,
    /// Unix time at which the lock ends (`LOCKED_OUT`).
    pub locked_until: u64,
}

impl From<Verdict> for callsign_verdict {
    fn from(verdict: Verdict) -> Self {
        let kind = match verdict {
            Verdict::Genuine { .. } => callsign_verdict_kind::Genuine,
            Verdict::NotGenuine { .. } => callsign_verdict_kind::NotGenuine,
            Verdict::AlreadyUsed { .. } => callsign_verdict_kind::AlreadyUsed,
            Verdict::LockedOut { .. } => callsign_verdict_kind::LockedOut,
            Verdict::Misheard => callsign_verdict_kind::Misheard,
        };
        callsign_verdict {
            kind: kind as u32,
            step: verdict.step().unwrap_or(0),
            drift: verdict.drift().unwrap_or(0),
            attempts_left: verdict.attempts_left().unwrap_or(0),
            locked_until: verdict.locked_until().unwrap_or(0),
        }
    }
}

/// The attempt counter and lock as they stand.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct callsign_verifier_status {
    /// Whether the verifier is locked now.
    pub locked: bool,
    /// Unix time at which the lock ends (0 when not locked).
    pub locked_until: u64,
    /// Failures still allowed before the lock.
    pub attempts_left: u32,
    /// Whether a code was accepted as genuine yet.
    pub has_last_accepted_step: bool,
    /// The last step accepted as genuine (0 when none).
    pub last_accepted_step: u64,
}

impl From<VerifierStatus> for callsign_verifier_status {
    fn from(status: VerifierStatus) -> Self {
        callsign_verifier_status {
            locked: status.locked_until.is_some(),
            locked_until: status.locked_until.unwrap_or(0),
            attempts_left: status.attempts_left,
            has_last_accepted_step: status.last_accepted_step.is_some(),
            last_accepted_step: status.last_accepted_step.unwrap_or(0),
        }
    }
}

/// Checks agent codes on the customer's device. Internally locked: all functions taking a
/// `const callsign_verifier *` may be called from any thread at once.
pub struct callsign_verifier {
    verifier: Verifier,
}

/// Creates a fresh verifier for an enrollment.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_verifier_new(
    enrollment: *const callsign_enrollment,
    config: *const callsign_verifier_config,
    out: *mut *mut callsign_verifier,
) -> callsign_result {
    ffi_boundary! {
        let out = try_out_handle!(out);
        let enrollment = &try_ref!(enrollment).enrollment;
        let config = try_core!(try_ref!(config).to_core());
        set_handle(out, callsign_verifier { verifier: try_core!(Verifier::new(enrollment, config)) })
    }
}

/// Creates a fresh verifier from a received <callsign://enroll> payload, read under the pinned
/// keys as `callsign_enrollment_from_uri` reads it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_verifier_new_from_uri(
    enrollment_uri: *const c_char,
    trusted_keys: *const u8,
    trusted_keys_len: usize,
    allow_unsigned: bool,
    config: *const callsign_verifier_config,
    out: *mut *mut callsign_verifier,
) -> callsign_result {
    ffi_boundary! {
        let out = try_out_handle!(out);
        let uri = try_str!(enrollment_uri);
        let keys = crate::signing::try_keys!(trusted_keys, trusted_keys_len);
        let trust = try_core!(crate::signing::trust(keys, allow_unsigned));
        let config = try_core!(try_ref!(config).to_core());
        let verifier = try_core!(Verifier::from_uri(uri, &trust, config));
        set_handle(out, callsign_verifier { verifier })
    }
}

/// Restores a verifier from a blob of `callsign_verifier_export_state`. A corrupt or foreign blob
/// is `CALLSIGN_RESULT_INVALID_STATE`: the app should then use `callsign_verifier_new_locked`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_verifier_new_with_state(
    enrollment: *const callsign_enrollment,
    config: *const callsign_verifier_config,
    state: *const u8,
    state_len: usize,
    out: *mut *mut callsign_verifier,
) -> callsign_result {
    ffi_boundary! {
        let out = try_out_handle!(out);
        let enrollment = &try_ref!(enrollment).enrollment;
        let config = try_core!(try_ref!(config).to_core());
        let state = try_slice!(state, state_len);
        let verifier = try_core!(Verifier::with_state(enrollment, config, state));
        set_handle(out, callsign_verifier { verifier })
    }
}

/// The fail-closed fallback when the persisted state is lost or damaged: a verifier locked
/// from `now` for the lockout period.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_verifier_new_locked(
    enrollment: *const callsign_enrollment,
    config: *const callsign_verifier_config,
    now: u64,
    out: *mut *mut callsign_verifier,
) -> callsign_result {
    ffi_boundary! {
        let out = try_out_handle!(out);
        let enrollment = &try_ref!(enrollment).enrollment;
        let config = try_core!(try_ref!(config).to_core());
        let verifier = try_core!(Verifier::new_locked(enrollment, config, now));
        set_handle(out, callsign_verifier { verifier })
    }
}

/// Entry mode: checks what the customer typed at unix time `now` and stores the verdict in
/// `*out`. A malformed entry is `CALLSIGN_RESULT_INVALID_CODE` (text that is not UTF-8:
/// `CALLSIGN_RESULT_INVALID_UTF8`) and counts as no attempt; during a lock every entry, even
/// one that is not UTF-8, gets the `LOCKED_OUT` verdict. A `now` after 9999-12-31 is
/// `CALLSIGN_RESULT_OVERFLOW` and changes nothing.
/// Persist `callsign_verifier_export_state` after every check.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_verifier_check(
    verifier: *const callsign_verifier,
    entry: *const c_char,
    now: u64,
    out: *mut callsign_verdict,
) -> callsign_result {
    ffi_boundary! {
        let verifier = try_ref!(verifier);
        let out = try_out!(out);
        if !entry.is_null() && unsafe { CStr::from_ptr(entry) }.to_str().is_err() {
            // During a lock every entry is answered "locked out", even one that is not text.
            if let Some(locked) = try_core!(verifier.verifier.lock_verdict(now)) {
                out.set(callsign_verdict::from(locked));
                return callsign_result::Ok;
            }
        }
        let entry = try_str!(entry);
        out.set(callsign_verdict::from(try_core!(verifier.verifier.check(entry, now))));
        callsign_result::Ok
    }
}

/// Display mode: stores the current code, its grouping and the seconds until it changes in
/// `*out`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_verifier_display(
    verifier: *const callsign_verifier,
    now: u64,
    out: *mut callsign_timed_code,
) -> callsign_result {
    ffi_boundary! {
        let verifier = try_ref!(verifier);
        let out = try_out!(out);
        out.set(callsign_timed_code::from(&try_core!(verifier.verifier.display(now))));
        callsign_result::Ok
    }
}

/// Stores the customer code at unix time `now` in `*out`: what the app shows when the customer
/// asks for it to call the vendor (never in answer to an incoming call).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_verifier_customer_code(
    verifier: *const callsign_verifier,
    now: u64,
    out: *mut callsign_timed_code,
) -> callsign_result {
    ffi_boundary! {
        let verifier = try_ref!(verifier);
        let out = try_out!(out);
        out.set(callsign_timed_code::from(&try_core!(verifier.verifier.customer_code(now))));
        callsign_result::Ok
    }
}

/// Stores the attempt counter and lock at unix time `now` in `*out`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_verifier_get_status(
    verifier: *const callsign_verifier,
    now: u64,
    out: *mut callsign_verifier_status,
) -> callsign_result {
    ffi_boundary! {
        let status = try_ref!(verifier).verifier.status(now);
        try_out!(out).set(callsign_verifier_status::from(status));
        callsign_result::Ok
    }
}

/// Writes the verifier's state (failure times, lock, last accepted step, latest time seen) as
/// a versioned, integrity-checked blob for the app to persist (byte output; layout in
/// docs/protocol.md).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_verifier_export_state(
    verifier: *const callsign_verifier,
    out: *mut u8,
    out_size: usize,
    out_needed: *mut usize,
) -> callsign_result {
    ffi_boundary! {
        let blob = try_ref!(verifier).verifier.export_state();
        unsafe { write_bytes(&blob, out, out_size, out_needed) }
    }
}

/// Replaces the verifier's state with a blob of `callsign_verifier_export_state`. On error the
/// state stays as it was.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_verifier_import_state(
    verifier: *const callsign_verifier,
    state: *const u8,
    state_len: usize,
) -> callsign_result {
    ffi_boundary! {
        let verifier = try_ref!(verifier);
        try_core!(verifier.verifier.import_state(try_slice!(state, state_len)));
        callsign_result::Ok
    }
}

/// Frees a verifier and zeroizes its keys. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_verifier_free(verifier: *mut callsign_verifier) {
    ffi_boundary! { unsafe { free_handle(verifier) } }
}

//! otpauth:// Key Uri Format accounts (plain HOTP/TOTP): parse, build, inspect, emit.

use std::os::raw::c_char;

use callsign::{OtpAuthUri, OtpKind};

use crate::boundary::ffi_boundary;
use crate::error::callsign_result;
use crate::ffi::{
    free_handle, set_handle, try_core, try_out, try_out_handle, try_ref, try_str, write_text,
};
use crate::otp::{
    algorithm_to_c, callsign_hotp_key, callsign_secret, callsign_totp_key, try_algorithm,
};

/// Whether an otpauth:// account counts time steps or events.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum callsign_otp_type {
    /// Time-based (RFC 6238), with a period.
    Totp = 1,
    /// Counter-based (RFC 4226), with a counter.
    Hotp = 2,
}

/// A parsed or built otpauth:// account. Holds the secret, zeroized when freed. Immutable: may
/// be shared between threads.
pub struct callsign_otpauth {
    uri: OtpAuthUri,
}

/// The numeric fields of an otpauth:// account.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct callsign_otpauth_info {
    /// A `callsign_otp_type` value.
    pub otp_type: u32,
    /// A `callsign_algorithm` value.
    pub algorithm: u32,
    /// The digit count.
    pub digits: u32,
    /// The period in seconds (TOTP; 0 for HOTP).
    pub period: u64,
    /// The counter (HOTP; 0 for TOTP).
    pub counter: u64,
    /// Whether the account names an issuer.
    pub has_issuer: bool,
}

/// Parses an otpauth:// URI (see the core documentation for what is accepted).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_otpauth_parse(
    uri: *const c_char,
    out: *mut *mut callsign_otpauth,
) -> callsign_result {
    ffi_boundary! {
        let out = try_out_handle!(out);
        let uri = try_core!(OtpAuthUri::parse(try_str!(uri)));
        set_handle(out, callsign_otpauth { uri })
    }
}

/// Builds a TOTP account. `issuer` may be NULL for none; `algorithm` is a `callsign_algorithm`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_otpauth_new_totp(
    issuer: *const c_char,
    account: *const c_char,
    secret: *const callsign_secret,
    algorithm: u32,
    digits: u32,
    period: u64,
    out: *mut *mut callsign_otpauth,
) -> callsign_result {
    ffi_boundary! {
        unsafe { build(issuer, account, secret, algorithm, digits, OtpKind::Totp { period }, out) }
    }
}

/// Builds an HOTP account whose next code is for `counter`. `issuer` may be NULL for none.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_otpauth_new_hotp(
    issuer: *const c_char,
    account: *const c_char,
    secret: *const callsign_secret,
    algorithm: u32,
    digits: u32,
    counter: u64,
    out: *mut *mut callsign_otpauth,
) -> callsign_result {
    ffi_boundary! {
        unsafe { build(issuer, account, secret, algorithm, digits, OtpKind::Hotp { counter }, out) }
    }
}

/// The body of `callsign_otpauth_new_totp` and `callsign_otpauth_new_hotp`: checks the
/// arguments and builds the account of `kind` (core's `OtpAuthUri::new` checks every field).
///
/// # Safety
/// As for those two functions.
unsafe fn build(
    issuer: *const c_char,
    account: *const c_char,
    secret: *const callsign_secret,
    algorithm: u32,
    digits: u32,
    kind: OtpKind,
    out: *mut *mut callsign_otpauth,
) -> callsign_result {
    let out = try_out_handle!(out);
    let issuer = if issuer.is_null() {
        None
    } else {
        Some(try_str!(issuer))
    };
    let (account, secret) = (try_str!(account), try_ref!(secret));
    let algorithm = try_algorithm!(algorithm);
    let uri = try_core!(OtpAuthUri::new(
        kind,
        issuer,
        account,
        secret.secret.clone(),
        algorithm,
        digits,
        Vec::new()
    ));
    set_handle(out, callsign_otpauth { uri })
}

/// Stores the account's numeric fields in `*out`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_otpauth_get_info(
    otpauth: *const callsign_otpauth,
    out: *mut callsign_otpauth_info,
) -> callsign_result {
    ffi_boundary! {
        let uri = &try_ref!(otpauth).uri;
        let out = try_out!(out);
        let (otp_type, period, counter) = match uri.kind {
            OtpKind::Totp { period } => (callsign_otp_type::Totp, period, 0),
            OtpKind::Hotp { counter } => (callsign_otp_type::Hotp, 0, counter),
        };
        out.set(callsign_otpauth_info {
            otp_type: otp_type as u32,
            algorithm: algorithm_to_c(uri.algorithm) as u32,
            digits: uri.digits,
            period,
            counter,
            has_issuer: uri.issuer.is_some(),
        });
        callsign_result::Ok
    }
}

/// Writes the issuer (text output; the empty string when there is none).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_otpauth_issuer(
    otpauth: *const callsign_otpauth,
    out: *mut c_char,
    out_size: usize,
    out_needed: *mut usize,
) -> callsign_result {
    ffi_boundary! {
        let issuer = try_ref!(otpauth).uri.issuer.as_deref().unwrap_or("");
        unsafe { write_text(issuer, out, out_size, out_needed) }
    }
}

/// Writes the account name (text output).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_otpauth_account(
    otpauth: *const callsign_otpauth,
    out: *mut c_char,
    out_size: usize,
    out_needed: *mut usize,
) -> callsign_result {
    ffi_boundary! {
        let account = &try_ref!(otpauth).uri.account;
        unsafe { write_text(account, out, out_size, out_needed) }
    }
}

/// Stores a copy of the account's secret in `*out` (free it with `callsign_secret_free`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_otpauth_secret(
    otpauth: *const callsign_otpauth,
    out: *mut *mut callsign_secret,
) -> callsign_result {
    ffi_boundary! {
        let out = try_out_handle!(out);
        let secret = try_ref!(otpauth).uri.secret.clone();
        set_handle(out, callsign_secret { secret })
    }
}

/// Writes the canonical otpauth:// URI, every parameter included (text output; it holds the
/// secret).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_otpauth_to_uri(
    otpauth: *const callsign_otpauth,
    out: *mut c_char,
    out_size: usize,
    out_needed: *mut usize,
) -> callsign_result {
    ffi_boundary! {
        let text = try_core!(try_ref!(otpauth).uri.to_uri_string());
        unsafe { write_text(&text, out, out_size, out_needed) }
    }
}

/// Prepares the TOTP key of a TOTP account (`CALLSIGN_RESULT_INVALID_URI` for an HOTP account).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_otpauth_totp_key(
    otpauth: *const callsign_otpauth,
    out: *mut *mut callsign_totp_key,
) -> callsign_result {
    ffi_boundary! {
        let out = try_out_handle!(out);
        let totp = try_core!(try_ref!(otpauth).uri.to_totp());
        set_handle(out, callsign_totp_key { totp })
    }
}

/// Prepares the HOTP key of an HOTP account (`CALLSIGN_RESULT_INVALID_URI` for a TOTP account).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_otpauth_hotp_key(
    otpauth: *const callsign_otpauth,
    out: *mut *mut callsign_hotp_key,
) -> callsign_result {
    ffi_boundary! {
        let out = try_out_handle!(out);
        let hotp = try_core!(try_ref!(otpauth).uri.to_hotp());
        set_handle(out, callsign_hotp_key { hotp })
    }
}

/// Frees an account and zeroizes its secret. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_otpauth_free(otpauth: *mut callsign_otpauth) {
    ffi_boundary! { unsafe { free_handle(otpauth) } }
}

//! Secrets, HOTP and TOTP: one-shot functions over raw secret bytes, and prepared keys
//! (`callsign_hotp_key`, `callsign_totp_key`) that set the HMAC key up once for many codes.

use std::os::raw::c_char;

use callsign::{Algorithm, Code, Hotp, Match, Secret, TimedCode, Totp, Window};

use crate::boundary::ffi_boundary;
use crate::error::{callsign_result, invalid_argument};
use crate::ffi::{
    free_handle, set_handle, try_core, try_out, try_out_handle, try_ref, try_slice, try_str,
    write_bytes, write_text,
};

/// An HMAC hash algorithm. Functions take it as a `uint32_t` holding one of these values.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum callsign_algorithm {
    /// HMAC-SHA-1 (RFC 4226 and otpauth:// default).
    Sha1 = 1,
    /// HMAC-SHA-256 (the callsign profile's algorithm).
    Sha256 = 2,
    /// HMAC-SHA-512.
    Sha512 = 3,
}

/// The core algorithm for a C `algorithm` argument.
pub(crate) fn algorithm_from_c(algorithm: u32) -> Result<Algorithm, callsign_result> {
    Algorithm::ALL
        .into_iter()
        .find(|known| algorithm_to_c(*known) as u32 == algorithm)
        .ok_or_else(|| invalid_argument("algorithm", algorithm))
}

/// The C value of a core algorithm.
pub(crate) fn algorithm_to_c(algorithm: Algorithm) -> callsign_algorithm {
    match algorithm {
        Algorithm::Sha1 => callsign_algorithm::Sha1,
        Algorithm::Sha256 => callsign_algorithm::Sha256,
        Algorithm::Sha512 => callsign_algorithm::Sha512,
    }
}

/// Stores the `callsign_algorithm` named `name` ("SHA1", "sha-256", ...; any case) in `*out`.
/// Other names are `CALLSIGN_RESULT_UNSUPPORTED_ALGORITHM`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_algorithm_from_name(
    name: *const c_char,
    out: *mut u32,
) -> callsign_result {
    ffi_boundary! {
        let algorithm: Algorithm = try_core!(try_str!(name).parse());
        try_out!(out).set(algorithm_to_c(algorithm) as u32);
        callsign_result::Ok
    }
}

/// Converts a C `algorithm` argument, or returns `CALLSIGN_RESULT_INVALID_ARGUMENT`.
macro_rules! try_algorithm {
    ($algorithm:expr) => {
        match $crate::otp::algorithm_from_c($algorithm) {
            Ok(algorithm) => algorithm,
            Err(result) => return result,
        }
    };
}

pub(crate) use try_algorithm;

/// Bytes of `callsign_timed_code.code`: 8 digits at most, a check digit and a NUL.
pub const CALLSIGN_CODE_SIZE: usize = 10;
/// Bytes of `callsign_timed_code.grouped`: 8 digits, a space, a check digit after another
/// space, and a NUL ("0465 9476 8").
pub const CALLSIGN_GROUPED_SIZE: usize = 12;
const _: () = assert!(CALLSIGN_CODE_SIZE == callsign::MAX_CODE_LEN + 1);
const _: () = assert!(CALLSIGN_GROUPED_SIZE == callsign::MAX_GROUPED_LEN + 1);

/// A TOTP code with its time step and validity, as the issuer, the agent-code function and the
/// verifier's display mode return it. The strings are NUL-terminated.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct callsign_timed_code {
    /// The code's digits.
    pub code: [c_char; CALLSIGN_CODE_SIZE],
    /// The code grouped for reading aloud ("482 913").
    pub grouped: [c_char; CALLSIGN_GROUPED_SIZE],
    /// Its time step.
    pub step: u64,
    /// Unix time at which the next code takes over.
    pub valid_until: u64,
    /// Seconds from the given time until `valid_until`.
    pub seconds_remaining: u64,
}

impl From<&TimedCode> for callsign_timed_code {
    fn from(timed: &TimedCode) -> Self {
        callsign_timed_code {
            code: c_text(timed.as_str()),
            grouped: c_text(timed.grouped().as_str()),
            step: timed.step,
            valid_until: timed.valid_until,
            seconds_remaining: timed.seconds_remaining,
        }
    }
}

/// `text` as a NUL-padded C character array; `text` is shorter than `N`.
#[allow(clippy::cast_possible_wrap, reason = "codes are ASCII, below 0x80")]
fn c_text<const N: usize>(text: &str) -> [c_char; N] {
    let mut out = [0; N];
    for (slot, byte) in out.iter_mut().zip(text.bytes()) {
        *slot = byte as c_char;
    }
    out
}

/// The common part of `callsign_hotp_key_verify` and `callsign_totp_key_verify` after the key
/// check: checks `entry`, the out-pointers and the window, runs `verify` and stores a match (or
/// its absence) in `*matched`, `*step` and `*drift`.
///
/// # Safety
/// `entry` is NULL or a NUL-terminated string; each out-pointer is NULL or valid for writes.
unsafe fn verify_entry(
    entry: *const c_char,
    behind: u64,
    ahead: u64,
    matched: *mut bool,
    step: *mut u64,
    drift: *mut i64,
    verify: impl FnOnce(&str, Window) -> Result<Option<Match>, callsign::Error>,
) -> callsign_result {
    let entry = try_str!(entry);
    let (matched, step, drift) = (try_out!(matched), try_out!(step), try_out!(drift));
    let found = try_core!(verify(entry, try_core!(Window::new(behind, ahead))));
    matched.set(found.is_some());
    step.set(found.map_or(0, |m| m.step));
    drift.set(found.map_or(0, |m| m.drift));
    callsign_result::Ok
}

/// A shared secret of 16 to 1024 bytes. Zeroized when freed. Immutable: may be shared
/// between threads.
pub struct callsign_secret {
    pub(crate) secret: Secret,
}

/// Makes a secret from `len` bytes (16..=1024).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_secret_from_bytes(
    bytes: *const u8,
    len: usize,
    out: *mut *mut callsign_secret,
) -> callsign_result {
    ffi_boundary! {
        let out = try_out_handle!(out);
        let secret = try_core!(Secret::from_bytes(try_slice!(bytes, len)));
        set_handle(out, callsign_secret { secret })
    }
}

/// Decodes a base32 secret as people paste it (any case, spaces, hyphens, `=` padding).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_secret_from_base32(
    base32: *const c_char,
    out: *mut *mut callsign_secret,
) -> callsign_result {
    ffi_boundary! {
        let out = try_out_handle!(out);
        let secret = try_core!(Secret::from_base32(try_str!(base32)));
        set_handle(out, callsign_secret { secret })
    }
}

/// Generates a random secret of the length recommended for `algorithm` (a `callsign_algorithm`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_secret_generate(
    algorithm: u32,
    out: *mut *mut callsign_secret,
) -> callsign_result {
    ffi_boundary! {
        let out = try_out_handle!(out);
        let secret = try_core!(Secret::generate(try_algorithm!(algorithm)));
        set_handle(out, callsign_secret { secret })
    }
}

/// Writes the secret as upper-case base32 without padding (text output).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_secret_to_base32(
    secret: *const callsign_secret,
    out: *mut c_char,
    out_size: usize,
    out_needed: *mut usize,
) -> callsign_result {
    ffi_boundary! {
        let secret = try_ref!(secret);
        unsafe { write_text(&secret.secret.to_base32(), out, out_size, out_needed) }
    }
}

/// Writes the secret's bytes (byte output).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_secret_to_bytes(
    secret: *const callsign_secret,
    out: *mut u8,
    out_size: usize,
    out_needed: *mut usize,
) -> callsign_result {
    ffi_boundary! {
        let secret = try_ref!(secret);
        unsafe { write_bytes(secret.secret.expose_bytes(), out, out_size, out_needed) }
    }
}

/// Frees a secret and zeroizes its bytes. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_secret_free(secret: *mut callsign_secret) {
    ffi_boundary! { unsafe { free_handle(secret) } }
}

/// Writes the RFC 4226 HOTP code for `counter` (text output), from `secret_len` raw secret
/// bytes, `algorithm` (a `callsign_algorithm`) and `digits` (6..=8). Sets the key up on every
/// call; use a `callsign_hotp_key` for many codes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_hotp(
    secret: *const u8,
    secret_len: usize,
    algorithm: u32,
    digits: u32,
    counter: u64,
    out: *mut c_char,
    out_size: usize,
    out_needed: *mut usize,
) -> callsign_result {
    ffi_boundary! {
        let secret = try_slice!(secret, secret_len);
        let hotp = try_core!(Hotp::from_secret_bytes(secret, try_algorithm!(algorithm), digits));
        unsafe { write_code(&hotp.code(counter), out, out_size, out_needed) }
    }
}

/// Writes the RFC 6238 TOTP code at unix time `time` (text output), with `period` seconds per
/// step from the epoch `t0`. Sets the key up on every call; use a `callsign_totp_key` for many
/// codes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_totp(
    secret: *const u8,
    secret_len: usize,
    algorithm: u32,
    digits: u32,
    period: u64,
    t0: u64,
    time: u64,
    out: *mut c_char,
    out_size: usize,
    out_needed: *mut usize,
) -> callsign_result {
    ffi_boundary! {
        let secret = try_slice!(secret, secret_len);
        let totp = try_core!(Totp::from_secret_bytes(secret, try_algorithm!(algorithm), digits, period))
            .with_t0(t0);
        unsafe { write_code(&try_core!(totp.code_at(time)), out, out_size, out_needed) }
    }
}

/// Writes a code as text output.
unsafe fn write_code(
    code: &Code,
    out: *mut c_char,
    out_size: usize,
    out_needed: *mut usize,
) -> callsign_result {
    unsafe { write_text(code.as_str(), out, out_size, out_needed) }
}

/// A prepared HOTP key: secret, algorithm and digits with the HMAC key set up once.
/// Immutable: may be shared between threads. Zeroized when freed.
pub struct callsign_hotp_key {
    pub(crate) hotp: Hotp,
}

/// Prepares an HOTP key from a secret, `algorithm` (a `callsign_algorithm`) and `digits`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_hotp_key_new(
    secret: *const callsign_secret,
    algorithm: u32,
    digits: u32,
    out: *mut *mut callsign_hotp_key,
) -> callsign_result {
    ffi_boundary! {
        let out = try_out_handle!(out);
        let secret = try_ref!(secret);
        let hotp = try_core!(Hotp::new(&secret.secret, try_algorithm!(algorithm), digits));
        set_handle(out, callsign_hotp_key { hotp })
    }
}

/// Writes the code for `counter` (text output).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_hotp_key_code(
    key: *const callsign_hotp_key,
    counter: u64,
    out: *mut c_char,
    out_size: usize,
    out_needed: *mut usize,
) -> callsign_result {
    ffi_boundary! {
        let key = try_ref!(key);
        unsafe { write_code(&key.hotp.code(counter), out, out_size, out_needed) }
    }
}

/// Checks `entry` (digits, optionally grouped by spaces or dashes) against the counters from
/// `counter - behind` to `counter + ahead`, in constant time. A well-formed entry that matches
/// nothing gives `CALLSIGN_RESULT_OK` with `*matched` false; a malformed entry is
/// `CALLSIGN_RESULT_INVALID_CODE`. On a match, `*step` is the matching counter (store `step + 1`
/// as the next counter) and `*drift` its distance from `counter`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_hotp_key_verify(
    key: *const callsign_hotp_key,
    entry: *const c_char,
    counter: u64,
    behind: u64,
    ahead: u64,
    matched: *mut bool,
    step: *mut u64,
    drift: *mut i64,
) -> callsign_result {
    ffi_boundary! {
        let key = try_ref!(key);
        let verify = |entry: &str, window| key.hotp.verify(entry, counter, window);
        unsafe { verify_entry(entry, behind, ahead, matched, step, drift, verify) }
    }
}

/// Frees an HOTP key. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_hotp_key_free(key: *mut callsign_hotp_key) {
    ffi_boundary! { unsafe { free_handle(key) } }
}

/// A prepared TOTP key: secret, algorithm, digits, period and epoch T0 with the HMAC key set
/// up once. Immutable: may be shared between threads. Zeroized when freed.
pub struct callsign_totp_key {
    pub(crate) totp: Totp,
}

/// Prepares a TOTP key from a secret, `algorithm` (a `callsign_algorithm`), `digits`, `period`
/// (seconds, at least 1) and the epoch `t0` (unix seconds, usually 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_totp_key_new(
    secret: *const callsign_secret,
    algorithm: u32,
    digits: u32,
    period: u64,
    t0: u64,
    out: *mut *mut callsign_totp_key,
) -> callsign_result {
    ffi_boundary! {
        let out = try_out_handle!(out);
        let secret = try_ref!(secret);
        let totp = try_core!(Totp::new(&secret.secret, try_algorithm!(algorithm), digits, period));
        set_handle(out, callsign_totp_key { totp: totp.with_t0(t0) })
    }
}

/// Writes the code at unix time `time` (text output). A time before T0 is
/// `CALLSIGN_RESULT_TIME_BEFORE_EPOCH`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_totp_key_code_at(
    key: *const callsign_totp_key,
    time: u64,
    out: *mut c_char,
    out_size: usize,
    out_needed: *mut usize,
) -> callsign_result {
    ffi_boundary! {
        let key = try_ref!(key);
        unsafe { write_code(&try_core!(key.totp.code_at(time)), out, out_size, out_needed) }
    }
}

/// Stores the code at unix time `time` with its step and validity in `*out`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_totp_key_timed_code_at(
    key: *const callsign_totp_key,
    time: u64,
    out: *mut callsign_timed_code,
) -> callsign_result {
    ffi_boundary! {
        let key = try_ref!(key);
        let out = try_out!(out);
        out.set(callsign_timed_code::from(&try_core!(key.totp.timed_code_at(time))));
        callsign_result::Ok
    }
}

/// Checks `entry` against the steps from `behind` steps before to `ahead` steps after the step
/// at unix time `time`, in constant time. Results as for `callsign_hotp_key_verify`: `*step` is
/// the matching time step, `*drift` its distance from the current step (negative: older).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_totp_key_verify(
    key: *const callsign_totp_key,
    entry: *const c_char,
    time: u64,
    behind: u64,
    ahead: u64,
    matched: *mut bool,
    step: *mut u64,
    drift: *mut i64,
) -> callsign_result {
    ffi_boundary! {
        let key = try_ref!(key);
        let verify = |entry: &str, window| key.totp.verify(entry, time, window);
        unsafe { verify_entry(entry, behind, ahead, matched, step, drift, verify) }
    }
}

/// Frees a TOTP key. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_totp_key_free(key: *mut callsign_totp_key) {
    ffi_boundary! { unsafe { free_handle(key) } }
}

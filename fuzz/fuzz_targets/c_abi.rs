//! The C API (bindings/c) called the way a C program calls it: through declarations copied from
//! include/callsign.h, with results read back as plain `uint32_t`. The input is a script of
//! calls (see [`Script`]) with arbitrary bytes, lengths, buffer sizes, NULL pointers, non-UTF-8
//! text and handles from earlier calls. Only what the header says is checked gets violated:
//! pointers are NULL or valid for the length passed, handles are live, and nothing is freed
//! twice. Checked after every call:
//! - the result is a defined `callsign_result`, never `PANIC` or `UNKNOWN_ERROR` (a panic inside
//!   the boundary also aborts the run through libfuzzer's panic hook);
//! - `NULL_PARAMETER` only when a NULL was passed, `INVALID_UTF8` only when text was not UTF-8,
//!   and `OK` never when a required pointer was NULL;
//! - text and byte outputs: on `OK` the needed size fits the buffer, text ends in its only NUL
//!   and the rest of the buffer is untouched; on `INSUFFICIENT_SIZE` the needed size exceeds the
//!   buffer and nothing was written; asking with a NULL buffer of size 0 and then with the size
//!   it reported succeeds (and one byte less is `INSUFFICIENT_SIZE`);
//! - handle constructors leave NULL on failure and a handle on success; every handle is freed
//!   exactly once (at the latest when the script ends);
//! - codes are `digits` ASCII digits; verdict fields that do not apply are 0; emitted otpauth://
//!   and callsign:// URIs parse again and emit the same text; an exported verifier state
//!   imports back.
#![no_main]

use std::ffi::{CStr, CString};
use std::os::raw::c_char;
use std::ptr;

// The C functions below come from bindings/c, built as an rlib by callsign-c-rlib; `use` links it.
use callsign_c as _;
use libfuzzer_sys::fuzz_target;

/// Declares opaque handle types, as the header does with `typedef struct x x;`.
macro_rules! opaque {
    ($($name:ident),*) => {$(
        #[repr(C)]
        struct $name {
            _private: [u8; 0],
        }
    )*};
}
opaque!(
    Secret, HotpKey, TotpKey, OtpAuth, MasterKey, Enrollment, Verifier
);

const CODE_SIZE: usize = 10;
const GROUPED_SIZE: usize = 12;

/// `callsign_timed_code`.
#[repr(C)]
#[derive(Clone, Copy)]
struct TimedCode {
    code: [c_char; CODE_SIZE],
    grouped: [c_char; GROUPED_SIZE],
    step: u64,
    valid_until: u64,
    seconds_remaining: u64,
}

/// `callsign_otpauth_info`.
#[repr(C)]
#[derive(Clone, Copy, Default)]
struct OtpAuthInfo {
    otp_type: u32,
    algorithm: u32,
    digits: u32,
    period: u64,
    counter: u64,
    has_issuer: bool,
}

/// `callsign_enrollment_info`.
#[repr(C)]
#[derive(Clone, Copy, Default)]
struct EnrollmentInfo {
    epoch: u32,
    digits: u32,
    period: u64,
}

/// `callsign_verifier_config`.
#[repr(C)]
#[derive(Clone, Copy, Default)]
struct VerifierConfig {
    behind: u64,
    ahead: u64,
    max_failures: u32,
    lockout_seconds: u64,
}

/// `callsign_verdict`.
#[repr(C)]
#[derive(Clone, Copy)]
struct Verdict {
    kind: u32,
    step: u64,
    drift: i64,
    attempts_left: u32,
    locked_until: u64,
}

/// `callsign_verifier_status`.
#[repr(C)]
#[derive(Clone, Copy)]
struct VerifierStatus {
    locked: bool,
    locked_until: u64,
    attempts_left: u32,
    has_last_accepted_step: bool,
    last_accepted_step: u64,
}

// Copied from include/callsign.h (callsign_result is a uint32_t in C before C23).
unsafe extern "C" {
    fn callsign_result_message(
        result: u32,
        out: *mut c_char,
        out_size: usize,
        out_needed: *mut usize,
    ) -> u32;
    fn callsign_result_name(result: u32) -> *const c_char;
    fn callsign_last_error_message(
        out: *mut c_char,
        out_size: usize,
        out_needed: *mut usize,
    ) -> u32;
    fn callsign_algorithm_from_name(name: *const c_char, out: *mut u32) -> u32;
    fn callsign_secret_from_bytes(bytes: *const u8, len: usize, out: *mut *mut Secret) -> u32;
    fn callsign_secret_from_base32(base32: *const c_char, out: *mut *mut Secret) -> u32;
    fn callsign_secret_generate(algorithm: u32, out: *mut *mut Secret) -> u32;
    fn callsign_secret_to_base32(
        secret: *const Secret,
        out: *mut c_char,
        out_size: usize,
        out_needed: *mut usize,
    ) -> u32;
    fn callsign_secret_to_bytes(
        secret: *const Secret,
        out: *mut u8,
        out_size: usize,
        out_needed: *mut usize,
    ) -> u32;
    fn callsign_secret_free(secret: *mut Secret);
    fn callsign_hotp(
        secret: *const u8,
        secret_len: usize,
        algorithm: u32,
        digits: u32,
        counter: u64,
        out: *mut c_char,
        out_size: usize,
        out_needed: *mut usize,
    ) -> u32;
    fn callsign_totp(
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
    ) -> u32;
    fn callsign_hotp_key_new(
        secret: *const Secret,
        algorithm: u32,
        digits: u32,
        out: *mut *mut HotpKey,
    ) -> u32;
    fn callsign_hotp_key_code(
        key: *const HotpKey,
        counter: u64,
        out: *mut c_char,
        out_size: usize,
        out_needed: *mut usize,
    ) -> u32;
    fn callsign_hotp_key_verify(
        key: *const HotpKey,
        entry: *const c_char,
        counter: u64,
        behind: u64,
        ahead: u64,
        matched: *mut bool,
        step: *mut u64,
        drift: *mut i64,
    ) -> u32;
    fn callsign_hotp_key_free(key: *mut HotpKey);
    fn callsign_totp_key_new(
        secret: *const Secret,
        algorithm: u32,
        digits: u32,
        period: u64,
        t0: u64,
        out: *mut *mut TotpKey,
    ) -> u32;
    fn callsign_totp_key_code_at(
        key: *const TotpKey,
        time: u64,
        out: *mut c_char,
        out_size: usize,
        out_needed: *mut usize,
    ) -> u32;
    fn callsign_totp_key_timed_code_at(key: *const TotpKey, time: u64, out: *mut TimedCode) -> u32;
    fn callsign_totp_key_verify(
        key: *const TotpKey,
        entry: *const c_char,
        time: u64,
        behind: u64,
        ahead: u64,
        matched: *mut bool,
        step: *mut u64,
        drift: *mut i64,
    ) -> u32;
    fn callsign_totp_key_free(key: *mut TotpKey);
    fn callsign_otpauth_parse(uri: *const c_char, out: *mut *mut OtpAuth) -> u32;
    fn callsign_otpauth_new_totp(
        issuer: *const c_char,
        account: *const c_char,
        secret: *const Secret,
        algorithm: u32,
        digits: u32,
        period: u64,
        out: *mut *mut OtpAuth,
    ) -> u32;
    fn callsign_otpauth_new_hotp(
        issuer: *const c_char,
        account: *const c_char,
        secret: *const Secret,
        algorithm: u32,
        digits: u32,
        counter: u64,
        out: *mut *mut OtpAuth,
    ) -> u32;
    fn callsign_otpauth_get_info(otpauth: *const OtpAuth, out: *mut OtpAuthInfo) -> u32;
    fn callsign_otpauth_issuer(
        otpauth: *const OtpAuth,
        out: *mut c_char,
        out_size: usize,
        out_needed: *mut usize,
    ) -> u32;
    fn callsign_otpauth_account(
        otpauth: *const OtpAuth,
        out: *mut c_char,
        out_size: usize,
        out_needed: *mut usize,
    ) -> u32;
    fn callsign_otpauth_secret(otpauth: *const OtpAuth, out: *mut *mut Secret) -> u32;
    fn callsign_otpauth_to_uri(
        otpauth: *const OtpAuth,
        out: *mut c_char,
        out_size: usize,
        out_needed: *mut usize,
    ) -> u32;
    fn callsign_otpauth_totp_key(otpauth: *const OtpAuth, out: *mut *mut TotpKey) -> u32;
    fn callsign_otpauth_hotp_key(otpauth: *const OtpAuth, out: *mut *mut HotpKey) -> u32;
    fn callsign_otpauth_free(otpauth: *mut OtpAuth);
    fn callsign_master_key_from_bytes(
        bytes: *const u8,
        len: usize,
        out: *mut *mut MasterKey,
    ) -> u32;
    fn callsign_master_key_generate(out: *mut *mut MasterKey) -> u32;
    fn callsign_master_key_to_bytes(
        master_key: *const MasterKey,
        out: *mut u8,
        out_size: usize,
        out_needed: *mut usize,
    ) -> u32;
    fn callsign_master_key_free(master_key: *mut MasterKey);
    fn callsign_account_secret(
        master_key: *const MasterKey,
        account_id: *const c_char,
        epoch: u32,
        out: *mut *mut Secret,
    ) -> u32;
    fn callsign_call_key(account_secret: *const Secret, out: *mut *mut Secret) -> u32;
    fn callsign_agent_code(
        account_secret: *const Secret,
        time: u64,
        digits: u32,
        period: u64,
        check_digit: bool,
        out: *mut TimedCode,
    ) -> u32;
    fn callsign_base32_decode(
        text: *const c_char,
        out: *mut u8,
        out_size: usize,
        out_needed: *mut usize,
    ) -> u32;
    fn callsign_base32_encode(
        bytes: *const u8,
        len: usize,
        out: *mut c_char,
        out_size: usize,
        out_needed: *mut usize,
    ) -> u32;
    fn callsign_entry_parse(
        entry: *const c_char,
        digits: u32,
        out: *mut c_char,
        out_size: usize,
        out_needed: *mut usize,
    ) -> u32;
    fn callsign_enrollment_parse(uri: *const c_char, out: *mut *mut Enrollment) -> u32;
    fn callsign_enrollment_new(
        issuer: *const c_char,
        account_id: *const c_char,
        account_secret: *const Secret,
        epoch: u32,
        digits: u32,
        period: u64,
        out: *mut *mut Enrollment,
    ) -> u32;
    fn callsign_enrollment_to_uri(
        enrollment: *const Enrollment,
        out: *mut c_char,
        out_size: usize,
        out_needed: *mut usize,
    ) -> u32;
    fn callsign_enrollment_issuer(
        enrollment: *const Enrollment,
        out: *mut c_char,
        out_size: usize,
        out_needed: *mut usize,
    ) -> u32;
    fn callsign_enrollment_account_id(
        enrollment: *const Enrollment,
        out: *mut c_char,
        out_size: usize,
        out_needed: *mut usize,
    ) -> u32;
    fn callsign_enrollment_get_info(enrollment: *const Enrollment, out: *mut EnrollmentInfo)
    -> u32;
    fn callsign_enrollment_secret(enrollment: *const Enrollment, out: *mut *mut Secret) -> u32;
    fn callsign_enrollment_free(enrollment: *mut Enrollment);
    fn callsign_verifier_config_default(out: *mut VerifierConfig) -> u32;
    fn callsign_verifier_new(
        enrollment: *const Enrollment,
        config: *const VerifierConfig,
        out: *mut *mut Verifier,
    ) -> u32;
    fn callsign_verifier_new_from_uri(
        enrollment_uri: *const c_char,
        trusted_keys: *const u8,
        trusted_keys_len: usize,
        allow_unsigned: bool,
        config: *const VerifierConfig,
        out: *mut *mut Verifier,
    ) -> u32;
    fn callsign_verifier_new_with_state(
        enrollment: *const Enrollment,
        config: *const VerifierConfig,
        state: *const u8,
        state_len: usize,
        out: *mut *mut Verifier,
    ) -> u32;
    fn callsign_verifier_new_locked(
        enrollment: *const Enrollment,
        config: *const VerifierConfig,
        now: u64,
        out: *mut *mut Verifier,
    ) -> u32;
    fn callsign_verifier_check(
        verifier: *const Verifier,
        entry: *const c_char,
        now: u64,
        out: *mut Verdict,
    ) -> u32;
    fn callsign_verifier_display(verifier: *const Verifier, now: u64, out: *mut TimedCode) -> u32;
    fn callsign_verifier_get_status(
        verifier: *const Verifier,
        now: u64,
        out: *mut VerifierStatus,
    ) -> u32;
    fn callsign_verifier_export_state(
        verifier: *const Verifier,
        out: *mut u8,
        out_size: usize,
        out_needed: *mut usize,
    ) -> u32;
    fn callsign_verifier_import_state(
        verifier: *const Verifier,
        state: *const u8,
        state_len: usize,
    ) -> u32;
    fn callsign_verifier_free(verifier: *mut Verifier);
}

const OK: u32 = 0;
const NULL_PARAMETER: u32 = 100;
const INSUFFICIENT_SIZE: u32 = 101;
const INVALID_UTF8: u32 = 102;
const INVALID_ARGUMENT: u32 = 103;
const PANIC: u32 = 104;
const UNKNOWN_ERROR: u32 = 199;
const INVALID_STATE: u32 = 403;
/// Every `callsign_result` value of the header.
const RESULTS: [u32; 29] = [
    0, 100, 101, 102, 103, 104, 199, 200, 201, 202, 203, 204, 300, 301, 302, 303, 304, 305, 400,
    401, 402, 403, 404, 500, 501, 502, 503, 600, 601,
];
const VERDICT_GENUINE: u32 = 1;
const VERDICT_NOT_GENUINE: u32 = 2;
const VERDICT_ALREADY_USED: u32 = 3;
const VERDICT_LOCKED_OUT: u32 = 4;
const VERDICT_MISHEARD: u32 = 5;

/// Handles and remembered outputs kept per type; when full, the oldest is freed.
const POOL_SIZE: usize = 8;
/// What a buffer is filled with before a call, to see what the call wrote.
const CANARY: u8 = 0xA5;
/// The size of an ample output buffer.
const LARGE: usize = 2048;

/// The fuzz input read as a script: one byte picks a call (modulo the number of calls), the
/// bytes after it its arguments; a byte past the end reads as 0, and the script ends with the
/// input. Arguments:
/// - numbers: a byte below 0xFC is its own value; 0xFC, 0xFD, 0xFE are followed by 2, 4, 8
///   little-endian bytes; 0xFF is the maximum;
/// - text: 0 NULL, 1 a remembered output, 2 a remembered output with one byte replaced
///   (position, value), otherwise a length byte and that many bytes (cut at a NUL);
/// - bytes with a length: 0 NULL with a length, 1 a remembered output, otherwise a length byte
///   and that many bytes;
/// - handles: 0 NULL, otherwise the pooled handle at that index (NULL when there is none);
/// - output buffers: see [`Script::output`].
struct Script<'a> {
    data: &'a [u8],
}

impl Script<'_> {
    fn is_done(&self) -> bool {
        self.data.is_empty()
    }

    fn byte(&mut self) -> u8 {
        match self.data.split_first() {
            Some((&first, rest)) => {
                self.data = rest;
                first
            }
            None => 0,
        }
    }

    fn take(&mut self, len: usize) -> &[u8] {
        let (taken, rest) = self.data.split_at(len.min(self.data.len()));
        self.data = rest;
        taken
    }

    fn little_endian(&mut self, len: usize) -> u64 {
        self.take(len)
            .iter()
            .rev()
            .fold(0, |value, &byte| value << 8 | u64::from(byte))
    }

    fn u64(&mut self) -> u64 {
        match self.byte() {
            0xFC => self.little_endian(2),
            0xFD => self.little_endian(4),
            0xFE => self.little_endian(8),
            0xFF => u64::MAX,
            small => u64::from(small),
        }
    }

    fn u32(&mut self) -> u32 {
        u32::try_from(self.u64()).unwrap_or(u32::MAX)
    }

    fn usize(&mut self) -> usize {
        usize::try_from(self.u64()).unwrap_or(usize::MAX)
    }
}

/// What one call was given, to judge its result.
#[derive(Default)]
struct Given {
    /// A required pointer was NULL.
    null: bool,
    /// A text argument was not UTF-8.
    not_utf8: bool,
}

/// A text argument: NULL or a NUL-terminated string.
struct Text(Option<CString>);

impl Text {
    fn ptr(&self) -> *const c_char {
        self.0.as_ref().map_or(ptr::null(), |text| text.as_ptr())
    }
}

/// A byte-string argument with the length passed for it (never more than it holds, unless NULL).
struct Bytes(Option<Vec<u8>>, usize);

impl Bytes {
    fn ptr(&self) -> *const u8 {
        self.0.as_ref().map_or(ptr::null(), Vec::as_ptr)
    }
}

/// NULL when `null`, otherwise a pointer to `value`.
fn nullable<T>(null: bool, value: &mut T) -> *mut T {
    if null {
        ptr::null_mut()
    } else {
        ptr::from_mut(value)
    }
}

/// Whether an output is text (NUL-terminated) or bytes.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Text,
    Bytes,
}

/// Live handles of every type and remembered outputs (URIs, codes, blobs) for later calls.
#[derive(Default)]
struct State {
    outputs: Vec<Vec<u8>>,
    secrets: Vec<*mut Secret>,
    hotp_keys: Vec<*mut HotpKey>,
    totp_keys: Vec<*mut TotpKey>,
    otpauths: Vec<*mut OtpAuth>,
    master_keys: Vec<*mut MasterKey>,
    enrollments: Vec<*mut Enrollment>,
    verifiers: Vec<*mut Verifier>,
}

/// A handle type with its `_free`.
trait Handle: Sized {
    /// The pool of live handles of this type.
    fn pool(state: &mut State) -> &mut Vec<*mut Self>;
    /// Calls the type's `_free`.
    unsafe fn free(handle: *mut Self);
}

macro_rules! handle {
    ($type:ty, $pool:ident, $free:ident) => {
        impl Handle for $type {
            fn pool(state: &mut State) -> &mut Vec<*mut Self> {
                &mut state.$pool
            }
            unsafe fn free(handle: *mut Self) {
                unsafe { $free(handle) }
            }
        }
    };
}
handle!(Secret, secrets, callsign_secret_free);
handle!(HotpKey, hotp_keys, callsign_hotp_key_free);
handle!(TotpKey, totp_keys, callsign_totp_key_free);
handle!(OtpAuth, otpauths, callsign_otpauth_free);
handle!(MasterKey, master_keys, callsign_master_key_free);
handle!(Enrollment, enrollments, callsign_enrollment_free);
handle!(Verifier, verifiers, callsign_verifier_free);

/// Frees every handle of a pool, each once.
fn free_all<T: Handle>(state: &mut State) {
    for handle in T::pool(state).drain(..) {
        unsafe { T::free(handle) };
    }
}

impl Drop for State {
    fn drop(&mut self) {
        free_all::<Verifier>(self);
        free_all::<Enrollment>(self);
        free_all::<MasterKey>(self);
        free_all::<OtpAuth>(self);
        free_all::<TotpKey>(self);
        free_all::<HotpKey>(self);
        free_all::<Secret>(self);
    }
}

/// Checks what every call must satisfy and returns `result`.
fn check_result(result: u32, given: &Given) -> u32 {
    assert!(
        RESULTS.contains(&result),
        "undefined callsign_result {result}"
    );
    assert_ne!(result, PANIC, "a panic was caught at the boundary");
    assert_ne!(
        result, UNKNOWN_ERROR,
        "a core error kind without its own result"
    );
    let name = unsafe { CStr::from_ptr(callsign_result_name(result)) };
    assert_ne!(name.to_bytes(), b"unknown_result");
    if result == NULL_PARAMETER {
        assert!(given.null, "NULL_PARAMETER without a NULL argument");
    }
    if result == INVALID_UTF8 {
        assert!(given.not_utf8, "INVALID_UTF8 for UTF-8 text");
    }
    if given.null {
        assert_ne!(result, OK, "OK although a required pointer was NULL");
    }
    result
}

/// Checks a handle constructor's result and out-pointer; keeps the handle on success.
fn check_handle<T: Handle>(state: &mut State, result: u32, given: &Given, handle: *mut T) {
    if check_result(result, given) == OK {
        assert!(!handle.is_null(), "OK without a handle");
        keep(T::pool(state), handle);
    } else {
        assert!(
            handle.is_null(),
            "a failing constructor left a handle behind"
        );
    }
}

/// Adds a handle to its pool, freeing the oldest one when the pool is full.
fn keep<T: Handle>(pool: &mut Vec<*mut T>, handle: *mut T) {
    if pool.len() == POOL_SIZE {
        unsafe { T::free(pool.remove(0)) };
    }
    pool.push(handle);
}

/// Remembers an output for later text and byte arguments.
fn remember(state: &mut State, output: Vec<u8>) {
    if state.outputs.len() == POOL_SIZE {
        state.outputs.remove(0);
    }
    state.outputs.push(output);
}

impl Script<'_> {
    /// Reads a text argument.
    fn text(&mut self, state: &State, given: &mut Given) -> Text {
        let bytes = match self.byte() {
            0 => {
                given.null = true;
                return Text(None);
            }
            1 => self.remembered(state),
            2 => {
                let mut bytes = self.remembered(state);
                let (position, value) = (usize::from(self.byte()), self.byte());
                if let Some(byte) = bytes.get_mut(position) {
                    *byte = value;
                }
                bytes
            }
            _ => {
                let len = usize::from(self.byte());
                self.take(len).to_vec()
            }
        };
        let end = bytes
            .iter()
            .position(|&byte| byte == 0)
            .unwrap_or(bytes.len());
        given.not_utf8 |= std::str::from_utf8(&bytes[..end]).is_err();
        Text(Some(CString::new(&bytes[..end]).unwrap_or_default()))
    }

    /// Reads an optional text argument (NULL means "none" and is no misuse).
    fn optional_text(&mut self, state: &State, given: &mut Given) -> Text {
        let mut inner = Given::default();
        let text = self.text(state, &mut inner);
        given.not_utf8 |= inner.not_utf8;
        text
    }

    /// Reads a byte-string argument with its length.
    fn bytes(&mut self, state: &State, given: &mut Given) -> Bytes {
        match self.byte() {
            0 => {
                given.null = true;
                Bytes(None, self.usize())
            }
            1 => {
                let bytes = self.remembered(state);
                let len = bytes.len();
                Bytes(Some(bytes), len)
            }
            _ => {
                let len = usize::from(self.byte());
                let bytes = self.take(len).to_vec();
                let len = bytes.len();
                Bytes(Some(bytes), len)
            }
        }
    }

    fn remembered(&mut self, state: &State) -> Vec<u8> {
        let index = usize::from(self.byte());
        if state.outputs.is_empty() {
            Vec::new()
        } else {
            state.outputs[index % state.outputs.len()].clone()
        }
    }

    /// Reads which pooled handle of type `T` to use: none for 0 or an empty pool.
    fn pool_index<T: Handle>(&mut self, state: &mut State) -> Option<usize> {
        let index = usize::from(self.byte());
        let len = T::pool(state).len();
        (index != 0 && len != 0).then(|| (index - 1) % len)
    }

    /// Reads a handle argument: NULL or a live handle.
    fn handle<T: Handle>(&mut self, state: &mut State, given: &mut Given) -> *mut T {
        if let Some(index) = self.pool_index::<T>(state) {
            T::pool(state)[index]
        } else {
            given.null = true;
            ptr::null_mut()
        }
    }

    /// Reads an out-pointer for `value`: NULL (value 1) or a pointer to it.
    fn out<T>(&mut self, given: &mut Given, value: &mut T) -> *mut T {
        let null = self.byte() == 1;
        given.null |= null;
        nullable(null, value)
    }

    /// Reads a `callsign_verifier_config *`: NULL, the default, or the default with fields
    /// replaced.
    fn config(&mut self, given: &mut Given) -> Option<VerifierConfig> {
        let choice = self.byte();
        if choice == 1 {
            given.null = true;
            return None;
        }
        let mut config = VerifierConfig::default();
        assert_eq!(
            unsafe { callsign_verifier_config_default(&raw mut config) },
            OK
        );
        if choice == 2 {
            config.behind = self.u64();
            config.ahead = self.u64();
            config.max_failures = self.u32();
            config.lockout_seconds = self.u64();
        }
        Some(config)
    }

    /// Calls `call(out, out_size, out_needed)` for a text or byte output the way the script
    /// says, checks the outcome and returns the output on `OK`. The choices:
    /// 0: ask with NULL and size 0, then with the size reported, then one byte less;
    /// 1: `out_needed` NULL; 2: `out` NULL with a size; 3: a buffer of a given size;
    /// otherwise: an ample buffer.
    fn output(
        &mut self,
        kind: Kind,
        given: &Given,
        mut call: impl FnMut(*mut u8, usize, *mut usize) -> u32,
    ) -> Option<Vec<u8>> {
        match self.byte() {
            0 => {
                let mut needed = usize::MAX;
                let result = check_result(call(ptr::null_mut(), 0, &raw mut needed), given);
                match result {
                    OK => {
                        assert_eq!((kind, needed), (Kind::Bytes, 0), "OK for a NULL buffer");
                        Some(Vec::new())
                    }
                    INSUFFICIENT_SIZE => {
                        assert!(needed > 0 && needed <= 1 << 20, "odd size {needed}");
                        let output = checked_call(kind, given, needed, &mut call);
                        assert_eq!(
                            output.as_ref().map(Vec::len),
                            Some(needed - usize::from(kind == Kind::Text))
                        );
                        if checked_call(kind, given, needed - 1, &mut call).is_some() {
                            panic!("OK with a buffer one byte short of the size reported");
                        }
                        output
                    }
                    _ => None,
                }
            }
            1 => {
                let mut buffer = vec![CANARY; LARGE];
                let result = call(buffer.as_mut_ptr(), buffer.len(), ptr::null_mut());
                let given = Given {
                    null: true,
                    not_utf8: given.not_utf8,
                };
                assert_ne!(check_result(result, &given), INSUFFICIENT_SIZE);
                assert!(
                    buffer.iter().all(|&byte| byte == CANARY),
                    "wrote without out_needed"
                );
                None
            }
            2 => {
                let size = self.usize();
                let mut needed = usize::MAX;
                let result = call(ptr::null_mut(), size, &raw mut needed);
                // A NULL `out` is checked only when there is something to write: an empty byte
                // output is OK, and NULL_PARAMETER is expected when the output fits the size.
                let out_null = Given {
                    null: result != OK,
                    not_utf8: given.not_utf8,
                };
                check_result(result, if result == OK { given } else { &out_null });
                match result {
                    OK => {
                        assert!(
                            !given.null && kind == Kind::Bytes && needed == 0,
                            "OK for a NULL buffer"
                        );
                        Some(Vec::new())
                    }
                    INSUFFICIENT_SIZE => {
                        assert!(
                            needed > size,
                            "INSUFFICIENT_SIZE although {needed} <= {size}"
                        );
                        None
                    }
                    _ => None,
                }
            }
            3 => {
                let size = usize::from(self.byte());
                checked_call(kind, given, size, &mut call)
            }
            _ => checked_call(kind, given, LARGE, &mut call),
        }
    }
}

/// Calls with a buffer of `size` bytes and checks the output conventions.
fn checked_call(
    kind: Kind,
    given: &Given,
    size: usize,
    call: &mut impl FnMut(*mut u8, usize, *mut usize) -> u32,
) -> Option<Vec<u8>> {
    let mut buffer = vec![CANARY; size];
    let mut needed = usize::MAX;
    let result = check_result(call(buffer.as_mut_ptr(), size, &raw mut needed), given);
    if result != OK {
        assert!(
            buffer.iter().all(|&byte| byte == CANARY),
            "a failing call wrote output"
        );
        if result == INSUFFICIENT_SIZE {
            assert!(
                needed > size,
                "INSUFFICIENT_SIZE although {needed} <= {size}"
            );
        }
        return None;
    }
    assert!(
        needed <= size,
        "OK with a needed size {needed} above the buffer's {size}"
    );
    assert!(
        buffer[needed..].iter().all(|&byte| byte == CANARY),
        "wrote past the output"
    );
    buffer.truncate(needed);
    if kind == Kind::Text {
        assert_eq!(buffer.pop(), Some(0), "text without its NUL");
        assert!(!buffer.contains(&0), "a NUL inside the text");
        assert!(
            std::str::from_utf8(&buffer).is_ok(),
            "text output is not UTF-8"
        );
    }
    Some(buffer)
}

/// Checks a code: `digits` ASCII digits (any count from 6 to 8 when `digits` is None).
fn check_code(code: &[u8], digits: Option<u32>) {
    assert!(
        (6..=8).contains(&code.len()),
        "a code of {} characters",
        code.len()
    );
    assert!(
        code.iter().all(u8::is_ascii_digit),
        "a code with a non-digit"
    );
    if let Some(digits) = digits {
        assert_eq!(code.len(), digits as usize);
    }
}

/// Checks a `callsign_timed_code` written on `OK`.
fn check_timed_code(code: &TimedCode, digits: Option<u32>) -> Vec<u8> {
    let bytes = |chars: &[c_char]| -> Vec<u8> {
        let end = chars
            .iter()
            .position(|&c| c == 0)
            .expect("an unterminated string");
        chars[..end].iter().map(|&c| c as u8).collect()
    };
    let (digits_text, grouped) = (bytes(&code.code), bytes(&code.grouped));
    check_code(&digits_text, digits);
    let ungrouped: Vec<u8> = grouped.iter().copied().filter(|&c| c != b' ').collect();
    assert_eq!(
        ungrouped, digits_text,
        "the grouped code differs from the code"
    );
    assert!(code.seconds_remaining > 0);
    digits_text
}

/// A `_parse` function: URI text to a handle.
type ParseUri<T> = unsafe extern "C" fn(*const c_char, *mut *mut T) -> u32;
/// A `_to_uri` function: a handle to URI text.
type ToUri<T> = unsafe extern "C" fn(*const T, *mut c_char, usize, *mut usize) -> u32;

/// Emits a handle's URI through `to_uri` the way the script says; on `OK` checks that the URI
/// parses again and emits the same text, and remembers it.
fn uri_output<T: Handle>(
    script: &mut Script<'_>,
    state: &mut State,
    given: &Given,
    handle: *mut T,
    parse: ParseUri<T>,
    to_uri: ToUri<T>,
) {
    let Some(uri) = script.output(Kind::Text, given, |out, size, needed| unsafe {
        to_uri(handle, out.cast(), size, needed)
    }) else {
        return;
    };
    check_round_trip(&uri, parse, to_uri);
    remember(state, uri);
}

/// Checks an emitted URI: it parses again and emits the same text.
fn check_round_trip<T: Handle>(uri: &[u8], parse: ParseUri<T>, to_uri: ToUri<T>) {
    let text = CString::new(uri).expect("an emitted URI with a NUL");
    let mut handle = ptr::null_mut();
    let result = unsafe { parse(text.as_ptr(), &raw mut handle) };
    assert_eq!(result, OK, "an emitted URI does not parse: {text:?}");
    let mut buffer = vec![CANARY; uri.len() + 1];
    let mut needed = 0;
    let result = unsafe {
        to_uri(
            handle,
            buffer.as_mut_ptr().cast(),
            buffer.len(),
            &raw mut needed,
        )
    };
    unsafe { T::free(handle) };
    assert_eq!(result, OK);
    assert_eq!(buffer.pop(), Some(0));
    assert_eq!(buffer, uri, "parse -> emit is not a fixed point");
}

/// Runs one call of the script.
#[allow(
    clippy::too_many_lines,
    reason = "one arm per C function reads best as one match"
)]
fn step(script: &mut Script<'_>, state: &mut State) {
    let mut given = Given::default();
    let op = script.byte() % 46;
    match op {
        0 => {
            let index = usize::from(script.byte());
            let result = RESULTS.get(index).copied().unwrap_or_else(|| script.u32());
            let output = script.output(Kind::Text, &given, |out, size, needed| unsafe {
                callsign_result_message(result, out.cast(), size, needed)
            });
            if !RESULTS.contains(&result) {
                assert!(output.is_none());
                let mut needed = 0;
                let message =
                    unsafe { callsign_result_message(result, ptr::null_mut(), 0, &raw mut needed) };
                assert_eq!(message, INVALID_ARGUMENT);
            } else if let Some(message) = output {
                assert!(!message.is_empty());
            }
        }
        1 => {
            let output = script.output(Kind::Text, &given, |out, size, needed| unsafe {
                callsign_last_error_message(out.cast(), size, needed)
            });
            if let Some(message) = output {
                remember(state, message);
            }
        }
        2 => {
            let name = script.text(state, &mut given);
            let mut algorithm = 0;
            let out = script.out(&mut given, &mut algorithm);
            if check_result(
                unsafe { callsign_algorithm_from_name(name.ptr(), out) },
                &given,
            ) == OK
            {
                assert!((1..=3).contains(&algorithm));
            }
        }
        3 => {
            let bytes = script.bytes(state, &mut given);
            let mut secret = ptr::null_mut();
            let result =
                unsafe { callsign_secret_from_bytes(bytes.ptr(), bytes.1, &raw mut secret) };
            check_handle(state, result, &given, secret);
        }
        4 => {
            let text = script.text(state, &mut given);
            let mut secret = ptr::null_mut();
            let result = unsafe { callsign_secret_from_base32(text.ptr(), &raw mut secret) };
            check_handle(state, result, &given, secret);
        }
        5 => {
            let algorithm = script.u32();
            let mut secret = ptr::null_mut();
            let result = unsafe { callsign_secret_generate(algorithm, &raw mut secret) };
            check_handle(state, result, &given, secret);
        }
        6 => {
            let secret = script.handle::<Secret>(state, &mut given);
            if let Some(text) = script.output(Kind::Text, &given, |out, size, needed| unsafe {
                callsign_secret_to_base32(secret, out.cast(), size, needed)
            }) {
                remember(state, text);
            }
        }
        7 => {
            let secret = script.handle::<Secret>(state, &mut given);
            if let Some(bytes) = script.output(Kind::Bytes, &given, |out, size, needed| unsafe {
                callsign_secret_to_bytes(secret, out, size, needed)
            }) {
                remember(state, bytes);
            }
        }
        8 => {
            let (bytes, algorithm, digits, counter) = (
                script.bytes(state, &mut given),
                script.u32(),
                script.u32(),
                script.u64(),
            );
            if let Some(code) = script.output(Kind::Text, &given, |out, size, needed| unsafe {
                callsign_hotp(
                    bytes.ptr(),
                    bytes.1,
                    algorithm,
                    digits,
                    counter,
                    out.cast(),
                    size,
                    needed,
                )
            }) {
                check_code(&code, Some(digits));
                remember(state, code);
            }
        }
        9 => {
            let (bytes, algorithm, digits) =
                (script.bytes(state, &mut given), script.u32(), script.u32());
            let (period, t0, time) = (script.u64(), script.u64(), script.u64());
            if let Some(code) = script.output(Kind::Text, &given, |out, size, needed| unsafe {
                callsign_totp(
                    bytes.ptr(),
                    bytes.1,
                    algorithm,
                    digits,
                    period,
                    t0,
                    time,
                    out.cast(),
                    size,
                    needed,
                )
            }) {
                check_code(&code, Some(digits));
                remember(state, code);
            }
        }
        10 => {
            let secret = script.handle::<Secret>(state, &mut given);
            let (algorithm, digits) = (script.u32(), script.u32());
            let mut key = ptr::null_mut();
            let result = unsafe { callsign_hotp_key_new(secret, algorithm, digits, &raw mut key) };
            check_handle(state, result, &given, key);
        }
        11 => {
            let key = script.handle::<HotpKey>(state, &mut given);
            let counter = script.u64();
            if let Some(code) = script.output(Kind::Text, &given, |out, size, needed| unsafe {
                callsign_hotp_key_code(key, counter, out.cast(), size, needed)
            }) {
                check_code(&code, None);
                remember(state, code);
            }
        }
        12 => key_verify(script, state, &mut given, callsign_hotp_key_verify, true),
        13 => key_verify(script, state, &mut given, callsign_totp_key_verify, false),
        14 => {
            let secret = script.handle::<Secret>(state, &mut given);
            let (algorithm, digits, period, t0) =
                (script.u32(), script.u32(), script.u64(), script.u64());
            let mut key = ptr::null_mut();
            let result = unsafe {
                callsign_totp_key_new(secret, algorithm, digits, period, t0, &raw mut key)
            };
            check_handle(state, result, &given, key);
        }
        15 => {
            let key = script.handle::<TotpKey>(state, &mut given);
            let time = script.u64();
            if let Some(code) = script.output(Kind::Text, &given, |out, size, needed| unsafe {
                callsign_totp_key_code_at(key, time, out.cast(), size, needed)
            }) {
                check_code(&code, None);
                remember(state, code);
            }
        }
        16 => {
            let key = script.handle::<TotpKey>(state, &mut given);
            let time = script.u64();
            timed_code(script, state, &mut given, None, |out| unsafe {
                callsign_totp_key_timed_code_at(key, time, out)
            });
        }
        17 => {
            let uri = script.text(state, &mut given);
            let mut otpauth = ptr::null_mut();
            let result = unsafe { callsign_otpauth_parse(uri.ptr(), &raw mut otpauth) };
            check_handle(state, result, &given, otpauth);
        }
        18 | 19 => {
            let issuer = script.optional_text(state, &mut given);
            let account = script.text(state, &mut given);
            let secret = script.handle::<Secret>(state, &mut given);
            let (algorithm, digits, period_or_counter) = (script.u32(), script.u32(), script.u64());
            let function = if op == 18 {
                callsign_otpauth_new_totp
            } else {
                callsign_otpauth_new_hotp
            };
            let mut otpauth = ptr::null_mut();
            let result = unsafe {
                function(
                    issuer.ptr(),
                    account.ptr(),
                    secret,
                    algorithm,
                    digits,
                    period_or_counter,
                    &raw mut otpauth,
                )
            };
            check_handle(state, result, &given, otpauth);
        }
        20 => {
            let otpauth = script.handle::<OtpAuth>(state, &mut given);
            let mut info = OtpAuthInfo::default();
            let out = script.out(&mut given, &mut info);
            if check_result(unsafe { callsign_otpauth_get_info(otpauth, out) }, &given) == OK {
                assert!(matches!(info.otp_type, 1 | 2) && (1..=3).contains(&info.algorithm));
                assert!(info.period == 0 || info.counter == 0);
            }
        }
        21 | 22 => {
            let otpauth = script.handle::<OtpAuth>(state, &mut given);
            let function = if op == 21 {
                callsign_otpauth_issuer
            } else {
                callsign_otpauth_account
            };
            if let Some(text) = script.output(Kind::Text, &given, |out, size, needed| unsafe {
                function(otpauth, out.cast(), size, needed)
            }) {
                remember(state, text);
            }
        }
        23 => {
            let otpauth = script.handle::<OtpAuth>(state, &mut given);
            let mut secret = ptr::null_mut();
            let result = unsafe { callsign_otpauth_secret(otpauth, &raw mut secret) };
            check_handle(state, result, &given, secret);
        }
        24 => {
            let otpauth = script.handle::<OtpAuth>(state, &mut given);
            uri_output(
                script,
                state,
                &given,
                otpauth,
                callsign_otpauth_parse,
                callsign_otpauth_to_uri,
            );
        }
        25 => {
            let otpauth = script.handle::<OtpAuth>(state, &mut given);
            if script.byte() & 1 == 0 {
                let mut key = ptr::null_mut();
                let result = unsafe { callsign_otpauth_totp_key(otpauth, &raw mut key) };
                check_handle(state, result, &given, key);
            } else {
                let mut key = ptr::null_mut();
                let result = unsafe { callsign_otpauth_hotp_key(otpauth, &raw mut key) };
                check_handle(state, result, &given, key);
            }
        }
        26 => {
            let mut key = ptr::null_mut();
            let result = if script.byte() == 0 {
                unsafe { callsign_master_key_generate(&raw mut key) }
            } else {
                let bytes = script.bytes(state, &mut given);
                unsafe { callsign_master_key_from_bytes(bytes.ptr(), bytes.1, &raw mut key) }
            };
            check_handle(state, result, &given, key);
        }
        27 => {
            let key = script.handle::<MasterKey>(state, &mut given);
            if let Some(bytes) = script.output(Kind::Bytes, &given, |out, size, needed| unsafe {
                callsign_master_key_to_bytes(key, out, size, needed)
            }) {
                assert!((32..=64).contains(&bytes.len()));
                remember(state, bytes);
            }
        }
        28 => {
            let key = script.handle::<MasterKey>(state, &mut given);
            let account = script.text(state, &mut given);
            let epoch = script.u32();
            let mut secret = ptr::null_mut();
            let result =
                unsafe { callsign_account_secret(key, account.ptr(), epoch, &raw mut secret) };
            check_handle(state, result, &given, secret);
        }
        29 => {
            let secret = script.handle::<Secret>(state, &mut given);
            let mut call_key = ptr::null_mut();
            let result = unsafe { callsign_call_key(secret, &raw mut call_key) };
            check_handle(state, result, &given, call_key);
        }
        30 => {
            let secret = script.handle::<Secret>(state, &mut given);
            let (time, digits, period) = (script.u64(), script.u32(), script.u64());
            timed_code(script, state, &mut given, Some(digits), |out| unsafe {
                callsign_agent_code(secret, time, digits, period, false, out)
            });
        }
        31 => {
            let text = script.text(state, &mut given);
            if let Some(bytes) = script.output(Kind::Bytes, &given, |out, size, needed| unsafe {
                callsign_base32_decode(text.ptr(), out, size, needed)
            }) {
                remember(state, bytes);
            }
        }
        32 => {
            let bytes = script.bytes(state, &mut given);
            if let Some(text) = script.output(Kind::Text, &given, |out, size, needed| unsafe {
                callsign_base32_encode(bytes.ptr(), bytes.1, out.cast(), size, needed)
            }) {
                assert_eq!(text.len(), (bytes.1 * 8).div_ceil(5));
                remember(state, text);
            }
        }
        33 => {
            let (entry, digits) = (script.text(state, &mut given), script.u32());
            if let Some(code) = script.output(Kind::Text, &given, |out, size, needed| unsafe {
                callsign_entry_parse(entry.ptr(), digits, out.cast(), size, needed)
            }) {
                check_code(&code, Some(digits));
            }
        }
        34 => {
            let uri = script.text(state, &mut given);
            let mut enrollment = ptr::null_mut();
            let result = unsafe { callsign_enrollment_parse(uri.ptr(), &raw mut enrollment) };
            check_handle(state, result, &given, enrollment);
        }
        35 => {
            let (issuer, account) = (
                script.text(state, &mut given),
                script.text(state, &mut given),
            );
            let secret = script.handle::<Secret>(state, &mut given);
            let (epoch, digits, period) = (script.u32(), script.u32(), script.u64());
            let mut enrollment = ptr::null_mut();
            let result = unsafe {
                callsign_enrollment_new(
                    issuer.ptr(),
                    account.ptr(),
                    secret,
                    epoch,
                    digits,
                    period,
                    &raw mut enrollment,
                )
            };
            check_handle(state, result, &given, enrollment);
        }
        36 => {
            let enrollment = script.handle::<Enrollment>(state, &mut given);
            uri_output(
                script,
                state,
                &given,
                enrollment,
                callsign_enrollment_parse,
                callsign_enrollment_to_uri,
            );
        }
        37 => {
            let enrollment = script.handle::<Enrollment>(state, &mut given);
            let function = if script.byte() & 1 == 0 {
                callsign_enrollment_issuer
            } else {
                callsign_enrollment_account_id
            };
            if let Some(text) = script.output(Kind::Text, &given, |out, size, needed| unsafe {
                function(enrollment, out.cast(), size, needed)
            }) {
                assert!(!text.is_empty());
                remember(state, text);
            }
        }
        38 => {
            let enrollment = script.handle::<Enrollment>(state, &mut given);
            if script.byte() & 1 == 0 {
                let mut info = EnrollmentInfo::default();
                let out = script.out(&mut given, &mut info);
                if check_result(
                    unsafe { callsign_enrollment_get_info(enrollment, out) },
                    &given,
                ) == OK
                {
                    assert!((6..=8).contains(&info.digits) && (10..=300).contains(&info.period));
                }
            } else {
                let mut secret = ptr::null_mut();
                let result = unsafe { callsign_enrollment_secret(enrollment, &raw mut secret) };
                check_handle(state, result, &given, secret);
            }
        }
        39 => {
            let how = script.byte() % 4;
            let mut verifier = ptr::null_mut();
            let result = if how == 0 {
                let uri = script.text(state, &mut given);
                let config = script.config(&mut given);
                let config = config.as_ref().map_or(ptr::null(), ptr::from_ref);
                unsafe {
                    callsign_verifier_new_from_uri(
                        uri.ptr(),
                        ptr::null(),
                        0,
                        true,
                        config,
                        &raw mut verifier,
                    )
                }
            } else {
                let enrollment = script.handle::<Enrollment>(state, &mut given);
                let config = script.config(&mut given);
                let config = config.as_ref().map_or(ptr::null(), ptr::from_ref);
                match how {
                    1 => unsafe { callsign_verifier_new(enrollment, config, &raw mut verifier) },
                    2 => {
                        let blob = script.bytes(state, &mut given);
                        unsafe {
                            callsign_verifier_new_with_state(
                                enrollment,
                                config,
                                blob.ptr(),
                                blob.1,
                                &raw mut verifier,
                            )
                        }
                    }
                    _ => {
                        let now = script.u64();
                        unsafe {
                            callsign_verifier_new_locked(enrollment, config, now, &raw mut verifier)
                        }
                    }
                }
            };
            check_handle(state, result, &given, verifier);
        }
        40 => {
            let verifier = script.handle::<Verifier>(state, &mut given);
            let (entry, now) = (script.text(state, &mut given), script.u64());
            let mut verdict = Verdict {
                kind: 0,
                step: 1,
                drift: 1,
                attempts_left: 1,
                locked_until: 1,
            };
            let out = script.out(&mut given, &mut verdict);
            if check_result(
                unsafe { callsign_verifier_check(verifier, entry.ptr(), now, out) },
                &given,
            ) == OK
            {
                check_verdict(&verdict);
            }
        }
        41 => {
            let verifier = script.handle::<Verifier>(state, &mut given);
            let now = script.u64();
            timed_code(script, state, &mut given, None, |out| unsafe {
                callsign_verifier_display(verifier, now, out)
            });
        }
        42 => {
            let verifier = script.handle::<Verifier>(state, &mut given);
            let now = script.u64();
            let mut status = VerifierStatus {
                locked: false,
                locked_until: 1,
                attempts_left: 0,
                has_last_accepted_step: false,
                last_accepted_step: 1,
            };
            let out = script.out(&mut given, &mut status);
            if check_result(
                unsafe { callsign_verifier_get_status(verifier, now, out) },
                &given,
            ) == OK
            {
                assert_eq!(status.locked, status.locked_until != 0);
                assert!(status.has_last_accepted_step || status.last_accepted_step == 0);
            }
        }
        43 => {
            let verifier = script.handle::<Verifier>(state, &mut given);
            if let Some(blob) = script.output(Kind::Bytes, &given, |out, size, needed| unsafe {
                callsign_verifier_export_state(verifier, out, size, needed)
            }) {
                assert!(!blob.is_empty());
                let result =
                    unsafe { callsign_verifier_import_state(verifier, blob.as_ptr(), blob.len()) };
                assert_eq!(result, OK, "a verifier rejects its own export");
                remember(state, blob);
            }
        }
        44 => {
            let verifier = script.handle::<Verifier>(state, &mut given);
            let blob = script.bytes(state, &mut given);
            let result = check_result(
                unsafe { callsign_verifier_import_state(verifier, blob.ptr(), blob.1) },
                &given,
            );
            assert!(
                matches!(result, OK | NULL_PARAMETER | INVALID_STATE),
                "import_state gave {result}"
            );
        }
        _ => free_one(script, state),
    }
}

/// A `_key_verify` function: key, entry, counter or time, window behind and ahead, and the
/// `matched`, `step` and `drift` outputs.
type KeyVerify<T> = unsafe extern "C" fn(
    *const T,
    *const c_char,
    u64,
    u64,
    u64,
    *mut bool,
    *mut u64,
    *mut i64,
) -> u32;

/// Calls an HOTP or TOTP key's `_verify` the way the script says and checks a match: its drift
/// lies in the window and, for HOTP (`hotp`), its step is the counter plus the drift.
fn key_verify<T: Handle>(
    script: &mut Script<'_>,
    state: &mut State,
    given: &mut Given,
    verify: KeyVerify<T>,
    hotp: bool,
) {
    let key = script.handle::<T>(state, given);
    let entry = script.text(state, given);
    let (at, behind, ahead) = (script.u64(), script.u64(), script.u64());
    // Bits 0, 1 and 2 make `matched`, `step` and `drift` NULL.
    let nulls = script.byte();
    given.null |= nulls & 7 != 0;
    let (mut matched, mut step, mut drift) = (false, u64::MAX, i64::MIN);
    let matched_out = nullable(nulls & 1 != 0, &mut matched);
    let step_out = nullable(nulls & 2 != 0, &mut step);
    let drift_out = nullable(nulls & 4 != 0, &mut drift);
    let result = unsafe {
        verify(
            key,
            entry.ptr(),
            at,
            behind,
            ahead,
            matched_out,
            step_out,
            drift_out,
        )
    };
    if check_result(result, given) == OK && matched {
        let in_window = if drift < 0 {
            drift.unsigned_abs() <= behind
        } else {
            drift.unsigned_abs() <= ahead
        };
        assert!(
            in_window,
            "a match at drift {drift} outside the window -{behind}..+{ahead}"
        );
        if hotp {
            assert_eq!(
                Some(step),
                at.checked_add_signed(drift),
                "step is not counter + drift"
            );
        }
    }
}

/// Stores a timed code through `call`, checks it on `OK` and remembers its digits.
fn timed_code(
    script: &mut Script<'_>,
    state: &mut State,
    given: &mut Given,
    digits: Option<u32>,
    call: impl FnOnce(*mut TimedCode) -> u32,
) {
    let mut code = TimedCode {
        code: [b'x'.cast_signed(); CODE_SIZE],
        grouped: [b'x'.cast_signed(); GROUPED_SIZE],
        step: 0,
        valid_until: 0,
        seconds_remaining: 0,
    };
    let out = script.out(given, &mut code);
    if check_result(call(out), given) == OK {
        let digits_text = check_timed_code(&code, digits);
        remember(state, digits_text);
    }
}

/// Checks that a verdict's fields that do not apply to its kind are 0.
fn check_verdict(verdict: &Verdict) {
    let Verdict {
        kind,
        step,
        drift,
        attempts_left,
        locked_until,
    } = *verdict;
    match kind {
        VERDICT_GENUINE => assert_eq!((attempts_left, locked_until), (0, 0)),
        VERDICT_NOT_GENUINE => assert_eq!((step, drift, locked_until), (0, 0, 0)),
        VERDICT_ALREADY_USED => assert_eq!((drift, attempts_left, locked_until), (0, 0, 0)),
        VERDICT_LOCKED_OUT => assert_eq!((step, drift, attempts_left), (0, 0, 0)),
        VERDICT_MISHEARD => assert_eq!((step, drift, attempts_left, locked_until), (0, 0, 0, 0)),
        _ => panic!("undefined verdict kind {kind}"),
    }
}

/// Frees a pooled handle of the type the script names (removing it from its pool, so it is
/// freed once), or calls a `_free` with NULL.
fn free_one(script: &mut Script<'_>, state: &mut State) {
    fn take<T: Handle>(script: &mut Script<'_>, state: &mut State) {
        let handle = script
            .pool_index::<T>(state)
            .map_or(ptr::null_mut(), |index| T::pool(state).remove(index));
        unsafe { T::free(handle) };
    }
    match script.byte() % 7 {
        0 => take::<Secret>(script, state),
        1 => take::<HotpKey>(script, state),
        2 => take::<TotpKey>(script, state),
        3 => take::<OtpAuth>(script, state),
        4 => take::<MasterKey>(script, state),
        5 => take::<Enrollment>(script, state),
        _ => take::<Verifier>(script, state),
    }
}

fuzz_target!(|data: &[u8]| {
    let mut script = Script { data };
    let mut state = State::default();
    while !script.is_done() {
        step(&mut script, &mut state);
    }
});

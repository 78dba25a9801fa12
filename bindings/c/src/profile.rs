//! The key schedule of the callsign profile (core's `profile`): the master key, account
//! secrets, call keys, and the agent and customer codes of an account secret.

use std::os::raw::c_char;

use callsign::{MasterKey, ProfileParams, TimedCode};

use crate::boundary::ffi_boundary;
use crate::error::callsign_result;
use crate::ffi::{
    free_handle, set_handle, try_core, try_out, try_out_handle, try_ref, try_slice, try_str,
    write_bytes,
};
use crate::otp::{callsign_secret, callsign_timed_code};

/// The vendor's master key (32 to 64 bytes). Zeroized when freed. Immutable: may be shared
/// between threads.
pub struct callsign_master_key {
    pub(crate) key: MasterKey,
}

/// Makes a master key from `len` bytes (32..=64).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_master_key_from_bytes(
    bytes: *const u8,
    len: usize,
    out: *mut *mut callsign_master_key,
) -> callsign_result {
    ffi_boundary! {
        let out = try_out_handle!(out);
        let key = try_core!(MasterKey::from_bytes(try_slice!(bytes, len)));
        set_handle(out, callsign_master_key { key })
    }
}

/// Generates a new 32-byte master key from the system random generator.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_master_key_generate(
    out: *mut *mut callsign_master_key,
) -> callsign_result {
    ffi_boundary! {
        let out = try_out_handle!(out);
        let key = try_core!(MasterKey::generate());
        set_handle(out, callsign_master_key { key })
    }
}

/// Writes the master key's bytes, for the vendor's key store (byte output).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_master_key_to_bytes(
    master_key: *const callsign_master_key,
    out: *mut u8,
    out_size: usize,
    out_needed: *mut usize,
) -> callsign_result {
    ffi_boundary! {
        let master_key = try_ref!(master_key);
        unsafe { write_bytes(master_key.key.expose_bytes(), out, out_size, out_needed) }
    }
}

/// Frees a master key and zeroizes it. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_master_key_free(master_key: *mut callsign_master_key) {
    ffi_boundary! { unsafe { free_handle(master_key) } }
}

/// Derives the account secret S of `account_id` (1..=256 bytes of UTF-8) in key `epoch`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_account_secret(
    master_key: *const callsign_master_key,
    account_id: *const c_char,
    epoch: u32,
    out: *mut *mut callsign_secret,
) -> callsign_result {
    ffi_boundary! {
        let out = try_out_handle!(out);
        let master_key = try_ref!(master_key);
        let secret = try_core!(master_key.key.account_secret(try_str!(account_id), epoch));
        set_handle(out, callsign_secret { secret })
    }
}

/// Derives the call key K of an account secret (the TOTP-SHA256 key of its agent codes).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_call_key(
    account_secret: *const callsign_secret,
    out: *mut *mut callsign_secret,
) -> callsign_result {
    ffi_boundary! {
        let out = try_out_handle!(out);
        let account_secret = try_ref!(account_secret);
        let secret = try_core!(callsign::derive_call_key(&account_secret.secret));
        set_handle(out, callsign_secret { secret })
    }
}

/// Stores the agent code of an account secret at unix time `time` in `*out`, with `digits`
/// (6..=8) and `period` (10..=300 s), followed by its Damm check digit when `check_digit`.
/// Derives the call key on every call; an issuer caches it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_agent_code(
    account_secret: *const callsign_secret,
    time: u64,
    digits: u32,
    period: u64,
    check_digit: bool,
    out: *mut callsign_timed_code,
) -> callsign_result {
    ffi_boundary! {
        let code = ProfileCode { time, digits, period, check_digit };
        unsafe { code.store(account_secret, out, callsign::agent_code) }
    }
}

/// Stores the customer code (the customer calling the vendor) of an account secret at unix
/// time `time` in `*out`; parameters as for `callsign_agent_code`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_customer_code(
    account_secret: *const callsign_secret,
    time: u64,
    digits: u32,
    period: u64,
    check_digit: bool,
    out: *mut callsign_timed_code,
) -> callsign_result {
    ffi_boundary! {
        let code = ProfileCode { time, digits, period, check_digit };
        unsafe { code.store(account_secret, out, callsign::customer_code) }
    }
}

/// The arguments shared by `callsign_agent_code` and `callsign_customer_code`.
struct ProfileCode {
    time: u64,
    digits: u32,
    period: u64,
    check_digit: bool,
}

impl ProfileCode {
    /// Checks the pointers and parameters, computes the code with `compute` and stores it.
    ///
    /// # Safety
    /// As for the public functions: `account_secret` NULL or valid, `out` NULL or writable.
    unsafe fn store(
        &self,
        account_secret: *const callsign_secret,
        out: *mut callsign_timed_code,
        compute: fn(&callsign::Secret, u64, ProfileParams) -> Result<TimedCode, callsign::Error>,
    ) -> callsign_result {
        let account_secret = try_ref!(account_secret);
        let out = try_out!(out);
        let params = try_core!(ProfileParams::new(self.digits, self.period))
            .with_check_digit(self.check_digit);
        let code = try_core!(compute(&account_secret.secret, self.time, params));
        out.set(callsign_timed_code::from(&code));
        callsign_result::Ok
    }
}

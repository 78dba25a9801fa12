//! Signed enrollments (protocol Addition C): the vendor's Ed25519 signing key, signed
//! enrollments from the issuer, and reading a received payload under pinned public keys.

use std::os::raw::c_char;

use callsign::{Enrollment, EnrollmentTrust, PUBLIC_KEY_LEN, SigningKey};

use crate::boundary::ffi_boundary;
use crate::error::callsign_result;
use crate::ffi::{
    free_handle, set_handle, try_core, try_out_handle, try_ref, try_slice, try_str, write_bytes,
};
use crate::profile::callsign_issuer;
use crate::verifier::callsign_enrollment;

/// The vendor's enrollment signing key (an Ed25519 seed, separate from the master key),
/// zeroized when freed. Immutable: may be shared between threads.
pub struct callsign_signing_key {
    key: SigningKey,
}

/// Makes a signing key from its 32-byte seed (a copy is taken).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_signing_key_from_seed(
    seed: *const u8,
    seed_len: usize,
    out: *mut *mut callsign_signing_key,
) -> callsign_result {
    ffi_boundary! {
        let out = try_out_handle!(out);
        let key = try_core!(SigningKey::from_seed(try_slice!(seed, seed_len)));
        set_handle(out, callsign_signing_key { key })
    }
}

/// Makes a new random signing key from the operating system's random generator.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_signing_key_generate(
    out: *mut *mut callsign_signing_key,
) -> callsign_result {
    ffi_boundary! {
        let out = try_out_handle!(out);
        set_handle(out, callsign_signing_key { key: try_core!(SigningKey::generate()) })
    }
}

/// Writes the 32-byte public key to pin in the vendor's app (byte output).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_signing_key_public_key(
    key: *const callsign_signing_key,
    out: *mut u8,
    out_size: usize,
    out_needed: *mut usize,
) -> callsign_result {
    ffi_boundary! {
        let public = try_ref!(key).key.public_key();
        unsafe { write_bytes(public.as_bytes(), out, out_size, out_needed) }
    }
}

/// Frees a signing key and zeroizes its seed. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_signing_key_free(key: *mut callsign_signing_key) {
    ffi_boundary! { unsafe { free_handle(key) } }
}

/// Makes the enrollment payload of `account_id` under `issuer_name`, signed with
/// `signing_key`: its `callsign_enrollment_to_uri` ends with `&sig=`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_issuer_signed_enrollment(
    issuer: *const callsign_issuer,
    issuer_name: *const c_char,
    account_id: *const c_char,
    signing_key: *const callsign_signing_key,
    out: *mut *mut callsign_enrollment,
) -> callsign_result {
    ffi_boundary! {
        let out = try_out_handle!(out);
        let issuer = try_ref!(issuer);
        let key = &try_ref!(signing_key).key;
        let enrollment =
            try_core!(issuer.issuer.enrollment(try_str!(issuer_name), try_str!(account_id)));
        set_handle(out, callsign_enrollment { enrollment: try_core!(enrollment.signed(key)) })
    }
}

/// Re-enrolls `account_id` at unix time `now` like `callsign_issuer_reenroll` and stores its
/// new enrollment, signed with `signing_key`, in `*out`: its `callsign_enrollment_to_uri` ends
/// with `&sig=`. A NULL `signing_key` is refused before anything is recorded.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_issuer_signed_reenroll(
    issuer: *const callsign_issuer,
    issuer_name: *const c_char,
    account_id: *const c_char,
    agent_id: *const c_char,
    reason: *const c_char,
    now: u64,
    signing_key: *const callsign_signing_key,
    out: *mut *mut callsign_enrollment,
) -> callsign_result {
    ffi_boundary! {
        try_out_handle!(out); // NULL in *out on every error, as everywhere
        let key = &try_ref!(signing_key).key;
        unsafe {
            crate::ledger::reenroll(
                issuer, issuer_name, account_id, agent_id, reason, now, Some(key), out,
            )
        }
    }
}

/// The trust rule from the C arguments: `trusted_keys` holds `trusted_keys_len` bytes, the
/// pinned 32-byte public keys one after the other (NULL when `trusted_keys_len` is 0).
pub(crate) fn trust(
    trusted_keys: &[u8],
    allow_unsigned: bool,
) -> Result<EnrollmentTrust, callsign::Error> {
    let keys: Vec<&[u8]> = trusted_keys.chunks(PUBLIC_KEY_LEN).collect();
    EnrollmentTrust::from_options(&keys, allow_unsigned)
}

/// Borrows the pinned keys argument: NULL with length 0 is "no keys".
macro_rules! try_keys {
    ($ptr:expr, $len:expr) => {
        match ($len, $ptr.is_null()) {
            (0, _) => &[][..],
            (_, true) => return $crate::error::null_parameter(stringify!($ptr)),
            (len, false) => unsafe { ::std::slice::from_raw_parts($ptr, len) },
        }
    };
}
pub(crate) use try_keys;

/// Reads a received <callsign://enroll> payload under the vendor's pinned public keys
/// (`trusted_keys`: `trusted_keys_len` bytes, 32 per key). An unsigned payload, a malformed
/// signature, one no pinned key verifies and data after the signature are
/// `CALLSIGN_RESULT_UNTRUSTED_ENROLLMENT` (the last error message says which). With no keys,
/// signatures are ignored only if `allow_unsigned` is true (tests and tools only).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_enrollment_from_uri(
    uri: *const c_char,
    trusted_keys: *const u8,
    trusted_keys_len: usize,
    allow_unsigned: bool,
    out: *mut *mut callsign_enrollment,
) -> callsign_result {
    ffi_boundary! {
        let out = try_out_handle!(out);
        let uri = try_str!(uri);
        let trust = try_core!(trust(try_keys!(trusted_keys, trusted_keys_len), allow_unsigned));
        set_handle(out, callsign_enrollment { enrollment: try_core!(Enrollment::from_uri(uri, &trust)) })
    }
}

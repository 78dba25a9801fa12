//! The device store: enrollment and verifier state kept together in a directory, so that a
//! lost state opens locked instead of fresh (see the core's `StoredVerifier`).

use std::os::raw::c_char;
use std::sync::Arc;

use callsign::{FileStorage, Restored, StoredVerifier};

use crate::boundary::ffi_boundary;
use crate::error::callsign_result;
use crate::ffi::{free_handle, set_handle, try_core, try_out, try_out_handle, try_ref, try_str};
use crate::verifier::{
    callsign_enrollment, callsign_verdict, callsign_verifier_config, callsign_verifier_status,
};

/// A verifier whose enrollment and state live in a directory (files with mode 0600, written
/// atomically), saved after every check. Internally locked: may be shared between threads.
pub struct callsign_stored_verifier {
    stored: StoredVerifier,
}

fn storage(dir: &str) -> Result<Arc<FileStorage>, callsign::Error> {
    Ok(Arc::new(FileStorage::new(dir)?))
}

/// Opens what the device stored in `dir`. Nothing enrolled yet (the first run): OK with NULL in
/// `*out`. Enrollment and state: the verifier as it was. Enrollment but the state missing or
/// damaged: a verifier locked from `now` for the lockout period.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_stored_verifier_open(
    dir: *const c_char,
    config: *const callsign_verifier_config,
    now: u64,
    out: *mut *mut callsign_stored_verifier,
) -> callsign_result {
    ffi_boundary! {
        let out = try_out_handle!(out);
        let storage = try_core!(storage(try_str!(dir)));
        let config = try_core!(try_ref!(config).to_core());
        match try_core!(StoredVerifier::open(storage, config, now)) {
            Some(stored) => set_handle(out, callsign_stored_verifier { stored }),
            None => callsign_result::Ok,
        }
    }
}

/// Enrolls the device in `dir` with `enrollment` (read it with `callsign_enrollment_from_uri`
/// and the pinned keys). The same enrollment again keeps its state (and lock); another one
/// replaces it, locked if the old one was locked at `now`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_stored_verifier_enroll(
    dir: *const c_char,
    enrollment: *const callsign_enrollment,
    config: *const callsign_verifier_config,
    now: u64,
    out: *mut *mut callsign_stored_verifier,
) -> callsign_result {
    ffi_boundary! {
        let out = try_out_handle!(out);
        let storage = try_core!(storage(try_str!(dir)));
        let enrollment = try_ref!(enrollment).enrollment.clone();
        let config = try_core!(try_ref!(config).to_core());
        let stored = try_core!(StoredVerifier::enroll(storage, enrollment, config, now));
        set_handle(out, callsign_stored_verifier { stored })
    }
}

/// Entry mode: checks `entry` at `now`, saves the state, then stores the verdict in `*out`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_stored_verifier_check(
    stored: *const callsign_stored_verifier,
    entry: *const c_char,
    now: u64,
    out: *mut callsign_verdict,
) -> callsign_result {
    ffi_boundary! {
        let stored = try_ref!(stored);
        let entry = try_str!(entry);
        let out = try_out!(out);
        out.set(callsign_verdict::from(try_core!(stored.stored.check(entry, now))));
        callsign_result::Ok
    }
}

/// Stores the attempt counter and lock at `now` in `*out`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_stored_verifier_get_status(
    stored: *const callsign_stored_verifier,
    now: u64,
    out: *mut callsign_verifier_status,
) -> callsign_result {
    ffi_boundary! {
        let status = try_ref!(stored).stored.status(now);
        try_out!(out).set(callsign_verifier_status::from(status));
        callsign_result::Ok
    }
}

/// How `callsign_stored_verifier_open` found the stored records.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum callsign_restored {
    /// Freshly enrolled; nothing was restored.
    None = 0,
    /// Enrollment and state were read: the attempt counter and lock are as they were.
    State = 1,
    /// The enrollment was there but its state was missing or damaged: locked from opening.
    LockedAfterLostState = 2,
}

/// Stores in `*out` how the records were found, a `callsign_restored` value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_stored_verifier_restored(
    stored: *const callsign_stored_verifier,
    out: *mut u32,
) -> callsign_result {
    ffi_boundary! {
        let restored = match try_ref!(stored).stored.restored() {
            None => callsign_restored::None,
            Some(Restored::State) => callsign_restored::State,
            Some(Restored::LockedAfterLostState) => callsign_restored::LockedAfterLostState,
        };
        try_out!(out).set(restored as u32);
        callsign_result::Ok
    }
}

/// Frees a stored verifier (the files stay). NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_stored_verifier_free(stored: *mut callsign_stored_verifier) {
    ffi_boundary! { unsafe { free_handle(stored) } }
}

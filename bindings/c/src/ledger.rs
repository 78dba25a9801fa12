//! Ledgers (SQLite for one machine, PostgreSQL for a fleet) and the issuer functions that use
//! them: an issuer on a ledger, revocation, re-enrollment and account epochs.

use crate::boundary::ffi_boundary;
use crate::error::callsign_result;
use crate::ffi::{free_handle, set_handle, try_core, try_out, try_out_handle, try_ref, try_str};
use crate::profile::{callsign_issuer, callsign_issuer_config, callsign_master_key};
use crate::verifier::callsign_enrollment;
use callsign::{Issuer, Ledger, SigningKey};
use std::os::raw::c_char;
use std::sync::Arc;

/// A ledger: where issuers keep the audit trail, the per-agent rate limit and each account's
/// epoch and revocation. Internally locked; issuers created on it keep it alive.
pub struct callsign_ledger {
    ledger: Arc<dyn Ledger>,
}

/// Opens the ledger at `location` (`sqlite:PATH`, `postgres://...` or `postgresql://...`);
/// every later call on it waits at most `timeout_ms` milliseconds (1 to 300000). A malformed
/// location gives `CALLSIGN_RESULT_INVALID_CONFIG`, a database that cannot be reached or has
/// another schema version `CALLSIGN_RESULT_STORE_UNAVAILABLE`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_ledger_open(
    location: *const c_char,
    timeout_ms: u32,
    out: *mut *mut callsign_ledger,
) -> callsign_result {
    ffi_boundary! {
        let out = try_out_handle!(out);
        let location = try_str!(location);
        let timeout = try_core!(::callsign_ledger::timeout_from_seconds(
            f64::from(timeout_ms) / 1000.0
        ));
        let ledger = try_core!(::callsign_ledger::open(location, timeout));
        set_handle(out, callsign_ledger { ledger })
    }
}

/// Frees a ledger handle (issuers created on it keep the ledger open). NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_ledger_free(ledger: *mut callsign_ledger) {
    ffi_boundary! { unsafe { free_handle(ledger) } }
}

/// Creates an issuer over a copy of `master_key` that keeps its audit, rate limit and account
/// lifecycles in `ledger`, shared with every other issuer on the same ledger.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_issuer_new_with_ledger(
    master_key: *const callsign_master_key,
    config: *const callsign_issuer_config,
    ledger: *const callsign_ledger,
    out: *mut *mut callsign_issuer,
) -> callsign_result {
    ffi_boundary! {
        let out = try_out_handle!(out);
        let master_key = try_ref!(master_key);
        let config = try_core!(try_ref!(config).to_core());
        let ledger = Arc::clone(&try_ref!(ledger).ledger);
        let issuer = try_core!(Issuer::with_ledger(master_key.key.clone(), config, ledger));
        set_handle(out, callsign_issuer { issuer })
    }
}

/// Revokes `account_id` at unix time `now` (recorded under `agent_id` and `reason`): no
/// issuer on the ledger issues codes for it (`CALLSIGN_RESULT_ACCOUNT_REVOKED`) until it is
/// re-enrolled.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_issuer_revoke(
    issuer: *const callsign_issuer,
    account_id: *const c_char,
    agent_id: *const c_char,
    reason: *const c_char,
    now: u64,
) -> callsign_result {
    ffi_boundary! {
        let issuer = try_ref!(issuer);
        try_core!(issuer.issuer.revoke(
            try_str!(account_id),
            try_str!(agent_id),
            try_str!(reason),
            now
        ));
        callsign_result::Ok
    }
}

/// Re-enrolls `account_id` at unix time `now` under its next epoch (recorded under `agent_id`
/// and `reason`; a revocation ends) and stores its new enrollment in `*out`. The old
/// enrollment's device rejects every code issued afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_issuer_reenroll(
    issuer: *const callsign_issuer,
    issuer_name: *const c_char,
    account_id: *const c_char,
    agent_id: *const c_char,
    reason: *const c_char,
    now: u64,
    out: *mut *mut callsign_enrollment,
) -> callsign_result {
    ffi_boundary! {
        unsafe { reenroll(issuer, issuer_name, account_id, agent_id, reason, now, None, out) }
    }
}

/// The body of `callsign_issuer_reenroll` and `callsign_issuer_signed_reenroll`: every
/// argument is checked before the re-enrollment is recorded, and the new enrollment is signed
/// with `signing_key` when one is given.
#[allow(
    clippy::too_many_arguments,
    reason = "the C function's arguments, passed through"
)]
pub(crate) unsafe fn reenroll(
    issuer: *const callsign_issuer,
    issuer_name: *const c_char,
    account_id: *const c_char,
    agent_id: *const c_char,
    reason: *const c_char,
    now: u64,
    signing_key: Option<&SigningKey>,
    out: *mut *mut callsign_enrollment,
) -> callsign_result {
    let out = try_out_handle!(out);
    let issuer = try_ref!(issuer);
    let (issuer_name, account_id) = (try_str!(issuer_name), try_str!(account_id));
    let (agent_id, reason) = (try_str!(agent_id), try_str!(reason));
    let enrollment =
        try_core!(
            issuer
                .issuer
                .reenroll(issuer_name, account_id, agent_id, reason, now)
        );
    let enrollment = match signing_key {
        Some(key) => try_core!(enrollment.signed(key)),
        None => enrollment,
    };
    set_handle(out, callsign_enrollment { enrollment })
}

/// Stores the current key epoch of `account_id` in the issuer's ledger in `*out`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_issuer_account_epoch(
    issuer: *const callsign_issuer,
    account_id: *const c_char,
    out: *mut u32,
) -> callsign_result {
    ffi_boundary! {
        let issuer = try_ref!(issuer);
        let account_id = try_str!(account_id);
        let out = try_out!(out);
        out.set(try_core!(issuer.issuer.account_epoch(account_id)));
        callsign_result::Ok
    }
}

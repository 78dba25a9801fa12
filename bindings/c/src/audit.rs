//! The audit trail's hash chain: checking a JSON-lines audit file.

use std::os::raw::c_char;

use crate::boundary::ffi_boundary;
use crate::error::callsign_result;
use crate::ffi::{try_core, try_out, try_ref, try_slice, try_str, write_bytes, write_text};
use crate::issuer::{callsign_audit_event, callsign_audit_outcome};

/// What `callsign_audit_verify_file` found.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct callsign_audit_verification {
    /// True when every record verified.
    pub intact: bool,
    /// Records that verified (all of them, or those before the break).
    pub records: u64,
    /// Agents whose chains verified up to the break.
    pub agents: u64,
    /// The line number (1-based) of the first record that does not verify; 0 when intact.
    pub broken_line: u64,
}

/// Checks the hash chain of the JSON-lines audit file at `path` into `*out`. A deleted, altered
/// or reordered record of an agent breaks the chain: the call still succeeds, with
/// `out->intact` false and `out->broken_line` the first broken record's line. When `reason` is
/// not NULL, why it broke is written there (text output; the empty string when intact); pass
/// NULL, 0 and NULL to skip it. A file that cannot be read is `CALLSIGN_RESULT_IO_FAILED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_audit_verify_file(
    path: *const c_char,
    out: *mut callsign_audit_verification,
    reason: *mut c_char,
    reason_size: usize,
    reason_needed: *mut usize,
) -> callsign_result {
    ffi_boundary! {
        let path = try_str!(path);
        let out = try_out!(out);
        let report = match callsign::verify_audit_file(path) {
            Ok(report) => report,
            Err(error) => return crate::error::io_failed(&error),
        };
        let broken = report.first_break.as_ref();
        if !reason.is_null() {
            let text = broken.map(ToString::to_string).unwrap_or_default();
            let written = unsafe { write_text(&text, reason, reason_size, reason_needed) };
            if written != callsign_result::Ok {
                return written;
            }
        }
        out.set(callsign_audit_verification {
            intact: broken.is_none(),
            records: report.records,
            agents: report.heads.len() as u64,
            broken_line: broken.map_or(0, |broken| broken.line),
        });
        callsign_result::Ok
    }
}

/// Writes the canonical form of `agent_id` (text output): NFKC, lowercase, whitespace
/// collapsed, the form an issuer's rate limit counts and its audit records. Control and format
/// characters are `CALLSIGN_RESULT_INVALID_IDENTIFIER`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_canonical_agent_id(
    agent_id: *const c_char,
    out: *mut c_char,
    out_size: usize,
    out_needed: *mut usize,
) -> callsign_result {
    ffi_boundary! {
        let canonical = try_core!(callsign::canonical_agent_id(try_str!(agent_id)));
        unsafe { write_text(&canonical, out, out_size, out_needed) }
    }
}

/// Writes the chain hash (32 bytes, byte output) of the audit record `event` that follows
/// `previous` (`previous_len` must be 32; 32 zero bytes before an agent's first record) in its
/// agent's chain, for callbacks that store events themselves. `event->json` is not read.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_audit_chain_hash(
    previous: *const u8,
    previous_len: usize,
    event: *const callsign_audit_event,
    out: *mut u8,
    out_size: usize,
    out_needed: *mut usize,
) -> callsign_result {
    ffi_boundary! {
        let Ok(previous) = <&[u8; callsign::AUDIT_CHAIN_LEN]>::try_from(try_slice!(previous, previous_len)) else {
            return crate::error::record_failure(
                callsign_result::InvalidArgument,
                &format_args!("previous must have {} bytes, got {previous_len}", callsign::AUDIT_CHAIN_LEN),
            );
        };
        let event = try_ref!(event);
        let outcome = match event.outcome {
            o if o == callsign_audit_outcome::Issued as u32 => callsign::AuditOutcome::Issued,
            o if o == callsign_audit_outcome::RefusedRateLimited as u32 => {
                callsign::AuditOutcome::RefusedRateLimited
            }
            other => return crate::error::invalid_argument("event->outcome", other),
        };
        let event = callsign::IssuanceEvent {
            time: event.time,
            outcome,
            account_id: try_str!(event.account_id),
            agent_id: try_str!(event.agent_id),
            ticket: try_str!(event.ticket),
            step: event.step,
            epoch: event.epoch,
        };
        let chain = callsign::audit_chain_hash(previous, &event);
        unsafe { write_bytes(&chain, out, out_size, out_needed) }
    }
}

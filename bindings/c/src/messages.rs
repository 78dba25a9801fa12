//! The extern functions that describe results: `callsign_result_message`,
//! `callsign_result_name` and `callsign_last_error_message`.

use std::os::raw::c_char;

use crate::boundary::ffi_boundary;
use crate::error::{callsign_result, invalid_argument, with_last_error};
use crate::ffi::write_text;

/// Writes the message for `result` (a `callsign_result` value) into `out` (see the header's
/// conventions). An unknown value yields `CALLSIGN_RESULT_INVALID_ARGUMENT`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_result_message(
    result: u32,
    out: *mut c_char,
    out_size: usize,
    out_needed: *mut usize,
) -> callsign_result {
    ffi_boundary! {
        match callsign_result::from_repr(result) {
            Some(known) => unsafe { write_text(known.message(), out, out_size, out_needed) },
            None => invalid_argument("result", result),
        }
    }
}

/// The stable `snake_case` name of `result` (e.g. "`invalid_base32`"), as a static NUL-terminated
/// string that must not be freed. An unknown value gives "`unknown_result`". Never NULL.
#[unsafe(no_mangle)]
pub extern "C" fn callsign_result_name(result: u32) -> *const c_char {
    ffi_boundary! {
        callsign_result::from_repr(result).map_or(c"unknown_result", callsign_result::name).as_ptr()
    }
}

/// Writes the detailed message of the last failed call on this thread (for example the position
/// of a bad base32 character) into `out`; the empty string when no call failed yet. Messages
/// never contain secret material. Asking with a short buffer keeps the message for a retry.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_last_error_message(
    out: *mut c_char,
    out_size: usize,
    out_needed: *mut usize,
) -> callsign_result {
    ffi_boundary! {
        with_last_error(|detail| unsafe { write_text(detail, out, out_size, out_needed) })
    }
}

//! Text formats people handle: base32 and typed code entries.

use std::os::raw::c_char;

use callsign::Code;

use crate::boundary::ffi_boundary;
use crate::error::callsign_result;
use crate::ffi::{try_core, try_slice, try_str, write_bytes, write_text};

/// Decodes RFC 4648 base32 as people paste it (any case, spaces, hyphens, trailing `=`) into
/// bytes (byte output). Unlike `callsign_secret_from_base32` it accepts any length. A bad
/// character is `CALLSIGN_RESULT_INVALID_BASE32` with its position in the last-error message.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_base32_decode(
    text: *const c_char,
    out: *mut u8,
    out_size: usize,
    out_needed: *mut usize,
) -> callsign_result {
    ffi_boundary! {
        let bytes = try_core!(callsign::base32::decode(try_str!(text)));
        unsafe { write_bytes(&bytes, out, out_size, out_needed) }
    }
}

/// Encodes `len` bytes as upper-case base32 without padding (text output).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_base32_encode(
    bytes: *const u8,
    len: usize,
    out: *mut c_char,
    out_size: usize,
    out_needed: *mut usize,
) -> callsign_result {
    ffi_boundary! {
        let text = callsign::base32::encode(try_slice!(bytes, len));
        unsafe { write_text(&text, out, out_size, out_needed) }
    }
}

/// Writes what a person typed as the bare code of `digits` digits (text output): spaces or
/// dashes between digit groups and spaces around it are dropped. Anything else is
/// `CALLSIGN_RESULT_INVALID_CODE`, never a silent mismatch.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_entry_parse(
    entry: *const c_char,
    digits: u32,
    out: *mut c_char,
    out_size: usize,
    out_needed: *mut usize,
) -> callsign_result {
    ffi_boundary! {
        let code = try_core!(Code::parse_entry(try_str!(entry), digits));
        unsafe { write_text(code.as_str(), out, out_size, out_needed) }
    }
}

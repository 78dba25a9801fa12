//! What every call must satisfy, checked after each one: results, output buffers, handles,
//! codes, verdicts and URI round trips.

use std::ffi::{CStr, CString};
use std::os::raw::c_char;
use std::ptr;

use callsign_c::{
    callsign_result, callsign_result_name, callsign_timed_code, callsign_verdict,
    callsign_verdict_kind,
};

use crate::args::Output;
use crate::state::{Handle, State};

/// What a buffer is filled with before a call, to see what the call wrote.
const CANARY: u8 = 0xA5;
/// The size of an ample output buffer.
pub const LARGE: usize = 2048;

/// What one call was given, to judge its result.
#[derive(Default, Clone, Copy)]
pub struct Given {
    /// A required pointer was NULL.
    pub null: bool,
    /// A text argument was not UTF-8.
    pub not_utf8: bool,
}

/// Whether an output is text (NUL-terminated) or bytes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    Text,
    Bytes,
}

/// Whether the library knows `result` (its name is not "unknown_result"): the one table of
/// result codes is the library's own.
pub fn is_known(result: u32) -> bool {
    let name = unsafe { CStr::from_ptr(callsign_result_name(result)) };
    name.to_bytes() != b"unknown_result"
}

/// Checks what every call must satisfy and returns `result`.
pub fn check_result(result: callsign_result, given: &Given) -> callsign_result {
    assert!(
        is_known(result as u32),
        "undefined callsign_result {result:?}"
    );
    assert_ne!(
        result,
        callsign_result::Panic,
        "a panic was caught at the boundary"
    );
    assert_ne!(
        result,
        callsign_result::UnknownError,
        "a core error kind without its own result"
    );
    if result == callsign_result::NullParameter {
        assert!(given.null, "NULL_PARAMETER without a NULL argument");
    }
    if result == callsign_result::InvalidUtf8 {
        assert!(given.not_utf8, "INVALID_UTF8 for UTF-8 text");
    }
    if given.null {
        assert_ne!(
            result,
            callsign_result::Ok,
            "OK although a required pointer was NULL"
        );
    }
    result
}

/// Checks a handle constructor's result and out-pointer; keeps the handle on success.
pub fn check_handle<T: Handle>(
    state: &mut State,
    result: callsign_result,
    given: &Given,
    handle: *mut T,
) {
    if check_result(result, given) == callsign_result::Ok {
        assert!(!handle.is_null(), "OK without a handle");
        state.keep(handle);
    } else {
        assert!(
            handle.is_null(),
            "a failing constructor left a handle behind"
        );
    }
}

/// Calls `call(out, out_size, out_needed)` for a text or byte output as `choice` says, checks
/// the outcome and returns the output on `OK`.
pub fn output(
    choice: &Output,
    kind: Kind,
    given: &Given,
    mut call: impl FnMut(*mut u8, usize, *mut usize) -> callsign_result,
) -> Option<Vec<u8>> {
    match choice {
        Output::AskFirst => {
            let mut needed = usize::MAX;
            match check_result(call(ptr::null_mut(), 0, &raw mut needed), given) {
                callsign_result::Ok => {
                    assert_eq!((kind, needed), (Kind::Bytes, 0), "OK for a NULL buffer");
                    Some(Vec::new())
                }
                callsign_result::InsufficientSize => {
                    assert!(needed > 0 && needed <= 1 << 20, "odd size {needed}");
                    let output = checked_call(kind, given, needed, &mut call);
                    assert_eq!(
                        output.as_ref().map(Vec::len),
                        Some(needed - usize::from(kind == Kind::Text))
                    );
                    assert!(
                        checked_call(kind, given, needed - 1, &mut call).is_none(),
                        "OK with a buffer one byte short of the size reported"
                    );
                    output
                }
                _ => None,
            }
        }
        Output::NoNeeded => {
            let mut buffer = vec![CANARY; LARGE];
            let result = call(buffer.as_mut_ptr(), buffer.len(), ptr::null_mut());
            let given = Given {
                null: true,
                not_utf8: given.not_utf8,
            };
            assert_ne!(
                check_result(result, &given),
                callsign_result::InsufficientSize
            );
            assert!(
                buffer.iter().all(|&byte| byte == CANARY),
                "wrote without out_needed"
            );
            None
        }
        Output::NullOut { size } => {
            let size = size.usize();
            let mut needed = usize::MAX;
            let result = call(ptr::null_mut(), size, &raw mut needed);
            // A NULL `out` is checked only when there is something to write: an empty byte
            // output is OK, and NULL_PARAMETER is expected when the output fits the size.
            let out_null = Given {
                null: result != callsign_result::Ok,
                not_utf8: given.not_utf8,
            };
            check_result(
                result,
                if result == callsign_result::Ok {
                    given
                } else {
                    &out_null
                },
            );
            match result {
                callsign_result::Ok => {
                    assert!(
                        !given.null && kind == Kind::Bytes && needed == 0,
                        "OK for a NULL buffer"
                    );
                    Some(Vec::new())
                }
                callsign_result::InsufficientSize => {
                    assert!(
                        needed > size,
                        "INSUFFICIENT_SIZE although {needed} <= {size}"
                    );
                    None
                }
                _ => None,
            }
        }
        Output::Sized(size) => checked_call(kind, given, usize::from(*size), &mut call),
        Output::Ample => checked_call(kind, given, LARGE, &mut call),
    }
}

/// Calls with a buffer of `size` bytes and checks the output conventions.
fn checked_call(
    kind: Kind,
    given: &Given,
    size: usize,
    call: &mut impl FnMut(*mut u8, usize, *mut usize) -> callsign_result,
) -> Option<Vec<u8>> {
    let mut buffer = vec![CANARY; size];
    let mut needed = usize::MAX;
    let result = check_result(call(buffer.as_mut_ptr(), size, &raw mut needed), given);
    if result != callsign_result::Ok {
        assert!(
            buffer.iter().all(|&byte| byte == CANARY),
            "a failing call wrote output"
        );
        if result == callsign_result::InsufficientSize {
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

/// Checks a code: `digits` ASCII digits (any count from core's minimum to its maximum when
/// `digits` is None).
pub fn check_code(code: &[u8], digits: Option<u32>) {
    let range = callsign::MIN_DIGITS as usize..=callsign::MAX_DIGITS as usize;
    assert!(
        range.contains(&code.len()),
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

/// A `callsign_timed_code` whose fields show whether a call wrote them.
pub fn unwritten_timed_code() -> callsign_timed_code {
    let x = b'x'.cast_signed();
    callsign_timed_code {
        code: [x; callsign_c::CALLSIGN_CODE_SIZE],
        grouped: [x; callsign_c::CALLSIGN_GROUPED_SIZE],
        step: 0,
        valid_until: 0,
        seconds_remaining: 0,
    }
}

/// Checks a `callsign_timed_code` written on `OK` and returns its digits.
pub fn check_timed_code(code: &callsign_timed_code, digits: Option<u32>) -> Vec<u8> {
    let bytes = |chars: &[c_char]| -> Vec<u8> {
        let end = chars
            .iter()
            .position(|&c| c == 0)
            .expect("an unterminated string");
        chars[..end].iter().map(|&c| c.cast_unsigned()).collect()
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
pub type ParseUri<T> = unsafe extern "C" fn(*const c_char, *mut *mut T) -> callsign_result;
/// A `_to_uri` function: a handle to URI text.
pub type ToUri<T> =
    unsafe extern "C" fn(*const T, *mut c_char, usize, *mut usize) -> callsign_result;

/// Checks an emitted URI: it parses again and emits the same text.
pub fn check_round_trip<T: Handle>(uri: &[u8], parse: ParseUri<T>, to_uri: ToUri<T>) {
    let text = CString::new(uri).expect("an emitted URI with a NUL");
    let mut handle = ptr::null_mut();
    let result = unsafe { parse(text.as_ptr(), &raw mut handle) };
    assert_eq!(
        result,
        callsign_result::Ok,
        "an emitted URI does not parse: {text:?}"
    );
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
    assert_eq!(result, callsign_result::Ok);
    assert_eq!(buffer.pop(), Some(0));
    assert_eq!(buffer, uri, "parse -> emit is not a fixed point");
}

/// Checks that a verdict's fields that do not apply to its kind are 0.
pub fn check_verdict(verdict: &callsign_verdict) {
    let callsign_verdict {
        kind,
        step,
        drift,
        attempts_left,
        locked_until,
    } = *verdict;
    let is = |expected: callsign_verdict_kind| kind == expected as u32;
    if is(callsign_verdict_kind::Genuine) {
        assert_eq!((attempts_left, locked_until), (0, 0));
    } else if is(callsign_verdict_kind::NotGenuine) {
        assert_eq!((step, drift, locked_until), (0, 0, 0));
    } else if is(callsign_verdict_kind::AlreadyUsed) {
        assert_eq!((drift, attempts_left, locked_until), (0, 0, 0));
    } else if is(callsign_verdict_kind::LockedOut) {
        assert_eq!((step, drift, attempts_left), (0, 0, 0));
    } else if is(callsign_verdict_kind::Misheard) {
        assert_eq!((step, drift, attempts_left, locked_until), (0, 0, 0, 0));
    } else {
        panic!("undefined verdict kind {kind}");
    }
}

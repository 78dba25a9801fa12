//! Pointer and buffer plumbing shared by every extern function: NULL checks through small
//! macros, caller-buffer output with a required-length out-parameter, and boxed handles.
//!
//! Every handle type is a Rust struct that C only sees as an opaque pointer. All handles are
//! owned through a `Box`: a constructor hands out `Box::into_raw`, the matching `_free` takes it
//! back with [`free_handle`].

use std::os::raw::c_char;
use std::ptr::NonNull;

use crate::error::callsign_result;

/// Borrows the value behind a `*const T` handle or out-pointer, or returns
/// `CALLSIGN_RESULT_NULL_PARAMETER` from the enclosing body.
macro_rules! try_ref {
    ($ptr:expr) => {
        match unsafe { $ptr.as_ref() } {
            Some(value) => value,
            None => return $crate::error::null_parameter(stringify!($ptr)),
        }
    };
}

/// Checks a `*mut T` out-pointer and wraps it in an [`OutPtr`], or returns
/// `CALLSIGN_RESULT_NULL_PARAMETER` from the enclosing body.
macro_rules! try_out {
    ($ptr:expr) => {
        match ::std::ptr::NonNull::new($ptr) {
            // SAFETY: the caller's contract makes a non-NULL out-pointer valid for writes.
            Some(place) => unsafe { $crate::ffi::OutPtr::new(place) },
            None => return $crate::error::null_parameter(stringify!($ptr)),
        }
    };
}

/// Borrows `len` elements at `ptr`, or returns `CALLSIGN_RESULT_NULL_PARAMETER` when `ptr` is NULL.
macro_rules! try_slice {
    ($ptr:expr, $len:expr) => {
        if $ptr.is_null() {
            return $crate::error::null_parameter(stringify!($ptr));
        } else {
            unsafe { ::std::slice::from_raw_parts($ptr, $len) }
        }
    };
}

/// Borrows a NUL-terminated UTF-8 string, or returns `CALLSIGN_RESULT_NULL_PARAMETER` (NULL) or
/// `CALLSIGN_RESULT_INVALID_UTF8` (not UTF-8).
macro_rules! try_str {
    ($ptr:expr) => {
        if $ptr.is_null() {
            return $crate::error::null_parameter(stringify!($ptr));
        } else {
            match unsafe { ::std::ffi::CStr::from_ptr($ptr) }.to_str() {
                Ok(text) => text,
                Err(_) => return $crate::error::invalid_utf8(stringify!($ptr)),
            }
        }
    };
}

/// Evaluates a `Result<T, callsign::Error>`, or records the error and returns its
/// `callsign_result` from the enclosing body.
macro_rules! try_core {
    ($result:expr) => {
        match $result {
            Ok(value) => value,
            Err(error) => return $crate::error::core_failure(&error),
        }
    };
}

pub(crate) use {try_core, try_out, try_ref, try_slice, try_str};

/// A checked out-pointer. It is only ever written, never read, so the caller may pass
/// uninitialized memory (a C struct on the stack, for instance).
#[derive(Debug)]
pub(crate) struct OutPtr<T>(NonNull<T>);

impl<T> OutPtr<T> {
    /// Wraps an out-pointer.
    ///
    /// # Safety
    /// `place` is valid for writes of a `T` for the rest of the call.
    pub(crate) unsafe fn new(place: NonNull<T>) -> OutPtr<T> {
        OutPtr(place)
    }

    /// Stores `value` without reading or dropping what was there.
    pub(crate) fn set(&self, value: T) {
        // SAFETY: promised by the caller of `new`.
        unsafe { self.0.as_ptr().write(value) }
    }
}

/// Moves `value` into a new boxed handle for C and stores it in `*out`.
#[allow(
    clippy::needless_pass_by_value,
    reason = "out-pointers are handed over, not shared"
)]
pub(crate) fn set_handle<T>(out: OutPtr<*mut T>, value: T) -> callsign_result {
    out.set(Box::into_raw(Box::new(value)));
    callsign_result::Ok
}

/// Drops a handle made by [`set_handle`]; NULL is a no-op.
///
/// # Safety
/// `handle` is NULL or came from [`set_handle`] and was not freed before.
pub(crate) unsafe fn free_handle<T>(handle: *mut T) {
    if !handle.is_null() {
        drop(unsafe { Box::from_raw(handle) });
    }
}

/// Copies `text` and a terminating NUL into the caller's buffer (see [`write_bytes`]).
///
/// # Safety
/// As for [`write_bytes`].
pub(crate) unsafe fn write_text(
    text: &str,
    out: *mut c_char,
    out_size: usize,
    out_needed: *mut usize,
) -> callsign_result {
    unsafe {
        write_output(
            text.as_bytes(),
            true,
            out.cast::<u8>(),
            out_size,
            out_needed,
        )
    }
}

/// Copies `bytes` into the caller's buffer `out` of `out_size` bytes and stores the length the
/// output needs in `*out_needed`. A short buffer gets `CALLSIGN_RESULT_INSUFFICIENT_SIZE` and is
/// left untouched; `out` may be NULL when `out_size` is 0.
///
/// # Safety
/// `out` is NULL or valid for `out_size` bytes of writes and overlaps no input;
/// `out_needed` is NULL or valid for writes.
pub(crate) unsafe fn write_bytes(
    bytes: &[u8],
    out: *mut u8,
    out_size: usize,
    out_needed: *mut usize,
) -> callsign_result {
    unsafe { write_output(bytes, false, out, out_size, out_needed) }
}

/// [`write_bytes`], with a NUL after the bytes when `nul` is set. Writes through the raw
/// pointer only, so the buffer may be uninitialized.
unsafe fn write_output(
    bytes: &[u8],
    nul: bool,
    out: *mut u8,
    out_size: usize,
    out_needed: *mut usize,
) -> callsign_result {
    let needed = bytes.len() + usize::from(nul);
    try_out!(out_needed).set(needed);
    if out_size < needed {
        return crate::error::insufficient_size(needed, out_size);
    }
    if needed == 0 {
        return callsign_result::Ok;
    }
    if out.is_null() {
        return crate::error::null_parameter("out");
    }
    // SAFETY: `out` is valid for `out_size >= needed` bytes of writes and overlaps no input.
    unsafe {
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), out, bytes.len());
        if nul {
            out.add(bytes.len()).write(0);
        }
    }
    callsign_result::Ok
}

/// An out-pointer for a handle: checked for NULL and cleared before any work, so that a failing
/// call leaves NULL behind.
macro_rules! try_out_handle {
    ($ptr:expr) => {{
        let out = $crate::ffi::try_out!($ptr);
        out.set(::std::ptr::null_mut());
        out
    }};
}

pub(crate) use try_out_handle;

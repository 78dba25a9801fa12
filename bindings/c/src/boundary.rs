//! The panic boundary that wraps the body of every extern function.
//!
//! A Rust panic must never unwind into C. [`ffi_boundary!`] runs the body under
//! `catch_unwind` and turns a panic into the function's failure value: CALLSIGN_RESULT_PANIC for
//! functions that return a `callsign_result`, nothing for `void` functions, NULL for pointers.

use std::os::raw::c_char;
use std::ptr;

use crate::error::callsign_result;

/// What an extern function returns when its body panicked.
pub(crate) trait PanicValue {
    /// The value handed to C after a caught panic.
    fn on_panic() -> Self;
}

impl PanicValue for callsign_result {
    fn on_panic() -> Self {
        crate::error::record_failure(
            callsign_result::Panic,
            &"a panic was caught at the C boundary",
        )
    }
}

impl PanicValue for () {
    fn on_panic() -> Self {}
}

#[cfg(feature = "timing")]
impl PanicValue for u64 {
    fn on_panic() -> Self {
        0
    }
}

impl PanicValue for *const c_char {
    fn on_panic() -> Self {
        ptr::null()
    }
}

/// Runs an extern function's body and converts a panic into [`PanicValue::on_panic`].
///
/// `return` inside the body returns from the body, so the NULL-check macros of
/// [`crate::ffi`] can return early from within it.
macro_rules! ffi_boundary {
    ($($body:tt)*) => {
        match ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| { $($body)* })) {
            Ok(value) => value,
            Err(_) => $crate::boundary::PanicValue::on_panic(),
        }
    };
}

pub(crate) use ffi_boundary;

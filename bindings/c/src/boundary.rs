//! The panic boundary that wraps the body of every extern function.
//!
//! A Rust panic must never unwind into C. [`ffi_boundary!`] runs the body under
//! `catch_unwind` and turns a panic into the function's failure value: `CALLSIGN_RESULT_PANIC` for
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_callsign_result_panic() {
        let result: callsign_result = ffi_boundary! {
            std::panic::resume_unwind(Box::new("boom"))
        };
        assert_eq!(result, callsign_result::Panic);
    }

    /// Every extern "C" function defined in the crate runs its whole body inside
    /// `ffi_boundary!`.
    #[test]
    fn every_extern_function_body_is_inside_the_boundary() {
        let sources = [
            include_str!("audit.rs"),
            include_str!("ledger.rs"),
            include_str!("lib.rs"),
            include_str!("messages.rs"),
            include_str!("otp.rs"),
            include_str!("otpauth.rs"),
            include_str!("profile.rs"),
            include_str!("signing.rs"),
            include_str!("store.rs"),
            include_str!("text.rs"),
            include_str!("timing.rs"),
            include_str!("verifier.rs"),
        ];
        let mut functions = 0;
        for source in sources {
            for (start, _) in source.match_indices("extern \"C\" fn ") {
                let after = &source[start + "extern \"C\" fn ".len()..];
                if after.starts_with('(') {
                    continue; // a function pointer type, not a definition
                }
                let body = &after[after.find("{\n").map_or(0, |open| open + 2)..];
                let name = &after[..after.find('(').unwrap_or(0)];
                assert!(
                    body.trim_start().starts_with("ffi_boundary!"),
                    "{name} does not start with ffi_boundary!"
                );
                functions += 1;
            }
        }
        assert!(functions > 60, "found only {functions} extern functions");
    }
}

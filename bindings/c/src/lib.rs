//! The callsign C API: `libcallsign.so` / `libcallsign.a` with the header `include/callsign.h`,
//! a thin layer over the `callsign` core crate.
//!
//! The crate's library is `callsign_c` (cargo builds `libcallsign_c.{rlib,so,a}`; install.sh
//! installs the C library as `libcallsign`). As an rlib it re-exports every extern function and
//! C type at its root under its C name, so that Rust code such as the `c_abi` fuzz target calls
//! exactly what C calls, with the signatures the header is generated from.
//!
//! Conventions (rustls-ffi style): one `callsign_` prefix; opaque boxed handles with
//! `_new`/`_free` pairs; a `callsign_result` for every fallible call; every extern body runs
//! inside [`boundary::ffi_boundary!`]; every pointer goes through the NULL-checking macros of
//! [`ffi`]; outputs go to caller buffers with explicit sizes.
//!
//! The safety contract is the same for every function, so it is stated once, in the header's
//! preamble (the `header` of cbindgen.toml), rather than in a `# Safety` section on each.
#![allow(non_camel_case_types, clippy::missing_safety_doc)]
// The handles are opaque to C; Rust sees them only through the rlib (the fuzz target), where a
// Debug of a handle holding a secret would be one more place to keep redacted.
#![allow(missing_debug_implementations)]

mod audit;
mod boundary;
mod error;
mod ffi;
mod issuer;
mod ledger;
mod messages;
mod otp;
mod otpauth;
mod profile;
mod signing;
mod store;
mod text;
/// cbindgen:ignore
#[cfg(feature = "timing")]
mod timing;
mod verifier;

pub use audit::*;
pub use error::callsign_result;
pub use ledger::*;
pub use messages::*;
pub use otp::*;
pub use otpauth::*;
pub use profile::*;
pub use signing::*;
pub use store::*;
pub use text::*;
pub use verifier::*;

use std::os::raw::c_char;

use boundary::ffi_boundary;

/// The library version ("MAJOR.MINOR.PATCH"), as a static NUL-terminated string.
#[unsafe(no_mangle)]
pub extern "C" fn callsign_version() -> *const c_char {
    ffi_boundary! {
        const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");
        VERSION.as_ptr().cast()
    }
}

#[cfg(test)]
mod header {
    /// The header cbindgen generated from the current source during this build.
    const FRESH: &str = include_str!(concat!(env!("OUT_DIR"), "/callsign.h"));
    /// Where the committed header lives.
    const COMMITTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/include/callsign.h");

    /// Fails when include/callsign.h differs from a fresh generation. With
    /// `CALLSIGN_BLESS_HEADER=1` it rewrites the committed header instead.
    #[test]
    fn committed_header_is_current() -> std::io::Result<()> {
        if std::env::var_os("CALLSIGN_BLESS_HEADER").is_some() {
            std::fs::write(COMMITTED, FRESH)?;
        }
        let committed = std::fs::read_to_string(COMMITTED).unwrap_or_default();
        assert!(
            committed == FRESH,
            "include/callsign.h is stale: run `CALLSIGN_BLESS_HEADER=1 cargo test -p callsign-c` and commit it"
        );
        Ok(())
    }
}

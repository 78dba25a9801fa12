//! The callsign C API: `libcallsign.so` / `libcallsign.a` with the header `include/callsign.h`,
//! a thin layer over the `callsign` core crate.
//!
//! Conventions (rustls-ffi style): one `callsign_` prefix; opaque boxed handles with
//! `_new`/`_free` pairs; a `callsign_result` for every fallible call; every extern body runs
//! inside [`boundary::ffi_boundary!`]; every pointer goes through the NULL-checking macros of
//! [`ffi`]; outputs go to caller buffers with explicit sizes.
//!
//! The safety contract is the same for every function, so it is stated once, in the header's
//! preamble (the `header` of cbindgen.toml), rather than in a `# Safety` section on each.
#![allow(non_camel_case_types, clippy::missing_safety_doc)]

mod audit;
mod boundary;
mod error;
mod ffi;
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

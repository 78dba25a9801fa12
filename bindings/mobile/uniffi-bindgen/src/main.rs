//! `uniffi-bindgen` for callsign-mobile, pinned to the exact uniffi version of the library.
//!
//! Build it once and call the binary directly (`target/debug/uniffi-bindgen generate --library
//! target/debug/libcallsign_mobile.so ...`): running it through `cargo run -p` from the FFI crate
//! unifies features and rebuilds far more than needed.

fn main() {
    uniffi::uniffi_bindgen_main();
}

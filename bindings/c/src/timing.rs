//! Only with the `timing` feature: the Rust core's side of the C timing program
//! (bindings/c/tests/timing.c). Not part of the public header.

use crate::boundary::ffi_boundary;
use crate::otp::callsign_totp_key;

/// Computes `count` codes of `key` at `first_time`, `first_time + period`, ... through the
/// core directly, as a Rust caller would, and returns a checksum of them (0 on any error).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn callsign_timing_core_totp_codes(
    key: *const callsign_totp_key,
    first_time: u64,
    count: u64,
) -> u64 {
    ffi_boundary! {
        let Some(key) = (unsafe { key.as_ref() }) else {
            return 0;
        };
        let period = key.totp.period();
        let mut checksum = 0u64;
        for i in 0..count {
            match key.totp.code_at(first_time + i * period) {
                Ok(code) => checksum += u64::from(std::hint::black_box(code.as_bytes())[0]),
                Err(_) => return 0,
            }
        }
        checksum
    }
}

//! HMAC backends: `RustCrypto` and `ring` must agree on every MAC (any key length, any message),
//! and so on every HOTP and TOTP code built on them.
#![no_main]

use arbitrary::Arbitrary;
use callsign::mac::{Backend, PreparedKey};
use callsign::{Algorithm, Hotp, Secret, Totp};
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
struct Input {
    algorithm: u8,
    digits: u8,
    counter: u64,
    period: u64,
    time: u64,
    key: Vec<u8>,
    message: Vec<u8>,
}

fuzz_target!(|input: Input| {
    let algorithm = Algorithm::ALL[usize::from(input.algorithm) % Algorithm::ALL.len()];
    let sign =
        |backend| PreparedKey::with_backend(backend, algorithm, &input.key).sign(&input.message);
    let (rustcrypto, ring) = (sign(Backend::RustCrypto), sign(Backend::Ring));
    assert_eq!(rustcrypto.as_bytes(), ring.as_bytes());
    assert_eq!(rustcrypto.as_bytes().len(), algorithm.output_len());

    let Ok(secret) = Secret::from_bytes(&input.key) else {
        return;
    };
    let digits = 6 + u32::from(input.digits % 3);
    let hotp = |backend| Hotp::with_backend(backend, &secret, algorithm, digits).expect("valid");
    let (rustcrypto, ring) = (hotp(Backend::RustCrypto), hotp(Backend::Ring));
    for counter in [input.counter, input.counter.wrapping_add(1)] {
        let code = rustcrypto.code(counter);
        assert_eq!(code.as_str(), ring.code(counter).as_str());
        assert_eq!(code.len(), digits as usize);
    }

    let totp = |backend| Totp::with_backend(backend, &secret, algorithm, digits, input.period);
    match (totp(Backend::RustCrypto), totp(Backend::Ring)) {
        (Ok(rustcrypto), Ok(ring)) => {
            match (
                rustcrypto.timed_code_at(input.time),
                ring.timed_code_at(input.time),
            ) {
                (Ok(a), Ok(b)) => {
                    assert_eq!(a.as_str(), b.as_str());
                    assert_eq!(
                        (a.step, a.valid_until, a.seconds_remaining),
                        (b.step, b.valid_until, b.seconds_remaining)
                    );
                }
                (a, b) => assert_eq!(a.err(), b.err()),
            }
        }
        (a, b) => assert_eq!(a.err(), b.err()),
    }
});

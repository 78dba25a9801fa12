#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Test code: long tables, searches that stop within a few steps, hex built with format!.
#![allow(
    clippy::too_many_lines,
    clippy::maybe_infinite_iter,
    clippy::format_collect,
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap
)]
//! Property tests: round trips, windows, and (with the `ring` feature) the two HMAC backends
//! agreeing on random keys, counters, digits and algorithms.

use callsign::{
    Algorithm, Enrollment, OtpAuthUri, OtpKind, ProfileParams, Secret, Totp, Window, base32,
};
use proptest::prelude::*;

fn algorithm() -> impl Strategy<Value = Algorithm> {
    prop_oneof![
        Just(Algorithm::Sha1),
        Just(Algorithm::Sha256),
        Just(Algorithm::Sha512)
    ]
}

fn name() -> impl Strategy<Value = String> {
    // Printable text without ':' (the label separator), not starting with a space.
    "[A-Za-z0-9äöüß@._ +&%/?=#-]{0,20}".prop_map(|s| format!("n{}", s.replace(':', "")))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[cfg(feature = "ring")]
    #[test]
    fn backends_agree(key in proptest::collection::vec(any::<u8>(), 16..200), counter in any::<u64>(),
                      digits in 6u32..=8, algorithm in algorithm()) {
        use callsign::mac::Backend;
        let secret = Secret::from_bytes(&key).unwrap();
        let rustcrypto = callsign::Hotp::with_backend(Backend::RustCrypto, &secret, algorithm, digits).unwrap();
        let ring = callsign::Hotp::with_backend(Backend::Ring, &secret, algorithm, digits).unwrap();
        let (a, b) = (rustcrypto.code(counter), ring.code(counter));
        prop_assert_eq!(a.as_str(), b.as_str());
    }

    /// The prepared keys of every backend against RustCrypto's `hmac` crate, for keys shorter
    /// and longer than a block and messages around the one- and two-block padding boundaries.
    #[test]
    fn prepared_keys_match_the_hmac_crate(key in proptest::collection::vec(any::<u8>(), 0..300),
                                          message in proptest::collection::vec(any::<u8>(), 0..300),
                                          algorithm in algorithm()) {
        use hmac::{KeyInit, Mac};
        let expected = match algorithm {
            Algorithm::Sha1 => hmac::Hmac::<sha1::Sha1>::new_from_slice(&key).unwrap().chain_update(&message).finalize().into_bytes().to_vec(),
            Algorithm::Sha256 => hmac::Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap().chain_update(&message).finalize().into_bytes().to_vec(),
            Algorithm::Sha512 => hmac::Hmac::<sha2::Sha512>::new_from_slice(&key).unwrap().chain_update(&message).finalize().into_bytes().to_vec(),
        };
        for &backend in callsign::mac::Backend::AVAILABLE {
            let tag = callsign::mac::PreparedKey::with_backend(backend, algorithm, &key).sign(&message);
            prop_assert_eq!(tag.as_bytes(), expected.as_slice(), "{:?}", backend);
        }
    }

    #[test]
    fn base32_round_trips_and_tolerates_human_formatting(bytes in proptest::collection::vec(any::<u8>(), 0..80)) {
        let encoded = base32::encode(&bytes);
        let secret_encoded = base32::encode_secret(&bytes);
        prop_assert_eq!(secret_encoded.as_str(), encoded.as_str());
        let decoded = base32::decode(&encoded).unwrap();
        prop_assert_eq!(decoded.as_slice(), bytes.as_slice());
        let human: String = encoded
            .to_lowercase()
            .chars()
            .enumerate()
            .flat_map(|(i, c)| if i > 0 && i % 4 == 0 { vec!['-', c] } else { vec![c] })
            .collect();
        let padded = format!("{human}{}", "=".repeat((8 - encoded.len() % 8) % 8));
        let decoded = base32::decode(&padded).unwrap();
        prop_assert_eq!(decoded.as_slice(), bytes.as_slice());
    }

    #[test]
    fn otpauth_round_trips(issuer in proptest::option::of(name()), account in name(),
                           key in proptest::collection::vec(any::<u8>(), 16..64), algorithm in algorithm(),
                           digits in 6u32..=8, totp in any::<bool>(), number in any::<u64>()) {
        let uri = OtpAuthUri {
            kind: if totp { OtpKind::Totp { period: number.max(1) } } else { OtpKind::Hotp { counter: number } },
            issuer,
            account,
            secret: Secret::from_bytes(&key).unwrap(),
            algorithm,
            digits,
            extra_parameters: vec![("image".to_owned(), "https://example.com/a b.png".to_owned())],
        };
        let text = uri.to_uri_string().unwrap();
        let parsed = OtpAuthUri::parse(&text).unwrap();
        prop_assert_eq!(&parsed, &uri);
        let again = parsed.to_uri_string().unwrap();
        prop_assert_eq!(again.as_str(), text.as_str());
    }

    #[test]
    fn enrollment_round_trips(issuer in name(), account in name(), key in proptest::collection::vec(any::<u8>(), 16..64),
                              epoch in any::<u32>(), digits in 6u32..=8, period in 10u64..=300) {
        let enrollment = Enrollment::new(&issuer, &account, Secret::from_bytes(&key).unwrap(), epoch,
                                         ProfileParams::new(digits, period).unwrap()).unwrap();
        let text = enrollment.to_uri_string();
        let parsed = Enrollment::parse(&text).unwrap();
        prop_assert_eq!(&parsed, &enrollment);
        let again = parsed.to_uri_string();
        prop_assert_eq!(again.as_str(), text.as_str());
    }

    #[test]
    fn verify_reports_the_drift_inside_the_window(key in proptest::collection::vec(any::<u8>(), 16..40),
                                                  time in any::<u64>(), behind in 0u64..4, ahead in 0u64..4,
                                                  offset in -6i64..=6, period in 1u64..120) {
        let totp = Totp::new(&Secret::from_bytes(&key).unwrap(), Algorithm::Sha1, 8, period).unwrap();
        let current = totp.step_at(time).unwrap();
        let Some(step) = current.checked_add_signed(offset) else { return Ok(()) };
        let code = totp.code_for_step(step);
        let window = Window::new(behind, ahead).unwrap();
        let found = totp.verify(code.as_str(), time, window).unwrap();
        let inside = -(behind as i64) <= offset && offset <= ahead as i64;
        if inside {
            let matched = found.unwrap();
            // A collision with an earlier step in the window is possible but negligible with 8 digits.
            prop_assert_eq!(matched.step, step);
            prop_assert_eq!(matched.drift, offset);
        } else if let Some(matched) = found {
            // Only a collision (about 1e-8 per candidate) can match outside the window.
            prop_assert_ne!(matched.step, step);
        }
    }
}

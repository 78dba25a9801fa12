#![allow(clippy::unwrap_used)]
//! Clocks and prepared HMAC keys, pinned by hand (cargo-mutants found these unpinned;
//! docs/mutants.md).

use callsign::mac::{Backend, PreparedKey};
use callsign::{Algorithm, Clock, FixedClock, SystemClock};

#[test]
fn the_system_clock_shows_the_operating_systems_time() {
    let before = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let now = SystemClock.now().unwrap();
    let after = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(
        (before..=after).contains(&now),
        "{before} <= {now} <= {after}"
    );
}

#[test]
fn a_fixed_clock_shows_what_it_was_set_to_and_advances_up_to_the_maximum() {
    let clock = FixedClock::new(1_764_355_200);
    assert_eq!(clock.now().unwrap(), 1_764_355_200);
    clock.set(59);
    assert_eq!(clock.now().unwrap(), 59);
    clock.advance(30);
    assert_eq!(clock.now().unwrap(), 89);
    clock.set(u64::MAX - 1);
    clock.advance(5);
    assert_eq!(clock.now().unwrap(), u64::MAX);
}

#[test]
fn a_prepared_key_reports_its_algorithm_and_backend() {
    for algorithm in [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512] {
        for &backend in Backend::AVAILABLE {
            let key = PreparedKey::with_backend(backend, algorithm, b"12345678901234567890");
            assert_eq!(key.algorithm(), algorithm);
            assert_eq!(key.backend(), backend);
        }
        assert_eq!(
            PreparedKey::new(algorithm, b"k").backend(),
            Backend::DEFAULT
        );
    }
}

#[test]
fn a_tags_debug_names_its_length_and_never_its_bytes() {
    let key = PreparedKey::new(Algorithm::Sha256, b"12345678901234567890");
    let tag = key.sign(b"message");
    assert_eq!(format!("{tag:?}"), "Tag([REDACTED; 32 bytes])");
    let key = PreparedKey::new(Algorithm::Sha1, b"12345678901234567890");
    assert_eq!(format!("{:?}", key.sign(b"m")), "Tag([REDACTED; 20 bytes])");
}

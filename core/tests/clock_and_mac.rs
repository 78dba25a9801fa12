#![allow(clippy::unwrap_used)]
//! Clocks, prepared HMAC keys and the replay guard, pinned by hand (cargo-mutants found these unpinned;
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
fn tags_over_a_range_of_counters_are_the_one_by_one_tags_in_order() {
    // Empty, one, the +-1 window, a whole batch, a batch and one, two batches and one, and
    // the last counters (the range's end must not wrap).
    let ranges = [
        (5, 4),
        (0, 0),
        (7, 9),
        (10, 13),
        (10, 14),
        (0, 8),
        (u64::MAX - 5, u64::MAX),
    ];
    for algorithm in [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512] {
        for &backend in Backend::AVAILABLE {
            let key = PreparedKey::with_backend(backend, algorithm, b"12345678901234567890");
            for (first, last) in ranges {
                let mut seen = Vec::new();
                key.for_each_counter_tag(first, last, |counter, tag| {
                    seen.push((counter, tag.to_vec()));
                });
                let expected: Vec<(u64, Vec<u8>)> = (first..=last)
                    .map(|counter| {
                        (
                            counter,
                            key.sign(&counter.to_be_bytes()).as_bytes().to_vec(),
                        )
                    })
                    .collect();
                assert_eq!(seen, expected, "{algorithm:?} {backend:?} {first}..={last}");
            }
        }
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

#[test]
fn a_prepared_keys_debug_names_its_parameters_and_never_the_key() {
    let key = PreparedKey::new(Algorithm::Sha256, b"12345678901234567890");
    assert_eq!(
        format!("{key:?}"),
        format!(
            "PreparedKey {{ algorithm: Sha256, backend: {:?}, .. }}",
            Backend::DEFAULT
        )
    );
}

#[test]
fn the_replay_guard_accepts_only_steps_after_the_last_accepted_one() {
    use callsign::{Match, ReplayGuard, Verification};
    let at = |step| Match { step, drift: 0 };
    let mut guard = ReplayGuard::new();
    assert_eq!(guard.last_accepted(), None);
    // (step, accepted?) by hand: the first is accepted; equal or earlier steps are replays.
    for (step, accepted) in [
        (100, true),
        (100, false),
        (99, false),
        (101, true),
        (0, false),
    ] {
        let expected = if accepted {
            Verification::Accepted(at(step))
        } else {
            Verification::Replayed(at(step))
        };
        assert_eq!(guard.admit(at(step)), expected, "step {step}");
    }
    assert_eq!(guard.last_accepted(), Some(101));
    let mut restored = ReplayGuard::with_last_accepted(Some(7));
    assert_eq!(restored.admit(at(7)), Verification::Replayed(at(7)));
    assert_eq!(restored.admit(at(8)), Verification::Accepted(at(8)));
}

#[test]
fn a_master_keys_debug_names_its_length_and_never_its_bytes() {
    let key = callsign::MasterKey::from_bytes(&[0xab; 48]).unwrap();
    assert_eq!(format!("{key:?}"), "MasterKey([REDACTED; 48 bytes])");
}

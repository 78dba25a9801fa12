#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Hand-written pins of the device verifier's rules: each test is a sequence of entries with
//! the verdict written next to it, so that a wrong core cannot pass by agreeing with its own
//! earlier output (issue 20). The codes come from the protocol reference (master 0x00..0x1f,
//! epoch 0, "customer-0001", 6 digits, 30 s) and were computed by the stdlib reference in
//! `bindings/python/tests/reference_profile.py`, not by core.

use callsign::{Enrollment, Error, MAX_WINDOW_STEPS, Verdict, Verifier, VerifierConfig, Window};

const URI: &str = "callsign://enroll?v=1&issuer=ACME%20Support&account=customer-0001&secret=7RUX6PO6UZYH6QNGL4DRTLQONNWAJGQSCE7NI4GQY72WFTSYMK4Q&epoch=0&digits=6&period=30";
/// 2025-11-28T18:40:00Z, the first second of step 58811840.
const T: u64 = 1_764_355_200;
/// The agent codes of steps 58811838..=58811842.
const TWO_BEHIND: &str = "562625";
const PREVIOUS: &str = "255092";
const CURRENT: &str = "638431";
const NEXT: &str = "114604";
const TWO_AHEAD: &str = "062355";
/// Matches no step near any time used here.
const WRONG: &str = "123457";

fn verifier(config: VerifierConfig) -> Verifier {
    Verifier::new(&Enrollment::parse(URI).unwrap(), config).unwrap()
}

fn default_verifier() -> Verifier {
    verifier(VerifierConfig::default())
}

fn not_genuine(attempts_left: u32) -> Verdict {
    Verdict::NotGenuine { attempts_left }
}

fn locked(until: u64) -> Verdict {
    Verdict::LockedOut { until }
}

/// Runs `(time, entry, expected verdict)` steps and names the first that differs.
fn expect(verifier: &Verifier, steps: &[(u64, &str, Verdict)]) {
    for (index, &(time, entry, expected)) in steps.iter().enumerate() {
        let got = verifier.check(entry, time).unwrap();
        assert_eq!(got, expected, "step {index}: {entry} at {time}");
    }
}

#[test]
fn the_reference_codes_are_genuine_with_their_drift() {
    let genuine = |step: u64, drift: i64| Verdict::Genuine { step, drift };
    expect(
        &default_verifier(),
        &[
            (T, PREVIOUS, genuine(58_811_839, -1)),
            (T, CURRENT, genuine(58_811_840, 0)),
            (T, NEXT, genuine(58_811_841, 1)),
            (T + 1, CURRENT, Verdict::AlreadyUsed { step: 58_811_840 }),
        ],
    );
    expect(
        &default_verifier(),
        &[
            (T, TWO_BEHIND, not_genuine(2)),
            (T, TWO_AHEAD, not_genuine(1)),
        ],
    );
}

/// A genuine match clears the failure count: two failures, a genuine code, then a failure
/// leaves two attempts, not none.
#[test]
fn a_genuine_match_clears_the_failure_count() {
    expect(
        &default_verifier(),
        &[
            (T, WRONG, not_genuine(2)),
            (T + 1, WRONG, not_genuine(1)),
            (
                T + 2,
                CURRENT,
                Verdict::Genuine {
                    step: 58_811_840,
                    drift: 0,
                },
            ),
            (T + 3, WRONG, not_genuine(2)),
            (T + 4, WRONG, not_genuine(1)),
            (T + 5, WRONG, locked(T + 5 + 900)),
        ],
    );
}

/// A failure counts during `[t, t + lockout)`: at `t + lockout - 1` it still counts, at
/// `t + lockout` it is forgotten (docs/protocol.md: "lockout seconds old or more").
#[test]
fn a_failure_is_forgotten_exactly_lockout_seconds_later() {
    expect(
        &default_verifier(),
        &[
            (T, WRONG, not_genuine(2)),
            (T + 10, WRONG, not_genuine(1)),
            (T + 899, WRONG, locked(T + 899 + 900)),
        ],
    );
    let verifier = default_verifier();
    expect(
        &verifier,
        &[(T, WRONG, not_genuine(2)), (T + 10, WRONG, not_genuine(1))],
    );
    assert_eq!(verifier.status(T + 899).attempts_left, 1);
    assert_eq!(verifier.status(T + 900).attempts_left, 2);
    assert_eq!(verifier.status(T + 910).attempts_left, 3);
    expect(&verifier, &[(T + 900, WRONG, not_genuine(1))]);
}

/// A lock from `t` lasts until `t + lockout`, exclusive: at its end time the verifier checks
/// again, with the failures cleared.
#[test]
fn the_lock_ends_exactly_at_its_end_time() {
    let verifier = default_verifier();
    expect(
        &verifier,
        &[
            (T, WRONG, not_genuine(2)),
            (T + 10, WRONG, not_genuine(1)),
            (T + 20, WRONG, locked(T + 920)),
            (T + 919, WRONG, locked(T + 920)),
            (T + 919, "not a code", locked(T + 920)),
        ],
    );
    assert_eq!(verifier.status(T + 919).locked_until, Some(T + 920));
    assert_eq!(verifier.status(T + 920).locked_until, None);
    assert_eq!(verifier.status(T + 920).attempts_left, 3);
    expect(&verifier, &[(T + 920, WRONG, not_genuine(2))]);
}

/// Windows of up to 101 steps (behind + 1 + ahead) are allowed, and the codes at both of their
/// ends match; one step more is refused.
#[test]
fn the_window_may_hold_101_steps_and_no_more() {
    assert_eq!(MAX_WINDOW_STEPS, 101);
    for (behind, ahead) in [(50, 50), (100, 0), (0, 100)] {
        assert!(Window::new(behind, ahead).is_ok(), "{behind} + 1 + {ahead}");
    }
    for (behind, ahead) in [(50, 51), (51, 50), (101, 0), (0, 101), (u64::MAX, 1)] {
        let error = Window::new(behind, ahead).expect_err("too large");
        assert!(
            matches!(error, Error::WindowTooLarge { max: 101, .. }),
            "{error}"
        );
    }
    let config = VerifierConfig {
        window: Window {
            behind: 50,
            ahead: 50,
        },
        max_failures: 20,
        ..VerifierConfig::default()
    };
    // Steps c - 51, c - 50, c + 50, c + 51 of the reference enrollment.
    expect(
        &verifier(config),
        &[
            (T, "940174", not_genuine(19)),
            (
                T,
                "396891",
                Verdict::Genuine {
                    step: 58_811_790,
                    drift: -50,
                },
            ),
            (
                T,
                "782902",
                Verdict::Genuine {
                    step: 58_811_890,
                    drift: 50,
                },
            ),
            (T, "388582", not_genuine(19)),
        ],
    );
    let too_large = VerifierConfig {
        window: Window {
            behind: 50,
            ahead: 51,
        },
        ..VerifierConfig::default()
    };
    let error = Verifier::new(&Enrollment::parse(URI).unwrap(), too_large).expect_err("refused");
    assert!(matches!(error, Error::WindowTooLarge { .. }), "{error}");
}

/// Issue 13 finding 6: moving the clock back by the lockout, failing, and moving it forward
/// again gave three more guesses. The verifier judges locks and failures at the latest time
/// it has seen.
#[test]
fn moving_the_clock_back_neither_ends_a_lock_nor_forgets_failures() {
    let verifier = default_verifier();
    expect(
        &verifier,
        &[
            (T, WRONG, not_genuine(2)),
            (T + 1, WRONG, not_genuine(1)),
            // Clock back by the lockout: the failures at T and T + 1 still count, and the lock
            // runs from the latest time seen.
            (T - 900, WRONG, locked(T + 1 + 900)),
            // Forward again, to just after where the old code's lock ended.
            (T + 5, WRONG, locked(T + 901)),
            (T - 3600, CURRENT, locked(T + 901)),
        ],
    );
    let status = verifier.status(T - 7200);
    assert_eq!(
        (status.locked_until, status.attempts_left),
        (Some(T + 901), 0)
    );
    // The latest time seen survives a restart.
    let restored = Verifier::with_state(
        &Enrollment::parse(URI).unwrap(),
        VerifierConfig::default(),
        &verifier.export_state(),
    )
    .unwrap();
    expect(&restored, &[(T - 900, WRONG, locked(T + 901))]);
    // The lock ends when the latest time reaches its end.
    expect(&restored, &[(T + 901, WRONG, not_genuine(2))]);
}

#[test]
fn a_failure_made_after_the_clock_went_back_counts_from_the_latest_time() {
    let verifier = default_verifier();
    expect(
        &verifier,
        &[
            (T, WRONG, not_genuine(2)),
            // Recorded at T, not at T - 1000, so it does not expire 1000 s early.
            (T - 1000, WRONG, not_genuine(1)),
        ],
    );
    assert_eq!(verifier.status(T + 899).attempts_left, 1);
    assert_eq!(verifier.status(T + 900).attempts_left, 3);
}

/// Moving the clock forward does end a lock (the device has no better time; the threat model
/// says so); moving it back afterwards does not bring the old failures back to life, and new
/// failures count from the latest time.
#[test]
fn moving_the_clock_forward_ends_a_lock_and_the_latest_time_stays() {
    let verifier = default_verifier();
    expect(
        &verifier,
        &[
            (T, WRONG, not_genuine(2)),
            (T, WRONG, not_genuine(1)),
            (T, WRONG, locked(T + 900)),
            (T + 1800, WRONG, not_genuine(2)),
            (T, WRONG, not_genuine(1)),
            (T, WRONG, locked(T + 1800 + 900)),
            (T + 2699, CURRENT, locked(T + 2700)),
        ],
    );
}

/// The clock moved back does not stop a genuine code for the device's own time from matching:
/// codes are computed at the given time; only locks and failures use the latest time.
#[test]
fn a_genuine_code_still_matches_after_the_clock_went_back() {
    expect(
        &default_verifier(),
        &[
            (T + 1800, WRONG, not_genuine(2)),
            (
                T,
                CURRENT,
                Verdict::Genuine {
                    step: 58_811_840,
                    drift: 0,
                },
            ),
        ],
    );
}

/// TOTP with T0 other than 0, pinned against oathtool's start-time option:
/// `oathtool --totp=SHA1 -d 8 --start-time=@T0 --now=@T 3132..30` and
/// `oathtool --totp=SHA256 -d 6 -s 60s --start-time=@T0 --now=@T 3132..3132` (Debian oathtool
/// 2.6.7; `bindings/python/tests/test_independent.py` runs oathtool and pyotp live).
#[test]
fn totp_with_t0_matches_oathtool_start_time() {
    use callsign::{Algorithm, Secret, Totp};
    let sha1 = Secret::from_bytes(b"12345678901234567890").unwrap();
    let sha256 = Secret::from_bytes(b"12345678901234567890123456789012").unwrap();
    let cases: [(u64, u64, &str, &str); 6] = [
        (0, 1_000_000_059, "87083818", "818779"),
        (0, 1_111_111_109, "07081804", "857319"),
        (0, 2_000_000_000, "69279037", "471171"),
        (1_000_000_000, 1_000_000_059, "94287082", "920136"),
        (1_000_000_000, 1_111_111_109, "03080717", "176834"),
        (1_000_000_000, 2_000_000_000, "76864010", "276443"),
    ];
    for (t0, time, code_sha1, code_sha256) in cases {
        let totp = Totp::new(&sha1, Algorithm::Sha1, 8, 30)
            .unwrap()
            .with_t0(t0);
        assert_eq!(
            totp.code_at(time).unwrap().as_str(),
            code_sha1,
            "T0 {t0}, t {time}"
        );
        let totp = Totp::new(&sha256, Algorithm::Sha256, 6, 60)
            .unwrap()
            .with_t0(t0);
        assert_eq!(
            totp.code_at(time).unwrap().as_str(),
            code_sha256,
            "T0 {t0}, t {time}"
        );
    }
    let totp = Totp::new(&sha1, Algorithm::Sha1, 8, 30)
        .unwrap()
        .with_t0(1_000_000_000);
    let error = totp.code_at(999_999_999).expect_err("before T0");
    assert_eq!(error.kind(), callsign::ErrorKind::TimeBeforeEpoch);
}

/// `lock_verdict` (what a binding answers for an entry it cannot decode) is "locked out"
/// during a lock and nothing otherwise, and it records the time like a check.
#[test]
fn lock_verdict_answers_only_during_a_lock() {
    let verifier = default_verifier();
    assert_eq!(verifier.lock_verdict(T).unwrap(), None);
    expect(
        &verifier,
        &[
            (T, WRONG, not_genuine(2)),
            (T, WRONG, not_genuine(1)),
            (T, WRONG, locked(T + 900)),
        ],
    );
    assert_eq!(
        verifier.lock_verdict(T - 900).unwrap(),
        Some(locked(T + 900))
    );
    assert_eq!(verifier.lock_verdict(T + 1000).unwrap(), None);
    // T + 1000 was recorded: a failure "at T" now counts from T + 1000.
    expect(&verifier, &[(T, WRONG, not_genuine(2))]);
    assert_eq!(verifier.status(T + 1899).attempts_left, 2);
    assert_eq!(verifier.status(T + 1900).attempts_left, 3);
}

/// An entry with more digits than the code is a length error for every digit count, 8 (the
/// full buffer) included (a cargo-mutants survivor: `count <= expected` indexed past it).
#[test]
fn an_entry_with_one_digit_too_many_is_a_length_error() {
    use callsign::Code;
    for (digits, entry) in [
        (6, "1234567"),
        (7, "12345678"),
        (8, "123456789"),
        (8, "1234 56789"),
    ] {
        let error = Code::parse_entry(entry, digits).expect_err(entry);
        assert!(
            matches!(
                error,
                Error::InvalidCodeLength { expected, actual } if expected == digits && u32::try_from(actual) == Ok(digits + 1)
            ),
            "{entry}: {error}"
        );
    }
}

/// The configuration limits: 1..=20 failures and a lockout of 1 s to 30 days (2,592,000 s)
/// are accepted, one more or one less is refused (cargo-mutants survivors: nothing pinned them).
#[test]
fn the_configuration_limits_are_20_failures_and_30_days() {
    let enrollment = Enrollment::parse(URI).unwrap();
    let config = |max_failures, lockout_seconds| VerifierConfig {
        max_failures,
        lockout_seconds,
        ..VerifierConfig::default()
    };
    for (failures, lockout) in [(1, 1), (20, 2_592_000), (3, 900)] {
        assert!(Verifier::new(&enrollment, config(failures, lockout)).is_ok());
    }
    for (failures, lockout) in [(0, 900), (21, 900), (3, 0), (3, 2_592_001)] {
        let error = Verifier::new(&enrollment, config(failures, lockout)).expect_err("refused");
        assert!(matches!(error, Error::InvalidConfig { .. }), "{error}");
    }
    assert_eq!(callsign::MAX_LOCKOUT_SECONDS, 2_592_000);
    assert_eq!(callsign::MAX_FAILURES_LIMIT, 20);
    // A 30-day lock from the last device time ends exactly 30 days later.
    let verifier = Verifier::new(&enrollment, config(1, 2_592_000)).unwrap();
    let last = callsign::MAX_DEVICE_TIME;
    assert_eq!(
        verifier.check(WRONG, last).unwrap(),
        locked(last + 2_592_000)
    );
}

/// `Verifier::config` reports the configuration in force (a cargo-mutants survivor).
#[test]
fn the_verifier_reports_its_configuration() {
    let config = VerifierConfig {
        window: Window {
            behind: 2,
            ahead: 0,
        },
        max_failures: 5,
        lockout_seconds: 60,
    };
    assert_eq!(*verifier(config).config(), config);
}

/// Debug output names the configuration, digits and period, never the secret (a cargo-mutants
/// survivor: nothing looked at it).
#[test]
fn debug_shows_the_parameters_and_no_secret() {
    let shown = format!("{:?}", default_verifier());
    for part in ["Verifier", "max_failures: 3", "digits: 6", "period: 30"] {
        assert!(shown.contains(part), "{shown}");
    }
    assert!(!shown.contains("7RUX6PO6"), "{shown}");
}

/// Every verdict's name and accessors, written out by hand (as for customer verdicts).
#[test]
fn verdicts_name_themselves_and_carry_their_values() {
    use callsign::Verdict;
    let rows = [
        (
            Verdict::Genuine { step: 7, drift: -1 },
            "genuine",
            true,
            Some(7),
            Some(-1),
            None,
            None,
        ),
        (
            Verdict::NotGenuine { attempts_left: 2 },
            "not_genuine",
            false,
            None,
            None,
            Some(2),
            None,
        ),
        (
            Verdict::AlreadyUsed { step: 5 },
            "already_used",
            false,
            Some(5),
            None,
            None,
            None,
        ),
        (
            Verdict::LockedOut { until: 900 },
            "locked_out",
            false,
            None,
            None,
            None,
            Some(900),
        ),
        (Verdict::Misheard, "misheard", false, None, None, None, None),
    ];
    for (verdict, name, genuine, step, drift, attempts_left, locked_until) in rows {
        assert_eq!(verdict.as_str(), name);
        assert_eq!(verdict.is_genuine(), genuine, "{name}");
        assert_eq!(verdict.step(), step, "{name}");
        assert_eq!(verdict.drift(), drift, "{name}");
        assert_eq!(verdict.attempts_left(), attempts_left, "{name}");
        assert_eq!(verdict.locked_until(), locked_until, "{name}");
    }
}

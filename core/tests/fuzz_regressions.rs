#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Inputs found by the fuzz targets in ../fuzz, kept as regression tests.

use callsign::{
    Enrollment, ErrorKind, MAX_DEVICE_TIME, OtpAuthUri, ProfileParams, Secret, Verdict, Verifier,
    VerifierConfig, agent_totp,
};

const SECRET_BASE32: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

/// `otpauth_parse`: an unknown parameter that differs from a defined one only in case was kept
/// as an extra, and the emitted URI then had the parameter twice and did not parse back.
#[test]
fn otpauth_extra_parameter_shadowing_a_defined_one_is_rejected() {
    let found = format!(
        "otpauth://totp/ACME%20Co:john?secret={SECRET_BASE32}&issuer=ACME%20Co&algoRithm=SHA1&digits=6&period=30"
    );
    let error = OtpAuthUri::parse(&found).expect_err("ambiguous parameter");
    assert_eq!(error.kind(), ErrorKind::InvalidUri);
    assert!(error.to_string().contains("algoRithm"), "{error}");

    for name in ["ISSUER", "Period", "counter", "a%20b", "a b", "img+1"] {
        let text = format!("otpauth://totp/alice?secret={SECRET_BASE32}&{name}=x");
        let error = OtpAuthUri::parse(&text).expect_err(name);
        assert_eq!(error.kind(), ErrorKind::InvalidUri, "{name}: {error}");
    }
}

/// The same rule holds for values built in code: emitting refuses what would not parse back.
#[test]
fn otpauth_emit_refuses_extras_that_would_not_parse_back() {
    let secret = Secret::from_base32(SECRET_BASE32).unwrap();
    let mut uri = OtpAuthUri::totp(Some("ACME"), "alice", secret).unwrap();
    uri.extra_parameters = vec![("image".into(), "https://example.com/i.png".into())];
    let emitted = uri.to_uri_string().unwrap();
    assert_eq!(OtpAuthUri::parse(&emitted).unwrap(), uri);
    // Repeated extras (app tags) come back in order, so they are fine.
    uri.extra_parameters = vec![
        ("tags".into(), "a".into()),
        ("TAGS".into(), "b".into()),
        ("tags".into(), "c".into()),
    ];
    let emitted = uri.to_uri_string().unwrap();
    assert_eq!(OtpAuthUri::parse(&emitted).unwrap(), uri);

    for extras in [
        vec![("Issuer".to_owned(), "other".to_owned())],
        vec![
            ("image".to_owned(), "a".to_owned()),
            ("DIGITS".to_owned(), "8".to_owned()),
        ],
        vec![("icon url".to_owned(), "a".to_owned())],
    ] {
        uri.extra_parameters = extras;
        let error = uri
            .to_uri_string()
            .expect_err("extras that cannot round-trip");
        assert_eq!(error.kind(), ErrorKind::InvalidUri);
    }
}

const VERIFIER_SECRET: &[u8; 32] = b"callsign fuzz secret, 32 bytes!!";

fn enrollment() -> Enrollment {
    let secret = Secret::from_bytes(VERIFIER_SECRET).unwrap();
    Enrollment::new("ACME", "customer-0001", secret, 0, ProfileParams::default()).unwrap()
}

fn verifier(max_failures: u32) -> Verifier {
    let enrollment = enrollment();
    let config = VerifierConfig {
        max_failures,
        ..VerifierConfig::default()
    };
    Verifier::new(&enrollment, config).unwrap()
}

/// A well-formed code that matches no step of the default window (one step each side) at `now`.
fn wrong_code(now: u64) -> String {
    let secret = Secret::from_bytes(VERIFIER_SECRET).unwrap();
    let totp = agent_totp(&secret, ProfileParams::default()).unwrap();
    let current = totp.step_at(now).unwrap();
    let window: Vec<String> = [current - 1, current, current.saturating_add(1)]
        .iter()
        .map(|&step| totp.code_for_step(step).as_str().to_owned())
        .collect();
    (0..4)
        .map(|n| format!("{n:06}"))
        .find(|candidate| !window.contains(candidate))
        .unwrap()
}

/// `entry_verify`: at `now == u64::MAX`, `time + lockout` saturated, so failures never counted
/// and a lock ending at `u64::MAX` was not in force: unlimited guesses for a device whose
/// clock reads the end of time. (A later fix made that lock never end, even after the clock was
/// corrected; issue 13 finding 7.) Times after `MAX_DEVICE_TIME` are now refused and change
/// nothing; at `MAX_DEVICE_TIME` itself the attempt limit holds and the lock ends.
#[test]
fn attempt_limit_holds_at_the_end_of_time() {
    let verifier = verifier(3);
    let now = MAX_DEVICE_TIME;
    let entry = wrong_code(now);
    assert_eq!(
        verifier.check(&entry, now).unwrap(),
        Verdict::NotGenuine { attempts_left: 2 }
    );
    assert_eq!(verifier.status(now).attempts_left, 2);
    assert_eq!(
        verifier.check(&entry, now).unwrap(),
        Verdict::NotGenuine { attempts_left: 1 }
    );
    let until = now + 900;
    assert_eq!(
        verifier.check(&entry, now).unwrap(),
        Verdict::LockedOut { until }
    );
    assert_eq!(verifier.status(now).locked_until, Some(until));
    assert_eq!(verifier.status(until).locked_until, None);
}

/// A device time at or above 2^64 - 901 set a lock ending at `u64::MAX`, which never ended.
#[test]
fn a_time_after_the_last_device_time_is_refused_and_changes_nothing() {
    let verifier = verifier(1);
    for now in [MAX_DEVICE_TIME + 1, u64::MAX - 900, u64::MAX] {
        let error = verifier.check("123456", now).expect_err("refused");
        assert_eq!(error.kind(), ErrorKind::Overflow, "{error}");
        let error = Verifier::new_locked(&enrollment(), VerifierConfig::default(), now)
            .expect_err("refused");
        assert_eq!(error.kind(), ErrorKind::Overflow, "{error}");
    }
    let status = verifier.status(1_764_355_200);
    assert_eq!((status.locked_until, status.attempts_left), (None, 1));
}

/// A failure shortly before the last device time still counts at it.
#[test]
fn failures_near_the_end_of_time_count() {
    let verifier = verifier(2);
    let earlier = MAX_DEVICE_TIME - 10;
    assert_eq!(
        verifier.check(&wrong_code(earlier), earlier).unwrap(),
        Verdict::NotGenuine { attempts_left: 1 }
    );
    assert_eq!(verifier.status(MAX_DEVICE_TIME).attempts_left, 1);
    assert_eq!(verifier.status(u64::MAX).attempts_left, 2);
}

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Test code: long tables, searches that stop within a few steps, hex built with format!.
#![allow(
    clippy::too_many_lines,
    clippy::maybe_infinite_iter,
    clippy::format_collect,
    clippy::cast_possible_truncation
)]
//! The conformance vectors, tests/vectors/callsign-v1.json: this file writes them from core
//! (`CALLSIGN_WRITE_VECTORS=1 cargo test -p callsign --test vectors`), checks that the committed
//! file is what core produces, and checks every case against core. Every binding's tests read
//! the same file.
//!
//! Fixed values (RFC tables, protocol reference values) are written here by hand; the rest is
//! computed by core and pinned by the committed file.

use callsign::{
    Algorithm, AuditOutcome, AuditRecord, Code, Enrollment, EnrollmentTrust, Error, Hotp,
    IssuanceEvent, MasterKey, OtpAuthUri, OtpKind, ProfileParams, Secret, SigningKey, Totp,
    Verdict, Verifier, VerifierConfig, Window, agent_code, derive_call_key,
};
use serde_json::{Value, json};
use std::path::PathBuf;

mod twoway;

const RFC4226_SECRET: &[u8] = b"12345678901234567890";
const RFC6238_SEED_SHA1: &[u8] = b"12345678901234567890";
const RFC6238_SEED_SHA256: &[u8] = b"12345678901234567890123456789012";
const RFC6238_SEED_SHA512: &[u8] =
    b"1234567890123456789012345678901234567890123456789012345678901234";

fn vector_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/callsign-v1.json")
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

pub(crate) fn reference_master() -> MasterKey {
    MasterKey::from_bytes(&(0u8..32).collect::<Vec<_>>()).unwrap()
}

pub(crate) fn kind(error: &Error) -> &'static str {
    error.kind().as_str()
}

fn hotp_cases() -> Vec<Value> {
    let rfc4226 = [
        "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871",
        "520489",
    ];
    let mut cases: Vec<Value> = rfc4226
        .iter()
        .enumerate()
        .map(|(counter, code)| {
            json!({"name": format!("RFC 4226 Appendix D, counter {counter}"), "secret_hex": hex(RFC4226_SECRET),
                   "algorithm": "SHA1", "digits": 6, "counter": counter, "code": code})
        })
        .collect();
    // Computed edges: counters near u64::MAX, every algorithm and digit count.
    let secret = Secret::from_bytes(RFC6238_SEED_SHA512).unwrap();
    for algorithm in Algorithm::ALL {
        for digits in 6..=8 {
            for counter in [0u64, 1 << 32, u64::MAX - 1, u64::MAX] {
                let code = Hotp::new(&secret, algorithm, digits).unwrap().code(counter);
                cases.push(json!({"name": format!("computed {algorithm} {digits} digits counter {counter}"),
                    "secret_hex": hex(RFC6238_SEED_SHA512), "algorithm": algorithm.as_str(), "digits": digits,
                    "counter": counter, "code": code.as_str()}));
            }
        }
    }
    for (name, secret_hex, digits, error) in [
        ("5 digits", hex(RFC4226_SECRET), 5, "invalid_digits"),
        ("9 digits", hex(RFC4226_SECRET), 9, "invalid_digits"),
        (
            "15-byte secret",
            hex(&RFC4226_SECRET[..15]),
            6,
            "invalid_secret_length",
        ),
        (
            "80-bit secret",
            hex(&RFC4226_SECRET[..10]),
            6,
            "invalid_secret_length",
        ),
    ] {
        cases.push(
            json!({"name": name, "secret_hex": secret_hex, "algorithm": "SHA1", "digits": digits,
                          "counter": 0, "error": error}),
        );
    }
    cases
}

fn totp_cases() -> Vec<Value> {
    let times = [
        59u64,
        1_111_111_109,
        1_111_111_111,
        1_234_567_890,
        2_000_000_000,
        20_000_000_000,
    ];
    let table: [(Algorithm, &[u8], [&str; 6]); 3] = [
        (
            Algorithm::Sha1,
            RFC6238_SEED_SHA1,
            [
                "94287082", "07081804", "14050471", "89005924", "69279037", "65353130",
            ],
        ),
        (
            Algorithm::Sha256,
            RFC6238_SEED_SHA256,
            [
                "46119246", "68084774", "67062674", "91819424", "90698825", "77737706",
            ],
        ),
        (
            Algorithm::Sha512,
            RFC6238_SEED_SHA512,
            [
                "90693936", "25091201", "99943326", "93441116", "38618901", "47863826",
            ],
        ),
    ];
    let mut cases = Vec::new();
    for (algorithm, seed, codes) in table {
        for (time, code) in times.iter().zip(codes) {
            cases.push(json!({"name": format!("RFC 6238 Appendix B, {algorithm}, t = {time}"),
                "secret_hex": hex(seed), "algorithm": algorithm.as_str(), "digits": 8, "period": 30, "t0": 0,
                "time": time, "step": time / 30, "code": code}));
        }
    }
    cases.push(json!({"name": "SHA256 with the 20-byte SHA1 seed at t = 59 (not an RFC value)",
        "secret_hex": hex(RFC6238_SEED_SHA1), "algorithm": "SHA256", "digits": 8, "period": 30, "t0": 0,
        "time": 59, "step": 1, "code": "32247374"}));
    let secret = Secret::from_bytes(RFC6238_SEED_SHA1).unwrap();
    for (digits, period, t0, time) in [
        (6u32, 30u64, 0u64, 0u64),
        (6, 30, 0, u64::MAX),
        (7, 1, 0, 1_700_000_000),
        (6, 60, 1_000, 1_000),
        (6, 60, 1_000, 1_059),
        (8, 3_600, 0, 1_764_355_200),
    ] {
        let totp = Totp::new(&secret, Algorithm::Sha1, digits, period)
            .unwrap()
            .with_t0(t0);
        let code = totp.code_at(time).unwrap();
        cases.push(json!({"name": format!("computed {digits} digits, period {period}, T0 {t0}, t = {time}"),
            "secret_hex": hex(RFC6238_SEED_SHA1), "algorithm": "SHA1", "digits": digits, "period": period,
            "t0": t0, "time": time, "step": totp.step_at(time).unwrap(), "code": code.as_str()}));
    }
    for (name, period, t0, time, digits, error) in [
        ("period 0", 0u64, 0u64, 59u64, 6u32, "invalid_period"),
        ("t < T0", 30, 100, 99, 6, "time_before_epoch"),
        ("digits 5", 30, 0, 59, 5, "invalid_digits"),
        ("digits 9", 30, 0, 59, 9, "invalid_digits"),
    ] {
        cases.push(
            json!({"name": name, "secret_hex": hex(RFC6238_SEED_SHA1), "algorithm": "SHA1",
            "digits": digits, "period": period, "t0": t0, "time": time, "error": error}),
        );
    }
    cases
}

fn hkdf_cases() -> Vec<Value> {
    vec![
        json!({"name": "RFC 5869 test case 1", "ikm_hex": hex(&[0x0b; 22]), "salt_hex": hex(&(0u8..13).collect::<Vec<_>>()),
               "info_hex": hex(&(0xf0u8..0xfa).collect::<Vec<_>>()), "length": 42,
               "okm_hex": "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"}),
        json!({"name": "RFC 5869 test case 2", "ikm_hex": hex(&(0u8..0x50).collect::<Vec<_>>()),
               "salt_hex": hex(&(0x60u8..0xb0).collect::<Vec<_>>()), "info_hex": hex(&(0xb0u8..=0xff).collect::<Vec<_>>()),
               "length": 82,
               "okm_hex": "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87"}),
        json!({"name": "RFC 5869 test case 3", "ikm_hex": hex(&[0x0b; 22]), "salt_hex": "", "info_hex": "", "length": 42,
               "okm_hex": "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"}),
    ]
}

fn account_secret_cases() -> Vec<Value> {
    let master = reference_master();
    let mut cases = vec![
        json!({"name": "protocol reference, customer-0001", "master_key_hex": hex(master.expose_bytes()),
               "account_id": "customer-0001", "epoch": 0,
               "account_secret_hex": "fc697f3ddea6707f41a65f0719ae0e6b6c049a12113ed470d0c7f562ce5862b9",
               "call_key_hex": "4c9ca5a2fe80fc4bcc9732c4fe2ddbf933fe23c7923bc0c4aa6deecd5aba55e6"}),
    ];
    let long_master: Vec<u8> = (0u8..64).map(|b| b.wrapping_mul(7)).collect();
    let long_id = "x".repeat(256);
    for (master_bytes, account_id, epoch) in [
        (master.expose_bytes().to_vec(), "kunde@example.de", 7u32),
        (master.expose_bytes().to_vec(), "customer-0002", 0),
        (master.expose_bytes().to_vec(), "customer-0001", 1),
        (master.expose_bytes().to_vec(), "customer-0001", u32::MAX),
        (master.expose_bytes().to_vec(), "Zoë Ünïcode 顧客", 3),
        (master.expose_bytes().to_vec(), "a", 0),
        (master.expose_bytes().to_vec(), long_id.as_str(), 0),
        (long_master.clone(), "customer-0001", 0),
    ] {
        let secret = MasterKey::from_bytes(&master_bytes)
            .unwrap()
            .account_secret(account_id, epoch)
            .unwrap();
        let call_key = derive_call_key(&secret).unwrap();
        cases.push(json!({"name": format!("account {:.24} epoch {epoch}", account_id), "master_key_hex": hex(&master_bytes),
            "account_id": account_id, "epoch": epoch, "account_secret_hex": hex(secret.expose_bytes()),
            "call_key_hex": hex(call_key.expose_bytes())}));
    }
    let long_id = "x".repeat(257);
    for (name, master_bytes, account_id, error) in [
        (
            "empty account id",
            master.expose_bytes().to_vec(),
            "",
            "invalid_identifier",
        ),
        (
            "257-byte account id",
            master.expose_bytes().to_vec(),
            long_id.as_str(),
            "invalid_identifier",
        ),
        (
            "31-byte master key",
            vec![1u8; 31],
            "customer-0001",
            "invalid_master_key",
        ),
        (
            "65-byte master key",
            vec![1u8; 65],
            "customer-0001",
            "invalid_master_key",
        ),
    ] {
        cases.push(json!({"name": name, "master_key_hex": hex(&master_bytes), "account_id": account_id, "epoch": 0,
                          "error": error}));
    }
    cases
}

fn agent_code_cases() -> Vec<Value> {
    let master = reference_master();
    let mut cases = vec![
        json!({"name": "protocol reference t = 59", "account_secret_hex": "fc697f3ddea6707f41a65f0719ae0e6b6c049a12113ed470d0c7f562ce5862b9", "time": 59, "digits": 6, "period": 30, "code": "913441", "grouped": "913 441", "step": 1, "seconds_remaining": 1}),
        json!({"name": "protocol reference t = 1111111109", "account_secret_hex": "fc697f3ddea6707f41a65f0719ae0e6b6c049a12113ed470d0c7f562ce5862b9", "time": 1_111_111_109u64, "digits": 6, "period": 30, "code": "981797", "grouped": "981 797", "step": 37_037_036u64, "seconds_remaining": 1}),
        json!({"name": "protocol reference t = 2000000000", "account_secret_hex": "fc697f3ddea6707f41a65f0719ae0e6b6c049a12113ed470d0c7f562ce5862b9", "time": 2_000_000_000u64, "digits": 6, "period": 30, "code": "051628", "grouped": "051 628", "step": 66_666_666u64, "seconds_remaining": 10}),
        json!({"name": "protocol reference d = 8, X = 60", "account_secret_hex": "fc697f3ddea6707f41a65f0719ae0e6b6c049a12113ed470d0c7f562ce5862b9", "time": 1_764_355_200u64, "digits": 8, "period": 60, "code": "04659476", "grouped": "0465 9476", "step": 29_405_920u64, "seconds_remaining": 60}),
        json!({"name": "protocol reference epoch 7", "account_secret_hex": "7612b3e95ddb1fdef97feaf8819c593aadba7c6db05d0369f011d07b4c808aab", "time": 59, "digits": 6, "period": 30, "code": "139117", "grouped": "139 117", "step": 1, "seconds_remaining": 1}),
    ];
    let accounts = ["customer-0001", "customer-0002", "kunde@example.de"];
    let times = [
        0u64,
        29,
        30,
        1_000_000_000,
        1_700_000_000,
        1_764_355_199,
        4_102_444_800,
    ];
    let params = [(6u32, 30u64), (7, 30), (8, 60), (6, 10), (6, 300)];
    for (index, account_id) in accounts.iter().enumerate() {
        let secret = master.account_secret(account_id, 0).unwrap();
        for (offset, time) in times.iter().enumerate() {
            let (digits, period) = params[(index + offset) % params.len()];
            let code =
                agent_code(&secret, *time, ProfileParams::new(digits, period).unwrap()).unwrap();
            cases.push(json!({"name": format!("{account_id} t = {time} d = {digits} X = {period}"),
                "account_secret_hex": hex(secret.expose_bytes()), "time": time, "digits": digits, "period": period,
                "code": code.as_str(), "grouped": code.grouped().as_str(), "step": code.step,
                "seconds_remaining": code.seconds_remaining}));
        }
    }
    for (name, digits, period, error) in [
        ("digits 5", 5u32, 30u64, "invalid_digits"),
        ("digits 9", 9, 30, "invalid_digits"),
        ("period 0", 6, 0, "invalid_period"),
        (
            "period 9 (below the profile's 10 s)",
            6,
            9,
            "invalid_period",
        ),
        (
            "period 301 (above the profile's 300 s)",
            6,
            301,
            "invalid_period",
        ),
    ] {
        cases.push(json!({"name": name, "account_secret_hex": "fc697f3ddea6707f41a65f0719ae0e6b6c049a12113ed470d0c7f562ce5862b9",
                          "time": 59, "digits": digits, "period": period, "error": error}));
    }
    cases
}

fn entry_cases() -> Vec<Value> {
    let mut cases = Vec::new();
    for (entry, digits) in [
        ("482913", 6u32),
        ("482 913", 6),
        ("482-913", 6),
        (" 482 913 ", 6),
        ("48 29 13", 6),
        ("482  913", 6),
        ("4829137", 7),
        ("482 9137", 7),
        ("04659476", 8),
        ("0465 9476", 8),
        ("0465-9476", 8),
    ] {
        let code = Code::parse_entry(entry, digits).unwrap();
        cases.push(json!({"entry": entry, "digits": digits, "code": code.as_str()}));
    }
    for (entry, digits) in [
        ("48291", 6u32),
        ("4829134", 6),
        ("", 6),
        ("48a913", 6),
        ("482.913", 6),
        ("-482913", 6),
        ("482913-", 6),
        ("482--913", 6),
        ("482_913", 6),
        ("٤٨٢٩١٣", 6),
        ("482913\n", 6),
        ("0465947", 8),
        ("482913", 5),
        ("482913", 9),
    ] {
        let error = Code::parse_entry(entry, digits).unwrap_err();
        cases.push(json!({"entry": entry, "digits": digits, "error": kind(&error)}));
    }
    cases
}

fn reference_enrollment() -> Enrollment {
    let master = reference_master();
    Enrollment::new(
        "ACME Support",
        "customer-0001",
        master.account_secret("customer-0001", 0).unwrap(),
        0,
        ProfileParams::default(),
    )
    .unwrap()
}

/// Runs `steps` (time, entry) through a fresh verifier and records what it answers.
fn verifier_sequence(name: &str, config: VerifierConfig, steps: &[(u64, String)]) -> Value {
    verifier_sequence_on(&reference_enrollment(), name, config, steps)
}

/// [`verifier_sequence`] on another enrollment.
fn verifier_sequence_on(
    enrollment: &Enrollment,
    name: &str,
    config: VerifierConfig,
    steps: &[(u64, String)],
) -> Value {
    let verifier = Verifier::new(enrollment, config).unwrap();
    let recorded: Vec<Value> = steps
        .iter()
        .map(|(time, entry)| {
            let expect = match verifier.check(entry, *time) {
                Ok(verdict) => verdict_json(verdict),
                Err(error) => json!({"error": kind(&error)}),
            };
            json!({"time": time, "entry": entry, "expect": expect})
        })
        .collect();
    json!({"name": name, "enrollment_uri": enrollment.to_uri_string().as_str(),
           "config": {"behind": config.window.behind, "ahead": config.window.ahead,
                      "max_failures": config.max_failures, "lockout_seconds": config.lockout_seconds},
           "steps": recorded})
}

fn verdict_json(verdict: Verdict) -> Value {
    let name = verdict.as_str();
    match verdict {
        Verdict::Genuine { step, drift } => {
            json!({"verdict": name, "step": step, "drift": drift})
        }
        Verdict::NotGenuine { attempts_left } => {
            json!({"verdict": name, "attempts_left": attempts_left})
        }
        Verdict::AlreadyUsed { step } => json!({"verdict": name, "step": step}),
        Verdict::LockedOut { until } => json!({"verdict": name, "until": until}),
        Verdict::Misheard => json!({"verdict": name}),
    }
}

fn verifier_cases() -> Vec<Value> {
    let enrollment = reference_enrollment();
    let totp = callsign::agent_totp(enrollment.secret(), enrollment.params()).unwrap();
    let code = |step: u64| totp.code_for_step(step).as_str().to_owned();
    let base = 1_764_355_200u64; // step 58811840 begins here
    let step = base / 30;
    let wrong = |step: u64| {
        // A well-formed code that is not the code of any step near `step`.
        let near: Vec<String> = (step - 3..=step + 3).map(code).collect();
        (0u32..)
            .map(|n| format!("{:06}", (n * 7919 + 123_457) % 1_000_000))
            .find(|candidate| !near.contains(candidate))
            .unwrap()
    };
    let default = VerifierConfig::default();
    vec![
        verifier_sequence("genuine, current step", default, &[(base + 5, code(step))]),
        verifier_sequence(
            "genuine, previous step (drift -1)",
            default,
            &[(base + 5, code(step - 1))],
        ),
        verifier_sequence(
            "genuine, next step (drift +1)",
            default,
            &[(base + 5, code(step + 1))],
        ),
        verifier_sequence(
            "two steps back is outside the window",
            default,
            &[(base + 5, code(step - 2))],
        ),
        verifier_sequence(
            "two steps ahead is outside the window",
            default,
            &[(base + 5, code(step + 2))],
        ),
        verifier_sequence(
            "window edge: last second of the previous step's grace",
            default,
            &[(base + 29, code(step - 1))],
        ),
        verifier_sequence(
            "grouped entries",
            default,
            &[(
                base + 1,
                format!("{} {}", &code(step)[..3], &code(step)[3..]),
            )],
        ),
        verifier_sequence(
            "replay of the same code",
            default,
            &[(base + 1, code(step)), (base + 2, code(step))],
        ),
        verifier_sequence(
            "an older code after a newer one was accepted",
            default,
            &[(base + 1, code(step + 1)), (base + 2, code(step))],
        ),
        verifier_sequence(
            "lockout after three failures, lock holds, then ends",
            default,
            &[
                (base, wrong(step)),
                (base + 10, wrong(step)),
                (base + 20, wrong(step)),
                (base + 25, code(step)),
                (base + 600, code(step + 20)),
                (base + 20 + 900, code(step + 31)),
            ],
        ),
        verifier_sequence(
            "malformed entries do not count as attempts",
            default,
            &[
                (base, "12a456".to_owned()),
                (base + 1, "12345".to_owned()),
                (base + 2, wrong(step)),
                (base + 3, String::new()),
                (base + 4, wrong(step)),
                (base + 5, code(step)),
            ],
        ),
        verifier_sequence(
            "failures older than the lockout window expire",
            default,
            &[
                (base, wrong(step)),
                (base + 10, wrong(step)),
                (base + 1000, wrong(step + 33)),
            ],
        ),
        verifier_sequence(
            "a genuine match clears the failure count",
            default,
            &[
                (base, wrong(step)),
                (base + 1, wrong(step)),
                (base + 2, code(step)),
                (base + 3, wrong(step)),
            ],
        ),
        verifier_sequence(
            "during a lock even a malformed entry is locked out",
            VerifierConfig {
                max_failures: 1,
                ..default
            },
            &[(base, wrong(step)), (base + 1, "abc".to_owned())],
        ),
        verifier_sequence(
            "asymmetric window: two behind, none ahead",
            VerifierConfig {
                window: Window::new(2, 0).unwrap(),
                ..default
            },
            &[(base, code(step - 2)), (base + 1, code(step + 1))],
        ),
        verifier_sequence(
            "a failure is forgotten exactly lockout seconds later",
            default,
            &[
                (base, wrong(step)),
                (base + 10, wrong(step)),
                (base + 900, wrong(step + 30)),
                (base + 909, wrong(step + 30)),
            ],
        ),
        verifier_sequence(
            "the lock ends exactly at its end time",
            default,
            &[
                (base, wrong(step)),
                (base, wrong(step)),
                (base, wrong(step)),
                (base + 899, wrong(step + 29)),
                (base + 900, wrong(step + 30)),
            ],
        ),
        verifier_sequence(
            "clock moved back: the lock holds and failures count from the latest time",
            default,
            &[
                (base, wrong(step)),
                (base + 1, wrong(step)),
                (base - 900, wrong(step - 30)),
                (base + 5, code(step)),
                (base - 3600, code(step - 120)),
                (base + 901, wrong(step + 30)),
                (base - 1000, wrong(step - 34)),
                (base + 901 + 899, wrong(step + 60)),
            ],
        ),
        verifier_sequence(
            "clock moved forward ends a lock; moving it back again does not",
            default,
            &[
                (base, wrong(step)),
                (base, wrong(step)),
                (base, wrong(step)),
                (base + 1800, wrong(step + 60)),
                (base, wrong(step)),
                (base, wrong(step)),
                (base + 2699, code(step + 89)),
            ],
        ),
        verifier_sequence(
            "a device time after 9999-12-31 is an error and changes nothing",
            VerifierConfig {
                max_failures: 1,
                ..default
            },
            &[
                (callsign::MAX_DEVICE_TIME + 1, "123456".to_owned()),
                (u64::MAX, "123456".to_owned()),
                (base, code(step)),
            ],
        ),
        verifier_sequence(
            "a window of 101 steps: both ends match",
            VerifierConfig {
                window: Window::new(50, 50).unwrap(),
                ..default
            },
            &[
                (base, code(step - 50)),
                (base + 1, code(step + 50)),
                (base + 2, code(step - 51)),
            ],
        ),
        verifier_sequence(
            "exact window near time zero",
            VerifierConfig {
                window: Window::new(1, 1).unwrap(),
                ..default
            },
            &[(0, code(0)), (1, code(1))],
        ),
        verifier_sequence_on(
            &twoway::check_digit_verifier_enrollment(),
            "check digit: misheard entries cost no attempt, d digits are an error",
            default,
            &[
                (
                    base,
                    format!(
                        "{}{}",
                        code(step),
                        (callsign::damm::check_digit(&code(step)).unwrap() + 1) % 10
                    ),
                ),
                (
                    base + 1,
                    format!(
                        "{}{}",
                        code(step),
                        (callsign::damm::check_digit(&code(step)).unwrap() + 2) % 10
                    ),
                ),
                (
                    base + 2,
                    format!(
                        "{}{}",
                        code(step),
                        (callsign::damm::check_digit(&code(step)).unwrap() + 3) % 10
                    ),
                ),
                (base + 3, code(step)),
                (
                    base + 4,
                    format!(
                        "{}{}",
                        wrong(step),
                        callsign::damm::check_digit(&wrong(step)).unwrap()
                    ),
                ),
                (
                    base + 5,
                    format!(
                        "{} {}",
                        code(step),
                        callsign::damm::check_digit(&code(step)).unwrap()
                    ),
                ),
            ],
        ),
    ]
}

fn otpauth_cases() -> Vec<Value> {
    const S: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    let mut cases = Vec::new();
    let valid = [
        format!(
            "otpauth://totp/ACME%20Co:john.doe@email.com?secret={S}&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30"
        ),
        format!("otpauth://totp/ACME%20Co:john.doe@email.com?secret={S}&issuer=ACME+Co"),
        format!(
            "otpauth://totp/Example%3A%20alice@example.com?secret={S}&algorithm=sha256&digits=8&period=60"
        ),
        format!(
            "otpauth://totp/alice@example.com?secret={}",
            S.to_lowercase()
        ),
        format!("otpauth://hotp/Example:alice?secret={S}&counter=0"),
        format!(
            "otpauth://hotp/Example:alice?secret={S}&counter=18446744073709551615&digits=7&algorithm=SHA512"
        ),
        format!(
            "otpauth://totp/Example:alice?secret={S}&image=https%3A%2F%2Fexample.com%2Flogo.png"
        ),
        format!("OTPAUTH://TOTP/Example:alice?secret={S}"),
        "otpauth://totp/Example:alice?issuer=Example&secret=GEZD-GNBV-GY3T-QOJQ-GEZD-GNBV-GY3T-QOJQ".to_owned(),
        format!("otpauth://totp/Example:%20%20alice?secret={S}===="),
        // The lenient import side: an empty issuer prefix is no issuer, raw spaces are
        // spaces, unknown parameters (repeats too) are kept aside and otherwise ignored,
        // trailing base32 bits are ignored.
        format!("otpauth://totp/:alice?secret={S}"),
        format!("otpauth://totp/%3Aalice?secret={S}&issuer="),
        format!("otpauth://totp/ACME Co:john doe?secret={S}&issuer=ACME Co"),
        format!("otpauth://totp/Example:alice?secret={S}&tags=a&tags=b&color=red"),
        "otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXPJBSWY3DPEH".to_owned(),
    ];
    for uri in valid {
        let parsed = OtpAuthUri::parse(&uri).unwrap();
        let (kind_name, period, counter) = match parsed.kind {
            OtpKind::Totp { period } => ("totp", Some(period), None),
            OtpKind::Hotp { counter } => ("hotp", None, Some(counter)),
        };
        cases.push(json!({"uri": uri, "expect": {"type": kind_name, "issuer": parsed.issuer, "account": parsed.account,
            "secret_hex": hex(parsed.secret.expose_bytes()), "algorithm": parsed.algorithm.as_str(),
            "digits": parsed.digits, "period": period, "counter": counter},
            "canonical": parsed.to_uri_string().unwrap().as_str()}));
    }
    let invalid = [
        format!("http://totp/Example:alice?secret={S}"),
        format!("otpauth://motp/Example:alice?secret={S}"),
        "otpauth://totp/Example:alice?issuer=Example".to_owned(),
        "otpauth://totp/Example:alice?secret=GEZDGNBVGY3TQOJ1".to_owned(),
        "otpauth://totp/Example:alice?secret=GEZDGNBVGY3TQOJQ".to_owned(),
        format!("otpauth://totp/Example:alice?secret={S}&digits=5"),
        format!("otpauth://totp/Example:alice?secret={S}&digits=9"),
        format!("otpauth://totp/Example:alice?secret={S}&digits=six"),
        format!("otpauth://totp/Example:alice?secret={S}&period=0"),
        format!("otpauth://totp/Example:alice?secret={S}&period=-30"),
        format!("otpauth://totp/Example:alice?secret={S}&algorithm=MD5"),
        format!("otpauth://hotp/Example:alice?secret={S}"),
        format!("otpauth://hotp/Example:alice?secret={S}&counter=18446744073709551616"),
        format!("otpauth://totp/Example:alice?secret={S}&secret={S}"),
        format!("otpauth://totp/Example:alice?secret={S}&issuer=Other"),
        format!("otpauth://totp/Example:alice:bob?secret={S}"),
        format!("otpauth://totp/Example:?secret={S}"),
        format!("otpauth://totp/?secret={S}"),
        format!("otpauth://totp/Example:alice?secret={S}&issuer=%E2%28"),
        format!("otpauth://totp/Example:alice?secret={S}&issuer=%4"),
        format!("otpauth://totp/Example:alice?secret={S}&counter=3"),
        format!("otpauth://totp/Example:alice?secret={S}&digits"),
        format!("otpauth://totp?secret={S}"),
        format!("otpauth://totp/Example:alice?secret={S}&Algorithm=SHA256"),
        format!("otpauth://totp/Example:alice?secret={S}&%61lgorithm=SHA256"),
        format!("otpauth://totp/Example:alice?secret={S}&digits=6&digits=6"),
        format!("otpauth://totp/Example:ali\tce?secret={S}"),
        format!(
            "otpauth://totp/Example:alice?secret={S}&{}",
            (0..callsign::MAX_URI_PARAMETERS)
                .map(|index| format!("p{index}=x"))
                .collect::<Vec<_>>()
                .join("&")
        ),
    ];
    for uri in invalid {
        let error = OtpAuthUri::parse(&uri).unwrap_err();
        cases.push(json!({"uri": uri, "error": kind(&error)}));
    }
    cases
}

fn enrollment_cases() -> Vec<Value> {
    let reference = reference_enrollment();
    let uri = reference.to_uri_string().as_str().to_owned();
    let secret_b32 = reference.secret().to_base32().as_str().to_owned();
    let mut cases = Vec::new();
    let reordered = format!(
        "callsign://enroll?period=30&digits=6&epoch=0&secret={secret_b32}&account=customer-0001&issuer=ACME%20Support&v=1"
    );
    let master = reference_master();
    let other = Enrollment::new(
        "Zoë's Bank & Co",
        "kunde@example.de",
        master.account_secret("kunde@example.de", 7).unwrap(),
        7,
        ProfileParams::new(8, 60).unwrap(),
    )
    .unwrap();
    for text in [
        uri.clone(),
        reordered,
        other.to_uri_string().as_str().to_owned(),
    ] {
        let parsed = Enrollment::parse(&text).unwrap();
        cases.push(json!({"uri": text, "expect": {"issuer": parsed.issuer(), "account": parsed.account_id(),
            "secret_hex": hex(parsed.secret().expose_bytes()), "epoch": parsed.epoch(),
            "digits": parsed.params().digits(), "period": parsed.params().period()},
            "canonical": parsed.to_uri_string().as_str()}));
    }
    let replace = |from: &str, to: &str| uri.replace(from, to);
    let invalid = [
        uri.replace("callsign://enroll?", "callsign://enrol?"),
        uri.replace("callsign://", "otpauth://"),
        replace("v=1", "v=2"),
        replace("v=1&", ""),
        format!("{uri}&color=red"),
        format!("{uri}&epoch=1"),
        // Strict, unlike otpauth://: unknown parameters are refused, repeated or not.
        format!("{uri}&tags=a&tags=a"),
        replace("v=1", "V=1"),
        replace("digits=6", "digits=5"),
        replace("digits=6", "digits=9"),
        replace("period=30", "period=0"),
        replace("period=30", "period=5"),
        replace("period=30", "period=3600"),
        replace("epoch=0", "epoch=4294967296"),
        replace("epoch=0", "epoch=-1"),
        replace(&secret_b32, "GEZDGNBVGY3TQOJ1GEZDGNBVGY3TQOJQ"),
        replace(&secret_b32, "GEZDGNBVGY3TQOJQ"),
        replace("ACME%20Support", "ACME Support"),
        replace("ACME%20Support", "ACME+Support"),
        replace("ACME%20Support", ""),
        replace("account=customer-0001", "account="),
        replace("&period=30", ""),
        replace("ACME%20Support", "%FF%FE"),
    ];
    for text in invalid {
        let error = Enrollment::parse(&text).unwrap_err();
        cases.push(json!({"uri": text, "error": kind(&error)}));
    }
    cases.extend(twoway::enrollment_check_cases(&uri));
    cases
}

/// Addition C's reference signing key: seed bytes 0x20..0x3f.
fn reference_signing_key() -> SigningKey {
    SigningKey::from_seed(&(0x20u8..0x40).collect::<Vec<_>>()).unwrap()
}

/// Another key, playing the forger's.
fn forger_signing_key() -> SigningKey {
    SigningKey::from_seed(&(0x40u8..0x60).collect::<Vec<_>>()).unwrap()
}

/// Which refusal an untrusted-enrollment error is (the Rust variant, named for the vectors).
fn refusal(error: &Error) -> Option<&'static str> {
    match error {
        Error::EnrollmentUnsigned => Some("unsigned"),
        Error::EnrollmentSignatureMalformed { .. } => Some("malformed_signature"),
        Error::EnrollmentSignatureMismatch => Some("signature_mismatch"),
        Error::EnrollmentTrailingData => Some("trailing_data"),
        Error::EnrollmentKeysMissing => Some("no_pinned_keys"),
        _ => None,
    }
}

fn signed_enrollment_cases() -> Vec<Value> {
    let key = reference_signing_key();
    let forger = forger_signing_key();
    let public = hex(key.public_key().as_bytes());
    let forger_public = hex(forger.public_key().as_bytes());
    let unsigned = reference_enrollment().to_uri_string().as_str().to_owned();
    let signed = reference_enrollment()
        .signed(&key)
        .unwrap()
        .to_uri_string()
        .as_str()
        .to_owned();
    let by_forger = reference_enrollment()
        .signed(&forger)
        .unwrap()
        .to_uri_string()
        .as_str()
        .to_owned();
    let signature = signed.rsplit_once("&sig=").unwrap().1.to_owned();
    let mut cases = vec![json!({
        "name": "Addition C reference",
        "seed_hex": hex(key.expose_seed()), "public_key_hex": public,
        "payload": unsigned, "signature": signature, "uri": signed,
        "trusted_keys_hex": [public], "allow_unsigned": false,
        "expect": enrollment_json(&reference_enrollment()),
    })];
    let altered = signed.replace("customer-0001", "customer-0002");
    let mut flipped = signed.clone();
    let last = flipped.pop().unwrap();
    flipped.push(if last == 'A' { 'Q' } else { 'A' });
    let plus = signed.replacen("&sig=", "&sig=+", 1);
    let plus = plus[..plus.len() - 1].to_owned();
    let sig_first = format!(
        "callsign://enroll?sig={signature}&{}",
        &unsigned["callsign://enroll?".len()..]
    );
    let sig_middle = format!("{unsigned}&sig={signature}&period=30").replacen("&period=30", "", 1);
    let one = vec![public.clone()];
    let rotated = vec![forger_public.clone(), public.clone()];
    let none: Vec<String> = Vec::new();
    let short_key = vec![public[..62].to_owned()];
    let all: Vec<(&str, String, &Vec<String>, bool)> = vec![
        ("signed, pinned", signed.clone(), &one, false),
        (
            "signed, one of two pinned keys (rotation)",
            signed.clone(),
            &rotated,
            false,
        ),
        ("unsigned, keys pinned", unsigned.clone(), &one, false),
        (
            "signed by a key that is not pinned (a forgery)",
            by_forger.clone(),
            &one,
            false,
        ),
        ("altered after signing", altered, &one, false),
        ("signature bit flipped", flipped, &one, false),
        (
            "signature truncated",
            signed[..signed.len() - 1].to_owned(),
            &one,
            false,
        ),
        (
            "signature with a character outside base64url",
            plus,
            &one,
            false,
        ),
        ("signature with padding", format!("{signed}=="), &one, false),
        (
            "data after the signature",
            format!("{signed}&color=red"),
            &one,
            false,
        ),
        (
            "a second signature",
            format!("{signed}&sig={signature}"),
            &one,
            false,
        ),
        (
            "a fragment after the signature",
            format!("{signed}#x"),
            &one,
            false,
        ),
        ("sig before other parameters", sig_middle, &one, false),
        ("sig as the first parameter", sig_first, &one, false),
        (
            "no pinned keys and unsigned not allowed",
            signed.clone(),
            &none,
            false,
        ),
        (
            "no pinned keys, unsigned not allowed, unsigned payload",
            unsigned.clone(),
            &none,
            false,
        ),
        (
            "unsigned allowed explicitly: unsigned payload",
            unsigned.clone(),
            &none,
            true,
        ),
        (
            "unsigned allowed explicitly: signature ignored",
            by_forger.clone(),
            &none,
            true,
        ),
        (
            "unsigned allowed explicitly: trailing data still refused",
            format!("{by_forger}&x=1"),
            &none,
            true,
        ),
        (
            "pinned keys and allow_unsigned together",
            signed.clone(),
            &one,
            true,
        ),
        (
            "a pinned key of 31 bytes",
            signed.clone(),
            &short_key,
            false,
        ),
    ];
    for (name, uri, keys, allow_unsigned) in all {
        let keys_bytes: Vec<Vec<u8>> = keys.iter().map(|k| unhex(k)).collect();
        let result = EnrollmentTrust::from_options(&keys_bytes, allow_unsigned)
            .and_then(|trust| Enrollment::from_uri(&uri, &trust));
        let mut case = json!({"name": name, "uri": uri, "trusted_keys_hex": keys,
                              "allow_unsigned": allow_unsigned});
        match result {
            Ok(enrollment) => {
                case["expect"] = enrollment_json(&enrollment);
            }
            Err(error) => {
                case["error"] = json!(kind(&error));
                if let Some(refusal) = refusal(&error) {
                    case["refusal"] = json!(refusal);
                }
            }
        }
        cases.push(case);
    }
    cases
}

fn enrollment_json(enrollment: &Enrollment) -> Value {
    json!({"issuer": enrollment.issuer(), "account": enrollment.account_id(),
           "secret_hex": hex(enrollment.secret().expose_bytes()), "epoch": enrollment.epoch(),
           "digits": enrollment.params().digits(), "period": enrollment.params().period()})
}

fn base32_cases() -> Vec<Value> {
    let mut cases = Vec::new();
    for input in [
        "MZXW6YTBOI",
        "mzxw6ytboi",
        "MZXW-6YTB-OI",
        "MZXW 6YTB OI",
        "MZXW6YQ=",
        "MZXW6YQ",
        "MY======",
        "",
        // Non-zero unused bits in the last symbol are ignored; the canonical form zeroes them.
        "MZ",
        "MZXW7",
        "mzxw6ytboj",
    ] {
        let bytes = callsign::base32::decode(input).unwrap();
        cases.push(json!({"input": input, "hex": hex(&bytes), "canonical": callsign::base32::encode(&bytes)}));
    }
    for input in ["MZXW1", "MZX", "MZXW6YTB8", "MZ=XW", "MZXW6Y", "MZXW6YTBO!"] {
        let error = callsign::base32::decode(input).unwrap_err();
        cases.push(json!({"input": input, "error": kind(&error)}));
    }
    cases
}

fn generate() -> Value {
    let error_kinds: Vec<&str> = callsign::ErrorKind::ALL
        .iter()
        .map(|k| k.as_str())
        .collect();
    json!({
        "format": "callsign conformance vectors",
        "version": 1,
        "generated_by": "core/tests/vectors.rs (CALLSIGN_WRITE_VECTORS=1 cargo test -p callsign --test vectors)",
        "notes": [
            "Hex is lower case. Codes are strings of ASCII digits. Times are unix seconds.",
            "A case with \"error\" must fail with that error kind (see error_kinds); any other case must succeed with the values given.",
            "hkdf cases check the HKDF-SHA256 implementation itself (RFC 5869); bindings without a raw HKDF may skip them.",
            "verifier sequences run their steps in order on one fresh verifier built from enrollment_uri and config.",
            "otpauth and enrollment cases give the canonical URI that emitting the parsed value must produce.",
            "customer_codes and check_digit_codes: the code of direction agent or customer (protocol Additions A and B); code and grouped include the check digit when check_digit is true.",
            "check_digit_entries read an entry for an account with a check digit: code (the d code digits), misheard, or an error.",
            "customer_check_sequences run their steps in order on two fresh issuers (index issuer) that share one ledger, with master_key_hex, epoch, digits, period and check_digit; status is verified, not_verified, already_used, locked_out or misheard.",
            "signed_enrollments: read uri with trusted_keys_hex pinned (or none) and allow_unsigned; refusal names which untrusted_enrollment error it is. The first case is Addition C's reference: signing payload with seed_hex gives uri."
        ],
        "error_kinds": error_kinds,
        "hotp": hotp_cases(),
        "totp": totp_cases(),
        "hkdf": hkdf_cases(),
        "account_secrets": account_secret_cases(),
        "agent_codes": agent_code_cases(),
        "entries": entry_cases(),
        "verifier_sequences": verifier_cases(),
        "otpauth": otpauth_cases(),
        "enrollment": enrollment_cases(),
        "signed_enrollments": signed_enrollment_cases(),
        "base32": base32_cases(),
        "customer_codes": twoway::customer_code_cases(),
        "check_digit_codes": twoway::check_digit_code_cases(),
        "damm": twoway::damm_cases(),
        "check_digit_entries": twoway::check_digit_entry_cases(),
        "customer_check_sequences": twoway::customer_check_sequences(),
        "agent_ids": agent_id_cases(),
        "audit_chain": audit_chain_cases(),
    })
}

/// The canonical form of agent ids (protocol "Agent ids"), or the error for a refused one.
fn agent_id_cases() -> Vec<Value> {
    [
        "agent-7",
        "Agent-7",
        " agent-7\u{a0}",
        "\u{3000}ａｇｅｎｔ－７",
        "Jane   Doe",
        "ﬁona",
        "Straße",
        "ΣΊΣΥΦΟΣ",
        "İstanbul",
        "Ǆemal",
        "agent-7\u{200b}",
        "\u{feff}agent-7",
        "age\u{202e}nt",
        "agent\u{2028}7",
        "tab\there",
        "",
        "   ",
        &"x".repeat(128),
        &"x".repeat(129),
        &"Ａ".repeat(100),
    ]
    .into_iter()
    .map(|input| match callsign::canonical_agent_id(input) {
        Ok(canonical) => json!({"input": input, "canonical": canonical}),
        Err(error) => json!({"input": input, "error": error.kind().as_str()}),
    })
    .collect()
}

/// Chain hashes of audit records (protocol "Audit chain"): two agents' chains interleaved,
/// from the start value on, with fields that need JSON escaping and non-ASCII text.
fn audit_chain_cases() -> Vec<Value> {
    let events = [
        (
            1_764_355_200u64,
            AuditOutcome::Issued,
            "customer-0001",
            "agent-7",
            "T-4711",
            58_811_840u64,
            0u32,
        ),
        (
            1_764_355_201,
            AuditOutcome::Issued,
            "kunde@example.de",
            "agent-8",
            "Rückruf \"dringend\"",
            58_811_840,
            0,
        ),
        (
            1_764_355_230,
            AuditOutcome::Issued,
            "customer-0002",
            "agent-7",
            "T-4712\nline",
            58_811_841,
            0,
        ),
        (
            1_764_355_260,
            AuditOutcome::RefusedRateLimited,
            "customer-0003",
            "agent-7",
            "T-4713",
            58_811_842,
            3,
        ),
        (0, AuditOutcome::Issued, "a", "agent-8", "t", 0, u32::MAX),
    ];
    let mut heads: std::collections::HashMap<&str, [u8; 32]> = std::collections::HashMap::new();
    events
        .iter()
        .map(|&(time, outcome, account_id, agent_id, ticket, step, epoch)| {
            let event = IssuanceEvent { time, outcome, account_id, agent_id, ticket, step, epoch };
            let previous = heads.get(agent_id).copied().unwrap_or(callsign::AUDIT_CHAIN_START);
            let chain = callsign::audit_chain_hash(&previous, &event);
            heads.insert(agent_id, chain);
            json!({
                "previous_hex": hex(&previous),
                "event": {"time": time, "outcome": outcome.as_str(), "account_id": account_id, "agent_id": agent_id, "ticket": ticket, "step": step, "epoch": epoch},
                "chain_hex": hex(&chain),
            })
        })
        .collect()
}

pub(crate) fn load() -> Value {
    let text =
        std::fs::read_to_string(vector_path()).expect("tests/vectors/callsign-v1.json is readable");
    serde_json::from_str(&text).expect("the vector file is JSON")
}

pub(crate) fn cases<'a>(vectors: &'a Value, section: &str) -> &'a Vec<Value> {
    vectors[section]
        .as_array()
        .unwrap_or_else(|| panic!("section {section} is an array"))
}

#[test]
fn committed_file_is_what_core_generates() {
    let generated = serde_json::to_string_pretty(&generate()).unwrap() + "\n";
    if std::env::var_os("CALLSIGN_WRITE_VECTORS").is_some() {
        std::fs::write(vector_path(), &generated).unwrap();
    }
    let committed = std::fs::read_to_string(vector_path()).unwrap_or_default();
    assert!(
        committed == generated,
        "tests/vectors/callsign-v1.json differs from what core generates; review the change and regenerate \
         with CALLSIGN_WRITE_VECTORS=1 cargo test -p callsign --test vectors"
    );
}

#[test]
fn counts_meet_the_bar() {
    let vectors = load();
    let sections = [
        "hotp",
        "totp",
        "hkdf",
        "account_secrets",
        "agent_codes",
        "entries",
        "otpauth",
        "enrollment",
        "signed_enrollments",
        "base32",
    ];
    let mut total = 0;
    let mut invalid = 0;
    for section in sections {
        for case in cases(&vectors, section) {
            total += 1;
            invalid += usize::from(case.get("error").is_some());
        }
    }
    for sequence in cases(&vectors, "verifier_sequences") {
        for step in sequence["steps"].as_array().unwrap() {
            total += 1;
            invalid += usize::from(step["expect"].get("error").is_some());
        }
    }
    assert!(total >= 200, "{total} cases");
    assert!(invalid >= 40, "{invalid} invalid cases");
}

pub(crate) fn expect_error<T: std::fmt::Debug>(result: Result<T, Error>, case: &Value) {
    let expected = case["error"].as_str().unwrap();
    match result {
        Err(error) => assert_eq!(error.kind().as_str(), expected, "{case}: {error}"),
        Ok(value) => panic!("{case}: expected error {expected}, got {value:?}"),
    }
}

/// One step of a sequence: the outcome's JSON when `expect` names it under `key`, else the
/// expected error. `name` names the sequence in a failure.
pub(crate) fn expect_step<T: std::fmt::Debug>(
    result: Result<T, Error>,
    expect: &Value,
    key: &str,
    to_json: impl Fn(T) -> Value,
    name: &Value,
) {
    match expect.get(key) {
        Some(_) => assert_eq!(&to_json(result.unwrap()), expect, "{name}: {expect}"),
        None => expect_error(result, expect),
    }
}

fn algorithm(case: &Value) -> Algorithm {
    case["algorithm"].as_str().unwrap().parse().unwrap()
}

#[test]
fn hotp_and_totp_on_every_backend() {
    let vectors = load();
    for &backend in callsign::mac::Backend::AVAILABLE {
        for case in cases(&vectors, "hotp") {
            let result = Secret::from_bytes(&unhex(case["secret_hex"].as_str().unwrap())).and_then(
                |secret| {
                    let digits = case["digits"].as_u64().unwrap() as u32;
                    Hotp::with_backend(backend, &secret, algorithm(case), digits).map(|hotp| {
                        hotp.code(case["counter"].as_u64().unwrap())
                            .as_str()
                            .to_owned()
                    })
                },
            );
            match case.get("code") {
                Some(code) => assert_eq!(
                    result.unwrap(),
                    code.as_str().unwrap(),
                    "{backend:?} {case}"
                ),
                None => expect_error(result, case),
            }
        }
        for case in cases(&vectors, "totp") {
            let result = Secret::from_bytes(&unhex(case["secret_hex"].as_str().unwrap())).and_then(
                |secret| {
                    let digits = case["digits"].as_u64().unwrap() as u32;
                    let totp = Totp::with_backend(
                        backend,
                        &secret,
                        algorithm(case),
                        digits,
                        case["period"].as_u64().unwrap(),
                    )?
                    .with_t0(case["t0"].as_u64().unwrap());
                    let time = case["time"].as_u64().unwrap();
                    Ok((totp.code_at(time)?.as_str().to_owned(), totp.step_at(time)?))
                },
            );
            match case.get("code") {
                Some(code) => {
                    let (actual, step) = result.unwrap();
                    assert_eq!(actual, code.as_str().unwrap(), "{backend:?} {case}");
                    assert_eq!(step, case["step"].as_u64().unwrap(), "{case}");
                }
                None => expect_error(result, case),
            }
        }
    }
}

#[cfg(feature = "ring")]
#[test]
fn both_backends_are_compiled_in_this_run() {
    assert_eq!(callsign::mac::Backend::AVAILABLE.len(), 2);
}

#[test]
fn hkdf_rfc5869() {
    for case in cases(&load(), "hkdf") {
        let salt = unhex(case["salt_hex"].as_str().unwrap());
        let hkdf =
            hkdf::Hkdf::<sha2::Sha256>::new(Some(&salt), &unhex(case["ikm_hex"].as_str().unwrap()));
        let mut okm = vec![0u8; case["length"].as_u64().unwrap() as usize];
        hkdf.expand(&unhex(case["info_hex"].as_str().unwrap()), &mut okm)
            .unwrap();
        assert_eq!(
            hex(&okm),
            case["okm_hex"].as_str().unwrap(),
            "{}",
            case["name"]
        );
    }
}

#[test]
fn account_secrets_and_call_keys() {
    for case in cases(&load(), "account_secrets") {
        let result = MasterKey::from_bytes(&unhex(case["master_key_hex"].as_str().unwrap()))
            .and_then(|master| {
                let secret = master.account_secret(
                    case["account_id"].as_str().unwrap(),
                    case["epoch"].as_u64().unwrap() as u32,
                )?;
                let call_key = derive_call_key(&secret)?;
                Ok((hex(secret.expose_bytes()), hex(call_key.expose_bytes())))
            });
        match case.get("account_secret_hex") {
            Some(expected) => {
                let (secret, call_key) = result.unwrap();
                assert_eq!(secret, expected.as_str().unwrap(), "{}", case["name"]);
                assert_eq!(
                    call_key,
                    case["call_key_hex"].as_str().unwrap(),
                    "{}",
                    case["name"]
                );
            }
            None => expect_error(result, case),
        }
    }
}

#[test]
fn agent_codes() {
    for case in cases(&load(), "agent_codes") {
        let secret =
            Secret::from_bytes(&unhex(case["account_secret_hex"].as_str().unwrap())).unwrap();
        let result = ProfileParams::new(
            case["digits"].as_u64().unwrap() as u32,
            case["period"].as_u64().unwrap(),
        )
        .and_then(|params| agent_code(&secret, case["time"].as_u64().unwrap(), params));
        match case.get("code") {
            Some(code) => {
                let actual = result.unwrap();
                assert_eq!(actual.as_str(), code.as_str().unwrap(), "{}", case["name"]);
                assert_eq!(actual.grouped().as_str(), case["grouped"].as_str().unwrap());
                assert_eq!(actual.step, case["step"].as_u64().unwrap());
                assert_eq!(
                    actual.seconds_remaining,
                    case["seconds_remaining"].as_u64().unwrap()
                );
            }
            None => expect_error(result, case),
        }
    }
}

#[test]
fn entries() {
    for case in cases(&load(), "entries") {
        let result = Code::parse_entry(
            case["entry"].as_str().unwrap(),
            case["digits"].as_u64().unwrap() as u32,
        );
        match case.get("code") {
            Some(code) => assert_eq!(result.unwrap().as_str(), code.as_str().unwrap()),
            None => expect_error(result, case),
        }
    }
}

#[test]
fn verifier_sequences() {
    for sequence in cases(&load(), "verifier_sequences") {
        let config = &sequence["config"];
        let config = VerifierConfig {
            window: Window::new(
                config["behind"].as_u64().unwrap(),
                config["ahead"].as_u64().unwrap(),
            )
            .unwrap(),
            max_failures: config["max_failures"].as_u64().unwrap() as u32,
            lockout_seconds: config["lockout_seconds"].as_u64().unwrap(),
        };
        let verifier = Verifier::from_uri(
            sequence["enrollment_uri"].as_str().unwrap(),
            &EnrollmentTrust::allow_unsigned(),
            config,
        )
        .unwrap();
        for step in sequence["steps"].as_array().unwrap() {
            let result = verifier.check(
                step["entry"].as_str().unwrap(),
                step["time"].as_u64().unwrap(),
            );
            expect_step(
                result,
                &step["expect"],
                "verdict",
                verdict_json,
                &sequence["name"],
            );
        }
    }
}

#[test]
fn otpauth_uris() {
    for case in cases(&load(), "otpauth") {
        let result = OtpAuthUri::parse(case["uri"].as_str().unwrap());
        match case.get("expect") {
            Some(expect) => {
                let parsed = result.unwrap();
                assert_eq!(
                    hex(parsed.secret.expose_bytes()),
                    expect["secret_hex"].as_str().unwrap()
                );
                assert_eq!(parsed.account, expect["account"].as_str().unwrap());
                assert_eq!(parsed.issuer.as_deref(), expect["issuer"].as_str());
                assert_eq!(u64::from(parsed.digits), expect["digits"].as_u64().unwrap());
                assert_eq!(
                    parsed.algorithm.as_str(),
                    expect["algorithm"].as_str().unwrap()
                );
                let canonical = parsed.to_uri_string().unwrap();
                assert_eq!(canonical.as_str(), case["canonical"].as_str().unwrap());
                assert_eq!(OtpAuthUri::parse(&canonical).unwrap(), parsed);
            }
            None => expect_error(result, case),
        }
    }
}

#[test]
fn enrollment_uris() {
    for case in cases(&load(), "enrollment") {
        let result = Enrollment::parse(case["uri"].as_str().unwrap());
        match case.get("expect") {
            Some(expect) => {
                let parsed = result.unwrap();
                assert_eq!(parsed.issuer(), expect["issuer"].as_str().unwrap());
                assert_eq!(parsed.account_id(), expect["account"].as_str().unwrap());
                assert_eq!(
                    hex(parsed.secret().expose_bytes()),
                    expect["secret_hex"].as_str().unwrap()
                );
                assert_eq!(u64::from(parsed.epoch()), expect["epoch"].as_u64().unwrap());
                assert_eq!(
                    parsed.params().check_digit(),
                    expect["check_digit"].as_bool().unwrap_or(false)
                );
                assert_eq!(
                    parsed.to_uri_string().as_str(),
                    case["canonical"].as_str().unwrap()
                );
            }
            None => expect_error(result, case),
        }
    }
}

#[test]
fn signed_enrollments() {
    let vectors = load();
    let cases = cases(&vectors, "signed_enrollments");
    // Addition C's reference values, written here by hand.
    let reference = &cases[0];
    let key = SigningKey::from_seed(&unhex(reference["seed_hex"].as_str().unwrap())).unwrap();
    assert_eq!(
        hex(key.public_key().as_bytes()),
        "29acbae141bccaf0b22e1a94d34d0bc7361e526d0bfe12c89794bc9322966dd7"
    );
    assert_eq!(
        reference["payload"],
        "callsign://enroll?v=1&issuer=ACME%20Support&account=customer-0001&secret=7RUX6PO6UZYH6QNGL4DRTLQONNWAJGQSCE7NI4GQY72WFTSYMK4Q&epoch=0&digits=6&period=30"
    );
    assert_eq!(
        reference["signature"],
        "L8G5Ekv02vc-IBsPXyMfaNdKoco-iDMtO_Eml77Tk7xY74WRgwO-ro3x-STRGlt5--oF2OBRftRid8AWcvc2Cg"
    );
    let resigned = reference_enrollment().signed(&key).unwrap();
    assert_eq!(resigned.to_uri_string().as_str(), reference["uri"]);
    for case in cases {
        let keys: Vec<Vec<u8>> = case["trusted_keys_hex"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| unhex(k.as_str().unwrap()))
            .collect();
        let result =
            EnrollmentTrust::from_options(&keys, case["allow_unsigned"].as_bool().unwrap())
                .and_then(|trust| Enrollment::from_uri(case["uri"].as_str().unwrap(), &trust));
        if let Some(expect) = case.get("expect") {
            let enrollment = result.unwrap();
            assert_eq!(&enrollment_json(&enrollment), expect, "{}", case["name"]);
            // A trusted payload is emitted again byte for byte.
            assert_eq!(enrollment.to_uri_string().as_str(), case["uri"]);
        } else {
            let error = result.as_ref().unwrap_err();
            assert_eq!(refusal(error), case["refusal"].as_str(), "{}", case["name"]);
            expect_error(result, case);
        }
    }
}

#[test]
fn base32() {
    for case in cases(&load(), "base32") {
        let result = callsign::base32::decode(case["input"].as_str().unwrap());
        match case.get("hex") {
            Some(expected) => {
                let bytes = result.unwrap();
                assert_eq!(hex(&bytes), expected.as_str().unwrap());
                assert_eq!(
                    callsign::base32::encode(&bytes),
                    case["canonical"].as_str().unwrap()
                );
            }
            None => expect_error(result, case),
        }
    }
}

#[test]
fn agent_ids() {
    let vectors = load();
    let agent_ids = cases(&vectors, "agent_ids");
    assert!(agent_ids.len() >= 20);
    for case in agent_ids {
        let input = case["input"].as_str().unwrap();
        let result = callsign::canonical_agent_id(input);
        match case["canonical"].as_str() {
            Some(canonical) => assert_eq!(result.as_deref(), Ok(canonical), "{case}"),
            None => expect_error(result, case),
        }
    }
}

#[test]
fn audit_chain() {
    for case in cases(&load(), "audit_chain") {
        // The event through the record parser, as a verifier reads it from a JSON line.
        let mut record = case["event"].clone();
        record["chain"] = case["chain_hex"].clone();
        let record: AuditRecord = serde_json::from_value(record).unwrap();
        let previous: [u8; 32] = unhex(case["previous_hex"].as_str().unwrap())
            .try_into()
            .unwrap();
        let chain = callsign::audit_chain_hash(&previous, &record.event());
        assert_eq!(hex(&chain), case["chain_hex"].as_str().unwrap(), "{case}");
    }
}

//! The shared conformance vectors (tests/vectors/callsign-v1.json) through the binary: HOTP,
//! TOTP, agent codes, account secrets and enrollment payloads, including the expected errors.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod common;

use common::{Run, callsign, hex_bytes, write_file};
use serde_json::Value;

fn vectors() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/callsign-v1.json"
    );
    let text = std::fs::read_to_string(path).expect("the conformance vectors");
    serde_json::from_str(&text).expect("JSON")
}

fn group<'a>(vectors: &'a Value, name: &str) -> &'a [Value] {
    let cases = vectors[name].as_array().expect(name);
    assert!(!cases.is_empty(), "{name}");
    cases
}

fn text(case: &Value, field: &str) -> String {
    match &case[field] {
        Value::String(text) => text.clone(),
        Value::Number(number) => number.to_string(),
        other => panic!("{field} of {case}: {other}"),
    }
}

fn base32_of_hex(hex: &str) -> String {
    callsign::base32::encode(&hex_bytes(hex))
}

/// An expected error: status 2, one line, naming the argument the error kind belongs to.
fn assert_error(run: &Run, case: &Value, argument: &str) {
    assert_eq!(run.status, Some(2), "{case}: {run:?}");
    assert_eq!(run.stderr.lines().count(), 1, "{case}: {run:?}");
    assert!(
        run.stderr.contains(argument),
        "{case}: {argument} in {run:?}"
    );
}

/// The flag a code-parameter error names.
fn argument_of(kind: &str) -> &'static str {
    match kind {
        "invalid_digits" => "--digits",
        "invalid_period" => "--period",
        "invalid_secret_length" | "invalid_base32" => "--secret",
        "time_before_epoch" | "overflow" => "--time",
        other => panic!("no flag known for error kind {other}"),
    }
}

fn run_json(args: &[&str]) -> Value {
    let run = callsign(args);
    assert_eq!(run.status, Some(0), "{args:?}: {run:?}");
    serde_json::from_str(&run.stdout).expect("JSON")
}

#[test]
fn hotp_vectors() {
    let vectors = vectors();
    for case in group(&vectors, "hotp") {
        let secret = base32_of_hex(&text(case, "secret_hex"));
        let (counter, digits, algorithm) = (
            text(case, "counter"),
            text(case, "digits"),
            text(case, "algorithm"),
        );
        let args = [
            "hotp",
            "--secret",
            &secret,
            "--counter",
            &counter,
            "--digits",
            &digits,
            "--algorithm",
            &algorithm,
            "--json",
        ];
        match case.get("error") {
            Some(kind) => assert_error(
                &callsign(&args),
                case,
                argument_of(kind.as_str().expect("kind")),
            ),
            None => assert_eq!(run_json(&args)["code"], case["code"], "{case}"),
        }
    }
}

#[test]
fn totp_vectors_with_t0_zero() {
    let vectors = vectors();
    let mut checked = 0;
    // The CLI has no T0 flag: vectors with another epoch belong to the library's tests.
    for case in group(&vectors, "totp")
        .iter()
        .filter(|case| case["t0"] == 0)
    {
        let secret = base32_of_hex(&text(case, "secret_hex"));
        let (time, digits, period, algorithm) = (
            text(case, "time"),
            text(case, "digits"),
            text(case, "period"),
            text(case, "algorithm"),
        );
        let args = [
            "totp",
            "--secret",
            &secret,
            "--time",
            &time,
            "--digits",
            &digits,
            "--period",
            &period,
            "--algorithm",
            &algorithm,
            "--json",
        ];
        if let Some(kind) = case.get("error") {
            assert_error(
                &callsign(&args),
                case,
                argument_of(kind.as_str().expect("kind")),
            );
        } else {
            let report = run_json(&args);
            assert_eq!(report["code"], case["code"], "{case}");
            assert_eq!(report["step"], case["step"], "{case}");
        }
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} TOTP vectors with T0 = 0");
}

#[test]
fn agent_code_vectors_through_an_enrollment() {
    let vectors = vectors();
    for case in group(&vectors, "agent_codes") {
        let uri = format!(
            "callsign://enroll?v=1&issuer=Vectors&account=vector&secret={}&epoch=0&digits={}&period={}",
            base32_of_hex(&text(case, "account_secret_hex")),
            text(case, "digits"),
            text(case, "period"),
        );
        let time = text(case, "time");
        let args = [
            "agent-code",
            "--enrollment",
            &uri,
            "--time",
            &time,
            "--json",
        ];
        if case.get("error").is_some() {
            // Digits and period travel inside the enrollment, so the URI is what is wrong.
            assert_error(&callsign(&args), case, "--enrollment");
            continue;
        }
        let report = run_json(&args);
        for field in ["code", "grouped", "step", "seconds_remaining"] {
            assert_eq!(report[field], case[field], "{field} of {case}");
        }
    }
}

#[test]
fn account_secret_vectors_through_enroll() {
    let vectors = vectors();
    let dir = tempfile::tempdir().expect("tempdir");
    for (index, case) in group(&vectors, "account_secrets").iter().enumerate() {
        let key = dir.path().join(format!("master-{index}.key"));
        write_file(&key, &format!("{}\n", text(case, "master_key_hex")), 0o600);
        let key = key.display().to_string();
        let (account, epoch) = (text(case, "account_id"), text(case, "epoch"));
        let args = [
            "enroll",
            "--master-key",
            &key,
            "--account",
            &account,
            "--epoch",
            &epoch,
            "--json",
        ];
        match case.get("error").and_then(Value::as_str) {
            Some("invalid_master_key") => assert_error(&callsign(&args), case, "--master-key"),
            Some("invalid_identifier") => assert_error(&callsign(&args), case, "--account"),
            Some(other) => panic!("unexpected error kind {other} in {case}"),
            None => {
                let report = run_json(&args);
                let secret = base32_of_hex(&text(case, "account_secret_hex"));
                let uri = report["uri"].as_str().expect("uri");
                assert!(uri.contains(&format!("&secret={secret}&")), "{case}: {uri}");
                assert_eq!(report["account"].as_str(), Some(account.as_str()));
            }
        }
    }
}

#[test]
fn enrollment_vectors_through_agent_code() {
    let vectors = vectors();
    for case in group(&vectors, "enrollment") {
        let uri = text(case, "uri");
        let args = ["agent-code", "--enrollment", &uri, "--time", "59", "--json"];
        if case.get("error").is_some() {
            assert_error(&callsign(&args), case, "--enrollment");
            continue;
        }
        let report = run_json(&args);
        let expect = &case["expect"];
        for (ours, theirs) in [
            ("account", "account"),
            ("epoch", "epoch"),
            ("digits", "digits"),
            ("period", "period"),
        ] {
            assert_eq!(report[ours], expect[theirs], "{ours} of {case}");
        }
    }
}

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Replays the interoperability corpus tests/interop/otpauth-corpus.json (issue 14): base32
//! and otpauth:// inputs written after other projects' documented examples and behaviour,
//! each with what callsign must make of it.

use callsign::{OtpAuthUri, OtpKind, base32};
use serde_json::Value;
use std::collections::BTreeSet;

fn corpus() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/interop/otpauth-corpus.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).expect("read the corpus")).expect("JSON")
}

fn hex(bytes: &[u8]) -> String {
    use core::fmt::Write;
    bytes.iter().fold(String::new(), |mut out, byte| {
        let _ = write!(out, "{byte:02x}");
        out
    })
}

/// The corpus's reading of a parsed URI, field for field.
fn reading(uri: &OtpAuthUri) -> Value {
    let (kind, period, counter) = match uri.kind {
        OtpKind::Totp { period } => ("totp", Some(period), None),
        OtpKind::Hotp { counter } => ("hotp", None, Some(counter)),
    };
    serde_json::json!({
        "type": kind,
        "issuer": uri.issuer,
        "account": uri.account,
        "secret_hex": hex(uri.secret.expose_bytes()),
        "algorithm": uri.algorithm.as_str(),
        "digits": uri.digits,
        "period": period,
        "counter": counter,
        "ignored_parameters": uri.extra_parameters.iter().map(|(name, _)| name.as_str()).collect::<Vec<_>>(),
    })
}

fn check_codes(id: &str, uri: &OtpAuthUri, codes: &[Value]) {
    for pair in codes {
        let at = pair[0].as_u64().unwrap();
        let expected = pair[1].as_str().unwrap();
        let code = match uri.kind {
            OtpKind::Totp { .. } => uri.to_totp().unwrap().code_at(at).unwrap(),
            OtpKind::Hotp { .. } => uri.to_hotp().unwrap().code(at),
        };
        assert_eq!(code.as_str(), expected, "{id} at {at}");
    }
}

fn check_case(case: &Value) {
    let id = case["id"].as_str().unwrap();
    let input = case["input"].as_str().unwrap();
    match case["kind"].as_str().unwrap() {
        "base32" => match (base32::decode(input), case.get("expect")) {
            (Ok(bytes), Some(expect)) => assert_eq!(hex(&bytes), expect["hex"], "{id}"),
            (Err(error), None) => assert_eq!(error.kind().as_str(), case["error"], "{id}: {error}"),
            (result, _) => panic!("{id}: {input:?} gave {result:?}"),
        },
        "otpauth" => match (OtpAuthUri::parse(input), case.get("expect")) {
            (Ok(uri), Some(expect)) => {
                let mut expected = expect.clone();
                let codes = expected.as_object_mut().unwrap().remove("codes").unwrap();
                assert_eq!(reading(&uri), expected, "{id}");
                check_codes(id, &uri, codes.as_array().unwrap());
                // What is imported emits a canonical URI that reads back the same.
                let emitted = uri.to_uri_string().unwrap();
                assert_eq!(OtpAuthUri::parse(&emitted).unwrap(), uri, "{id}");
            }
            (Err(error), None) => assert_eq!(error.kind().as_str(), case["error"], "{id}: {error}"),
            (result, _) => panic!("{id}: {input:?} gave {result:?}"),
        },
        other => panic!("{id}: unknown kind {other}"),
    }
}

#[test]
fn every_corpus_case_gives_what_the_corpus_says() {
    let corpus = corpus();
    let cases = corpus["cases"].as_array().unwrap();
    for case in cases {
        check_case(case);
    }
}

#[test]
fn the_corpus_is_large_and_varied_enough() {
    // Issue 14: at least 300 cases from at least 5 sources, every source and basis explained.
    let corpus = corpus();
    let cases = corpus["cases"].as_array().unwrap();
    let inputs: BTreeSet<(&str, &str)> = cases
        .iter()
        .map(|case| {
            (
                case["kind"].as_str().unwrap(),
                case["input"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(inputs.len() >= 300, "{} distinct inputs", inputs.len());
    assert_eq!(inputs.len(), cases.len(), "an input appears twice");
    let sources: BTreeSet<&str> = cases
        .iter()
        .map(|case| case["source"].as_str().unwrap())
        .collect();
    assert!(sources.len() >= 5, "{sources:?}");
    for case in cases {
        let id = case["id"].as_str().unwrap();
        assert!(
            corpus["sources"]
                .get(case["source"].as_str().unwrap())
                .is_some(),
            "{id}"
        );
        assert!(
            corpus["basis"]
                .get(case["basis"].as_str().unwrap())
                .is_some(),
            "{id}"
        );
        assert!(
            case.get("expect").is_some() != case.get("error").is_some(),
            "{id}"
        );
    }
}

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
    Algorithm, AuditOutcome, AuditSink, Enrollment, Hotp, IssuanceEvent, JsonLinesAuditSink,
    OtpAuthUri, OtpKind, ProfileParams, Secret, Totp, Window, base32,
};
use proptest::prelude::*;

fn algorithm() -> impl Strategy<Value = Algorithm> {
    prop_oneof![
        Just(Algorithm::Sha1),
        Just(Algorithm::Sha256),
        Just(Algorithm::Sha512)
    ]
}

/// Text heavy in what JSON must escape: ASCII control characters, quotes and backslashes.
fn awkward_text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), "[\\x00-\\x7f\"\\\\é€😀]{0,24}"]
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
        let rustcrypto = Hotp::with_backend(Backend::RustCrypto, &secret, algorithm, digits).unwrap();
        let ring = Hotp::with_backend(Backend::Ring, &secret, algorithm, digits).unwrap();
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
    fn whatever_the_lenient_otpauth_import_reads_is_written_back_and_read_again(
        label in "(([ -$&-9;-~äé€\t]|%20){0,8}(:|%3A))?([ -$&-9;-~äé€]|%20){1,12}",
        query in "([a-zA-Z]{1,6}=([ -$'-<>-~é]|%2F|%3A){0,8}&){0,4}[a-z]{1,6}=[a-z0-9]{0,4}") {
        // The mirror of fuzz/fuzz_targets/otpauth_parse.rs: raw spaces, raw UTF-8, empty
        // issuers and extension parameters must all survive the canonical round trip.
        let text = format!("otpauth://totp/{label}?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&{query}");
        if let Ok(parsed) = OtpAuthUri::parse(&text) {
            let emitted = parsed.to_uri_string().unwrap();
            let again = OtpAuthUri::parse(&emitted).unwrap();
            prop_assert_eq!(&again, &parsed);
            let emitted_again = again.to_uri_string().unwrap();
            prop_assert_eq!(emitted_again.as_str(), emitted.as_str());
        }
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

    #[test]
    fn audit_lines_are_what_serde_json_writes(time in any::<u64>(), step in any::<u64>(), epoch in any::<u32>(),
                                              refused in any::<bool>(), account_id in awkward_text(),
                                              agent_id in awkward_text(), ticket in awkward_text()) {
        let event = IssuanceEvent {
            time,
            outcome: if refused { AuditOutcome::RefusedRateLimited } else { AuditOutcome::Issued },
            account_id: &account_id,
            agent_id: &agent_id,
            ticket: &ticket,
            step,
            epoch,
        };
        let mut line = Vec::new();
        event.write_json_line(&mut line);
        let expected = serde_json::to_string(&event).unwrap() + "\n";
        prop_assert_eq!(String::from_utf8(line).unwrap(), expected);
        let parsed: serde_json::Value = serde_json::from_str(&event.to_json()).unwrap();
        prop_assert_eq!(parsed["account_id"].as_str(), Some(account_id.as_str()));
    }

    #[test]
    fn one_shot_constructors_match_the_secret_ones(key in proptest::collection::vec(any::<u8>(), 0..80),
                                                   algorithm in algorithm(), digits in 6u32..=8,
                                                   period in 1u64..100, time in any::<u64>()) {
        let from_secret = Secret::from_bytes(&key).and_then(|secret| Totp::new(&secret, algorithm, digits, period));
        let from_bytes = Totp::from_secret_bytes(&key, algorithm, digits, period);
        match (from_secret, from_bytes) {
            (Ok(expected), Ok(actual)) => {
                let code = |totp: &Totp| totp.code_at(time).unwrap().as_str().to_owned();
                prop_assert_eq!(code(&actual), code(&expected));
            }
            (Err(expected), Err(actual)) => prop_assert_eq!(actual, expected),
            (expected, actual) => prop_assert!(false, "{:?} vs {:?}", expected.map(|_| ()), actual.map(|_| ())),
        }
        let hotp_secret = Secret::from_bytes(&key).and_then(|secret| Hotp::new(&secret, algorithm, digits));
        let hotp_bytes = Hotp::from_secret_bytes(&key, algorithm, digits);
        prop_assert_eq!(hotp_secret.map(|hotp| hotp.code(time).as_str().to_owned()),
                        hotp_bytes.map(|hotp| hotp.code(time).as_str().to_owned()));
    }
}

proptest! {
    // Each case writes and fsyncs a file.
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn the_json_lines_sink_writes_each_event_as_serde_json_does_with_its_chain(
        picks in proptest::collection::vec((0usize..3, 0usize..3, 0usize..2, 0u64..2, any::<bool>()), 0..600),
        texts in proptest::collection::vec(awkward_text(), 3),
    ) {
        // Few distinct values, so that runs of events share fields as a batch's events do.
        let events: Vec<IssuanceEvent<'_>> = picks
            .iter()
            .map(|&(account, agent, ticket, time, refused)| IssuanceEvent {
                time,
                outcome: if refused { AuditOutcome::RefusedRateLimited } else { AuditOutcome::Issued },
                account_id: &texts[account],
                agent_id: &texts[agent],
                ticket: &texts[ticket],
                step: time / 30,
                epoch: u32::from(refused),
            })
            .collect();
        let path = std::env::temp_dir().join(format!(
            "callsign-sink-property-{}-{:?}.jsonl",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_file(&path);
        let sink = JsonLinesAuditSink::open(&path).unwrap();
        let (first, second) = events.split_at(events.len() / 3);
        sink.record(first).unwrap();
        sink.record(second).unwrap();
        let written = std::fs::read_to_string(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        // serde_json's line of each event, then its chain hash (per agent, from the start).
        let mut heads = std::collections::HashMap::new();
        let expected: String = events
            .iter()
            .map(|event| {
                let previous = heads.get(event.agent_id).copied().unwrap_or(callsign::AUDIT_CHAIN_START);
                let chain = callsign::audit_chain_hash(&previous, event);
                heads.insert(event.agent_id, chain);
                let line = serde_json::to_string(event).unwrap();
                format!("{},\"chain\":\"{}\"}}\n", &line[..line.len() - 1], callsign::audit_chain_hex(&chain))
            })
            .collect();
        prop_assert_eq!(written, expected);
    }
}

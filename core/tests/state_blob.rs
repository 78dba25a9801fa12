#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Test code: hex built with format!.
#![allow(clippy::format_collect)]
//! The frozen verifier state format (docs/protocol.md, "The verifier state blob").
//!
//! tests/vectors/verifier-state.json holds blobs exported after known sequences, with their
//! fields written out by hand below; it is decoded independently by
//! `bindings/python/tests/test_state_blob.py` (a `struct` parser written from the docs) and
//! imported by every binding. The file is frozen: core must export exactly these bytes. A
//! format change is a new version, with the old version's blobs kept here as a migration test.
//! Only to add cases: `CALLSIGN_WRITE_STATE_FIXTURE=1 cargo test -p callsign --test state_blob`.

use callsign::{Enrollment, Error, STATE_VERSION, Verifier, VerifierConfig, VerifierStatus};
use hkdf::Hkdf;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::path::PathBuf;

const URI: &str = "callsign://enroll?v=1&issuer=ACME%20Support&account=customer-0001&secret=7RUX6PO6UZYH6QNGL4DRTLQONNWAJGQSCE7NI4GQY72WFTSYMK4Q&epoch=0&digits=6&period=30";
/// The same enrollment with a 60 s period: same secret, so the same state key.
const URI_60S: &str = "callsign://enroll?v=1&issuer=ACME%20Support&account=customer-0001&secret=7RUX6PO6UZYH6QNGL4DRTLQONNWAJGQSCE7NI4GQY72WFTSYMK4Q&epoch=0&digits=6&period=60";
const T: u64 = 1_764_355_200;
const CURRENT: &str = "638431";
const WRONG: &str = "123457";

fn fixture_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/verifier-state.json")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

/// The fields of a blob, as docs/protocol.md names them.
struct Fields {
    last_accepted_step: Option<u64>,
    locked_until: Option<u64>,
    latest_time: u64,
    failures: Vec<u64>,
}

/// A v2 case: entries checked on a fresh verifier, the fields the exported blob must hold,
/// and the status a restored verifier reports at a time.
struct Case {
    name: &'static str,
    steps: Vec<(u64, &'static str)>,
    fields: Fields,
    status_time: u64,
    status: VerifierStatus,
}

fn status(locked_until: Option<u64>, attempts_left: u32, last: Option<u64>) -> VerifierStatus {
    VerifierStatus {
        locked_until,
        attempts_left,
        last_accepted_step: last,
    }
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "fresh",
            steps: vec![],
            fields: Fields {
                last_accepted_step: None,
                locked_until: None,
                latest_time: 0,
                failures: vec![],
            },
            status_time: T,
            status: status(None, 3, None),
        },
        Case {
            name: "a genuine code, then a failure",
            steps: vec![(T, CURRENT), (T + 5, WRONG)],
            fields: Fields {
                last_accepted_step: Some(58_811_840),
                locked_until: None,
                latest_time: T + 5,
                failures: vec![T + 5],
            },
            status_time: T + 10,
            status: status(None, 2, Some(58_811_840)),
        },
        Case {
            name: "locked after three failures",
            steps: vec![(T, WRONG), (T + 10, WRONG), (T + 20, WRONG)],
            fields: Fields {
                last_accepted_step: None,
                locked_until: Some(T + 920),
                latest_time: T + 20,
                failures: vec![T, T + 10, T + 20],
            },
            // The clock went back: still locked.
            status_time: T - 5000,
            status: status(Some(T + 920), 0, None),
        },
        Case {
            name: "a genuine code, then a lock (both flags)",
            steps: vec![(T, CURRENT), (T + 1, WRONG), (T + 2, WRONG), (T + 3, WRONG)],
            fields: Fields {
                last_accepted_step: Some(58_811_840),
                locked_until: Some(T + 903),
                latest_time: T + 3,
                failures: vec![T + 1, T + 2, T + 3],
            },
            status_time: T + 902,
            status: status(Some(T + 903), 0, Some(58_811_840)),
        },
        Case {
            name: "a failure after the clock went back",
            steps: vec![(T, WRONG), (T - 1000, WRONG)],
            fields: Fields {
                last_accepted_step: None,
                locked_until: None,
                latest_time: T,
                failures: vec![T, T],
            },
            status_time: T - 2000,
            status: status(None, 1, None),
        },
    ]
}

fn enrollment(uri: &str) -> Enrollment {
    Enrollment::parse(uri).unwrap()
}

fn state_key() -> Vec<u8> {
    let secret = enrollment(URI).secret().expose_bytes().to_vec();
    let mut key = [0u8; 32];
    Hkdf::<Sha256>::new(Some(b"callsign v1 state"), &secret)
        .expand(b"verifier-state", &mut key)
        .unwrap();
    key.to_vec()
}

/// HMAC-SHA256(key, message), as HKDF-Extract with the key as salt (RFC 5869 2.2).
fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    let (prk, _) = Hkdf::<Sha256>::extract(Some(key), message);
    prk.to_vec()
}

fn fingerprint(label: &[u8], params: &[u8]) -> Vec<u8> {
    let mut hasher = Sha256::new();
    hasher.update(label);
    hasher.update(0u32.to_be_bytes());
    hasher.update(params);
    for field in ["ACME Support", "customer-0001"] {
        hasher.update((field.len() as u64).to_be_bytes());
        hasher.update(field.as_bytes());
    }
    hasher.finalize()[..16].to_vec()
}

fn flags(fields: &Fields) -> u8 {
    u8::from(fields.last_accepted_step.is_some()) | u8::from(fields.locked_until.is_some()) << 1
}

/// A blob written from the layout in docs/protocol.md, not by core.
fn v2_blob(fields: &Fields) -> Vec<u8> {
    v2_blob_with_flags(fields, flags(fields))
}

fn v2_blob_with_flags(fields: &Fields, flags: u8) -> Vec<u8> {
    let mut params = 30u64.to_be_bytes().to_vec();
    params.push(6);
    let mut blob = b"CSVS".to_vec();
    blob.push(2);
    blob.extend(fingerprint(b"callsign v2 enrollment", &params));
    blob.push(flags);
    blob.extend(fields.last_accepted_step.unwrap_or(0).to_be_bytes());
    blob.extend(fields.locked_until.unwrap_or(0).to_be_bytes());
    blob.extend(fields.latest_time.to_be_bytes());
    blob.push(u8::try_from(fields.failures.len()).unwrap());
    for time in &fields.failures {
        blob.extend(time.to_be_bytes());
    }
    let tag = hmac_sha256(&state_key(), &blob);
    blob.extend(&tag[..16]);
    with_checksum(blob)
}

fn with_checksum(mut blob: Vec<u8>) -> Vec<u8> {
    let sum = Sha256::digest(&blob);
    blob.extend(&sum[..4]);
    blob
}

/// A version 1 blob, as releases before format version 2 wrote it.
fn v1_blob(fields: &Fields) -> Vec<u8> {
    let mut blob = b"CSVS".to_vec();
    blob.push(1);
    blob.extend(fingerprint(b"callsign v1 enrollment", &[]));
    blob.push(flags(fields));
    blob.extend(fields.last_accepted_step.unwrap_or(0).to_be_bytes());
    blob.extend(fields.locked_until.unwrap_or(0).to_be_bytes());
    blob.push(u8::try_from(fields.failures.len()).unwrap());
    for time in &fields.failures {
        blob.extend(time.to_be_bytes());
    }
    let tag = hmac_sha256(&state_key(), &blob);
    blob.extend(&tag[..16]);
    blob
}

fn fields_json(fields: &Fields) -> Value {
    json!({
        "flags": flags(fields),
        "last_accepted_step": fields.last_accepted_step,
        "locked_until": fields.locked_until,
        "latest_time": fields.latest_time,
        "failures": fields.failures,
    })
}

fn status_json(time: u64, status: VerifierStatus) -> Value {
    json!({
        "time": time,
        "locked_until": status.locked_until,
        "attempts_left": status.attempts_left,
        "last_accepted_step": status.last_accepted_step,
    })
}

/// Blobs that must be refused: (name, enrollment, blob, "foreign" or "corrupt").
fn refused() -> Vec<(&'static str, &'static str, Vec<u8>, &'static str)> {
    let cases = cases();
    let good = v2_blob(&cases[1].fields);
    let body_len = good.len() - 4;
    let mut version_flipped = good.clone();
    version_flipped[4] = 3;
    let mut version_3 = good[..body_len].to_vec();
    version_3[4] = 3;
    let mut fingerprint_flipped = good.clone();
    fingerprint_flipped[9] ^= 0x40;
    let mut tag_altered = good[..body_len].to_vec();
    tag_altered[body_len - 1] ^= 1;
    let mut time_altered = good[..body_len].to_vec();
    time_altered[45] ^= 1;
    let endless_v1 = v1_blob(&Fields {
        last_accepted_step: None,
        locked_until: Some(u64::MAX),
        latest_time: 0,
        failures: vec![u64::MAX - 10, u64::MAX - 5, u64::MAX],
    });
    vec![
        ("another period (same secret)", URI_60S, good, "foreign"),
        ("version byte damaged", URI, version_flipped, "corrupt"),
        (
            "a later version (checksum intact)",
            URI,
            with_checksum(version_3),
            "foreign",
        ),
        (
            "fingerprint byte damaged",
            URI,
            fingerprint_flipped,
            "corrupt",
        ),
        (
            "tag altered (checksum recomputed)",
            URI,
            with_checksum(tag_altered),
            "corrupt",
        ),
        (
            "latest time altered (checksum recomputed)",
            URI,
            with_checksum(time_altered),
            "corrupt",
        ),
        ("v1: a lock that never ends", URI, endless_v1, "corrupt"),
        ("truncated", URI, b"CSVS\x02".to_vec(), "corrupt"),
        (
            "shorter than its header (checksum intact)",
            URI,
            with_checksum([b"CSVS\x02".as_slice(), &[0u8; 35]].concat()),
            "corrupt",
        ),
        (
            "v1: shorter than its header",
            URI,
            [b"CSVS\x01".as_slice(), &[0u8; 25]].concat(),
            "corrupt",
        ),
    ]
}

/// Version 1 blobs of earlier releases: (name, fields, status time, status after migration).
fn migrations() -> Vec<(&'static str, Fields, u64, VerifierStatus)> {
    vec![
        (
            "v1: locked after three failures; the clock went back since",
            Fields {
                last_accepted_step: None,
                locked_until: Some(T + 920),
                latest_time: 0,
                failures: vec![T, T + 10, T + 20],
            },
            T - 5000,
            status(Some(T + 920), 0, None),
        ),
        (
            "v1: a genuine code, then a failure",
            Fields {
                last_accepted_step: Some(58_811_840),
                locked_until: None,
                latest_time: 0,
                failures: vec![T + 5],
            },
            T + 10,
            status(None, 2, Some(58_811_840)),
        ),
        (
            "v1: a genuine code, no failures",
            Fields {
                last_accepted_step: Some(58_811_841),
                locked_until: None,
                latest_time: 0,
                failures: vec![],
            },
            T,
            status(None, 3, Some(58_811_841)),
        ),
    ]
}

fn build_fixture() -> Value {
    json!({
        "format": "callsign verifier state blobs (frozen; layout in docs/protocol.md)",
        "generated_by": "core/tests/state_blob.rs (CALLSIGN_WRITE_STATE_FIXTURE=1), from the documented layout, not by core's export",
        "enrollment_uri": URI,
        "config": {"behind": 1, "ahead": 1, "max_failures": 3, "lockout_seconds": 900},
        "current_version": STATE_VERSION,
        "blobs": cases().iter().map(|case| json!({
            "name": case.name,
            "steps": case.steps.iter().map(|&(time, entry)| json!({"time": time, "entry": entry})).collect::<Vec<_>>(),
            "blob_hex": hex(&v2_blob(&case.fields)),
            "fields": fields_json(&case.fields),
            "status": status_json(case.status_time, case.status),
        })).collect::<Vec<_>>(),
        "v1_blobs": migrations().iter().map(|(name, fields, time, status)| json!({
            "name": name,
            "blob_hex": hex(&v1_blob(fields)),
            "fields": fields_json(fields),
            "status": status_json(*time, *status),
        })).collect::<Vec<_>>(),
        "refused": refused().iter().map(|(name, uri, blob, why)| json!({
            "name": name,
            "enrollment_uri": uri,
            "blob_hex": hex(blob),
            "reason": why,
            "error": "invalid_state",
        })).collect::<Vec<_>>(),
    })
}

fn load() -> Value {
    serde_json::from_str(&std::fs::read_to_string(fixture_path()).unwrap()).unwrap()
}

#[test]
fn the_fixture_is_the_documented_layout() {
    let built = build_fixture();
    if std::env::var_os("CALLSIGN_WRITE_STATE_FIXTURE").is_some() {
        let text = serde_json::to_string_pretty(&built).unwrap() + "\n";
        std::fs::write(fixture_path(), text).unwrap();
    }
    assert_eq!(
        load(),
        built,
        "tests/vectors/verifier-state.json is frozen: a format change is a new version"
    );
}

/// Core exports exactly the committed bytes after each sequence.
#[test]
fn core_exports_the_frozen_blobs() {
    let fixture = load();
    for case in fixture["blobs"].as_array().unwrap() {
        let verifier = Verifier::new(&enrollment(URI), VerifierConfig::default()).unwrap();
        for step in case["steps"].as_array().unwrap() {
            verifier
                .check(
                    step["entry"].as_str().unwrap(),
                    step["time"].as_u64().unwrap(),
                )
                .unwrap();
        }
        assert_eq!(
            hex(&verifier.export_state()),
            case["blob_hex"].as_str().unwrap(),
            "{}",
            case["name"]
        );
    }
}

fn expected_status(value: &Value) -> (u64, VerifierStatus) {
    (
        value["time"].as_u64().unwrap(),
        status(
            value["locked_until"].as_u64(),
            u32::try_from(value["attempts_left"].as_u64().unwrap()).unwrap(),
            value["last_accepted_step"].as_u64(),
        ),
    )
}

/// Current and version 1 blobs import, and the restored verifier reports the expected status.
#[test]
fn frozen_and_version_1_blobs_import() {
    let fixture = load();
    let blobs = fixture["blobs"].as_array().unwrap();
    let v1 = fixture["v1_blobs"].as_array().unwrap();
    for case in blobs.iter().chain(v1) {
        let blob = unhex(case["blob_hex"].as_str().unwrap());
        let verifier =
            Verifier::with_state(&enrollment(URI), VerifierConfig::default(), &blob).unwrap();
        let (time, expected) = expected_status(&case["status"]);
        assert_eq!(verifier.status(time), expected, "{}", case["name"]);
        if case["blob_hex"].as_str().unwrap().starts_with("4353565302") {
            // Every field was read back: the same bytes come out.
            assert_eq!(verifier.export_state(), blob, "{}", case["name"]);
        }
    }
    assert!(!v1.is_empty());
}

/// A migrated version 1 blob is written back as the current version.
#[test]
fn a_version_1_blob_is_written_back_as_version_2() {
    let fixture = load();
    let v1 = unhex(fixture["v1_blobs"][0]["blob_hex"].as_str().unwrap());
    let verifier = Verifier::with_state(&enrollment(URI), VerifierConfig::default(), &v1).unwrap();
    let exported = verifier.export_state();
    assert_eq!(exported[4], 2);
    let restored =
        Verifier::with_state(&enrollment(URI), VerifierConfig::default(), &exported).unwrap();
    assert_eq!(restored.status(T - 5000), verifier.status(T - 5000));
    // The latest time the v1 blob held (its last failure) carries over.
    assert_eq!(restored.status(T - 5000).locked_until, Some(T + 920));
}

/// Damage reads as corrupt, another enrollment or version as foreign (issue 13 finding 7).
#[test]
fn refused_blobs_are_foreign_or_corrupt() {
    let fixture = load();
    for case in fixture["refused"].as_array().unwrap() {
        let blob = unhex(case["blob_hex"].as_str().unwrap());
        let enrollment = enrollment(case["enrollment_uri"].as_str().unwrap());
        let error = Verifier::with_state(&enrollment, VerifierConfig::default(), &blob)
            .expect_err(case["name"].as_str().unwrap());
        let reason = match error {
            Error::StateForeign => "foreign",
            Error::StateCorrupt { .. } => "corrupt",
            other => panic!("{}: {other}", case["name"]),
        };
        assert_eq!(reason, case["reason"].as_str().unwrap(), "{}", case["name"]);
        assert_eq!(error.kind().as_str(), "invalid_state");
    }
}

/// Every single-byte change of a current blob is refused, and none reads as foreign unless it
/// keeps the checksum (which a random change does not).
#[test]
fn every_damaged_byte_reads_as_corrupt() {
    let fixture = load();
    let good = unhex(fixture["blobs"][2]["blob_hex"].as_str().unwrap());
    let verifier = Verifier::new(&enrollment(URI), VerifierConfig::default()).unwrap();
    for index in 0..good.len() {
        for bit in [0x01, 0x80] {
            let mut damaged = good.clone();
            damaged[index] ^= bit;
            let error = verifier.import_state(&damaged).expect_err("damaged");
            assert!(
                matches!(error, Error::StateCorrupt { .. }),
                "byte {index} bit {bit:#x}: {error}"
            );
        }
    }
}

/// The most failures a blob can hold (20) import; 21 are corrupt, for their count, even with an
/// intact checksum (cargo-mutants survivors: the tag check hid a wrong count check).
#[test]
fn twenty_failures_import_and_twenty_one_are_corrupt() {
    let config = VerifierConfig {
        max_failures: 20,
        ..VerifierConfig::default()
    };
    let verifier = Verifier::new(&enrollment(URI), config).unwrap();
    for second in 0..20 {
        verifier.check(WRONG, T + second).unwrap();
    }
    let blob = verifier.export_state();
    assert_eq!(blob[46], 20);
    let restored = Verifier::with_state(&enrollment(URI), config, &blob).unwrap();
    assert_eq!(restored.status(T + 20), verifier.status(T + 20));
    assert_eq!(restored.status(T + 20).locked_until, Some(T + 19 + 900));

    let too_many = v2_blob(&Fields {
        last_accepted_step: None,
        locked_until: None,
        latest_time: T + 20,
        failures: (0..21).map(|second| T + second).collect(),
    });
    assert_eq!(
        Verifier::with_state(&enrollment(URI), config, &too_many).map(|_| ()),
        Err(Error::StateCorrupt {
            reason: "length does not match the failure count"
        })
    );
    // The same for version 1 blobs.
    let v1 = |count: u64| {
        v1_blob(&Fields {
            last_accepted_step: None,
            locked_until: None,
            latest_time: 0,
            failures: (0..count).map(|second| T + second).collect(),
        })
    };
    let restored = Verifier::with_state(&enrollment(URI), config, &v1(20)).unwrap();
    assert_eq!(restored.status(T + 20).attempts_left, 0);
    assert_eq!(
        Verifier::with_state(&enrollment(URI), config, &v1(21)).map(|_| ()),
        Err(Error::StateCorrupt {
            reason: "length does not match the failure count"
        })
    );
}

/// Authentic blobs (valid tag) with unknown flags or times after the last device time are
/// corrupt; the limits themselves are accepted (cargo-mutants survivors: no blob reached them).
#[test]
fn authentic_blobs_with_unknown_flags_or_impossible_times_are_corrupt() {
    const MAX: u64 = callsign::MAX_DEVICE_TIME;
    const MAX_LOCK: u64 = MAX + callsign::MAX_LOCKOUT_SECONDS;
    let fields = |locked_until, latest_time, failure| Fields {
        last_accepted_step: None,
        locked_until,
        latest_time,
        failures: vec![failure],
    };
    let import = |blob: &[u8]| {
        Verifier::with_state(&enrollment(URI), VerifierConfig::default(), blob).map(|_| ())
    };
    let corrupt = |reason| Err(Error::StateCorrupt { reason });
    for good in [
        fields(Some(MAX_LOCK), MAX, MAX),
        fields(None, MAX, T),
        fields(Some(T), T, T),
    ] {
        assert_eq!(import(&v2_blob(&good)), Ok(()));
    }
    for bad in [
        fields(None, MAX + 1, T),
        fields(None, T, MAX + 1),
        fields(Some(MAX_LOCK + 1), T, T),
    ] {
        assert_eq!(
            import(&v2_blob(&bad)),
            corrupt("a time lies after 9999-12-31")
        );
    }
    let ok = fields(Some(T + 900), T, T);
    assert_eq!(import(&v2_blob_with_flags(&ok, 3)), Ok(()));
    for flags in [4, 7, 0x80] {
        assert_eq!(
            import(&v2_blob_with_flags(&ok, flags)),
            corrupt("unknown flags")
        );
    }
}

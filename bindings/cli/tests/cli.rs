//! Runs the built `callsign` binary: every subcommand, the reference values of the protocol
//! and the RFCs, the exit statuses, and bad invocations.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::too_many_lines,
    reason = "a test fails by panicking; tables of cases are long"
)]

mod common;

use common::{Run, assert_private, binary, callsign, hex_bytes, write_file};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// base32 of RFC 6238's SHA-1 seed "12345678901234567890".
const RFC_SHA1: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
/// The protocol's reference master key: the bytes 0x00 to 0x1f.
const REFERENCE_MASTER_HEX: &str =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
/// The account secret S of "customer-0001", epoch 0, under the reference master key.
const REFERENCE_SECRET_HEX: &str =
    "fc697f3ddea6707f41a65f0719ae0e6b6c049a12113ed470d0c7f562ce5862b9";

fn base32_of(text: &[u8]) -> String {
    callsign::base32::encode(text)
}

/// A temporary directory holding the reference master key file (mode 0600).
struct Keys {
    dir: tempfile::TempDir,
}

impl Keys {
    fn new() -> Keys {
        let keys = Keys {
            dir: tempfile::tempdir().expect("tempdir"),
        };
        keys.write("reference.key", &format!("{REFERENCE_MASTER_HEX}\n"), 0o600);
        keys
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn reference(&self) -> String {
        self.arg("reference.key")
    }

    fn arg(&self, name: &str) -> String {
        self.path(name).display().to_string()
    }

    fn write(&self, name: &str, text: &str, mode: u32) -> String {
        let path = self.path(name);
        write_file(&path, text, mode);
        path.display().to_string()
    }

    /// The enrollment URI of `account` at epoch 0 under the reference master key.
    fn enrollment(&self, account: &str) -> String {
        let run = ok(&[
            "enroll",
            "--master-key",
            &self.reference(),
            "--account",
            account,
        ]);
        run.stdout.trim().to_owned()
    }
}

/// Runs and asserts exit status 0 and a quiet stderr.
fn ok(args: &[&str]) -> Run {
    let run = callsign(args);
    assert_eq!(run.status, Some(0), "{args:?}: {run:?}");
    assert!(run.stderr.is_empty(), "{args:?}: {run:?}");
    run
}

fn json(run: &Run) -> Value {
    assert_eq!(run.stdout.lines().count(), 1, "one JSON line: {run:?}");
    serde_json::from_str(&run.stdout).unwrap_or_else(|error| panic!("{error}: {run:?}"))
}

#[test]
fn hotp_matches_rfc_4226_appendix_d() {
    let expected = [
        "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871",
        "520489",
    ];
    for (counter, code) in expected.iter().enumerate() {
        let counter = counter.to_string();
        let run = ok(&[
            "hotp",
            "--secret",
            RFC_SHA1,
            "--counter",
            &counter,
            "--plain",
        ]);
        assert_eq!(run.stdout, format!("{code}\n"));
    }
    let grouped = ok(&["hotp", "--secret", RFC_SHA1, "--counter", "0"]);
    assert_eq!(grouped.stdout, "755 224\n");
    let report = json(&ok(&[
        "hotp",
        "--secret",
        RFC_SHA1,
        "--counter",
        "9",
        "--json",
    ]));
    assert_eq!(report["code"], "520489");
    assert_eq!(report["grouped"], "520 489");
    assert_eq!(report["counter"], 9);
    assert_eq!(report["algorithm"], "SHA1");
}

#[test]
fn totp_matches_rfc_6238_appendix_b() {
    let seeds = [
        ("sha1", base32_of(b"12345678901234567890")),
        ("sha256", base32_of(b"12345678901234567890123456789012")),
        (
            "SHA-512",
            base32_of(b"1234567890123456789012345678901234567890123456789012345678901234"),
        ),
    ];
    let table: [(&str, [&str; 3]); 6] = [
        ("59", ["94287082", "46119246", "90693936"]),
        ("1111111109", ["07081804", "68084774", "25091201"]),
        ("1111111111", ["14050471", "67062674", "99943326"]),
        ("1234567890", ["89005924", "91819424", "93441116"]),
        ("2000000000", ["69279037", "90698825", "38618901"]),
        ("20000000000", ["65353130", "77737706", "47863826"]),
    ];
    for (time, codes) in table {
        for ((algorithm, secret), code) in seeds.iter().zip(codes) {
            let run = ok(&[
                "totp",
                "--secret",
                secret,
                "--algorithm",
                algorithm,
                "--digits",
                "8",
                "--time",
                time,
                "--plain",
            ]);
            assert_eq!(run.stdout.trim(), code, "{algorithm} at {time}");
        }
    }
    let text = ok(&[
        "totp", "--secret", RFC_SHA1, "--time", "59", "--digits", "8",
    ]);
    assert_eq!(text.stdout, "9428 7082  (valid for 1 s more)\n");
    let report = json(&ok(&[
        "totp", "--secret", RFC_SHA1, "--time", "100", "--period", "60", "--json",
    ]));
    assert_eq!(report["step"], 1);
    assert_eq!(report["valid_until"], 120);
    assert_eq!(report["seconds_remaining"], 20);
    assert_eq!(report["period"], 60);
    // Without --time the code is the one of now.
    let now = ok(&["totp", "--secret", RFC_SHA1, "--json"]);
    assert!(json(&now)["time"].as_u64().expect("time") > 1_700_000_000);
}

#[test]
fn keygen_writes_a_private_hex_file_and_never_overwrites() {
    let keys = Keys::new();
    let path = keys.arg("new.key");
    let run = ok(&["keygen", "--out", &path]);
    assert!(run.stdout.contains("32-byte master key"), "{run:?}");
    let text = std::fs::read_to_string(&path).expect("key file");
    assert_eq!(text.len(), 65);
    assert!(text.ends_with('\n'));
    assert!(
        text[..64]
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
    );
    assert!(
        !run.stdout.contains(&text[..64]),
        "the key is never printed"
    );
    assert_private(&path);

    let again = callsign(&["keygen", "--out", &path]);
    assert_eq!(again.status, Some(2));
    assert!(again.stderr.contains("refusing to overwrite"), "{again:?}");
    assert_eq!(std::fs::read_to_string(&path).expect("key file"), text);

    let other = keys.arg("other.key");
    let report = json(&ok(&["keygen", "--out", &other, "--json"]));
    assert_eq!(report["bytes"], 32);
    assert_eq!(report["format"], "hex");
    assert_ne!(std::fs::read_to_string(&other).expect("key"), text);
    // The new key is usable right away.
    ok(&["enroll", "--master-key", &path, "--account", "a"]);
}

#[test]
fn enroll_carries_the_reference_account_secret() {
    let keys = Keys::new();
    let uri = keys.enrollment("customer-0001");
    let secret = base32_of(&hex_bytes(REFERENCE_SECRET_HEX));
    assert_eq!(
        uri,
        format!(
            "callsign://enroll?v=1&issuer=callsign&account=customer-0001&secret={secret}&epoch=0&digits=6&period=30"
        )
    );
    let report = json(&ok(&[
        "enroll",
        "--master-key",
        &keys.reference(),
        "--account",
        "kunde@example.de",
        "--epoch",
        "7",
        "--issuer",
        "Acme Support",
        "--json",
    ]));
    assert_eq!(report["epoch"], 7);
    assert_eq!(report["issuer"], "Acme Support");
    let expected = base32_of(&hex_bytes(
        "7612b3e95ddb1fdef97feaf8819c593aadba7c6db05d0369f011d07b4c808aab",
    ));
    let uri = report["uri"].as_str().expect("uri");
    assert!(uri.contains("issuer=Acme%20Support"), "{uri}");
    assert!(uri.contains(&format!("secret={expected}&")), "{uri}");
    assert!(report.get("qr").is_none());
}

#[test]
fn enroll_draws_a_qr_code() {
    let keys = Keys::new();
    let run = ok(&[
        "enroll",
        "--master-key",
        &keys.reference(),
        "--account",
        "customer-0001",
        "--qr",
    ]);
    let mut lines = run.stdout.lines();
    assert!(
        lines
            .next()
            .expect("uri")
            .starts_with("callsign://enroll?v=1&")
    );
    let qr: Vec<&str> = lines.collect();
    assert!(qr.len() > 15, "{}", run.stdout);
    let width = qr[0].chars().count();
    assert!(qr.iter().all(|line| line.chars().count() == width));
    assert!(
        qr.iter()
            .any(|line| line.contains('▀') || line.contains('▄'))
    );
    let report = json(&ok(&[
        "enroll",
        "--master-key",
        &keys.reference(),
        "--account",
        "customer-0001",
        "--qr",
        "--json",
    ]));
    assert_eq!(report["qr"].as_str().expect("qr").lines().count(), qr.len());
}

#[test]
fn agent_code_matches_the_protocol_reference_values() {
    let keys = Keys::new();
    let master = keys.reference();
    let cases = [
        ("customer-0001", "0", "59", None, "913441"),
        ("customer-0001", "0", "1111111109", None, "981797"),
        ("customer-0001", "0", "2000000000", None, "051628"),
        (
            "customer-0001",
            "0",
            "1764355200",
            Some(("8", "60")),
            "04659476",
        ),
        ("kunde@example.de", "7", "59", None, "139117"),
    ];
    for (account, epoch, time, params, code) in cases {
        let mut args = vec![
            "agent-code",
            "--master-key",
            &master,
            "--account",
            account,
            "--epoch",
            epoch,
            "--time",
            time,
            "--plain",
        ];
        if let Some((digits, period)) = params {
            args.extend(["--digits", digits, "--period", period]);
        }
        assert_eq!(ok(&args).stdout.trim(), code, "{account} at {time}");
    }
    let text = ok(&[
        "agent-code",
        "--master-key",
        &master,
        "--account",
        "customer-0001",
        "--time",
        "59",
    ]);
    assert_eq!(
        text.stdout,
        "913 441  (valid for 1 s more, until 1970-01-01 00:01:00 UTC)\n"
    );
}

#[test]
fn agent_code_from_an_enrollment_is_audited_to_a_file() {
    let keys = Keys::new();
    let uri = keys.enrollment("customer-0001");
    let audit = keys.arg("audit.jsonl");
    let report = json(&ok(&[
        "agent-code",
        "--enrollment",
        &uri,
        "--time",
        "2000000000",
        "--agent",
        "alice",
        "--ticket",
        "T-1042",
        "--audit",
        &audit,
        "--json",
    ]));
    assert_eq!(report["code"], "051628");
    assert_eq!(report["grouped"], "051 628");
    assert_eq!(report["account"], "customer-0001");
    assert_eq!(report["seconds_remaining"], 10);
    assert_eq!(report["audit_file"], audit.as_str());
    ok(&[
        "agent-code",
        "--master-key",
        &keys.reference(),
        "--account",
        "customer-0001",
        "--time",
        "59",
        "--audit",
        &audit,
        "--plain",
    ]);
    let lines: Vec<Value> = std::fs::read_to_string(&audit)
        .expect("audit file")
        .lines()
        .map(|line| serde_json::from_str(line).expect("JSON line"))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["agent_id"], "alice");
    assert_eq!(lines[0]["ticket"], "T-1042");
    assert_eq!(lines[0]["step"], 66_666_666);
    assert_eq!(lines[0]["outcome"], "issued");
    assert_eq!(lines[1]["ticket"], "cli", "the default ticket");
    assert_eq!(lines[1]["step"], 1);
    for line in &lines {
        assert!(line.get("code").is_none(), "the audit never holds the code");
    }
    assert_private(&audit);
}

#[test]
fn agent_code_watch_rolls_on_to_the_next_code() {
    let keys = Keys::new();
    let audit = keys.arg("watch.jsonl");
    let mut child = Command::new(binary())
        .args([
            "agent-code",
            "--master-key",
            &keys.reference(),
            "--account",
            "customer-0001",
            "--period",
            "10",
            "--audit",
            &audit,
            "--watch",
            "--json",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let mut next = || -> Value {
        let line = lines.next().expect("a code").expect("read");
        serde_json::from_str(&line).expect("JSON")
    };
    let first = next();
    let second = next();
    child.kill().expect("interrupt");
    let _ = child.wait();
    assert_eq!(
        second["step"].as_u64(),
        first["step"].as_u64().map(|step| step + 1)
    );
    // Issued as the step begins (a second or so later on a busy machine).
    let remaining = second["seconds_remaining"].as_u64().expect("seconds");
    assert!((5..=10).contains(&remaining), "{second}");
    assert_ne!(first["code"], second["code"]);
    let audited = std::fs::read_to_string(&audit).expect("audit");
    assert!(audited.lines().count() >= 2, "every rolled code is audited");
}

#[test]
fn verify_exits_0_genuine_and_1_not_genuine() {
    let keys = Keys::new();
    let uri = keys.enrollment("customer-0001");
    let genuine = ok(&[
        "verify",
        "--enrollment",
        &uri,
        "--allow-unsigned",
        "--code",
        "051 628",
        "--time",
        "2000000000",
    ]);
    assert_eq!(
        genuine.stdout,
        "GENUINE (step 66666666, drift 0: the clocks agree)\n"
    );
    // Read out 20 s late, after the roll-over: one step of drift.
    let late = json(&ok(&[
        "verify",
        "--enrollment",
        &uri,
        "--allow-unsigned",
        "--code",
        "051-628",
        "--time",
        "2000000020",
        "--json",
    ]));
    assert_eq!(late["genuine"], true);
    assert_eq!(late["verdict"], "genuine");
    assert_eq!(late["drift"], -1);

    let wrong = callsign(&[
        "verify",
        "--enrollment",
        &uri,
        "--allow-unsigned",
        "--code",
        "051629",
        "--time",
        "2000000000",
    ]);
    assert_eq!(wrong.status, Some(1), "{wrong:?}");
    assert_eq!(wrong.stdout.lines().count(), 1);
    assert!(wrong.stdout.starts_with("NOT GENUINE"), "{wrong:?}");
    let too_late = callsign(&[
        "verify",
        "--enrollment",
        &uri,
        "--allow-unsigned",
        "--code",
        "051628",
        "--time",
        "2000000100",
        "--json",
    ]);
    assert_eq!(too_late.status, Some(1));
    let report = json(&too_late);
    assert_eq!(report["genuine"], false);
    assert_eq!(report["verdict"], "not_genuine");
    assert!(
        report.get("attempts_left").is_none(),
        "a one-shot check counts no attempts"
    );
    // A now-code verifies now.
    let code = ok(&["agent-code", "--enrollment", &uri, "--plain"]);
    ok(&[
        "verify",
        "--enrollment",
        &uri,
        "--allow-unsigned",
        "--code",
        code.stdout.trim(),
    ]);
}

/// Addition C's reference public key (seed 0x20..0x3f).
const REFERENCE_PUBLIC_KEY_HEX: &str =
    "29acbae141bccaf0b22e1a94d34d0bc7361e526d0bfe12c89794bc9322966dd7";

#[test]
fn signed_enrollments_verify_only_under_the_pinned_key() {
    let keys = Keys::new();
    let signing = keys.arg("signing.key");
    let made = json(&ok(&["keygen", "--signing", "--out", &signing, "--json"]));
    let public = made["public_key"].as_str().expect("public key").to_owned();
    assert_eq!(public.len(), 64);
    let other = keys.arg("other.key");
    let other_public = json(&ok(&["keygen", "--signing", "--out", &other, "--json"]))["public_key"]
        .as_str()
        .expect("public key")
        .to_owned();
    let enroll = |key: &str| {
        json(&ok(&[
            "enroll",
            "--master-key",
            &keys.reference(),
            "--account",
            "customer-0001",
            "--signing-key",
            key,
            "--json",
        ]))
    };
    let signed = enroll(&signing);
    assert_eq!(signed["signed"], true);
    let uri = signed["uri"].as_str().expect("uri").to_owned();
    assert!(uri.contains("&sig="), "{uri}");
    let check = |uri: &str, pinned: &str| {
        callsign(&[
            "verify",
            "--enrollment",
            uri,
            "--code",
            "051 628",
            "--time",
            "2000000000",
            "--trusted-key",
            pinned,
        ])
    };
    let genuine = check(&uri, &public);
    assert_eq!(genuine.status, Some(0), "{genuine:?}");
    // Rotation: any pinned key may verify.
    let rotated = callsign(&[
        "verify",
        "--enrollment",
        &uri,
        "--code",
        "051628",
        "--time",
        "2000000000",
        "--trusted-key",
        &other_public,
        "--trusted-key",
        &public,
    ]);
    assert_eq!(rotated.status, Some(0), "{rotated:?}");
    // Signed by another key: refused, exit 2, and no verdict.
    let forged = enroll(&other)["uri"].as_str().expect("uri").to_owned();
    let refused = check(&forged, &public);
    assert_eq!(refused.status, Some(2), "{refused:?}");
    assert!(
        refused.stderr.contains("no pinned key verifies"),
        "{refused:?}"
    );
    assert!(refused.stdout.is_empty());
    let trailing = check(&format!("{uri}&x=1"), &public);
    assert!(
        trailing.stderr.contains("data after its signature"),
        "{trailing:?}"
    );
    // The seed file is private.
    assert_private(&signing);
}

#[test]
fn customer_code_and_verify_customer_both_ways() {
    let keys = Keys::new();
    let plain = keys.enrollment("customer-0001");
    // The protocol's reference customer code (Addition A), and with the check digit (B).
    let shown = ok(&[
        "customer-code",
        "--enrollment",
        &plain,
        "--time",
        "59",
        "--plain",
    ]);
    assert_eq!(shown.stdout, "246206\n");
    let checked = ok(&[
        "enroll",
        "--master-key",
        &keys.reference(),
        "--account",
        "customer-0001",
        "--check-digit",
    ])
    .stdout
    .trim()
    .to_owned();
    assert!(checked.ends_with("&check=damm"), "{checked}");
    let shown = json(&ok(&[
        "customer-code",
        "--enrollment",
        &checked,
        "--time",
        "59",
        "--json",
    ]));
    assert_eq!(shown["code"], "2462065");
    assert_eq!(shown["grouped"], "246 206 5");
    let agent = ok(&[
        "agent-code",
        "--enrollment",
        &checked,
        "--time",
        "59",
        "--plain",
    ]);
    assert_eq!(agent.stdout, "9134417\n");
    let base = [
        "verify-customer",
        "--master-key",
        &keys.reference(),
        "--account",
        "customer-0001",
        "--time",
        "59",
    ];
    let verified = ok(&with(&base, &["--code", "246 206"]));
    assert_eq!(
        verified.stdout,
        "VERIFIED (step 1: the caller holds the customer's enrolled app)\n"
    );
    let wrong = callsign(&with(&base, &["--code", "246207", "--json"]));
    assert_eq!(wrong.status, Some(1), "{wrong:?}");
    let report = json(&wrong);
    assert_eq!(report["verified"], false);
    assert_eq!(report["status"], "not_verified");
    let misheard = callsign(&with(&base, &["--check-digit", "--code", "246 206 4"]));
    assert_eq!(misheard.status, Some(1), "{misheard:?}");
    assert!(misheard.stdout.starts_with("MISHEARD"), "{misheard:?}");
    ok(&with(&base, &["--check-digit", "--code", "246 206 5"]));
    let short = callsign(&with(&base, &["--check-digit", "--code", "246206"]));
    assert_eq!(short.status, Some(2), "{short:?}");
    assert!(
        short.stderr.contains("--code") && short.stderr.contains("7 digits are expected"),
        "{short:?}"
    );
}

#[test]
fn verify_customer_with_a_ledger_locks_the_account_across_runs_and_agents() {
    let keys = Keys::new();
    let ledger = format!("sqlite:{}", keys.arg("ledger.db"));
    let run = |agent: &str, code: &str, time: &str| {
        callsign(&[
            "verify-customer",
            "--master-key",
            &keys.reference(),
            "--account",
            "customer-0001",
            "--ledger",
            &ledger,
            "--agent",
            agent,
            "--code",
            code,
            "--time",
            time,
            "--json",
        ])
    };
    // 246206 is the customer code at t = 59; 000000 matches no step around t = 60..62.
    for (agent, time, status) in [
        ("agent-1", "60", "not_verified"),
        ("agent-2", "61", "not_verified"),
        ("agent-3", "62", "locked_out"),
    ] {
        let wrong = run(agent, "000000", time);
        assert_eq!(wrong.status, Some(1), "{wrong:?}");
        assert_eq!(json(&wrong)["status"], status, "{wrong:?}");
    }
    let locked = run("agent-4", "246206", "63");
    assert_eq!(locked.status, Some(1), "{locked:?}");
    assert_eq!(json(&locked)["locked_until"], 962);
    let shown = ok(&[
        "customer-code",
        "--enrollment",
        &keys.enrollment("customer-0001"),
        "--time",
        "962",
        "--plain",
    ]);
    ok(&[
        "verify-customer",
        "--master-key",
        &keys.reference(),
        "--account",
        "customer-0001",
        "--ledger",
        &ledger,
        "--code",
        shown.stdout.trim(),
        "--time",
        "962",
    ]);
}

#[test]
fn demo_tells_the_whole_story_in_under_5_seconds() {
    let started = Instant::now();
    let run = ok(&["demo"]);
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(5), "demo took {elapsed:?}");
    let out = &run.stdout;
    for line in [
        "callsign://enroll?v=1&issuer=Acme%20Support&account=customer-0001&secret=",
        "...[redacted]&epoch=0&digits=6&period=30&check=damm&sig=",
        "its public key is built into the app: ",
        "customer app | REFUSED: no pinned key verifies the enrollment's signature",
        "customer app | REFUSED: the enrollment is not signed",
        "Summary: forged link REFUSED;",
        "audit log    | {\"time\":",
        "\"outcome\":\"issued\"",
        "customer app | MISHEARD (the check digit does not fit",
        "customer app | GENUINE (step ",
        ", drift -1: ",
        "customer app | ALREADY USED (step ",
        "customer app | NOT GENUINE (2 attempts left before the lock)",
        "customer app | NOT GENUINE (1 attempt left before the lock)",
        "customer app | LOCKED until ",
        "restores its state from the blob",
        ", drift 0: the clocks agree)",
        "lock survived the app restart",
        "I am calling Acme Support",
        "agent tool   | VERIFIED (step ",
        "agent tool   | MISHEARD (the check digit does not fit",
        "agent tool   | NOT VERIFIED (2 attempts left before the account locks for every agent)",
        "agent tool   | NOT VERIFIED (1 attempt left before the account locks for every agent)",
        "agent tool   | LOCKED until ",
        "\"outcome\":\"customer_verified\"",
        "\"outcome\":\"customer_misheard\"",
        "rate limit survived the tool restart",
        "\"outcome\":\"refused_rate_limited\"",
    ] {
        assert!(out.contains(line), "missing {line:?} in:\n{out}");
    }
    for party in [
        "vendor",
        "agent",
        "customer app",
        "scammer",
        "audit log",
        "agent tool",
    ] {
        assert!(
            out.contains(&format!("  {party:<13}| ")),
            "{party} says nothing"
        );
    }
    // Three wrong guesses lock; the restored app stays locked, even for the real code.
    // On the vendor side, the third wrong code locks and the real customer waits too.
    assert_eq!(out.matches("| LOCKED until ").count(), 5, "{out}");
    let report = json(&ok(&["demo", "--json"]));
    assert_eq!(report["lock_survived_restart"], true);
    assert_eq!(report["forged_link_refused"], true);
    assert_eq!(report["limit_survived_restart"], true);
    // Three codes in the story, one after the tool's restart, then the refusal; six customer
    // checks (each audited before its verdict).
    assert_eq!(report["audit"].as_array().map(Vec::len), Some(11));
    let customer: Vec<&str> = report["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|event| event["customer_verdict"].as_str())
        .collect();
    assert_eq!(
        customer,
        [
            "verified",
            "misheard",
            "not_verified",
            "not_verified",
            "locked_out",
            "locked_out"
        ]
    );
    let verdicts: Vec<&str> = report["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|event| event["verdict"]["verdict"].as_str())
        .collect();
    assert_eq!(
        verdicts,
        [
            "misheard",
            "genuine",
            "already_used",
            "not_genuine",
            "not_genuine",
            "locked_out",
            "locked_out",
            "locked_out",
            "genuine"
        ]
    );
}

#[test]
fn help_and_version_exit_0() {
    let help = ok(&["--help"]);
    for command in [
        "hotp",
        "totp",
        "keygen",
        "enroll",
        "agent-code",
        "verify",
        "customer-code",
        "verify-customer",
        "demo",
    ] {
        assert!(help.stdout.contains(command), "{command} in {help:?}");
    }
    assert!(
        ok(&["keygen", "--help"])
            .stdout
            .contains("64 lowercase hex digits")
    );
    assert!(ok(&["--version"]).stdout.starts_with("callsign "));
}

/// The arguments `start` followed by `more`.
fn with<'a>(start: &[&'a str], more: &[&'a str]) -> Vec<&'a str> {
    [start, more].concat()
}

/// Bad invocations: each exits 2 with one line on stderr that names the problem, prints
/// nothing on stdout, and never panics.
#[test]
fn bad_invocations_exit_2_with_one_line_naming_the_argument() {
    let keys = Keys::new();
    let master = keys.reference();
    let uri = keys.enrollment("customer-0001");
    let existing = keys.write("existing.key", "untouched\n", 0o600);
    let readable = keys.write("readable.key", &format!("{REFERENCE_MASTER_HEX}\n"), 0o644);
    let not_hex = keys.write("not-hex.key", "not a key\n", 0o600);
    let short = keys.write(
        "short.key",
        &format!("{}\n", &REFERENCE_MASTER_HEX[..32]),
        0o600,
    );
    let missing = keys.arg("missing.key");
    let long_ticket = "t".repeat(257);
    let foreign = uri.replace("v=1", "v=2");
    let unknown = format!("{uri}&color=red");
    let short_secret = base32_of(b"0123456789");
    // The valid start of a command line, for cases that only add a bad argument to it.
    let hotp_1 = ["hotp", "--secret", RFC_SHA1, "--counter", "1"];
    let enroll_a = ["enroll", "--master-key", &master, "--account", "a"];
    let issue_a = ["agent-code", "--master-key", &master, "--account", "a"];
    let cases: Vec<(Vec<&str>, &[&str])> = vec![
        (vec![], &["requires a subcommand"]),
        (vec!["bogus"], &["unrecognized subcommand 'bogus'"]),
        (vec!["hotp", "--counter", "1"], &["--secret"]),
        (vec!["hotp", "--secret", RFC_SHA1], &["--counter"]),
        (
            vec!["hotp", "--secret", RFC_SHA1, "--counter", "-1"],
            &["--counter", "'-1'"],
        ),
        (
            vec!["hotp", "--secret", RFC_SHA1, "--counter", "x"],
            &["--counter", "must be a whole number"],
        ),
        (
            vec![
                "hotp",
                "--secret",
                RFC_SHA1,
                "--counter",
                "18446744073709551616",
            ],
            &["--counter"],
        ),
        (
            vec!["hotp", "--secret", "ABC", "--counter", "1"],
            &["--secret", "base32"],
        ),
        (
            vec!["hotp", "--secret", "GEZD!NBV", "--counter", "1"],
            &["--secret", "'!' at position 4"],
        ),
        (
            vec!["hotp", "--secret", &short_secret, "--counter", "1"],
            &["--secret", "at least 16 bytes"],
        ),
        (with(&hotp_1, &["--digits", "9"]), &["--digits", "9"]),
        (with(&hotp_1, &["--digits", "5"]), &["--digits", "5"]),
        (
            with(&hotp_1, &["--algorithm", "md5"]),
            &["--algorithm", "md5"],
        ),
        (
            with(&hotp_1, &["surplus"]),
            &["unexpected argument 'surplus'"],
        ),
        (
            vec!["totp", "--secret", RFC_SHA1, "--period", "0"],
            &["--period", "at least 1 second"],
        ),
        (
            vec!["totp", "--secret", RFC_SHA1, "--time", "soon"],
            &["--time"],
        ),
        (
            vec!["totp", "--secret", RFC_SHA1, "--json", "--plain"],
            &["--json", "--plain"],
        ),
        (vec!["keygen"], &["--out"]),
        (
            vec!["keygen", "--out", &existing],
            &["--out", "refusing to overwrite"],
        ),
        (
            vec!["keygen", "--out", "/nonexistent-dir/key"],
            &["--out", "cannot create"],
        ),
        (
            vec!["enroll", "--master-key", &missing, "--account", "a"],
            &["--master-key", "cannot read"],
        ),
        (
            vec!["enroll", "--master-key", &readable, "--account", "a"],
            &["--master-key", "mode 0644", "chmod 600"],
        ),
        (
            vec!["enroll", "--master-key", &not_hex, "--account", "a"],
            &["--master-key", "not a master key file"],
        ),
        (
            vec!["enroll", "--master-key", &short, "--account", "a"],
            &["--master-key", "16 bytes", "32 to 64"],
        ),
        (
            vec!["enroll", "--master-key", &master, "--account", ""],
            &["--account", "0 bytes"],
        ),
        (with(&enroll_a, &["--issuer", ""]), &["--issuer"]),
        (with(&enroll_a, &["--epoch", "-1"]), &["--epoch", "'-1'"]),
        (with(&enroll_a, &["--epoch", "4294967296"]), &["--epoch"]),
        (vec!["agent-code"], &["--master-key", "--enrollment"]),
        (vec!["agent-code", "--master-key", &master], &["--account"]),
        (
            vec![
                "agent-code",
                "--enrollment",
                &uri,
                "--master-key",
                &master,
                "--account",
                "a",
            ],
            &["--enrollment", "--master-key"],
        ),
        (
            vec!["agent-code", "--enrollment", "https://example.com"],
            &["--enrollment", "callsign://enroll?"],
        ),
        (
            vec!["agent-code", "--enrollment", &foreign],
            &["--enrollment", "version"],
        ),
        (
            vec!["agent-code", "--enrollment", &unknown],
            &["--enrollment", "color"],
        ),
        (
            vec!["agent-code", "--enrollment", &uri, "--digits", "8"],
            &["--digits", "6 digits, not 8"],
        ),
        (
            vec!["agent-code", "--enrollment", &uri, "--period", "60"],
            &["--period", "30 s, not 60 s"],
        ),
        (
            with(&issue_a, &["--period", "5"]),
            &["--period", "between 10 and 300"],
        ),
        (with(&issue_a, &["--digits", "10"]), &["--digits", "10"]),
        (
            with(&issue_a, &["--watch", "--time", "5"]),
            &["--watch", "--time"],
        ),
        (with(&issue_a, &["--agent", ""]), &["--agent", "got 0"]),
        (
            with(&issue_a, &["--ticket", &long_ticket]),
            &["--ticket", "got 257"],
        ),
        (
            with(&issue_a, &["--audit", "/nonexistent-dir/audit"]),
            &["--audit", "cannot open"],
        ),
        (
            with(&issue_a, &["--time", "18446744073709551615"]),
            &["--time", "overflows"],
        ),
        (
            vec!["verify", "--enrollment", &uri, "--allow-unsigned"],
            &["--code"],
        ),
        (
            vec!["verify", "--code", "123456", "--allow-unsigned"],
            &["--enrollment"],
        ),
        (
            vec!["verify", "--enrollment", &uri, "--code", "123456"],
            &["--trusted-key", "--allow-unsigned"],
        ),
        (
            vec![
                "verify",
                "--enrollment",
                &uri,
                "--code",
                "123456",
                "--trusted-key",
                REFERENCE_PUBLIC_KEY_HEX,
            ],
            &["--enrollment", "not signed"],
        ),
        (
            vec![
                "verify",
                "--enrollment",
                &uri,
                "--code",
                "123456",
                "--trusted-key",
                "abcd",
            ],
            &["--trusted-key", "has 2 bytes; it must have 32"],
        ),
        (
            vec![
                "verify",
                "--enrollment",
                &uri,
                "--code",
                "123456",
                "--trusted-key",
                "not hex",
            ],
            &["--trusted-key", "64 hex digits"],
        ),
        (
            vec![
                "verify",
                "--enrollment",
                &uri,
                "--allow-unsigned",
                "--code",
                "12a456",
            ],
            &["--code", "'a' at position 2"],
        ),
        (
            vec![
                "verify",
                "--enrollment",
                &uri,
                "--allow-unsigned",
                "--code",
                "12345",
            ],
            &["--code", "exactly 6 digits, got 5"],
        ),
        (
            vec![
                "verify",
                "--enrollment",
                &unknown,
                "--allow-unsigned",
                "--code",
                "123456",
            ],
            &["--enrollment", "color"],
        ),
        (
            vec![
                "enroll",
                "--master-key",
                &master,
                "--account",
                "a",
                "--signing-key",
                &not_hex,
            ],
            &["--signing-key", "64 hex digits"],
        ),
        (vec!["demo", "--plain"], &["--plain"]),
    ];
    assert!(cases.len() >= 20);
    for (args, needles) in &cases {
        let run = callsign(args);
        assert_eq!(run.status, Some(2), "{args:?}: {run:?}");
        assert!(run.stdout.is_empty(), "{args:?}: {run:?}");
        assert_eq!(run.stderr.lines().count(), 1, "{args:?}: {run:?}");
        assert!(run.stderr.starts_with("error: "), "{args:?}: {run:?}");
        assert!(!run.stderr.contains("panicked"), "{args:?}: {run:?}");
        for needle in *needles {
            assert!(
                run.stderr.contains(needle),
                "{args:?}: {needle:?} not in {:?}",
                run.stderr
            );
        }
    }
    assert_eq!(
        std::fs::read_to_string(&existing).expect("file"),
        "untouched\n"
    );
}

#[test]
fn errors_never_echo_secrets() {
    let keys = Keys::new();
    // A real-looking but too short (80-bit) secret must not come back in the error.
    let secret = "JBSWY3DPEHPK3PXP";
    let run = callsign(&["totp", "--secret", secret]);
    assert_eq!(run.status, Some(2));
    assert!(!run.stderr.contains(secret), "{run:?}");
    // A key file of the wrong length: the error names the file, not its content.
    let path = keys.write(
        "odd.key",
        &format!("{}\n", &REFERENCE_MASTER_HEX[..40]),
        0o600,
    );
    let run = callsign(&["enroll", "--master-key", &path, "--account", "a"]);
    assert_eq!(run.status, Some(2));
    assert!(!run.stderr.contains(&REFERENCE_MASTER_HEX[..40]), "{run:?}");
    assert!(Path::new(&path).exists());
}

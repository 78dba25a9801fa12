//! `callsign import`: a verdict for every line of a file or stdin, never a secret, and exit
//! statuses 0 (all imported), 1 (some refused) and 2 (unreadable input).
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod common;

use common::{Run, callsign, callsign_with_stdin, write_file};
use serde_json::Value;

const LOOSE_SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEH";
const SHORT_SECRET: &str = "JBSWY3DPEHPK3PXP";

fn accounts() -> String {
    format!(
        "# exported accounts\n\
         otpauth://totp/ACME%20Co:alice@example.com?secret={LOOSE_SECRET}&issuer=ACME+Co&tags=a&tags=b\n\
         \n\
         otpauth://totp/Short:bob?secret={SHORT_SECRET}\r\n\
         otpauth://hotp/:carol?secret={LOOSE_SECRET}&counter=5\n\
         otpauth://totp/x?secret={LOOSE_SECRET}&Algorithm=SHA256\n"
    )
}

fn import_stdin(args: &[&str], input: &[u8]) -> Run {
    let mut all = vec!["import"];
    all.extend_from_slice(args);
    callsign_with_stdin(&all, input)
}

#[test]
fn every_line_gets_a_verdict_and_refusals_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("accounts.txt");
    write_file(&path, &accounts(), 0o600);
    let run = callsign(&["import", path.to_str().unwrap()]);
    assert_eq!(run.status, Some(1), "{run:?}");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 5, "{}", run.stdout);
    assert!(lines[0].starts_with("line 2: imported totp \"alice@example.com\" (\"ACME Co\""));
    assert!(
        lines[0].ends_with("ignored parameters: tags, tags"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("line 4: refused (invalid_secret_length): the secret has 10 bytes")
    );
    assert!(
        lines[2].starts_with("line 5: imported hotp \"carol\" (no issuer;"),
        "{}",
        lines[2]
    );
    assert!(
        lines[3].starts_with("line 6: refused (invalid_uri):"),
        "{}",
        lines[3]
    );
    assert_eq!(lines[4], "2 imported, 2 refused");
    assert!(!run.stdout.contains(LOOSE_SECRET) && !run.stdout.contains(SHORT_SECRET));
    assert!(run.stderr.is_empty(), "{}", run.stderr);
}

#[test]
fn json_from_stdin() {
    let run = import_stdin(&["--json", "-"], accounts().as_bytes());
    assert_eq!(run.status, Some(1), "{run:?}");
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["imported"], 2);
    assert_eq!(report["refused"], 2);
    let lines = report["lines"].as_array().unwrap();
    assert_eq!(lines[0]["status"], "imported");
    assert_eq!(lines[0]["line"], 2);
    assert_eq!(lines[0]["type"], "totp");
    assert_eq!(lines[0]["issuer"], "ACME Co");
    assert_eq!(lines[0]["period"], 30);
    assert_eq!(
        lines[0]["ignored_parameters"],
        serde_json::json!(["tags", "tags"])
    );
    assert_eq!(lines[1]["status"], "refused");
    assert_eq!(lines[1]["error"], "invalid_secret_length");
    assert_eq!(lines[2]["issuer"], Value::Null);
    assert_eq!(lines[2]["counter"], 5);
    assert!(!run.stdout.contains(LOOSE_SECRET));
}

#[test]
fn all_imported_exits_0() {
    let input = format!("otpauth://totp/:alice?secret={LOOSE_SECRET}\n");
    let run = import_stdin(&["-"], input.as_bytes());
    assert_eq!(run.status, Some(0), "{run:?}");
    assert_eq!(run.stdout.lines().last(), Some("1 imported, 0 refused"));
    let empty = import_stdin(&["-"], b"");
    assert_eq!(empty.status, Some(0), "{empty:?}");
    assert_eq!(empty.stdout, "0 imported, 0 refused\n");
}

#[test]
fn unreadable_input_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.txt");
    let run = callsign(&["import", missing.to_str().unwrap()]);
    assert_eq!(run.status, Some(2), "{run:?}");
    assert!(run.stderr.starts_with("error: FILE: "), "{}", run.stderr);
    assert!(run.stdout.is_empty());

    let run = import_stdin(&["-"], b"otpauth://totp/a?secret=\xff\n");
    assert_eq!(run.status, Some(2), "{run:?}");
    assert!(run.stderr.contains("is not UTF-8"), "{}", run.stderr);

    let run = callsign(&["import"]);
    assert_eq!(run.status, Some(2), "{run:?}");
}

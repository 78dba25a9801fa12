//! `agent-code --ledger`, `revoke` and `reenroll` against a SQLite ledger.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Run, callsign};

fn ok(args: &[&str]) -> Run {
    let run = callsign(args);
    assert_eq!(run.status, Some(0), "{args:?}: {}", run.stderr);
    run
}

#[test]
fn a_ledger_keeps_the_limit_across_runs_and_revocation_and_reenrollment() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("master.key");
    let key = key.to_str().unwrap();
    ok(&["keygen", "--out", key]);
    let ledger = format!("sqlite:{}", dir.path().join("ledger.db").display());
    let agent_code = |time: &str| {
        callsign(&[
            "agent-code",
            "--master-key",
            key,
            "--account",
            "customer-1",
            "--ledger",
            &ledger,
            "--agent",
            "alice",
            "--ticket",
            "T-1",
            "--time",
            time,
            "--plain",
        ])
    };
    let old = ok(&["enroll", "--master-key", key, "--account", "customer-1"]).stdout;
    let old = old.lines().next().unwrap().to_owned();

    let change = |command: &str, reason: &str, time: &str| {
        ok(&[
            command,
            "--ledger",
            &ledger,
            "--master-key",
            key,
            "--account",
            "customer-1",
            "--reason",
            reason,
            "--agent",
            "supervisor",
            "--time",
            time,
        ])
    };

    // Revocation: no code, a typed message, exit 2.
    change("revoke", "phone lost", "1000");
    let refused = agent_code("1001");
    assert_eq!(refused.status, Some(2));
    assert!(refused.stderr.contains("revoked"), "{}", refused.stderr);
    assert!(refused.stdout.is_empty());

    // Re-enrollment: the new URI accepts the next code, the old one rejects it.
    let new = change("reenroll", "new phone", "1002").stdout;
    let new = new.trim();
    let code = ok_code(&agent_code("1003"));
    let verify = |uri: &str| {
        callsign(&[
            "verify",
            "--enrollment",
            uri,
            "--allow-unsigned",
            "--code",
            &code,
            "--time",
            "1003",
        ])
        .status
    };
    assert_eq!(verify(new), Some(0));
    assert_eq!(verify(&old), Some(1));

    // The default limit (30 codes an hour) holds across separate runs.
    for _ in 1..30 {
        ok_code(&agent_code("1004"));
    }
    let limited = agent_code("1005");
    assert_eq!(limited.status, Some(2));
    assert!(limited.stderr.contains("rate limit"), "{}", limited.stderr);
    // Core's retry time: the oldest issuance in the window (1003) plus the hour.
    assert!(
        limited.stderr.contains("next code possible at 4603"),
        "{}",
        limited.stderr
    );
}

#[test]
fn reenroll_signs_with_the_signing_key_and_only_its_public_key_trusts_the_result() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
    let (key, signing, other) = (path("master.key"), path("signing.key"), path("other.key"));
    ok(&["keygen", "--out", &key]);
    let public = |file: &str| {
        let made = ok(&["keygen", "--signing", "--out", file, "--json"]).stdout;
        let made: serde_json::Value = serde_json::from_str(&made).unwrap();
        made["public_key"].as_str().unwrap().to_owned()
    };
    let (vendor_public, other_public) = (public(&signing), public(&other));
    let ledger = format!("sqlite:{}", path("ledger.db"));
    let reenroll = |account: &str, signing_key: &str, more: &[&str]| {
        let args = [
            "reenroll",
            "--ledger",
            &ledger,
            "--master-key",
            &key,
            "--account",
            account,
            "--reason",
            "new phone",
            "--signing-key",
            signing_key,
            "--time",
            "1000",
        ];
        callsign(&[&args[..], more].concat())
    };
    // An unreadable signing key is refused before the epoch moves.
    let missing = reenroll("customer-1", &path("missing.key"), &[]);
    assert_eq!(missing.status, Some(2));
    assert!(
        missing.stderr.contains("--signing-key"),
        "{}",
        missing.stderr
    );
    let uri = ok_code(&reenroll("customer-1", &signing, &[]));
    assert!(uri.contains("&epoch=1&") && uri.contains("&sig="), "{uri}");
    let code = ok_code(&callsign(&[
        "agent-code",
        "--master-key",
        &key,
        "--account",
        "customer-1",
        "--ledger",
        &ledger,
        "--time",
        "1001",
        "--plain",
    ]));
    let verify = |pinned: &str| {
        callsign(&[
            "verify",
            "--enrollment",
            &uri,
            "--code",
            &code,
            "--time",
            "1001",
            "--trusted-key",
            pinned,
        ])
    };
    let trusted = verify(&vendor_public);
    assert_eq!(trusted.status, Some(0), "{}", trusted.stderr);
    // A customer whose codes carry the check digit keeps it in the new enrollment.
    let with_check = ok_code(&reenroll("customer-2", &signing, &["--check-digit"]));
    assert!(with_check.contains("&check=damm&sig="), "{with_check}");
    let refused = verify(&other_public);
    assert_eq!(refused.status, Some(2));
    assert!(
        refused.stderr.contains("no pinned key verifies"),
        "{}",
        refused.stderr
    );
}

fn ok_code(run: &Run) -> String {
    assert_eq!(run.status, Some(0), "{}", run.stderr);
    run.stdout.trim().to_owned()
}

#[test]
fn bad_ledger_locations_blame_the_argument() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("master.key");
    let key = key.to_str().unwrap();
    ok(&["keygen", "--out", key]);
    let revoke = |location: &str| {
        callsign(&[
            "revoke",
            "--ledger",
            location,
            "--master-key",
            key,
            "--account",
            "a",
            "--reason",
            "r",
        ])
    };
    for location in ["mysql://x", "postgres://user@host:notaport/db"] {
        let run = revoke(location);
        assert_eq!(run.status, Some(2));
        assert!(
            run.stderr.starts_with("error: --ledger: "),
            "{}",
            run.stderr
        );
    }
    let run = revoke("sqlite:/nonexistent/dir/ledger.db");
    assert_eq!(run.status, Some(2));
    assert!(run.stderr.contains("unreachable"), "{}", run.stderr);
}

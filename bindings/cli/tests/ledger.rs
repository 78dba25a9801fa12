//! `agent-code --ledger`, `revoke`, `reenroll` and `audit --ledger` against a SQLite ledger.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::PathBuf;

use common::{Run, callsign};

/// Runs `callsign ARGS...` and asserts that it succeeded.
fn ok(args: &[&str]) -> Run {
    let run = callsign(args);
    assert_eq!(run.status, Some(0), "{args:?}: {}", run.stderr);
    run
}

/// The trimmed stdout of a run that must have succeeded.
fn ok_code(run: &Run) -> String {
    assert_eq!(run.status, Some(0), "{}", run.stderr);
    run.stdout.trim().to_owned()
}

/// A vendor's files in a temporary directory: a master key (`master.key`, made by `keygen`)
/// and a SQLite ledger (`ledger.db`, made by its first use).
struct Vendor {
    dir: tempfile::TempDir,
    /// The master key file.
    key: String,
    /// The ledger's location, as `--ledger` takes it.
    ledger: String,
}

impl Vendor {
    fn new() -> Vendor {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("master.key").to_str().unwrap().to_owned();
        ok(&["keygen", "--out", &key]);
        let ledger = format!("sqlite:{}", dir.path().join("ledger.db").display());
        Vendor { dir, key, ledger }
    }

    /// The path of `name` in the vendor's directory.
    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).to_str().unwrap().to_owned()
    }

    /// The ledger's database file.
    fn ledger_file(&self) -> PathBuf {
        self.dir.path().join("ledger.db")
    }

    /// `agent-code --plain` for `account` through the ledger at `time`, with `more` arguments.
    fn agent_code(&self, account: &str, time: &str, more: &[&str]) -> Run {
        let args = [
            "agent-code",
            "--master-key",
            &self.key,
            "--account",
            account,
            "--ledger",
            &self.ledger,
            "--time",
            time,
            "--plain",
        ];
        callsign(&[&args[..], more].concat())
    }

    /// `COMMAND --ledger --master-key --account ACCOUNT --reason REASON` with `more` arguments
    /// (`revoke`, `reenroll`).
    fn change(&self, command: &str, account: &str, reason: &str, more: &[&str]) -> Run {
        let args = [
            command,
            "--ledger",
            &self.ledger,
            "--master-key",
            &self.key,
            "--account",
            account,
            "--reason",
            reason,
        ];
        callsign(&[&args[..], more].concat())
    }
}

#[test]
fn a_ledger_keeps_the_limit_across_runs_and_revocation_and_reenrollment() {
    let vendor = Vendor::new();
    let agent_code = |time: &str| {
        vendor.agent_code("customer-1", time, &["--agent", "alice", "--ticket", "T-1"])
    };
    let old = ok(&[
        "enroll",
        "--master-key",
        &vendor.key,
        "--account",
        "customer-1",
    ])
    .stdout;
    let old = old.lines().next().unwrap().to_owned();
    let change = |command: &str, reason: &str, time: &str| {
        let run = vendor.change(
            command,
            "customer-1",
            reason,
            &["--agent", "supervisor", "--time", time],
        );
        ok_code(&run)
    };

    // Revocation: no code, a typed message, exit 2.
    change("revoke", "phone lost", "1000");
    let refused = agent_code("1001");
    assert_eq!(refused.status, Some(2));
    assert!(refused.stderr.contains("revoked"), "{}", refused.stderr);
    assert!(refused.stdout.is_empty());

    // Re-enrollment: the new URI accepts the next code, the old one rejects it.
    let new = change("reenroll", "new phone", "1002");
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
    assert_eq!(verify(&new), Some(0));
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
    let vendor = Vendor::new();
    let (signing, other) = (vendor.path("signing.key"), vendor.path("other.key"));
    let public = |file: &str| {
        let made = ok(&["keygen", "--signing", "--out", file, "--json"]).stdout;
        let made: serde_json::Value = serde_json::from_str(&made).unwrap();
        made["public_key"].as_str().unwrap().to_owned()
    };
    let (vendor_public, other_public) = (public(&signing), public(&other));
    let reenroll = |account: &str, signing_key: &str, more: &[&str]| {
        let args = ["--signing-key", signing_key, "--time", "1000"];
        vendor.change(
            "reenroll",
            account,
            "new phone",
            &[&args[..], more].concat(),
        )
    };
    // An unreadable signing key is refused before the epoch moves.
    let missing = reenroll("customer-1", &vendor.path("missing.key"), &[]);
    assert_eq!(missing.status, Some(2));
    assert!(
        missing.stderr.contains("--signing-key"),
        "{}",
        missing.stderr
    );
    let uri = ok_code(&reenroll("customer-1", &signing, &[]));
    assert!(uri.contains("&epoch=1&") && uri.contains("&sig="), "{uri}");
    let code = ok_code(&vendor.agent_code("customer-1", "1001", &[]));
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

#[test]
fn bad_ledger_locations_blame_the_argument() {
    let vendor = Vendor::new();
    let revoke = |location: &str| {
        callsign(&[
            "revoke",
            "--ledger",
            location,
            "--master-key",
            &vendor.key,
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

/// A vendor whose SQLite ledger has three issuances: alice at +1 and +3 (acct-1, acct-3), bob
/// at +2.
fn three_issuances() -> Vendor {
    let vendor = Vendor::new();
    for (agent, account, time) in [
        ("alice", "acct-1", "1700000001"),
        ("bob", "acct-2", "1700000002"),
        ("Alice", "acct-3", "1700000003"),
    ] {
        ok_code(&vendor.agent_code(
            account,
            time,
            &["--agent", agent, "--ticket", "T-1\nforged line"],
        ));
    }
    vendor
}

/// `callsign audit --ledger`: the newest records first, filtered, as a table or JSON lines;
/// bad filters blamed on their argument.
#[test]
fn audit_lists_a_ledger_newest_first() {
    let vendor = three_issuances();
    let ledger = vendor.ledger.as_str();
    let table = ok(&["audit", "--ledger", ledger]).stdout;
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 4, "{table}");
    assert!(lines[0].starts_with("TIME "), "{table}");
    for (line, account) in lines[1..].iter().zip(["acct-3", "acct-2", "acct-1"]) {
        assert!(line.contains(account), "{table}");
        // A ticket cannot add lines to the table.
        assert!(line.ends_with("T-1\\nforged line"), "{table}");
    }
    let json = ok(&[
        "audit", "--ledger", ledger, "--agent", "ALICE", "--limit", "1", "--json",
    ])
    .stdout;
    let records: Vec<serde_json::Value> = json
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(records.len(), 1, "{json}");
    assert_eq!(
        (&records[0]["account_id"], &records[0]["agent_id"]),
        (&"acct-3".into(), &"alice".into())
    );
    assert_eq!(records[0]["chain"].as_str().unwrap().len(), 64);
    let window = ok(&[
        "audit",
        "--ledger",
        ledger,
        "--since",
        "1700000002",
        "--until",
        "1700000003",
        "--json",
    ])
    .stdout;
    assert_eq!(window.lines().count(), 1, "{window}");
    assert!(window.contains("acct-2"), "{window}");
    let none = ok(&["audit", "--ledger", ledger, "--account", "acct-9"]).stdout;
    assert_eq!(none.trim(), "no audit records match");
    for (args, blamed) in [
        (&["--limit", "0"][..], "--limit"),
        (&["--limit", "100001"][..], "--limit"),
        (&["--since", "5", "--until", "5"][..], "--until"),
        (&["--agent", "a\u{1}"][..], "--agent"),
        (&["--account", ""][..], "--account"),
    ] {
        let mut full = vec!["audit", "--ledger", ledger];
        full.extend_from_slice(args);
        let run = callsign(&full);
        assert_eq!(run.status, Some(2), "{args:?}");
        assert!(
            run.stderr.starts_with(&format!("error: {blamed}: ")),
            "{args:?}: {}",
            run.stderr
        );
    }
    // A mistyped path is an error, not an empty trail (nor a new empty ledger).
    let missing = ledger.replace("ledger.db", "ledgr.db");
    for args in [
        &["audit", "--ledger", &missing][..],
        &["audit", "verify", "--ledger", &missing],
    ] {
        let run = callsign(args);
        assert_eq!(run.status, Some(2), "{args:?}");
        assert!(run.stderr.contains("no SQLite ledger at"), "{}", run.stderr);
        assert!(!std::path::Path::new(&missing["sqlite:".len()..]).exists());
    }
    let run = callsign(&["audit", "--ledger", "mysql://x"]);
    assert!(
        run.stderr.starts_with("error: --ledger: "),
        "{}",
        run.stderr
    );
}

/// `callsign audit verify --ledger` names a row changed behind the ledger's back.
#[test]
fn audit_verify_finds_a_changed_ledger_row() {
    let vendor = three_issuances();
    let ledger = vendor.ledger.as_str();
    let verify = ok(&["audit", "verify", "--ledger", ledger]).stdout;
    assert!(
        verify.starts_with("intact: 3 records, 2 agents"),
        "{verify}"
    );
    // The file's owner drops the append-only trigger and changes alice's first row.
    let connection = rusqlite::Connection::open(vendor.ledger_file()).unwrap();
    connection
        .execute_batch(
            "DROP TRIGGER callsign_audit_no_update;
             UPDATE callsign_audit SET account_id = 'acct-0' WHERE account_id = 'acct-1'",
        )
        .unwrap();
    let run = callsign(&["audit", "verify", "--ledger", ledger, "--json"]);
    assert_eq!(run.status, Some(1), "{}", run.stderr);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["intact"], false);
    assert_eq!(report["broken"]["row"], 1);
    assert_eq!(report["broken"]["agent_id"], "alice");
    let run = callsign(&["audit", "verify", "--ledger", ledger]);
    assert_eq!(run.status, Some(1));
    assert!(
        run.stdout
            .starts_with("BROKEN at row 1 (agent \"alice\"): "),
        "{}",
        run.stdout
    );
    // Neither a file nor a ledger: a usage error.
    assert_eq!(callsign(&["audit", "verify"]).status, Some(2));
}

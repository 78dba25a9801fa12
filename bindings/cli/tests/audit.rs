//! The audit side of the CLI: `callsign audit verify`, canonical agent ids in the trail,
//! stdout closed or failing around an issuance, and negative numbers.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod common;

use common::{Run, binary, callsign, write_file};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

const REFERENCE_MASTER_HEX: &str =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

/// A temporary directory with the reference master key and an audit file path.
struct Desk {
    dir: tempfile::TempDir,
}

impl Desk {
    fn new() -> Desk {
        let dir = tempfile::tempdir().expect("tempdir");
        write_file(
            &dir.path().join("master.key"),
            &format!("{REFERENCE_MASTER_HEX}\n"),
            0o600,
        );
        Desk { dir }
    }

    fn arg(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }

    fn issue_args(&self, agent: &str, time: u64) -> Vec<String> {
        [
            "agent-code",
            "--master-key",
            &self.arg("master.key"),
            "--account",
            "customer-0001",
            "--agent",
            agent,
            "--time",
            &time.to_string(),
            "--audit",
            &self.arg("audit.jsonl"),
            "--plain",
        ]
        .map(str::to_owned)
        .to_vec()
    }

    fn issue(&self, agent: &str, time: u64) -> Run {
        let args = self.issue_args(agent, time);
        callsign(&args.iter().map(String::as_str).collect::<Vec<_>>())
    }

    fn audit_lines(&self) -> Vec<String> {
        std::fs::read_to_string(self.dir.path().join("audit.jsonl"))
            .map(|text| text.lines().map(str::to_owned).collect())
            .unwrap_or_default()
    }

    fn verify(&self, lines: &[String]) -> Run {
        let path = self.dir.path().join("check.jsonl");
        let mut text = lines.join("\n");
        text.push('\n');
        std::fs::write(&path, text).expect("write");
        callsign(&["audit", "verify", &path.display().to_string(), "--json"])
    }
}

fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|error| panic!("{error}: {run:?}"))
}

#[test]
fn audit_verify_finds_a_deleted_an_altered_and_a_reordered_record() {
    let desk = Desk::new();
    // Lines: 1 agent-7, 2 agent-8, 3 agent-7, 4 agent-8, 5 agent-7, 6 agent-8.
    for step in 0..3 {
        for agent in ["agent-7", "agent-8"] {
            let run = desk.issue(agent, 1_764_355_200 + 30 * step);
            assert_eq!(run.status, Some(0), "{run:?}");
        }
    }
    let lines = desk.audit_lines();
    assert_eq!(lines.len(), 6);
    let whole = callsign(&["audit", "verify", &desk.arg("audit.jsonl")]);
    assert_eq!(whole.status, Some(0), "{whole:?}");
    assert!(
        whole.stdout.starts_with("intact: 6 records, 2 agents"),
        "{whole:?}"
    );
    let report = json(&desk.verify(&lines));
    assert_eq!(report["intact"], true);
    assert_eq!(report["agents"]["agent-7"]["records"], 3);

    let mut deleted = lines.clone();
    deleted.remove(2);
    let mut altered = lines.clone();
    altered[3] = altered[3].replace("\"ticket\":\"cli\"", "\"ticket\":\"T-9\"");
    let mut reordered = lines.clone();
    reordered.swap(0, 2);
    for (name, trail, line, agent) in [
        ("deleted", deleted, 4, "agent-7"),
        ("altered", altered, 4, "agent-8"),
        ("reordered", reordered, 1, "agent-7"),
    ] {
        let run = desk.verify(&trail);
        assert_eq!(run.status, Some(1), "{name}: {run:?}");
        let report = json(&run);
        assert_eq!(report["intact"], false, "{name}");
        assert_eq!(report["broken"]["line"], line, "{name}: {report}");
        assert_eq!(report["broken"]["agent_id"], agent, "{name}: {report}");
    }
    let text = callsign(&["audit", "verify", &desk.arg("check.jsonl")]);
    assert_eq!(text.status, Some(1));
    assert!(
        text.stdout
            .starts_with("BROKEN at line 1 (agent \"agent-7\")"),
        "{text:?}"
    );

    let missing = callsign(&["audit", "verify", &desk.arg("nothing.jsonl")]);
    assert_eq!(missing.status, Some(2), "{missing:?}");
    assert!(missing.stderr.contains("cannot read"), "{missing:?}");
}

#[test]
fn agent_ids_are_audited_in_their_canonical_form() {
    let desk = Desk::new();
    assert_eq!(desk.issue("Agent-7", 1_764_355_200).status, Some(0));
    assert_eq!(desk.issue(" ＡＧＥＮＴ-7", 1_764_355_230).status, Some(0));
    for line in desk.audit_lines() {
        assert!(line.contains("\"agent_id\":\"agent-7\""), "{line}");
    }
    let hidden = desk.issue("agent-7\u{200b}", 1_764_355_260);
    assert_eq!(hidden.status, Some(2), "{hidden:?}");
    assert!(hidden.stderr.starts_with("error: --agent: "), "{hidden:?}");
    assert!(hidden.stderr.contains("U+200B"), "{hidden:?}");
    assert_eq!(desk.audit_lines().len(), 2, "nothing issued");
}

/// Runs the binary through sh with a redirection of its stdout.
fn with_stdout(redirection: &str, args: &[String]) -> Run {
    let output = Command::new("sh")
        .arg("-c")
        .arg(format!("exec \"$0\" \"$@\" {redirection}"))
        .arg(binary())
        .args(args)
        .output()
        .expect("sh");
    Run::from(output)
}

#[test]
fn a_closed_stdout_is_an_error_exit_and_issues_nothing() {
    let desk = Desk::new();
    let run = with_stdout(">&-", &desk.issue_args("agent-7", 1_764_355_200));
    assert_eq!(run.status, Some(2), "{run:?}");
    assert!(run.stderr.contains("stdout is closed"), "{run:?}");
    assert!(
        desk.audit_lines().is_empty(),
        "no code issued, none audited"
    );
    // Every subcommand: a closed stdout is an error, not a silent success.
    let totp = [
        "totp",
        "--secret",
        "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
        "--time",
        "59",
    ]
    .map(str::to_owned);
    let closed = with_stdout(">&-", &totp);
    assert_eq!(closed.status, Some(2), "{closed:?}");
    // Discarding the output on purpose still works.
    let discarded = with_stdout(">/dev/null", &desk.issue_args("agent-7", 1_764_355_200));
    assert_eq!(discarded.status, Some(0), "{discarded:?}");
    assert_eq!(desk.audit_lines().len(), 1);
}

#[test]
fn a_failing_stdout_after_issuance_says_the_code_was_issued_and_audited() {
    if !Path::new("/dev/full").exists() {
        return;
    }
    let desk = Desk::new();
    let run = with_stdout(">/dev/full", &desk.issue_args("agent-7", 1_764_355_200));
    assert_eq!(run.status, Some(2), "{run:?}");
    assert!(
        run.stderr
            .contains("was issued and audited but could not be shown"),
        "{run:?}"
    );
    // Issue, then print: the issuance is on record although no one saw the code.
    assert_eq!(desk.audit_lines().len(), 1);
}

#[test]
fn negative_numbers_get_a_clear_message() {
    let secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    for args in [
        vec!["totp", "--secret", secret, "--time", "-5"],
        vec!["totp", "--secret", secret, "--period", "-30"],
        vec!["hotp", "--secret", secret, "--counter", "-1"],
    ] {
        let run = callsign(&args);
        assert_eq!(run.status, Some(2), "{args:?}: {run:?}");
        assert!(
            run.stderr.contains("must be 0 or more"),
            "{args:?}: {run:?}"
        );
        assert!(!run.stderr.contains("invalid digit"), "{args:?}: {run:?}");
    }
    let run = callsign(&["totp", "--secret", secret, "--time", "1e9"]);
    assert!(run.stderr.contains("whole number"), "{run:?}");
}

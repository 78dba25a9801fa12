//! Separate issuer processes (the `callsign-ledger-probe` binary) sharing one ledger. The
//! PostgreSQL tests need a server: `scripts/test-ledger.sh` runs them with `--include-ignored`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::missing_panics_doc
)]

use callsign::{
    AuditOutcome, AuditQuery, Issuer, IssuerConfig, Ledger, MasterKey, Verdict, Verifier,
    VerifierConfig,
};
use std::collections::HashSet;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

mod common;
use common::unique;

const PROBE: &str = env!("CARGO_BIN_EXE_callsign-ledger-probe");
const NOW: u64 = 1_700_000_000;
const TIMEOUT: Duration = Duration::from_secs(2);

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} must be set (scripts/test-ledger.sh)"))
}

fn sqlite_location(name: &str) -> String {
    format!(
        "sqlite:{}",
        std::env::temp_dir()
            .join(format!("callsign-processes-{name}.db"))
            .display()
    )
}

/// A probe process, its output going to a file: a pipe that nobody reads while the test
/// restarts the server would fill up and stall the probe.
struct Probe {
    child: Child,
    output: std::path::PathBuf,
}

fn spawn(args: &[&str]) -> Probe {
    let output = std::env::temp_dir().join(format!("{}.out", unique("probe")));
    let child = Command::new(PROBE)
        .args(args)
        .stdout(std::fs::File::create(&output).unwrap())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    Probe { child, output }
}

/// The probe's output lines; it must have exited successfully.
fn lines(probe: Probe) -> Vec<String> {
    let result = probe.child.wait_with_output().unwrap();
    assert!(
        result.status.success(),
        "probe failed: {}",
        String::from_utf8_lossy(&result.stderr)
    );
    let text = std::fs::read_to_string(&probe.output).unwrap();
    std::fs::remove_file(&probe.output).unwrap();
    text.lines().map(str::to_owned).collect()
}

fn issue_args<'a>(
    location: &'a str,
    agent: &'a str,
    account: &'a str,
    count: &'a str,
    time: &'a str,
    max: &'a str,
) -> [&'a str; 8] {
    ["issue", location, agent, account, count, time, max, "3600"]
}

fn open(location: &str) -> Arc<dyn Ledger> {
    callsign_ledger::open(location, TIMEOUT).unwrap()
}

fn count(lines: &[String], prefix: &str) -> usize {
    lines.iter().filter(|line| line.starts_with(prefix)).count()
}

fn four_processes_share_one_limit(location: &str) {
    let agent = unique("agent");
    let now = NOW.to_string();
    let children: Vec<Probe> = (0..4)
        .map(|index| {
            let account = format!("{agent}-acct-{index}");
            spawn(&issue_args(location, &agent, &account, "20", &now, "30"))
        })
        .collect();
    let all: Vec<String> = children.into_iter().flat_map(lines).collect();
    assert_eq!(count(&all, "ok "), 30, "{all:?}");
    assert_eq!(count(&all, "err rate_limited "), 50, "{all:?}");
    let records = open(location)
        .audit_events(&AuditQuery {
            agent_id: Some(&agent),
            ..AuditQuery::default()
        })
        .unwrap();
    let outcomes = |outcome| {
        records
            .iter()
            .filter(|record| record.outcome == outcome)
            .count()
    };
    assert_eq!(outcomes(AuditOutcome::Issued), 30);
    assert_eq!(outcomes(AuditOutcome::RefusedRateLimited), 50);
}

fn the_limit_survives_an_issuer_restart(location: &str) {
    let agent = unique("restart");
    let now = NOW.to_string();
    let first = lines(spawn(&issue_args(location, &agent, "acct", "3", &now, "3")));
    assert_eq!(count(&first, "ok "), 3, "{first:?}");
    let later = (NOW + 100).to_string();
    let second = lines(spawn(&issue_args(
        location, &agent, "acct", "1", &later, "3",
    )));
    assert_eq!(count(&second, "err rate_limited "), 1, "{second:?}");
}

fn revocation_holds_on_every_issuer(location: &str) {
    let account = unique("account");
    let agent = unique("supervisor");
    let issuer = Issuer::with_ledger(
        MasterKey::from_bytes(&[7; 32]).unwrap(),
        IssuerConfig::default(),
        open(location),
    )
    .unwrap();
    let old = Verifier::new(
        &issuer.enrollment("Bank", &account).unwrap(),
        VerifierConfig::default(),
    )
    .unwrap();
    issuer.revoke(&account, &agent, "phone lost", NOW).unwrap();
    let now = NOW.to_string();
    let children: Vec<Probe> = (0..2)
        .map(|_| spawn(&issue_args(location, &agent, &account, "1", &now, "30")))
        .collect();
    for output in children.into_iter().map(lines) {
        assert_eq!(count(&output, "err account_revoked "), 1, "{output:?}");
    }
    let enrollment = issuer
        .reenroll("Bank", &account, &agent, "new phone", NOW + 1)
        .unwrap();
    let new = Verifier::new(&enrollment, VerifierConfig::default()).unwrap();
    let later = (NOW + 2).to_string();
    let output = lines(spawn(&issue_args(
        location, &agent, &account, "1", &later, "30",
    )));
    let code = output[0]
        .split(' ')
        .nth(5)
        .unwrap_or_else(|| panic!("{output:?}"));
    assert!(matches!(
        old.check(code, NOW + 2).unwrap(),
        Verdict::NotGenuine { .. }
    ));
    assert!(matches!(
        new.check(code, NOW + 2).unwrap(),
        Verdict::Genuine { .. }
    ));
}

#[test]
fn sqlite_four_processes_share_one_limit() {
    four_processes_share_one_limit(&sqlite_location(&unique("four")));
}

#[test]
fn sqlite_the_limit_survives_an_issuer_restart() {
    the_limit_survives_an_issuer_restart(&sqlite_location(&unique("restart")));
}

#[test]
fn sqlite_revocation_holds_on_every_issuer() {
    revocation_holds_on_every_issuer(&sqlite_location(&unique("revoke")));
}

#[test]
#[ignore = "needs PostgreSQL: scripts/test-ledger.sh"]
fn postgres_four_processes_share_one_limit() {
    four_processes_share_one_limit(&env("CALLSIGN_TEST_POSTGRES"));
}

#[test]
#[ignore = "needs PostgreSQL: scripts/test-ledger.sh"]
fn postgres_the_limit_survives_an_issuer_restart() {
    the_limit_survives_an_issuer_restart(&env("CALLSIGN_TEST_POSTGRES"));
}

#[test]
#[ignore = "needs PostgreSQL: scripts/test-ledger.sh"]
fn postgres_revocation_holds_on_every_issuer() {
    revocation_holds_on_every_issuer(&env("CALLSIGN_TEST_POSTGRES"));
}

/// 8 clients issue while the server is killed (SIGKILL) and restarted three times: every code
/// a client received has its committed audit row, every failure is a typed ledger error, and
/// every client issued again after the last restart without being restarted itself.
#[test]
#[ignore = "needs PostgreSQL: scripts/test-ledger.sh"]
fn postgres_fault_run_loses_no_audit_row_and_resumes() {
    let location = env("CALLSIGN_TEST_POSTGRES_FAULTS");
    let restart = env("CALLSIGN_TEST_KILL_RESTART");
    let run = unique("fault");
    let agents: Vec<String> = (0..8).map(|index| format!("{run}-client{index}")).collect();
    let stop_file = std::env::temp_dir().join(format!("{run}.stop"));
    let stop = stop_file.to_str().unwrap();
    let children: Vec<Probe> = agents
        .iter()
        .map(|agent| spawn(&["loop", &location, agent, stop]))
        .collect();
    for _ in 0..3 {
        std::thread::sleep(Duration::from_secs(2));
        let status = Command::new("bash")
            .arg("-c")
            .arg(&restart)
            .status()
            .unwrap();
        assert!(status.success(), "the restart command failed");
    }
    // Once the server answers again, the clients get a few seconds to resume by themselves.
    let back = std::time::Instant::now() + Duration::from_secs(120);
    while callsign_ledger::open(&location, TIMEOUT)
        .and_then(|ledger| ledger.account("probe", 0))
        .is_err()
    {
        assert!(
            std::time::Instant::now() < back,
            "the server did not come back"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    std::thread::sleep(Duration::from_secs(3));
    std::fs::write(&stop_file, b"stop").unwrap();
    let outputs: Vec<Vec<String>> = children.into_iter().map(lines).collect();
    let ledger = open(&location);
    let mut errors = 0;
    for (agent, output) in agents.iter().zip(&outputs) {
        let recorded: HashSet<(String, u64)> = ledger
            .audit_events(&AuditQuery {
                agent_id: Some(agent),
                limit: callsign::MAX_AUDIT_QUERY_LIMIT,
                ..AuditQuery::default()
            })
            .unwrap()
            .into_iter()
            .filter(|record| record.outcome == AuditOutcome::Issued)
            .map(|record| (record.account_id, record.time))
            .collect();
        let mut last_error = None;
        for (index, line) in output.iter().enumerate() {
            let fields: Vec<&str> = line.split(' ').collect();
            match fields[0] {
                "ok" => {
                    let key = (fields[1].to_owned(), fields[3].parse::<u64>().unwrap());
                    assert!(recorded.contains(&key), "code without audit row: {line}");
                }
                "err" => {
                    assert_eq!(fields[1], "store_unavailable", "untyped failure: {line}");
                    assert!(
                        ["unreachable", "timeout", "failed"].contains(&fields[2]),
                        "{line}"
                    );
                    errors += 1;
                    last_error = Some(index);
                }
                _ => panic!("unexpected line {line}"),
            }
        }
        let resumed = output[last_error.map_or(0, |index| index + 1)..]
            .iter()
            .filter(|line| line.starts_with("ok "))
            .count();
        assert!(
            resumed > 0,
            "{agent} did not resume; its last lines: {:#?}",
            &output[output.len().saturating_sub(8)..]
        );
    }
    assert!(errors > 0, "the restarts caused no failure at all");
}

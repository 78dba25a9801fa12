#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::similar_names
)]
//! The issuer's audit and rate limit under attack: agent id spellings, failing sinks, batches
//! beyond the limit, the tamper-evident chain, and the JSON-lines file's handling.

use callsign::{
    AuditChainReport, AuditError, AuditSink, Error, IssuanceEvent, IssueRequest, Issuer,
    IssuerConfig, JsonLinesAuditSink, MasterKey, MemoryAuditSink, RateLimit, audit_chain_hash,
    audit_chain_hex, canonical_agent_id, verify_audit_chain, verify_audit_file,
};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

const NOW: u64 = 1_764_355_200;

fn issuer_with(sink: Arc<dyn AuditSink>, rate_limit: Option<RateLimit>) -> Issuer {
    let config = IssuerConfig {
        rate_limit,
        ..IssuerConfig::default()
    };
    Issuer::new(MasterKey::from_bytes(&[7; 32]).unwrap(), config, sink).unwrap()
}

fn issue(issuer: &Issuer, agent_id: &str, account_id: &str, now: u64) -> Result<(), Error> {
    let request = IssueRequest {
        account_id,
        agent_id,
        ticket: "T-1",
    };
    issuer.issue(&request, now).map(drop)
}

fn verify(lines: &[String]) -> AuditChainReport {
    verify_audit_chain(lines.join("\n").as_bytes()).unwrap()
}

fn limit(max_codes: u32) -> RateLimit {
    RateLimit {
        max_codes,
        window_seconds: 600,
    }
}

#[test]
fn spellings_of_one_agent_share_one_rate_limit_and_one_audit_name() {
    let sink = Arc::new(MemoryAuditSink::new());
    let issuer = issuer_with(sink.clone(), Some(limit(3)));
    let spellings = [
        "agent-7",
        "Agent-7",
        "AGENT-7",
        " agent-7",
        "agent-7 ",
        "\u{3000}agent-7",
        "ａｇｅｎｔ－７",
        "Ａgent-7",
        "agent-7\u{200b}",
        "agent-7\0",
        "\u{feff}agent-7",
        "agent\u{2060}-7",
    ];
    let mut issued = 0;
    for (index, spelling) in spellings.iter().enumerate() {
        match issue(&issuer, spelling, &format!("customer-{index}"), NOW) {
            Ok(()) => issued += 1,
            Err(Error::RateLimited { agent_id, .. }) => assert_eq!(agent_id, "agent-7"),
            Err(Error::InvalidAgentId { .. }) => {}
            Err(other) => panic!("{spelling:?}: {other}"),
        }
    }
    assert_eq!(issued, 3, "one agent, one limit, however it is spelled");
    for line in sink.lines() {
        assert!(line.contains("\"agent_id\":\"agent-7\""), "{line}");
    }
    assert_eq!(
        canonical_agent_id("agent-7\u{200b}"),
        Err(Error::InvalidAgentId {
            character: 0x200b,
            position: 7
        })
    );
}

/// A sink that fails its first `failures` calls, then keeps lines in memory.
struct FailingFirst {
    failures: AtomicUsize,
    inner: MemoryAuditSink,
}

impl AuditSink for FailingFirst {
    fn record(&self, events: &[IssuanceEvent<'_>]) -> Result<(), AuditError> {
        if self
            .failures
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| {
                left.checked_sub(1)
            })
            .is_ok()
        {
            return Err(AuditError::new("disk full"));
        }
        self.inner.record(events)
    }
}

#[test]
fn failed_audits_do_not_use_up_the_rate_limit() {
    let sink = Arc::new(FailingFirst {
        failures: AtomicUsize::new(31),
        inner: MemoryAuditSink::new(),
    });
    let issuer = issuer_with(sink.clone(), Some(limit(3)));
    for second in 0..30 {
        assert!(matches!(
            issue(&issuer, "agent-7", "customer-1", NOW + second),
            Err(Error::AuditFailed { .. })
        ));
    }
    assert!(matches!(
        issuer.issue_many("agent-7", "batch", &["a", "b", "c"], NOW + 30),
        Err(Error::AuditFailed { .. })
    ));
    for second in 0..3 {
        issue(&issuer, "agent-7", "customer-1", NOW + 40 + second).unwrap();
    }
    assert!(matches!(
        issue(&issuer, "agent-7", "customer-1", NOW + 50),
        Err(Error::RateLimited {
            retry_at: 1_764_355_840,
            ..
        })
    ));
    assert_eq!(sink.inner.lines().len(), 4, "three issued, one refusal");
}

#[test]
fn a_batch_larger_than_the_limit_says_it_never_fits() {
    let sink = Arc::new(MemoryAuditSink::new());
    let issuer = issuer_with(sink.clone(), Some(limit(3)));
    let error = issuer
        .issue_many("agent-7", "batch", &["a", "b", "c", "d"], NOW)
        .unwrap_err();
    assert_eq!(
        error,
        Error::BatchExceedsRateLimit {
            agent_id: "agent-7".to_owned(),
            count: 4,
            max_codes: 3,
            window_seconds: 600
        }
    );
    assert_eq!(error.kind(), callsign::ErrorKind::RateLimited);
    assert!(
        !error.to_string().contains("18446744073709551615"),
        "{error}"
    );
    // A batch that fits the limit but not what is left gets the real time.
    issue(&issuer, "agent-7", "x", NOW).unwrap();
    issue(&issuer, "agent-7", "y", NOW + 10).unwrap();
    assert!(matches!(
        issuer.issue_many("agent-7", "batch", &["a", "b"], NOW + 20),
        Err(Error::RateLimited { retry_at, .. }) if retry_at == NOW + 600
    ));
}

/// Lines of two agents interleaved: agent-7 issues 4 codes, agent-8 3, one refusal.
fn two_agent_trail() -> Vec<String> {
    let sink = Arc::new(MemoryAuditSink::new());
    let issuer = issuer_with(sink.clone(), Some(limit(4)));
    for second in 0..4 {
        issue(&issuer, "agent-7", &format!("c-{second}"), NOW + second).unwrap();
        if second < 3 {
            issue(&issuer, "agent-8", &format!("d-{second}"), NOW + second).unwrap();
        }
    }
    assert!(issue(&issuer, "agent-7", "c-9", NOW + 9).is_err());
    sink.lines()
}

#[test]
fn the_chain_verifies_and_matches_the_public_hash_function() {
    let lines = two_agent_trail();
    assert_eq!(lines.len(), 8);
    let report = verify(&lines);
    assert!(report.is_intact(), "{:?}", report.first_break);
    assert_eq!(report.records, 8);
    assert_eq!(report.heads["agent-7"].records, 5);
    assert_eq!(report.heads["agent-8"].records, 3);
    // The first record's chain is the public function over the start value.
    let first = callsign::AuditRecord::parse(&lines[0]).unwrap();
    let expected = audit_chain_hash(&callsign::AUDIT_CHAIN_START, &first.event());
    assert_eq!(first.chain, audit_chain_hex(&expected));
}

#[test]
fn deleted_altered_and_reordered_records_break_the_chain_at_the_right_line() {
    let lines = two_agent_trail();
    // Lines: 1 a7, 2 a8, 3 a7, 4 a8, 5 a7, 6 a8, 7 a7, 8 a7 refused.
    let mut deleted = lines.clone();
    deleted.remove(2);
    let report = verify(&deleted);
    assert!(!report.is_intact());
    let broken = report.first_break.expect("deletion found");
    assert_eq!(
        (broken.line, broken.agent_id.as_deref()),
        (4, Some("agent-7"))
    );
    assert_eq!(
        broken.to_string(),
        format!("line 4 (agent \"agent-7\"): {}", broken.reason)
    );

    let mut altered = lines.clone();
    altered[3] = altered[3].replace("d-1", "d-X");
    let broken = verify(&altered).first_break.expect("alteration found");
    assert_eq!(
        (broken.line, broken.agent_id.as_deref()),
        (4, Some("agent-8"))
    );

    let mut reordered = lines.clone();
    reordered.swap(2, 4);
    let broken = verify(&reordered).first_break.expect("reordering found");
    assert_eq!(
        (broken.line, broken.agent_id.as_deref()),
        (3, Some("agent-7"))
    );

    let mut garbage = lines.clone();
    garbage[5] = "{\"time\":1".to_owned();
    let broken = verify(&garbage).first_break.expect("garbage found");
    assert_eq!(broken.to_string(), format!("line 6: {}", broken.reason));
    assert!(!broken.reason.is_empty());
    assert_eq!((broken.line, broken.agent_id), (6, None));
    assert_eq!(verify(&garbage).records, 5);
}

#[test]
fn the_file_chain_survives_a_restart_and_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    for run in 0..3 {
        let issuer = issuer_with(Arc::new(JsonLinesAuditSink::open(&path).unwrap()), None);
        issue(&issuer, "agent-7", "customer-1", NOW + run).unwrap();
        issuer
            .issue_many("agent-8", "notice", &["a", "b"], NOW + run)
            .unwrap();
    }
    let report = verify_audit_file(&path).unwrap();
    assert!(report.is_intact(), "{:?}", report.first_break);
    assert_eq!((report.records, report.heads["agent-8"].records), (9, 6));
}

#[test]
fn opening_cuts_a_torn_last_line_and_keeps_unchained_lines_for_the_verifier() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let issuer = issuer_with(Arc::new(JsonLinesAuditSink::open(&path).unwrap()), None);
    issue(&issuer, "agent-7", "customer-1", NOW).unwrap();
    drop(issuer);
    let whole = std::fs::read(&path).unwrap();
    let mut torn = whole.clone();
    torn.extend_from_slice(b"{\"time\":17643");
    std::fs::write(&path, &torn).unwrap();
    let issuer = issuer_with(Arc::new(JsonLinesAuditSink::open(&path).unwrap()), None);
    assert_eq!(std::fs::read(&path).unwrap(), whole, "torn tail cut off");
    issue(&issuer, "agent-7", "customer-1", NOW + 1).unwrap();
    assert!(verify_audit_file(&path).unwrap().is_intact());

    // A line from before the chain existed: the sink keeps appending, the verifier flags it.
    let old = "{\"time\":1,\"outcome\":\"issued\",\"account_id\":\"a\",\"agent_id\":\"agent-7\",\"ticket\":\"t\",\"step\":0,\"epoch\":0}\n";
    std::fs::write(&path, old).unwrap();
    let issuer = issuer_with(Arc::new(JsonLinesAuditSink::open(&path).unwrap()), None);
    issue(&issuer, "agent-7", "customer-1", NOW + 2).unwrap();
    let report = verify_audit_file(&path).unwrap();
    let broken = report.first_break.unwrap();
    assert_eq!((broken.line, broken.agent_id), (1, None));
    assert!(broken.reason.contains("chain"), "{}", broken.reason);
}

#[test]
fn an_empty_path_is_a_clear_error() {
    let error = JsonLinesAuditSink::open("").unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
    assert!(error.to_string().contains("empty"), "{error}");
}

#[cfg(unix)]
#[test]
fn a_fifo_is_refused_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("audit.fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let (done, waiter) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(JsonLinesAuditSink::open(&fifo).map(drop));
    });
    let opened = waiter
        .recv_timeout(std::time::Duration::from_secs(10))
        .expect("open returned instead of blocking");
    let error = opened.unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
    assert!(error.to_string().contains("regular file"), "{error}");
    // A device or a directory gets the same error, checked before opening (opening a
    // directory for writing would fail with another error).
    for device in ["/dev/null", "/tmp"] {
        let error = JsonLinesAuditSink::open(device).map(drop).unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput, "{device}");
        assert!(error.to_string().contains("not a regular file"), "{error}");
    }
}

/// Access by group or others is taken away (to 0600); an owner-only mode stays as it is.
#[cfg(unix)]
#[test]
fn loose_permissions_are_tightened_to_0600_and_owner_only_ones_left_alone() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    for (before, after) in [
        (0o644, 0o600),
        (0o660, 0o600),
        (0o700, 0o700),
        (0o600, 0o600),
    ] {
        let path = dir.path().join(format!("audit-{before:o}.jsonl"));
        std::fs::write(&path, "").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(before)).unwrap();
        JsonLinesAuditSink::open(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, after, "{before:o}");
    }
}

#[test]
fn an_audit_error_keeps_its_message() {
    let error = AuditError::new("disk full");
    assert_eq!(error.message(), "disk full");
    assert_eq!(error.to_string(), "disk full");
}

#[cfg(unix)]
#[test]
fn a_rotated_or_deleted_file_is_reopened() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let rotated = dir.path().join("audit.jsonl.1");
    let issuer = issuer_with(Arc::new(JsonLinesAuditSink::open(&path).unwrap()), None);
    issue(&issuer, "agent-7", "customer-1", NOW).unwrap();
    std::fs::rename(&path, &rotated).unwrap();
    issue(&issuer, "agent-7", "customer-2", NOW + 1).unwrap();
    let old = std::fs::read_to_string(&rotated).unwrap();
    let new = std::fs::read_to_string(&path).unwrap();
    assert_eq!((old.lines().count(), new.lines().count()), (1, 1));
    assert!(new.contains("customer-2"), "{new}");
    assert!(verify_audit_file(&rotated).unwrap().is_intact());
    assert!(
        verify_audit_file(&path).unwrap().is_intact(),
        "a new file starts new chains"
    );

    std::fs::remove_file(&path).unwrap();
    issue(&issuer, "agent-7", "customer-3", NOW + 2).unwrap();
    let recreated = std::fs::read_to_string(&path).unwrap();
    assert!(recreated.contains("customer-3") && !recreated.contains("customer-2"));
}

/// A real small file system that fills up (a 64 KiB tmpfs mounted by the test; needs root and
/// mount rights, else the test says so and does nothing: the injected-writer test in
/// `audit.rs` covers the same ground everywhere). After every failed write the file holds
/// only whole, chained lines, one per issued code; once space is freed the sink carries on.
#[cfg(target_os = "linux")]
#[test]
fn a_full_tmpfs_leaves_only_whole_lines_and_the_sink_recovers() {
    struct Mount(std::path::PathBuf);
    impl Drop for Mount {
        fn drop(&mut self) {
            let _ = std::process::Command::new("umount").arg(&self.0).status();
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
        .arg(dir.path())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if !mounted {
        eprintln!("skipped: cannot mount a tmpfs here (needs root)");
        return;
    }
    let _mount = Mount(dir.path().to_owned());
    let filler = dir.path().join("filler");
    std::fs::write(&filler, vec![0u8; 16 * 1024]).unwrap();
    let path = dir.path().join("audit.jsonl");
    let issuer = issuer_with(Arc::new(JsonLinesAuditSink::open(&path).unwrap()), None);
    let ticket = "T".repeat(200);
    let mut issued = 0usize;
    let mut failures = 0;
    let check = |issued: usize| {
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.is_empty() || text.ends_with('\n'), "torn line");
        let report = verify_audit_file(&path).unwrap();
        assert!(report.is_intact(), "{:?}", report.first_break);
        assert_eq!(text.lines().count(), issued, "one line per issued code");
    };
    for round in 0..400u64 {
        let request = IssueRequest {
            account_id: "customer-0001",
            agent_id: if round % 2 == 0 { "agent-7" } else { "agent-8" },
            ticket: &ticket,
        };
        match issuer.issue(&request, NOW + round) {
            Ok(_) => issued += 1,
            Err(error) => {
                assert_eq!(error.kind(), callsign::ErrorKind::AuditFailed, "{error}");
                failures += 1;
            }
        }
        check(issued);
        if failures == 20 {
            break;
        }
    }
    assert!(
        failures == 20 && issued > 50,
        "{issued} issued, {failures} failed"
    );
    std::fs::remove_file(&filler).unwrap();
    for round in 0..10 {
        let request = IssueRequest {
            account_id: "customer-0002",
            agent_id: "agent-7",
            ticket: "after",
        };
        issuer.issue(&request, NOW + 1000 + round).unwrap();
        issued += 1;
    }
    check(issued);
}

/// A ledger that keeps rows (event fields and stored chain) checks them with the same
/// verifier, row by row.
#[test]
fn a_ledger_checks_its_rows_with_the_chain_verifier() {
    let rows: Vec<callsign::AuditRecord> = two_agent_trail()
        .iter()
        .map(|line| callsign::AuditRecord::parse(line).unwrap())
        .collect();
    let check = |rows: &[callsign::AuditRecord]| {
        let mut verifier = callsign::AuditChainVerifier::new();
        for row in rows {
            let chain = callsign::parse_audit_chain_hex(&row.chain).unwrap();
            if !verifier.check(&row.event(), &chain) {
                break;
            }
        }
        verifier.finish()
    };
    let intact = check(&rows);
    assert!(intact.is_intact());
    assert_eq!(
        intact,
        verify(&two_agent_trail()),
        "same report as the file verifier"
    );
    let mut altered = rows.clone();
    altered[4].step += 1;
    let broken = check(&altered).first_break.unwrap();
    assert_eq!(
        (broken.line, broken.agent_id.as_deref()),
        (5, Some("agent-7"))
    );
}

/// The length bounds of a canonical agent id, on each of its paths: capitals in ASCII, inner
/// whitespace collapsed, and the refusal of a far-too-long id before normalisation (which would
/// otherwise collapse a long run of spaces into an acceptable id). cargo-mutants found these
/// unpinned (docs/mutants.md).
#[test]
fn agent_ids_of_exactly_the_maximum_length_are_canonical_and_one_byte_more_is_refused() {
    use callsign::MAX_AGENT_ID_LEN as MAX;
    let too_long = |id: &str| {
        matches!(
            canonical_agent_id(id),
            Err(Error::AuditFieldLength {
                field: "agent id",
                ..
            })
        )
    };
    // ASCII with capitals: lowercased, up to MAX bytes.
    let capitals = format!("A{}", "b".repeat(MAX - 1));
    assert_eq!(
        canonical_agent_id(&capitals).unwrap(),
        capitals.to_ascii_lowercase()
    );
    assert!(too_long(&format!("A{}", "b".repeat(MAX))));
    // Inner whitespace collapsed: the canonical form counts, up to MAX bytes.
    let spaced = |len: usize| format!("x   {}", "y".repeat(len - 2));
    assert_eq!(canonical_agent_id(&spaced(MAX)).unwrap().len(), MAX);
    assert!(too_long(&spaced(MAX + 1)));
    // Up to four times MAX bytes are normalised (here to "a"); more are refused unread.
    let padded = |len: usize| format!("{}a", " ".repeat(len - 1));
    assert_eq!(canonical_agent_id(&padded(4 * MAX)).unwrap(), "a");
    assert!(too_long(&padded(4 * MAX + 1)));
}

/// Every audit outcome is found again by its name, and no other name finds one.
#[test]
fn audit_outcomes_are_found_by_their_names() {
    use callsign::AuditOutcome;
    for outcome in AuditOutcome::ALL {
        assert_eq!(AuditOutcome::from_name(outcome.as_str()), Some(outcome));
    }
    for name in ["", "Issued", "issued ", "refused"] {
        assert_eq!(AuditOutcome::from_name(name), None, "{name:?}");
    }
}

/// An issuer reports the configuration it was given (what a desk shows as the agent's limit).
#[test]
fn an_issuer_reports_its_configuration() {
    let limit = RateLimit {
        max_codes: 5,
        window_seconds: 600,
    };
    let issuer = issuer_with(Arc::new(MemoryAuditSink::new()), Some(limit));
    assert_eq!(issuer.config().rate_limit, Some(limit));
    assert_eq!(issuer.config().epoch, IssuerConfig::DEFAULT_EPOCH);
}

/// What the ledger records of an issuance: the step of its time, and for a supervisor's query
/// by agent the agent's canonical form; the issuer's Debug names its configuration and never
/// the master key.
#[test]
fn issuances_are_recorded_at_their_step_and_found_by_any_spelling_of_the_agent() {
    let issuer = Issuer::with_ledger(
        MasterKey::from_bytes(&[7; 32]).unwrap(),
        IssuerConfig::default(),
        Arc::new(callsign::MemoryLedger::new()),
    )
    .unwrap();
    issue(&issuer, "agent-7", "customer-1", NOW + 7).unwrap();
    issue(&issuer, "agent-8", "customer-2", NOW + 40).unwrap();
    let query = callsign::AuditQuery {
        agent_id: Some("  AGENT-7 "),
        ..callsign::AuditQuery::default()
    };
    let found = issuer.audit_events(&query).unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        (found[0].agent_id.as_str(), found[0].step),
        ("agent-7", (NOW + 7) / 30)
    );
    let debug = format!("{issuer:?}");
    assert!(
        debug.starts_with("Issuer {") && debug.contains("config"),
        "{debug}"
    );
    assert!(!debug.contains("[7, 7"), "{debug}");
}

/// After a re-enrollment, codes come from the new epoch's key, on every path that may hold
/// the old one cached: a single issuance, an account handle, a batch.
#[test]
fn a_reenrolled_account_is_never_issued_from_its_cached_old_key() {
    let issuer = issuer_with(Arc::new(callsign::NullAuditSink), None);
    let master = MasterKey::from_bytes(&[7; 32]).unwrap();
    let code_at_epoch = |epoch: u32, now: u64| {
        let secret = master.account_secret("customer-1", epoch).unwrap();
        callsign::agent_code(&secret, now, callsign::ProfileParams::default())
            .unwrap()
            .as_str()
            .to_owned()
    };
    let request = IssueRequest {
        account_id: "customer-1",
        agent_id: "agent-7",
        ticket: "T-1",
    };
    // Epoch 0, cached by the first issuance.
    assert_eq!(
        issuer.issue(&request, NOW).unwrap().as_str(),
        code_at_epoch(0, NOW)
    );
    issuer
        .reenroll("ACME", "customer-1", "supervisor", "new phone", NOW + 1)
        .unwrap();
    let fresh = code_at_epoch(1, NOW + 2);
    assert_ne!(fresh, code_at_epoch(0, NOW + 2));
    // The batch first, while the cache still holds epoch 0.
    let batch = issuer
        .issue_many("agent-7", "notice", &["customer-1"], NOW + 2)
        .unwrap();
    assert_eq!(batch[0].as_str(), fresh);
    let handle = issuer.account("customer-1").unwrap();
    let debug = format!("{handle:?}");
    assert_eq!(debug, r#"IssuerAccount { account_id: "customer-1", .. }"#);
    assert_eq!(
        handle.issue("agent-7", "T-1", NOW + 2).unwrap().as_str(),
        fresh
    );
    assert_eq!(issuer.issue(&request, NOW + 2).unwrap().as_str(), fresh);
}

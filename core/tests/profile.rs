#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Test code: long tables, searches that stop within a few steps, hex built with format!.
#![allow(
    clippy::too_many_lines,
    clippy::maybe_infinite_iter,
    clippy::format_collect,
    clippy::cast_possible_truncation
)]
//! Behaviour of the caller-verification profile: lockout, replay, audit, rate limit, and what
//! never shows up in Debug output or audit lines.

use callsign::{
    AuditError, AuditSink, Enrollment, Error, IssuanceEvent, IssueRequest, Issuer, IssuerConfig,
    JsonLinesAuditSink, MIN_BATCH_PER_THREAD, MasterKey, MemoryAuditSink, ProfileParams, RateLimit,
    Verdict, Verifier, VerifierConfig,
};
use std::sync::Arc;

const NOW: u64 = 1_764_355_200;

fn master() -> MasterKey {
    MasterKey::from_bytes(&(0u8..32).collect::<Vec<_>>()).unwrap()
}

fn issuer_with(sink: Arc<dyn AuditSink>, rate_limit: Option<RateLimit>) -> Issuer {
    let config = IssuerConfig {
        rate_limit,
        ..IssuerConfig::default()
    };
    Issuer::new(master(), config, sink).unwrap()
}

fn request(account_id: &str) -> IssueRequest<'_> {
    IssueRequest {
        account_id,
        agent_id: "agent-7",
        ticket: "TICKET-4711",
    }
}

fn enrollment() -> Enrollment {
    issuer_with(Arc::new(MemoryAuditSink::new()), None)
        .enrollment("ACME Support", "customer-0001")
        .unwrap()
}

/// A well-formed code that matches no step near `now`.
fn wrong_code(verifier: &Verifier, now: u64) -> String {
    let near: Vec<String> = (0..5)
        .map(|offset| {
            verifier
                .display(now - 60 + offset * 30)
                .unwrap()
                .as_str()
                .to_owned()
        })
        .collect();
    (0u32..)
        .map(|n| format!("{:06}", (n * 7919 + 31_337) % 1_000_000))
        .find(|candidate| !near.contains(candidate))
        .unwrap()
}

#[test]
fn issued_code_is_genuine_on_the_device_and_only_once() {
    let issuer = issuer_with(Arc::new(MemoryAuditSink::new()), None);
    let verifier = Verifier::new(&enrollment(), VerifierConfig::default()).unwrap();
    let code = issuer.issue(&request("customer-0001"), NOW).unwrap();
    assert_eq!(code.grouped().as_str().len(), 7);
    assert_eq!(code.valid_until, NOW + 30);
    assert_eq!(
        verifier.check(code.grouped().as_str(), NOW + 31).unwrap(),
        Verdict::Genuine {
            step: code.step,
            drift: -1
        }
    );
    assert_eq!(
        verifier.check(code.as_str(), NOW + 32).unwrap(),
        Verdict::AlreadyUsed { step: code.step }
    );
}

#[test]
fn lockout_survives_export_import_and_a_new_call() {
    let enrollment = enrollment();
    let config = VerifierConfig::default();
    let verifier = Verifier::new(&enrollment, config).unwrap();
    let wrong = wrong_code(&verifier, NOW);
    assert_eq!(
        verifier.check(&wrong, NOW).unwrap(),
        Verdict::NotGenuine { attempts_left: 2 }
    );
    assert_eq!(
        verifier.check(&wrong, NOW + 5).unwrap(),
        Verdict::NotGenuine { attempts_left: 1 }
    );
    let until = NOW + 10 + 900;
    assert_eq!(
        verifier.check(&wrong, NOW + 10).unwrap(),
        Verdict::LockedOut { until }
    );

    // The app restarts (or a new call comes in): the state is restored from its blob.
    let blob = verifier.export_state();
    drop(verifier);
    let restored = Verifier::with_state(&enrollment, config, &blob).unwrap();
    let genuine = restored.display(NOW + 20).unwrap();
    assert_eq!(
        restored.check(genuine.as_str(), NOW + 20).unwrap(),
        Verdict::LockedOut { until }
    );
    assert_eq!(restored.status(NOW + 20).attempts_left, 0);
    // A fresh verifier without state would accept it; the restored one does once the lock ends.
    let later = restored.display(until).unwrap();
    assert!(matches!(
        restored.check(later.as_str(), until).unwrap(),
        Verdict::Genuine { .. }
    ));
}

#[test]
fn failures_also_survive_export_import() {
    let enrollment = enrollment();
    let verifier = Verifier::new(&enrollment, VerifierConfig::default()).unwrap();
    let wrong = wrong_code(&verifier, NOW);
    verifier.check(&wrong, NOW).unwrap();
    verifier.check(&wrong, NOW + 1).unwrap();
    let restored = Verifier::with_state(
        &enrollment,
        VerifierConfig::default(),
        &verifier.export_state(),
    )
    .unwrap();
    assert!(matches!(
        restored.check(&wrong, NOW + 2).unwrap(),
        Verdict::LockedOut { .. }
    ));
}

#[test]
fn replay_survives_export_import() {
    let enrollment = enrollment();
    let verifier = Verifier::new(&enrollment, VerifierConfig::default()).unwrap();
    let code = verifier.display(NOW).unwrap();
    assert!(matches!(
        verifier.check(code.as_str(), NOW).unwrap(),
        Verdict::Genuine { .. }
    ));
    let restored = Verifier::with_state(
        &enrollment,
        VerifierConfig::default(),
        &verifier.export_state(),
    )
    .unwrap();
    assert_eq!(
        restored.check(code.as_str(), NOW + 1).unwrap(),
        Verdict::AlreadyUsed { step: code.step }
    );
}

#[test]
fn corrupt_and_foreign_state_are_typed_errors_and_the_fallback_fails_closed() {
    let enrollment = enrollment();
    let config = VerifierConfig::default();
    let verifier = Verifier::new(&enrollment, config).unwrap();
    let blob = verifier.export_state();
    let mut flipped = blob.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 1;
    assert!(matches!(
        verifier.import_state(&flipped),
        Err(Error::StateCorrupt { .. })
    ));
    assert!(matches!(
        verifier.import_state(&blob[..10]),
        Err(Error::StateCorrupt { .. })
    ));
    assert!(matches!(
        verifier.import_state(b"garbage"),
        Err(Error::StateCorrupt { .. })
    ));
    assert!(matches!(
        verifier.import_state(&[]),
        Err(Error::StateCorrupt { .. })
    ));

    let other = issuer_with(Arc::new(MemoryAuditSink::new()), None)
        .enrollment("ACME Support", "customer-0002")
        .unwrap();
    let foreign = Verifier::new(&other, config).unwrap().export_state();
    assert_eq!(verifier.import_state(&foreign), Err(Error::StateForeign));

    let fallback = Verifier::new_locked(&enrollment, config, NOW).unwrap();
    let code = fallback.display(NOW).unwrap();
    assert_eq!(
        fallback.check(code.as_str(), NOW).unwrap(),
        Verdict::LockedOut { until: NOW + 900 }
    );
}

struct FailingSink;

impl AuditSink for FailingSink {
    fn record(&self, _events: &[IssuanceEvent<'_>]) -> Result<(), AuditError> {
        Err(AuditError::new("disk full"))
    }
}

#[test]
fn a_failing_audit_sink_means_no_code() {
    let issuer = issuer_with(Arc::new(FailingSink), Some(RateLimit::default()));
    assert_eq!(
        issuer.issue(&request("customer-0001"), NOW).unwrap_err(),
        Error::AuditFailed {
            reason: "disk full".to_owned()
        }
    );
    assert!(matches!(
        issuer.issue_many("batch", "outage notice", &["a", "b"], NOW),
        Err(Error::AuditFailed { .. })
    ));
}

#[test]
fn rate_limit_refuses_with_a_typed_error_and_an_audit_event() {
    let sink = Arc::new(MemoryAuditSink::new());
    let limit = RateLimit {
        max_codes: 2,
        window_seconds: 600,
    };
    let issuer = issuer_with(sink.clone(), Some(limit));
    issuer.issue(&request("customer-0001"), NOW).unwrap();
    issuer.issue(&request("customer-0002"), NOW + 100).unwrap();
    let refused = issuer
        .issue(&request("customer-0003"), NOW + 200)
        .unwrap_err();
    assert_eq!(
        refused,
        Error::RateLimited {
            agent_id: "agent-7".to_owned(),
            max_codes: 2,
            window_seconds: 600,
            retry_at: NOW + 600
        }
    );
    let lines = sink.lines();
    assert_eq!(lines.len(), 3);
    assert!(
        lines[2].contains("\"outcome\":\"refused_rate_limited\""),
        "{}",
        lines[2]
    );
    assert!(lines[2].contains("customer-0003"));
    // Another agent is not affected; the first one may issue again once the window moves on.
    let other = IssueRequest {
        agent_id: "agent-8",
        ..request("customer-0003")
    };
    assert!(issuer.issue(&other, NOW + 200).is_ok());
    assert!(issuer.issue(&request("customer-0003"), NOW + 600).is_ok());
    // A batch larger than what is left is refused whole.
    assert!(matches!(
        issuer.issue_many("agent-7", "batch", &["x", "y"], NOW + 601),
        Err(Error::RateLimited { .. })
    ));
}

#[test]
fn issue_many_matches_single_issuance_and_validates_first() {
    let sink = Arc::new(MemoryAuditSink::new());
    let issuer = issuer_with(sink.clone(), None);
    let accounts: Vec<String> = (0..50).map(|n| format!("customer-{n:04}")).collect();
    let codes = issuer
        .issue_many("batch-job", "maintenance notice", &accounts, NOW)
        .unwrap();
    for (account, code) in accounts.iter().zip(&codes) {
        let single = issuer.issue(&request(account), NOW).unwrap();
        assert_eq!(single.as_str(), code.as_str());
    }
    assert_eq!(sink.lines().len(), 100);
    let too_long = "x".repeat(257);
    assert_eq!(
        issuer
            .issue_many("batch-job", "notice", &["ok", too_long.as_str()], NOW)
            .unwrap_err(),
        Error::AccountIdLength { len: 257 }
    );
    assert_eq!(
        sink.lines().len(),
        100,
        "nothing issued or audited for a rejected batch"
    );
}

#[test]
fn issue_many_mixing_cached_and_new_accounts_matches_single_issuance() {
    let issuer = issuer_with(Arc::new(MemoryAuditSink::new()), None);
    let accounts: Vec<String> = (0..40).map(|n| format!("customer-{n:04}")).collect();
    // Every third account cached beforehand, so cached and new accounts alternate.
    let warm: Vec<&String> = accounts.iter().step_by(3).collect();
    issuer.issue_many("batch-job", "warm", &warm, NOW).unwrap();
    for now in [NOW, NOW + 29, NOW + 30, 0] {
        let codes = issuer
            .issue_many("batch-job", "mixed", &accounts, now)
            .unwrap();
        let reference = issuer_with(Arc::new(MemoryAuditSink::new()), None);
        for (account, code) in accounts.iter().zip(&codes) {
            let single = reference.issue(&request(account), now).unwrap();
            assert_eq!(
                (
                    single.as_str(),
                    single.step,
                    single.valid_until,
                    single.seconds_remaining
                ),
                (
                    code.as_str(),
                    code.step,
                    code.valid_until,
                    code.seconds_remaining
                ),
                "{account} at {now}"
            );
        }
    }
}

#[test]
fn batches_split_over_threads_match_batches_on_one_thread() {
    let with_threads = |batch_threads: usize| {
        let config = IssuerConfig {
            rate_limit: None,
            batch_threads,
            ..IssuerConfig::default()
        };
        let sink = Arc::new(MemoryAuditSink::new());
        (Issuer::new(master(), config, sink.clone()).unwrap(), sink)
    };
    let accounts: Vec<String> = (0..3 * MIN_BATCH_PER_THREAD + 17)
        .map(|n| format!("customer-{n:05}"))
        .collect();
    let (serial, serial_audit) = with_threads(1);
    let (parallel, parallel_audit) = with_threads(4);
    // Half the accounts cached beforehand, in every run of the split.
    let warm: Vec<&String> = accounts.iter().step_by(2).collect();
    parallel.issue_many("job", "warm", &warm, NOW).unwrap();
    let codes = |issuer: &Issuer| -> Vec<(String, u64, u64)> {
        issuer
            .issue_many("job", "notice", &accounts, NOW)
            .unwrap()
            .iter()
            .map(|code| (code.as_str().to_owned(), code.step, code.valid_until))
            .collect()
    };
    let parallel_codes = codes(&parallel);
    assert!(parallel_codes == codes(&serial), "codes differ");
    assert_eq!(parallel_codes.len(), accounts.len());
    // Compared without the chain field: the parallel run's chain also holds the warm batch.
    let notices = |audit: &MemoryAuditSink| -> Vec<String> {
        audit
            .lines()
            .into_iter()
            .filter(|line| line.contains("\"notice\""))
            .map(|line| line[..line.find(",\"chain\"").unwrap_or(line.len())].to_owned())
            .collect()
    };
    let parallel_notices = notices(&parallel_audit);
    assert_eq!(parallel_notices.len(), accounts.len());
    assert!(
        parallel_notices == notices(&serial_audit),
        "audit lines differ"
    );
    // A bad id in the last run fails the whole batch with the error one thread would give.
    let mut bad = accounts.clone();
    let last = bad.len() - 1;
    bad[last] = String::new();
    bad[last - 5] = "y".repeat(300);
    let error = serial.issue_many("job", "bad", &bad, NOW).unwrap_err();
    assert_eq!(error, Error::AccountIdLength { len: 300 });
    assert_eq!(
        parallel.issue_many("job", "bad", &bad, NOW).unwrap_err(),
        error
    );
    assert!(
        !parallel_audit
            .lines()
            .iter()
            .any(|line| line.contains("\"bad\""))
    );
    assert!(matches!(
        Issuer::new(
            master(),
            IssuerConfig {
                batch_threads: 0,
                ..IssuerConfig::default()
            },
            Arc::new(MemoryAuditSink::new())
        ),
        Err(Error::InvalidConfig { .. })
    ));
}

#[test]
fn bad_requests_are_typed_errors() {
    let issuer = issuer_with(Arc::new(MemoryAuditSink::new()), None);
    let empty_agent = IssueRequest {
        agent_id: "",
        ..request("customer-0001")
    };
    assert_eq!(
        issuer.issue(&empty_agent, NOW).unwrap_err(),
        Error::AuditFieldLength {
            field: "agent id",
            len: 0,
            max: 128
        }
    );
    let empty_ticket = IssueRequest {
        ticket: "",
        ..request("customer-0001")
    };
    assert!(matches!(
        issuer.issue(&empty_ticket, NOW),
        Err(Error::AuditFieldLength {
            field: "ticket",
            ..
        })
    ));
    assert_eq!(
        issuer.issue(&request(""), NOW).unwrap_err(),
        Error::AccountIdLength { len: 0 }
    );
    assert!(matches!(
        Issuer::new(
            master(),
            IssuerConfig {
                rate_limit: Some(RateLimit {
                    max_codes: 0,
                    window_seconds: 1
                }),
                ..IssuerConfig::default()
            },
            Arc::new(MemoryAuditSink::new())
        ),
        Err(Error::InvalidConfig { .. })
    ));
    assert!(matches!(
        ProfileParams::new(6, 5),
        Err(Error::PeriodOutOfRange { .. })
    ));
    assert!(matches!(
        Verifier::new(
            &enrollment(),
            VerifierConfig {
                max_failures: 0,
                ..VerifierConfig::default()
            }
        ),
        Err(Error::InvalidConfig { .. })
    ));
}

#[test]
fn no_secret_or_code_in_debug_output_or_audit_lines() {
    let dir = std::env::temp_dir().join(format!("callsign-audit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("audit.jsonl");
    let sink = Arc::new(JsonLinesAuditSink::open(&path).unwrap());
    let master = master();
    let issuer = Issuer::new(master.clone(), IssuerConfig::default(), sink.clone()).unwrap();
    let enrollment = issuer.enrollment("ACME Support", "customer-0001").unwrap();
    let verifier = Verifier::new(&enrollment, VerifierConfig::default()).unwrap();
    let code = issuer.issue(&request("customer-0001"), NOW).unwrap();
    let display = verifier.display(NOW).unwrap();

    let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
    let forbidden = [
        code.as_str().to_owned(),
        code.grouped().as_str().to_owned(),
        hex(master.expose_bytes()),
        hex(enrollment.secret().expose_bytes()),
        enrollment.secret().to_base32().as_str().to_owned(),
        format!("{:?}", master.expose_bytes()),
        format!("{:?}", enrollment.secret().expose_bytes()),
    ];
    let debug_outputs = [
        format!("{code:?}"),
        format!("{:?}", code.grouped()),
        format!("{display:?}"),
        format!("{master:?}"),
        format!("{issuer:?}"),
        format!("{enrollment:?}"),
        format!("{:?}", enrollment.secret()),
        format!("{verifier:?}"),
        format!("{sink:?}"),
    ];
    let audit = std::fs::read_to_string(&path).unwrap();
    assert_eq!(audit.lines().count(), 1);
    for shown in debug_outputs.iter().chain(std::iter::once(&audit)) {
        for secret in &forbidden {
            assert!(
                !shown.contains(secret.as_str()),
                "{shown:?} shows {secret:?}"
            );
        }
    }
    for field in [
        "\"account_id\":\"customer-0001\"",
        "\"agent_id\":\"agent-7\"",
        "\"ticket\":\"TICKET-4711\"",
        "\"epoch\":0",
    ] {
        assert!(audit.contains(field), "{audit}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn concurrent_checks_on_one_verifier_count_every_failure() {
    let verifier = Arc::new(
        Verifier::new(
            &enrollment(),
            VerifierConfig {
                max_failures: 20,
                ..VerifierConfig::default()
            },
        )
        .unwrap(),
    );
    let wrong = wrong_code(&verifier, NOW);
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let verifier = Arc::clone(&verifier);
            let wrong = wrong.clone();
            std::thread::spawn(move || {
                (0..5)
                    .filter(|_| {
                        matches!(
                            verifier.check(&wrong, NOW).unwrap(),
                            Verdict::LockedOut { .. }
                        )
                    })
                    .count()
            })
        })
        .collect();
    let locks: usize = handles
        .into_iter()
        .map(|handle| handle.join().unwrap())
        .sum();
    assert_eq!(locks, 1, "exactly the 20th failure locks");
    assert_eq!(verifier.status(NOW).locked_until, Some(NOW + 900));
}

#[test]
fn an_account_handle_issues_the_same_codes_audited_and_rate_limited() {
    let sink = Arc::new(MemoryAuditSink::new());
    let limit = RateLimit {
        max_codes: 2,
        window_seconds: 600,
    };
    let issuer = issuer_with(sink.clone(), Some(limit));
    let account = issuer.account("customer-0001").unwrap();
    assert_eq!(account.account_id(), "customer-0001");
    let via_handle = account.issue("agent-7", "TICKET-4711", NOW).unwrap();
    let via_id = issuer.issue(&request("customer-0001"), NOW).unwrap();
    assert_eq!(via_handle.as_str(), via_id.as_str());
    // Both count against the same agent's limit, and the refusal is audited.
    assert!(matches!(
        account.issue("agent-7", "TICKET-4711", NOW + 1),
        Err(Error::RateLimited { .. })
    ));
    let lines = sink.lines();
    assert_eq!(lines.len(), 3);
    assert!(lines[0].contains("\"ticket\":\"TICKET-4711\""));
    assert!(lines[2].contains("refused_rate_limited"));
    assert!(matches!(
        account.issue("", "TICKET-4711", NOW),
        Err(Error::AuditFieldLength {
            field: "agent id",
            ..
        })
    ));
    assert!(matches!(
        issuer.account(""),
        Err(Error::AccountIdLength { len: 0 })
    ));
}

/// How many digits the customer sees and types: the code's digits, one more with a check digit.
#[test]
fn the_entry_length_counts_the_check_digit() {
    for (digits, check_digit, entry_len) in
        [(6, false, 6), (6, true, 7), (8, false, 8), (8, true, 9)]
    {
        let params = ProfileParams::new(digits, 30)
            .unwrap()
            .with_check_digit(check_digit);
        assert_eq!(params.entry_len(), entry_len, "{digits} {check_digit}");
    }
}

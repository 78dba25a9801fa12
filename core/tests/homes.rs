#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The public homes of rules that bindings used to write themselves: the request check, issuance
//! from an enrollment, signed unix seconds, the audit file's open error, the full otpauth
//! constructor, verdict names and the null sink.

mod common;

use callsign::{
    Algorithm, AuditError, AuditSink, EnrollmentIssuer, Error, ErrorKind, IssuanceEvent,
    IssueRequest, Issuer, IssuerConfig, JsonLinesAuditSink, MAX_TICKET_LEN, MasterKey,
    MemoryAuditSink, NullAuditSink, OtpAuthUri, OtpKind, Secret, Verdict, check_ticket,
    unix_seconds_from_signed,
};
use std::sync::Arc;

const NOW: u64 = 1_764_355_200;

#[test]
fn the_request_check_returns_the_canonical_agent_and_names_the_bad_field() {
    let request = |account_id, agent_id, ticket| IssueRequest {
        account_id,
        agent_id,
        ticket,
    };
    assert_eq!(
        request("customer-0001", "  Agent-7 ", "T-1")
            .check()
            .unwrap(),
        "agent-7"
    );
    let longest_ticket = "t".repeat(MAX_TICKET_LEN);
    assert!(
        request("customer-0001", "agent-7", &longest_ticket)
            .check()
            .is_ok()
    );
    let long_ticket = "t".repeat(MAX_TICKET_LEN + 1);
    for (request, kind) in [
        (request("", "agent-7", "T-1"), ErrorKind::InvalidIdentifier),
        (
            request("customer-0001", "", "T-1"),
            ErrorKind::InvalidIdentifier,
        ),
        (
            request("customer-0001", "agent-7", ""),
            ErrorKind::InvalidIdentifier,
        ),
        (
            request("customer-0001", "agent-7", &long_ticket),
            ErrorKind::InvalidIdentifier,
        ),
    ] {
        assert_eq!(request.check().unwrap_err().kind(), kind, "{request:?}");
    }
    assert_eq!(
        check_ticket(&long_ticket).unwrap_err().to_string(),
        "the ticket must have 1 to 256 bytes, got 257"
    );
    assert!(check_ticket("T-1").is_ok());
}

#[test]
fn an_enrollment_issuer_gives_the_issuers_code_and_audits_it_first() {
    let master = MasterKey::from_bytes(&[7; 32]).unwrap();
    let issuer = Issuer::new(
        master,
        IssuerConfig::default(),
        Arc::new(MemoryAuditSink::new()),
    )
    .unwrap();
    let expected = issuer
        .issue(
            &IssueRequest {
                account_id: "customer-0001",
                agent_id: "agent-7",
                ticket: "T-1",
            },
            NOW,
        )
        .unwrap();
    let sink = Arc::new(MemoryAuditSink::new());
    let from_enrollment =
        EnrollmentIssuer::new(common::enrollment(7, 0), Arc::clone(&sink) as _).unwrap();
    let code = from_enrollment.issue("Agent-7", "T-1", NOW).unwrap();
    assert_eq!(code.as_str(), expected.as_str());
    let debug = format!("{from_enrollment:?}");
    assert!(
        debug.starts_with("EnrollmentIssuer { enrollment: "),
        "{debug}"
    );
    assert_eq!(code.step, NOW / 30);
    let lines = sink.lines();
    assert_eq!(lines.len(), 1);
    assert!(lines[0].contains(r#""agent_id":"agent-7""#), "{}", lines[0]);
    assert!(
        lines[0].contains(r#""account_id":"customer-0001""#),
        "{}",
        lines[0]
    );

    // A bad ticket is refused before anything is recorded.
    assert_eq!(
        from_enrollment
            .issue("agent-7", "", NOW)
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidIdentifier
    );
    assert_eq!(sink.lines().len(), 1);
}

struct FailingSink;

impl AuditSink for FailingSink {
    fn record(&self, _events: &[IssuanceEvent<'_>]) -> Result<(), AuditError> {
        Err(AuditError::new("disk full"))
    }
}

#[test]
fn an_enrollment_issuer_with_a_failing_sink_gives_no_code() {
    let issuer = EnrollmentIssuer::new(common::enrollment(7, 0), Arc::new(FailingSink)).unwrap();
    assert_eq!(
        issuer.issue("agent-7", "T-1", NOW).unwrap_err(),
        Error::AuditFailed {
            reason: "disk full".to_owned()
        }
    );
}

#[test]
fn the_null_sink_accepts_everything() {
    let issuer = Issuer::new(
        MasterKey::from_bytes(&[7; 32]).unwrap(),
        IssuerConfig::default(),
        Arc::new(NullAuditSink),
    )
    .unwrap();
    let request = IssueRequest {
        account_id: "customer-0001",
        agent_id: "agent-7",
        ticket: "T-1",
    };
    assert!(issuer.issue(&request, NOW).is_ok());
}

#[test]
fn signed_unix_seconds_refuse_before_1970_and_beyond_u64() {
    assert_eq!(unix_seconds_from_signed(0), Ok(0));
    assert_eq!(unix_seconds_from_signed(i128::from(u64::MAX)), Ok(u64::MAX));
    assert_eq!(
        unix_seconds_from_signed(-5),
        Err(Error::TimeBefore1970 { seconds_before: 5 })
    );
    assert_eq!(
        unix_seconds_from_signed(i128::MIN),
        Err(Error::TimeBefore1970 {
            seconds_before: u64::MAX
        })
    );
    for too_large in [i128::from(u64::MAX) + 1, i128::MAX] {
        assert_eq!(
            unix_seconds_from_signed(too_large).unwrap_err().kind(),
            ErrorKind::Overflow
        );
    }
}

#[test]
fn an_audit_file_that_cannot_be_opened_is_named_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing-dir").join("audit.jsonl");
    let error = JsonLinesAuditSink::open(&path).unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::NotFound);
    let message = error.to_string();
    let expected = format!("cannot open the audit file {}: ", path.display());
    assert!(message.starts_with(&expected), "{message}");
    assert_eq!(
        message.matches(&*path.display().to_string()).count(),
        1,
        "{message}"
    );
}

#[test]
fn the_full_otpauth_constructor_checks_every_field_and_round_trips() {
    let secret = Secret::from_bytes(b"12345678901234567890").unwrap();
    let uri = OtpAuthUri::new(
        OtpKind::Hotp { counter: 0 },
        Some("ACME"),
        "alice",
        secret.clone(),
        Algorithm::Sha256,
        8,
        vec![("image".to_owned(), "x".to_owned())],
    )
    .unwrap();
    assert_eq!(
        OtpAuthUri::parse(&uri.to_uri_string().unwrap()).unwrap(),
        uri
    );
    let bad = |kind, digits, extra: Vec<(String, String)>| {
        OtpAuthUri::new(
            kind,
            None,
            "alice",
            secret.clone(),
            Algorithm::Sha1,
            digits,
            extra,
        )
        .unwrap_err()
    };
    assert_eq!(
        bad(OtpKind::Totp { period: 30 }, 9, Vec::new()),
        Error::InvalidDigits { digits: 9 }
    );
    assert_eq!(
        bad(OtpKind::Totp { period: 0 }, 6, Vec::new()),
        Error::ZeroPeriod
    );
    assert_eq!(
        bad(
            OtpKind::Totp { period: 30 },
            6,
            vec![("Digits".to_owned(), "8".to_owned())]
        )
        .kind(),
        ErrorKind::InvalidUri
    );
}

#[test]
fn verdicts_have_the_vectors_names() {
    for (verdict, name) in [
        (Verdict::Genuine { step: 1, drift: 0 }, "genuine"),
        (Verdict::NotGenuine { attempts_left: 2 }, "not_genuine"),
        (Verdict::AlreadyUsed { step: 1 }, "already_used"),
        (Verdict::LockedOut { until: 9 }, "locked_out"),
        (Verdict::Misheard, "misheard"),
    ] {
        assert_eq!(verdict.as_str(), name);
    }
}

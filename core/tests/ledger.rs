//! The in-memory ledger behind `Issuer::new`: what a sink failure and a refusal leave behind.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use callsign::{
    AuditError, AuditSink, Error, IssuanceEvent, IssueRequest, Issuer, IssuerConfig, MasterKey,
    RateLimit,
};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// A sink that fails while `failing` is set.
#[derive(Default)]
struct FlakySink {
    failing: AtomicBool,
}

impl AuditSink for FlakySink {
    fn record(&self, _events: &[IssuanceEvent<'_>]) -> Result<(), AuditError> {
        if self.failing.load(Ordering::SeqCst) {
            Err(AuditError::new("disk full"))
        } else {
            Ok(())
        }
    }
}

#[test]
fn failed_audits_do_not_use_up_the_limit() {
    let sink = Arc::new(FlakySink::default());
    let config = IssuerConfig {
        rate_limit: Some(RateLimit {
            max_codes: 2,
            window_seconds: 60,
        }),
        ..IssuerConfig::default()
    };
    let issuer = Issuer::new(
        MasterKey::from_bytes(&[7; 32]).unwrap(),
        config,
        Arc::clone(&sink) as Arc<dyn AuditSink>,
    )
    .unwrap();
    let request = IssueRequest {
        account_id: "acct",
        agent_id: "agent",
        ticket: "T",
    };
    sink.failing.store(true, Ordering::SeqCst);
    for _ in 0..3 {
        assert!(matches!(
            issuer.issue(&request, 1000),
            Err(Error::AuditFailed { .. })
        ));
    }
    sink.failing.store(false, Ordering::SeqCst);
    issuer.issue(&request, 1000).unwrap();
    issuer.issue(&request, 1000).unwrap();
    assert!(matches!(
        issuer.issue(&request, 1000),
        Err(Error::RateLimited { retry_at: 1060, .. })
    ));
}

#[test]
fn a_revocation_in_the_process_ledger_refuses_and_reenrollment_moves_the_epoch() {
    let issuer = Issuer::new(
        MasterKey::from_bytes(&[7; 32]).unwrap(),
        IssuerConfig {
            epoch: 3,
            ..IssuerConfig::default()
        },
        Arc::new(FlakySink::default()),
    )
    .unwrap();
    let request = IssueRequest {
        account_id: "acct",
        agent_id: "agent",
        ticket: "T",
    };
    issuer.revoke("acct", "supervisor", "lost", 1000).unwrap();
    assert_eq!(
        issuer.issue(&request, 1001).unwrap_err(),
        Error::AccountRevoked {
            account_id: "acct".to_owned()
        }
    );
    let enrollment = issuer
        .reenroll("Bank", "acct", "supervisor", "new phone", 1002)
        .unwrap();
    // The configured epoch is the floor: re-enrollment goes from 3 to 4.
    assert_eq!(enrollment.epoch(), 4);
    assert_eq!(issuer.account_epoch("other").unwrap(), 3);
    issuer.issue(&request, 1003).unwrap();
}

/// Issuers whose clocks disagree hand the ledger times out of order: the window counts by
/// time, not by arrival, and the retry time is that of the oldest issuance in it. (The ledger
/// sorts only when a time arrives out of order; this pins that it still does.)
#[test]
fn issue_times_out_of_order_still_count_oldest_first() {
    let config = IssuerConfig {
        rate_limit: Some(RateLimit {
            max_codes: 2,
            window_seconds: 100,
        }),
        ..IssuerConfig::default()
    };
    let issuer = Issuer::new(
        MasterKey::from_bytes(&[7; 32]).unwrap(),
        config,
        Arc::new(FlakySink::default()),
    )
    .unwrap();
    let request = IssueRequest {
        account_id: "acct",
        agent_id: "agent",
        ticket: "T",
    };
    issuer.issue(&request, 1100).unwrap();
    issuer.issue(&request, 1050).unwrap();
    assert!(matches!(
        issuer.issue(&request, 1120),
        Err(Error::RateLimited { retry_at: 1150, .. })
    ));
    // At 1151 the issuance at 1050 has left the window; the one at 1100 has not.
    issuer.issue(&request, 1151).unwrap();
    assert!(matches!(
        issuer.issue(&request, 1160),
        Err(Error::RateLimited { retry_at: 1200, .. })
    ));
}

/// An agent without a rate limit takes no lock of its own; an issuer with a limit sharing the
/// ledger counts only its own issuances (as before: unlimited ones were never counted).
#[test]
fn unlimited_issuances_do_not_count_towards_a_limited_issuer_sharing_the_ledger() {
    let ledger: Arc<dyn callsign::Ledger> = Arc::new(callsign::MemoryLedger::new());
    let key = MasterKey::from_bytes(&[7; 32]).unwrap();
    let limited = Issuer::with_ledger(
        key.clone(),
        IssuerConfig {
            rate_limit: Some(RateLimit {
                max_codes: 1,
                window_seconds: 60,
            }),
            ..IssuerConfig::default()
        },
        Arc::clone(&ledger),
    )
    .unwrap();
    let unlimited = Issuer::with_ledger(
        key,
        IssuerConfig {
            rate_limit: None,
            ..IssuerConfig::default()
        },
        Arc::clone(&ledger),
    )
    .unwrap();
    let request = IssueRequest {
        account_id: "acct",
        agent_id: "agent",
        ticket: "T",
    };
    for time in 1000..1005 {
        unlimited.issue(&request, time).unwrap();
    }
    limited.issue(&request, 1005).unwrap();
    assert!(matches!(
        limited.issue(&request, 1006),
        Err(Error::RateLimited { retry_at: 1065, .. })
    ));
    assert_eq!(
        ledger
            .audit_events(&callsign::AuditQuery::default())
            .unwrap()
            .len(),
        7
    );
}

/// A call key cached (or held by an account handle) at the old epoch is never used after a
/// re-enrollment: the next code is the new enrollment's code.
#[test]
fn codes_after_a_reenrollment_come_from_the_new_epoch_not_the_cached_key() {
    let issuer = Issuer::new(
        MasterKey::from_bytes(&[7; 32]).unwrap(),
        IssuerConfig::default(),
        Arc::new(FlakySink::default()),
    )
    .unwrap();
    let request = IssueRequest {
        account_id: "acct",
        agent_id: "agent",
        ticket: "T",
    };
    let old = issuer.issue(&request, 1000).unwrap();
    let handle = issuer.account("acct").unwrap();
    let enrollment = issuer
        .reenroll("Bank", "acct", "supervisor", "new phone", 1001)
        .unwrap();
    let expected = callsign::agent_totp(enrollment.secret(), enrollment.params()).unwrap();
    let new = issuer.issue(&request, 1000).unwrap();
    assert_eq!(new.as_str(), expected.code_at(1000).unwrap().as_str());
    assert_ne!(new.as_str(), old.as_str());
    let through_handle = handle.issue("agent", "T", 1000).unwrap();
    assert_eq!(through_handle.as_str(), new.as_str());
}

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

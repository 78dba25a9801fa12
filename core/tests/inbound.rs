#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Inbound calls (Addition A) and the check digit (Addition B) on the vendor side: audit before
//! the verdict, one lock per account across issuers and agents, revoked accounts, and the
//! errors of malformed entries.

use callsign::{
    AuditError, AuditSink, CUSTOMER_LOCKOUT_SECONDS, CUSTOMER_MAX_FAILURES, CustomerCheck,
    CustomerEntry, CustomerState, CustomerVerdict, Enrollment, Error, IssuanceEvent, IssueRequest,
    Issuer, IssuerConfig, Ledger, MasterKey, MemoryLedger, ProfileParams, Verdict, Verifier,
    VerifierConfig, customer_code, decide_customer,
};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

const T: u64 = 1_764_355_200;

fn master() -> MasterKey {
    MasterKey::from_bytes(&(0u8..32).collect::<Vec<u8>>()).unwrap()
}

fn request(agent_id: &str) -> IssueRequest<'_> {
    IssueRequest {
        account_id: "customer-0001",
        agent_id,
        ticket: "T-2077",
    }
}

fn code_at(time: u64) -> String {
    let secret = master().account_secret("customer-0001", 0).unwrap();
    customer_code(&secret, time, ProfileParams::default())
        .unwrap()
        .as_str()
        .to_owned()
}

/// A sink that fails while `down` is set.
#[derive(Debug, Default)]
struct FlakySink {
    down: AtomicBool,
}

impl AuditSink for FlakySink {
    fn record(&self, _events: &[IssuanceEvent<'_>]) -> Result<(), AuditError> {
        if self.down.load(Ordering::SeqCst) {
            Err(AuditError::new("audit store down"))
        } else {
            Ok(())
        }
    }
}

#[test]
fn a_failing_audit_means_no_verified_and_nothing_stored() {
    let sink = Arc::new(FlakySink::default());
    let issuer = Issuer::new(master(), IssuerConfig::default(), sink.clone()).unwrap();
    sink.down.store(true, Ordering::SeqCst);
    assert_eq!(
        issuer.verify_customer(&request("agent-1"), &code_at(T), T),
        Err(Error::AuditFailed {
            reason: "audit store down".to_owned()
        })
    );
    // Nothing was stored: the same code verifies once the audit works (not "already used").
    sink.down.store(false, Ordering::SeqCst);
    assert_eq!(
        issuer.verify_customer(&request("agent-1"), &code_at(T), T),
        Ok(CustomerVerdict::Verified { step: T / 30 })
    );
    let state = issuer.ledger().customer_state("customer-0001").unwrap();
    assert_eq!(state.last_accepted_step, Some(T / 30));
}

#[test]
fn the_lock_holds_for_every_issuer_and_agent_sharing_the_ledger() {
    let ledger: Arc<dyn Ledger> = Arc::new(MemoryLedger::new());
    let issuers: Vec<Issuer> = (0..2)
        .map(|_| {
            Issuer::with_ledger(master(), IssuerConfig::default(), Arc::clone(&ledger)).unwrap()
        })
        .collect();
    let wrong = if code_at(T) == "000000" {
        "111111"
    } else {
        "000000"
    };
    for ((index, agent), offset) in ["agent-1", "agent-2", "agent-3"]
        .iter()
        .enumerate()
        .zip(0u32..)
    {
        let verdict = issuers[index % 2]
            .verify_customer(&request(agent), wrong, T + u64::from(offset))
            .unwrap();
        assert_eq!(
            verdict.attempts_left().unwrap_or(0),
            2 - offset,
            "{verdict:?}"
        );
    }
    let until = T + 2 + 900;
    for issuer in &issuers {
        assert_eq!(
            issuer.verify_customer(&request("agent-4"), &code_at(T + 10), T + 10),
            Ok(CustomerVerdict::LockedOut { until })
        );
    }
    assert_eq!(
        issuers[1].verify_customer(&request("agent-4"), &code_at(until), until),
        Ok(CustomerVerdict::Verified { step: until / 30 })
    );
}

#[test]
fn revoked_accounts_are_refused_and_recorded() {
    let ledger = Arc::new(MemoryLedger::new());
    let issuer = Issuer::with_ledger(master(), IssuerConfig::default(), ledger.clone()).unwrap();
    issuer
        .revoke("customer-0001", "supervisor", "stolen phone", T)
        .unwrap();
    assert!(matches!(
        issuer.verify_customer(&request("agent-1"), &code_at(T), T),
        Err(Error::AccountRevoked { .. })
    ));
    let records = ledger
        .audit_events(&callsign::AuditQuery::default())
        .unwrap();
    // Newest first.
    assert_eq!(records[0].outcome.as_str(), "refused_revoked");
}

#[test]
fn check_digit_entries_on_the_vendor_side() {
    let config = IssuerConfig {
        params: ProfileParams::default().with_check_digit(true),
        ..IssuerConfig::default()
    };
    let issuer = Issuer::new(master(), config, Arc::new(FlakySink::default())).unwrap();
    let error = issuer
        .verify_customer(&request("agent-1"), "246206", 59)
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "this code has a check digit: 7 digits are expected (6 and the check digit), got 6"
    );
    for wrong_check in ["2462060", "2462061", "2642065"] {
        assert_eq!(
            issuer.verify_customer(&request("agent-1"), wrong_check, 59),
            Ok(CustomerVerdict::Misheard)
        );
    }
    // Misheard entries cost nothing: the real code still verifies at once.
    assert_eq!(
        issuer.verify_customer(&request("agent-1"), "246 206 5", 59),
        Ok(CustomerVerdict::Verified { step: 1 })
    );
    // Agent codes carry the check digit too, and enrollments say so.
    let code = issuer.issue(&request("agent-1"), 59).unwrap();
    assert_eq!(
        (code.as_str(), code.grouped().as_str()),
        ("9134417", "913 441 7")
    );
    let enrollment = issuer.enrollment("ACME Support", "customer-0001").unwrap();
    assert!(
        enrollment
            .to_uri_string()
            .ends_with("&period=30&check=damm")
    );
    let parsed = Enrollment::parse(&enrollment.to_uri_string()).unwrap();
    assert!(parsed.params().check_digit());
    let app = Verifier::new(&parsed, VerifierConfig::default()).unwrap();
    assert_eq!(app.check("913 441 2", 59), Ok(Verdict::Misheard));
    assert_eq!(app.status(59).attempts_left, 3);
    assert_eq!(
        app.check("913 441 7", 59),
        Ok(Verdict::Genuine { step: 1, drift: 0 })
    );
    assert_eq!(
        app.customer_code(59).unwrap().grouped().as_str(),
        "246 206 5"
    );
}

#[test]
fn customer_and_agent_codes_never_pass_for_each_other() {
    let issuer = Issuer::new(
        master(),
        IssuerConfig::default(),
        Arc::new(FlakySink::default()),
    )
    .unwrap();
    let agent = issuer.issue(&request("agent-1"), 59).unwrap();
    assert_eq!(agent.as_str(), "913441");
    assert!(matches!(
        issuer.verify_customer(&request("agent-1"), agent.as_str(), 59),
        Ok(CustomerVerdict::NotVerified { .. })
    ));
    let app = Verifier::new(
        &issuer.enrollment("ACME Support", "customer-0001").unwrap(),
        VerifierConfig::default(),
    )
    .unwrap();
    assert!(matches!(
        app.check(app.customer_code(59).unwrap().as_str(), 59),
        Ok(Verdict::NotGenuine { .. })
    ));
}

#[test]
fn signed_enrollment_with_check_digit_round_trips_and_check_is_set_once() {
    let key = callsign::SigningKey::from_seed(&[7u8; 32]).unwrap();
    let trust = callsign::EnrollmentTrust::pinned([key.public_key()]).unwrap();
    let secret = master().account_secret("customer-0001", 0).unwrap();
    let enrollment = Enrollment::new(
        "ACME Support",
        "customer-0001",
        secret,
        0,
        ProfileParams::default().with_check_digit(true),
    )
    .unwrap()
    .signed(&key)
    .unwrap();
    let uri = enrollment.to_uri_string();
    assert!(
        uri.contains("&period=30&check=damm&sig="),
        "{}",
        uri.as_str()
    );
    // The signature covers the check parameter: it is read back, signature kept.
    let read = Enrollment::from_uri(&uri, &trust).unwrap();
    assert!(read.params().check_digit());
    assert_eq!(read.to_uri_string().as_str(), uri.as_str());
    // Dropping the check parameter breaks the signature.
    let stripped = uri.replace("&check=damm", "");
    assert_eq!(
        Enrollment::from_uri(&stripped, &trust)
            .map(|_| ())
            .unwrap_err()
            .kind(),
        callsign::ErrorKind::UntrustedEnrollment
    );
    // A repeated check parameter is refused like any other repeated parameter.
    let unsigned = uri.split("&sig=").next().unwrap();
    for repeated in ["&check=damm", "&check=none"] {
        assert_eq!(
            Enrollment::parse(&format!("{unsigned}{repeated}")).map(|_| ()),
            Err(Error::UriDuplicateParameter {
                name: "check".to_owned()
            })
        );
    }
}

/// The customer-side failure window, from a hand-written sequence: a failure counts for
/// [`CUSTOMER_LOCKOUT_SECONDS`] and is forgotten exactly that long after it (the verifier's
/// rule, `independent_pins.rs`). cargo-mutants found the boundary unpinned.
#[test]
fn a_customer_failure_is_forgotten_exactly_lockout_seconds_later() {
    let check = |time: u64, entry: CustomerEntry| CustomerCheck {
        time,
        account_id: "customer-1",
        agent_id: "agent-7",
        ticket: "T-1",
        current_step: time / 30,
        base_epoch: 0,
        epoch: 0,
        entry,
    };
    let t = 1_000_000;
    let (first, after_one) =
        decide_customer(&CustomerState::default(), &check(t, CustomerEntry::NoMatch));
    assert_eq!(first.attempts_left(), Some(CUSTOMER_MAX_FAILURES - 1));
    let (still, _) = decide_customer(
        &after_one,
        &check(t + CUSTOMER_LOCKOUT_SECONDS - 1, CustomerEntry::NoMatch),
    );
    assert_eq!(still.attempts_left(), Some(CUSTOMER_MAX_FAILURES - 2));
    let (forgotten, state) = decide_customer(
        &after_one,
        &check(t + CUSTOMER_LOCKOUT_SECONDS, CustomerEntry::NoMatch),
    );
    assert_eq!(forgotten.attempts_left(), Some(CUSTOMER_MAX_FAILURES - 1));
    assert_eq!(state.failures, [t + CUSTOMER_LOCKOUT_SECONDS]);
}

/// Every verdict's name and accessors, written out by hand.
#[test]
fn customer_verdicts_name_themselves_and_carry_their_values() {
    let rows = [
        (
            CustomerVerdict::Verified { step: 7 },
            "verified",
            true,
            Some(7),
            None,
            None,
        ),
        (
            CustomerVerdict::NotVerified { attempts_left: 2 },
            "not_verified",
            false,
            None,
            Some(2),
            None,
        ),
        (
            CustomerVerdict::AlreadyUsed { step: 5 },
            "already_used",
            false,
            Some(5),
            None,
            None,
        ),
        (
            CustomerVerdict::LockedOut { until: 900 },
            "locked_out",
            false,
            None,
            None,
            Some(900),
        ),
        (
            CustomerVerdict::Misheard,
            "misheard",
            false,
            None,
            None,
            None,
        ),
    ];
    for (verdict, name, verified, step, attempts_left, locked_until) in rows {
        assert_eq!(verdict.as_str(), name);
        assert_eq!(verdict.is_verified(), verified, "{name}");
        assert_eq!(verdict.step(), step, "{name}");
        assert_eq!(verdict.attempts_left(), attempts_left, "{name}");
        assert_eq!(verdict.locked_until(), locked_until, "{name}");
    }
}

/// A check that matched no step is audited at the step of its time (one that matched, at its
/// matching step).
#[test]
fn an_unmatched_check_is_audited_at_the_current_step() {
    let sink = Arc::new(callsign::MemoryAuditSink::new());
    let issuer = Issuer::new(master(), IssuerConfig::default(), sink.clone()).unwrap();
    let wrong = if code_at(T) == "000000" {
        "000001"
    } else {
        "000000"
    };
    let time = T + 7;
    assert!(
        !issuer
            .verify_customer(&request("agent-1"), wrong, time)
            .unwrap()
            .is_verified()
    );
    let earlier = code_at(T - 30);
    assert!(
        issuer
            .verify_customer(&request("agent-1"), &earlier, time)
            .unwrap()
            .is_verified()
    );
    let steps: Vec<u64> = sink
        .lines()
        .iter()
        .map(|line| callsign::AuditRecord::parse(line).unwrap().step)
        .collect();
    assert_eq!(steps, [time / 30, T / 30 - 1]);
}

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The audit chain in a ledger's records and the order of `audit_events`, on core's in-memory
//! ledger (the database ledgers run the same properties in the ledger crate's contract suite),
//! and the verifier's record-level entry points that database ledgers use.

use callsign::{
    AUDIT_CHAIN_START, AuditChainVerifier, AuditOutcome, AuditQuery, AuditRecord, ErrorKind,
    IssuanceEvent, IssueRequest, Issuer, IssuerConfig, Ledger, LedgerFault, MasterKey,
    MemoryAuditSink, MemoryLedger, RateLimit, audit_chain_batch, audit_chain_hash, audit_chain_hex,
};
use std::sync::Arc;

const T: u64 = 1_764_355_200;

fn issuer(ledger: Arc<dyn Ledger>) -> Issuer {
    let config = IssuerConfig {
        rate_limit: Some(RateLimit {
            max_codes: 2,
            window_seconds: 3600,
        }),
        ..IssuerConfig::default()
    };
    Issuer::with_ledger(MasterKey::from_bytes(&[9; 32]).unwrap(), config, ledger).unwrap()
}

fn request<'a>(account_id: &'a str, agent_id: &'a str) -> IssueRequest<'a> {
    IssueRequest {
        account_id,
        agent_id,
        ticket: "T-1",
    }
}

fn event<'a>(time: u64, agent_id: &'a str, ticket: &'a str) -> IssuanceEvent<'a> {
    IssuanceEvent {
        time,
        outcome: AuditOutcome::Issued,
        account_id: "acct",
        agent_id,
        ticket,
        step: time / 30,
        epoch: 0,
    }
}

#[test]
fn the_memory_ledger_chains_its_records_and_answers_the_newest_first() {
    let ledger = Arc::new(MemoryLedger::new());
    let issuer = issuer(ledger.clone());
    issuer.issue(&request("acct-1", "alice"), T).unwrap();
    issuer.issue(&request("acct-2", "bob"), T).unwrap();
    issuer.issue(&request("acct-3", "alice"), T + 1).unwrap();
    issuer
        .issue(&request("acct-4", "alice"), T + 2)
        .unwrap_err();
    issuer.revoke("acct-1", "bob", "lost", T + 1).unwrap();

    // Newest first by time; records of one time newest stored first.
    let all = ledger.audit_events(&AuditQuery::default()).unwrap();
    let order: Vec<(u64, &str, &str)> = all
        .iter()
        .map(|record| {
            (
                record.time - T,
                record.agent_id.as_str(),
                record.account_id.as_str(),
            )
        })
        .collect();
    assert_eq!(
        order,
        [
            (2, "alice", "acct-4"),
            (1, "bob", "acct-1"),
            (1, "alice", "acct-3"),
            (0, "bob", "acct-2"),
            (0, "alice", "acct-1"),
        ]
    );
    // A limit keeps the newest.
    let newest = ledger
        .audit_events(&AuditQuery {
            limit: 2,
            ..AuditQuery::default()
        })
        .unwrap();
    assert_eq!(newest, all[..2]);

    // Each record's chain is core's hash over its agent's record before it.
    let mut heads = std::collections::HashMap::new();
    for record in all.iter().rev() {
        let previous = heads
            .get(record.agent_id.as_str())
            .copied()
            .unwrap_or(AUDIT_CHAIN_START);
        let chain = audit_chain_hash(&previous, &record.event());
        assert_eq!(record.chain, audit_chain_hex(&chain), "{record:?}");
        heads.insert(record.agent_id.as_str(), chain);
    }
    let report = ledger.verify_chain().unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert_eq!(report.records, 5);
    assert_eq!(report.heads.len(), 2);
    for (agent, records) in [("alice", 3), ("bob", 2)] {
        let head = &report.heads[agent];
        assert_eq!((head.records, head.hash), (records, heads[agent]));
    }
}

#[test]
fn a_ledger_whose_audit_goes_to_a_sink_cannot_verify_or_list_it() {
    let ledger = MemoryLedger::with_sink(Arc::new(MemoryAuditSink::new()));
    for error in [
        ledger.verify_chain().unwrap_err(),
        ledger.audit_events(&AuditQuery::default()).unwrap_err(),
    ] {
        assert_eq!(error.kind(), ErrorKind::InvalidConfig, "{error:?}");
        assert!(
            matches!(
                error,
                callsign::Error::Ledger {
                    fault: LedgerFault::Unsupported,
                    ..
                }
            ),
            "{error:?}"
        );
    }
}

#[test]
fn a_batch_chains_each_agent_onto_its_own_head() {
    let events = [
        event(T, "alice", "a"),
        event(T, "bob", "b"),
        event(T + 1, "alice", "c"),
    ];
    let stored = audit_chain_hash(&AUDIT_CHAIN_START, &event(T - 1, "alice", "z"));
    let mut asked = Vec::new();
    let chains = audit_chain_batch(&events, |agent| {
        asked.push(agent.to_owned());
        Ok::<_, ()>(if agent == "alice" {
            stored
        } else {
            AUDIT_CHAIN_START
        })
    })
    .unwrap();
    // Each agent's head is read once, when its first event comes.
    assert_eq!(asked, ["alice", "bob"]);
    let first = audit_chain_hash(&stored, &events[0]);
    assert_eq!(
        chains,
        [
            first,
            audit_chain_hash(&AUDIT_CHAIN_START, &events[1]),
            audit_chain_hash(&first, &events[2]),
        ]
    );
    // A head that cannot be read fails the batch.
    assert_eq!(audit_chain_batch(&events, |_| Err("down")), Err("down"));
}

#[test]
fn the_record_verifier_names_rows_by_their_position() {
    let events = [
        event(T, "alice", "a"),
        event(T, "bob", "b"),
        event(T + 1, "alice", "c"),
    ];
    let chains = audit_chain_batch(&events, |_| Ok::<_, ()>(AUDIT_CHAIN_START)).unwrap();
    let records: Vec<AuditRecord> = events
        .iter()
        .zip(&chains)
        .map(|(event, chain)| AuditRecord::new(event, chain))
        .collect();
    let check = |records: &[AuditRecord], positions: &[u64]| {
        let mut verifier = AuditChainVerifier::new();
        for (record, position) in records.iter().zip(positions) {
            if !verifier.check_record(record, Some(*position)) {
                break;
            }
        }
        verifier.finish()
    };
    let report = check(&records, &[10, 12, 17]);
    assert!(report.is_intact(), "{report:?}");
    assert_eq!(report.records, 3);

    // Altered: named by its position and agent.
    let mut altered = records.clone();
    altered[2].ticket = "forged".to_owned();
    let broken = check(&altered, &[10, 12, 17]).first_break.unwrap();
    assert_eq!(
        (broken.line, broken.agent_id.as_deref()),
        (17, Some("alice"))
    );
    // Deleted: the agent's next row breaks.
    let deleted = [records[1].clone(), records[2].clone()];
    let broken = check(&deleted, &[12, 17]).first_break.unwrap();
    assert_eq!(
        (broken.line, broken.agent_id.as_deref()),
        (17, Some("alice"))
    );
    // No position: counted from 1.
    let mut verifier = AuditChainVerifier::new();
    assert!(verifier.check_record(&records[0], None));
    assert!(!verifier.is_broken());
    assert!(!verifier.check_record(&altered[2], None));
    assert!(verifier.is_broken());
    assert_eq!(verifier.finish().first_break.unwrap().line, 2);
    // A row without a hash, or with a malformed one.
    for (chain, reason) in [("", "no chain hash"), ("XYZ", "not 64 lowercase hex")] {
        let mut bad = records[0].clone();
        bad.chain = chain.to_owned();
        let broken = check(&[bad], &[5]).first_break.unwrap();
        assert_eq!(broken.line, 5);
        assert!(broken.reason.contains(reason), "{}", broken.reason);
    }
    // An unreadable row at a position; later rows change nothing.
    let mut verifier = AuditChainVerifier::new();
    assert!(verifier.check_record(&records[0], Some(3)));
    verifier.unreadable_at(8, Some("bob".to_owned()), "damaged".to_owned());
    assert!(!verifier.check_record(&records[1], Some(9)));
    let report = verifier.finish();
    let broken = report.first_break.unwrap();
    assert_eq!(
        (
            broken.line,
            broken.agent_id.as_deref(),
            broken.reason.as_str()
        ),
        (8, Some("bob"), "damaged")
    );
    assert_eq!(report.records, 1);
}

/// A ledger that keeps only the contract's required methods (delegating to a memory ledger);
/// with `extra_epoch`, a faulty one whose go-ahead names one epoch more than accounts.
#[derive(Debug, Default)]
struct Minimal(MemoryLedger, bool);

impl Ledger for Minimal {
    fn issue(
        &self,
        issuance: &callsign::Issuance<'_>,
    ) -> Result<callsign::Decision, callsign::Error> {
        match self.0.issue(issuance)? {
            callsign::Decision::Go { mut epochs } if self.1 => {
                epochs.push(0);
                Ok(callsign::Decision::Go { epochs })
            }
            decision => Ok(decision),
        }
    }
    fn revoke(&self, change: &callsign::AccountChange<'_>) -> Result<(), callsign::Error> {
        self.0.revoke(change)
    }
    fn reenroll(&self, change: &callsign::AccountChange<'_>) -> Result<u32, callsign::Error> {
        self.0.reenroll(change)
    }
    fn account(
        &self,
        account_id: &str,
        base_epoch: u32,
    ) -> Result<callsign::AccountState, callsign::Error> {
        self.0.account(account_id, base_epoch)
    }
    fn audit_events(&self, query: &AuditQuery<'_>) -> Result<Vec<AuditRecord>, callsign::Error> {
        self.0.audit_events(query)
    }
}

#[test]
fn a_ledger_without_a_chain_verifier_says_so() {
    let error = Minimal::default().verify_chain().unwrap_err();
    assert!(
        matches!(
            error,
            callsign::Error::Ledger {
                fault: LedgerFault::Unsupported,
                ..
            }
        ),
        "{error:?}"
    );
}

/// A ledger whose go-ahead does not name one epoch per account is a ledger failure: no code.
#[test]
fn a_go_ahead_with_another_number_of_epochs_than_accounts_is_a_ledger_failure() {
    let ledger = Arc::new(Minimal(MemoryLedger::new(), true));
    let issuer = Issuer::with_ledger(
        MasterKey::from_bytes(&[4; 32]).unwrap(),
        IssuerConfig::default(),
        ledger,
    )
    .unwrap();
    let request = IssueRequest {
        account_id: "customer-1",
        agent_id: "agent-7",
        ticket: "T-1",
    };
    let error = issuer.issue(&request, 1_000).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::StoreUnavailable, "{error}");
    assert!(
        error.to_string().contains("another number of epochs"),
        "{error}"
    );
}

/// A query's filters on core's memory ledger, each boundary written out: agent and account
/// exact, `since` inclusive, `until` exclusive, all of them at once; the limit 1 to
/// [`callsign::MAX_AUDIT_QUERY_LIMIT`].
#[test]
fn audit_queries_filter_by_agent_account_and_a_half_open_time_range() {
    let ledger = Arc::new(MemoryLedger::new());
    let issuer = issuer(Arc::clone(&ledger) as Arc<dyn Ledger>);
    for (account, agent, time) in [
        ("a1", "alice", T),
        ("a2", "bob", T + 1),
        ("a1", "bob", T + 2),
    ] {
        issuer.issue(&request(account, agent), time).unwrap();
    }
    let found = |query: AuditQuery<'_>| -> Vec<(String, String, u64)> {
        ledger
            .audit_events(&query)
            .unwrap()
            .into_iter()
            .map(|record| (record.account_id, record.agent_id, record.time))
            .collect()
    };
    let row = |account: &str, agent: &str, time: u64| (account.to_owned(), agent.to_owned(), time);
    let all = AuditQuery::default();
    assert_eq!(found(all).len(), 3);
    assert_eq!(
        found(AuditQuery {
            agent_id: Some("bob"),
            ..all
        }),
        [row("a1", "bob", T + 2), row("a2", "bob", T + 1)]
    );
    assert_eq!(
        found(AuditQuery {
            account_id: Some("a1"),
            ..all
        }),
        [row("a1", "bob", T + 2), row("a1", "alice", T)]
    );
    assert_eq!(
        found(AuditQuery {
            since: Some(T + 1),
            ..all
        })
        .len(),
        2
    );
    assert_eq!(
        found(AuditQuery {
            until: Some(T + 1),
            ..all
        }),
        [row("a1", "alice", T)]
    );
    assert_eq!(
        found(AuditQuery {
            agent_id: Some("bob"),
            account_id: Some("a1"),
            since: Some(T + 2),
            until: Some(T + 3),
            ..all
        }),
        [row("a1", "bob", T + 2)]
    );
    assert!(
        found(AuditQuery {
            agent_id: Some("bob"),
            account_id: Some("a1"),
            until: Some(T + 2),
            ..all
        })
        .is_empty()
    );
    assert!(
        found(AuditQuery {
            since: Some(T + 3),
            ..all
        })
        .is_empty()
    );
    for limit in [0, callsign::MAX_AUDIT_QUERY_LIMIT + 1] {
        let error = ledger
            .audit_events(&AuditQuery { limit, ..all })
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidConfig, "{limit}");
        let bound = format!("between 1 and {}", callsign::MAX_AUDIT_QUERY_LIMIT);
        assert!(error.to_string().contains(&bound), "{error}");
    }
    assert_eq!(
        found(AuditQuery {
            limit: callsign::MAX_AUDIT_QUERY_LIMIT,
            ..all
        })
        .len(),
        3
    );
}

/// Every ledger fault's stable name, written out, as `as_str` and as its Display; a ledger that
/// keeps no customer-check state says so; a memory ledger's Debug says where its trail goes.
#[test]
fn ledger_faults_name_themselves_and_defaults_are_refusals() {
    for (fault, name) in [
        (LedgerFault::Unreachable, "unreachable"),
        (LedgerFault::Timeout, "timeout"),
        (LedgerFault::Failed, "failed"),
        (LedgerFault::Closed, "closed"),
        (LedgerFault::SchemaVersion, "schema_version"),
        (LedgerFault::InvalidLocation, "invalid_location"),
        (LedgerFault::Unsupported, "unsupported"),
    ] {
        assert_eq!((fault.as_str(), fault.to_string().as_str()), (name, name));
    }
    let error = Minimal::default().customer_state("a1").unwrap_err();
    assert!(
        matches!(
            error,
            callsign::Error::Ledger {
                fault: LedgerFault::Unsupported,
                ..
            }
        ),
        "{error}"
    );
    assert!(format!("{:?}", MemoryLedger::new()).contains("audit: Kept"));
    let sink = Arc::new(MemoryAuditSink::new());
    assert!(format!("{:?}", MemoryLedger::with_sink(sink)).contains("audit: Sink"));
}

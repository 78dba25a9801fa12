//! One contract suite, run against the in-memory, SQLite and PostgreSQL ledgers. The
//! PostgreSQL runs need a server: `scripts/test-ledger.sh` starts one and runs them with
//! `--ignored` and `CALLSIGN_TEST_POSTGRES` set to its connection URL.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::missing_panics_doc
)]

use callsign::{
    AuditOutcome, AuditQuery, Error, ErrorKind, IssueRequest, Issuer, IssuerConfig, Ledger,
    LedgerFault, MasterKey, MemoryLedger, RateLimit, Verdict, Verifier, VerifierConfig,
};
use callsign_ledger::{PostgresLedger, SqliteLedger};
use std::sync::Arc;
use std::time::Duration;

mod common;
use common::unique;

const NOW: u64 = 1_700_000_000;
const TIMEOUT: Duration = Duration::from_secs(2);

/// Opens a ledger; called again with the same name, the same durable ledger.
type Open = fn(&str) -> Arc<dyn Ledger>;

fn memory(_: &str) -> Arc<dyn Ledger> {
    Arc::new(MemoryLedger::new())
}

fn sqlite_path(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("callsign-contract-{name}.db"))
}

fn sqlite(name: &str) -> Arc<dyn Ledger> {
    Arc::new(SqliteLedger::open(sqlite_path(name), TIMEOUT).unwrap())
}

pub fn postgres_dsn() -> String {
    std::env::var("CALLSIGN_TEST_POSTGRES")
        .expect("CALLSIGN_TEST_POSTGRES must name a PostgreSQL database (scripts/test-ledger.sh)")
}

fn postgres(_: &str) -> Arc<dyn Ledger> {
    Arc::new(PostgresLedger::connect(&postgres_dsn(), TIMEOUT).unwrap())
}

/// A session of the test's superuser on `dsn`, and the runtime that drives it.
fn superuser(dsn: &str) -> (tokio::runtime::Runtime, tokio_postgres::Client) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = runtime.block_on(async {
        let (client, connection) = tokio_postgres::connect(dsn, tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(connection);
        client
    });
    (runtime, client)
}

fn assert_fault(error: &Error, fault: LedgerFault) {
    assert!(
        matches!(error, Error::Ledger { fault: found, .. } if *found == fault),
        "{error:?}"
    );
}

fn master() -> MasterKey {
    MasterKey::from_bytes(&[7; 32]).unwrap()
}

fn issuer(ledger: Arc<dyn Ledger>, max_codes: u32, window_seconds: u64) -> Issuer {
    let config = IssuerConfig {
        rate_limit: Some(RateLimit {
            max_codes,
            window_seconds,
        }),
        ..IssuerConfig::default()
    };
    Issuer::with_ledger(master(), config, ledger).unwrap()
}

fn request<'a>(account_id: &'a str, agent_id: &'a str) -> IssueRequest<'a> {
    IssueRequest {
        account_id,
        agent_id,
        ticket: "T-1",
    }
}

fn by_agent(issuer: &Issuer, agent: &str) -> Vec<callsign::LedgerRecord> {
    issuer
        .audit_events(&AuditQuery {
            agent_id: Some(agent),
            ..AuditQuery::default()
        })
        .unwrap()
}

pub fn issues_the_code_of_the_epoch_and_records_it(open: Open) {
    let name = unique("issue");
    let issuer = issuer(open(&name), 5, 60);
    let (account, agent) = (format!("{name}-acct"), format!("{name}-agent"));
    let code = issuer.issue(&request(&account, &agent), NOW).unwrap();
    let secret = master().account_secret(&account, 0).unwrap();
    let expected = callsign::agent_code(&secret, NOW, callsign::ProfileParams::default()).unwrap();
    assert_eq!(code.as_str(), expected.as_str());
    let records = by_agent(&issuer, &agent);
    assert_eq!(records.len(), 1);
    let record = &records[0];
    assert_eq!(
        (
            record.time,
            record.outcome,
            record.account_id.as_str(),
            record.ticket.as_str()
        ),
        (NOW, AuditOutcome::Issued, account.as_str(), "T-1")
    );
    assert_eq!((record.step, record.epoch), (code.step, 0));
}

pub fn rate_limit_counts_issued_codes_in_the_window(open: Open) {
    let name = unique("limit");
    let issuer = issuer(open(&name), 3, 60);
    let agent = format!("{name}-agent");
    for offset in 0..3 {
        issuer
            .issue(&request(&format!("{name}-a{offset}"), &agent), NOW + offset)
            .unwrap();
    }
    let refused = issuer.issue(&request(&format!("{name}-a9"), &agent), NOW + 10);
    assert_eq!(
        refused.unwrap_err(),
        (Error::RateLimited {
            agent_id: agent.clone(),
            max_codes: 3,
            window_seconds: 60,
            retry_at: NOW + 60,
        })
    );
    // The refusal is recorded and does not count: the oldest code leaves the window at +60.
    issuer
        .issue(&request(&format!("{name}-a9"), &agent), NOW + 60)
        .unwrap();
    let outcomes: Vec<AuditOutcome> = by_agent(&issuer, &agent)
        .iter()
        .map(|record| record.outcome)
        .collect();
    assert_eq!(
        outcomes,
        [
            AuditOutcome::Issued,
            AuditOutcome::RefusedRateLimited,
            AuditOutcome::Issued,
            AuditOutcome::Issued,
            AuditOutcome::Issued,
        ]
    );
    // Another agent has its own limit.
    issuer
        .issue(
            &request(&format!("{name}-a9"), &format!("{name}-other")),
            NOW + 10,
        )
        .unwrap();
}

pub fn batches_are_all_or_nothing(open: Open) {
    let name = unique("batch");
    let issuer = issuer(open(&name), 3, 60);
    let agent = format!("{name}-agent");
    let accounts: Vec<String> = (0..4).map(|index| format!("{name}-a{index}")).collect();
    let refused = issuer.issue_many(&agent, "batch", &accounts, NOW);
    assert!(
        matches!(
            refused,
            Err(Error::BatchExceedsRateLimit {
                count: 4,
                max_codes: 3,
                ..
            })
        ),
        "{refused:?}"
    );
    let codes = issuer
        .issue_many(&agent, "batch", &accounts[..3], NOW)
        .unwrap();
    assert_eq!(codes.len(), 3);
    for (account, code) in accounts.iter().zip(&codes) {
        let secret = master().account_secret(account, 0).unwrap();
        let expected =
            callsign::agent_code(&secret, NOW, callsign::ProfileParams::default()).unwrap();
        assert_eq!(code.as_str(), expected.as_str());
    }
    let records = by_agent(&issuer, &agent);
    assert_eq!(
        records
            .iter()
            .filter(|record| record.outcome == AuditOutcome::Issued)
            .count(),
        3
    );
}

pub fn a_revoked_account_gets_no_code_until_reenrolled(open: Open) {
    let name = unique("revoke");
    let ledger = open(&name);
    // Two issuers on one ledger: what one does, the other honours.
    let first = issuer(Arc::clone(&ledger), 5, 600);
    let second = issuer(ledger, 5, 600);
    let (account, agent) = (format!("{name}-acct"), format!("{name}-agent"));
    let old = first.enrollment("Bank", &account).unwrap();
    let old_device = Verifier::new(&old, VerifierConfig::default()).unwrap();
    first.revoke(&account, &agent, "phone lost", NOW).unwrap();
    for issuer in [&first, &second] {
        assert_eq!(
            issuer
                .issue(&request(&account, &agent), NOW + 1)
                .unwrap_err(),
            Error::AccountRevoked {
                account_id: account.clone()
            }
        );
    }
    let enrollment = second
        .reenroll("Bank", &account, &agent, "new phone", NOW + 2)
        .unwrap();
    assert_eq!(enrollment.epoch(), 1);
    assert_eq!(first.account_epoch(&account).unwrap(), 1);
    let new_device = Verifier::new(&enrollment, VerifierConfig::default()).unwrap();
    // The first issuer cached the account's key at epoch 0 before; it must not use it.
    let code = first.issue(&request(&account, &agent), NOW + 3).unwrap();
    assert!(matches!(
        old_device.check(code.as_str(), NOW + 3).unwrap(),
        Verdict::NotGenuine { .. }
    ));
    assert!(matches!(
        new_device.check(code.as_str(), NOW + 3).unwrap(),
        Verdict::Genuine { .. }
    ));
    let outcomes: Vec<AuditOutcome> = by_agent(&first, &agent)
        .iter()
        .map(|record| record.outcome)
        .collect();
    assert_eq!(
        outcomes,
        [
            AuditOutcome::Issued,
            AuditOutcome::Reenrolled,
            AuditOutcome::RefusedRevoked,
            AuditOutcome::RefusedRevoked,
            AuditOutcome::Revoked,
        ]
    );
    // Refusals of a revoked account do not use up the agent's limit: 2 refused + 1 issued
    // leave 4 of 5.
    for offset in 0..4 {
        first
            .issue(&request(&format!("{name}-b{offset}"), &agent), NOW + 4)
            .unwrap();
    }
}

pub fn audit_reads_back_by_agent_account_and_time(open: Open) {
    let name = unique("audit");
    let issuer = issuer(open(&name), 100, 3600);
    let agents = [format!("{name}-x"), format!("{name}-y")];
    let accounts = [format!("{name}-p"), format!("{name}-q")];
    for offset in 0..6u64 {
        let agent = &agents[usize::try_from(offset % 2).unwrap()];
        let account = &accounts[usize::try_from(offset / 3).unwrap()];
        issuer
            .issue(&request(account, agent), NOW + 10 * offset)
            .unwrap();
    }
    let query = |agent: Option<&str>, account: Option<&str>, since, until, limit| {
        issuer
            .audit_events(&AuditQuery {
                agent_id: agent,
                account_id: account,
                since,
                until,
                limit,
            })
            .unwrap()
            .iter()
            .map(|record| record.time - NOW)
            .collect::<Vec<u64>>()
    };
    // The newest first.
    assert_eq!(query(Some(&agents[0]), None, None, None, 100), [40, 20, 0]);
    assert_eq!(
        query(None, Some(&accounts[1]), None, None, 100),
        [50, 40, 30]
    );
    assert_eq!(
        query(Some(&agents[1]), Some(&accounts[0]), None, None, 100),
        [10]
    );
    assert_eq!(
        query(Some(&agents[0]), None, Some(NOW + 20), Some(NOW + 40), 100),
        [20]
    );
    // A limit keeps the newest records.
    assert_eq!(query(Some(&agents[1]), None, None, None, 2), [50, 30]);
    let too_many = issuer.audit_events(&AuditQuery {
        limit: 0,
        ..AuditQuery::default()
    });
    assert_eq!(too_many.unwrap_err().kind(), ErrorKind::InvalidConfig);
}

pub fn ids_out_of_bounds_are_typed_errors(open: Open) {
    let name = unique("bounds");
    let ledger = open(&name);
    let issuer = issuer(Arc::clone(&ledger), 5, 60);
    let long_account = "a".repeat(257);
    let long_agent = "g".repeat(129);
    assert_eq!(
        issuer
            .issue(&request(&long_account, "agent"), NOW)
            .unwrap_err(),
        Error::AccountIdLength { len: 257 }
    );
    assert_eq!(
        issuer
            .issue(&request("acct", &long_agent), NOW)
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidIdentifier
    );
    assert_eq!(
        issuer.issue(&request("", "agent"), NOW).unwrap_err(),
        Error::AccountIdLength { len: 0 }
    );
    assert_eq!(
        issuer.revoke(&long_account, "agent", "r", NOW),
        Err(Error::AccountIdLength { len: 257 })
    );
    // The ledger checks what it is handed directly as well.
    let issuance = callsign::Issuance {
        time: NOW,
        agent_id: &long_agent,
        ticket: "t",
        step: 0,
        base_epoch: 0,
        account_ids: &["acct"],
        rate_limit: None,
    };
    if !format!("{ledger:?}").starts_with("MemoryLedger") {
        assert_eq!(
            ledger.issue(&issuance).unwrap_err().kind(),
            ErrorKind::InvalidIdentifier
        );
    }
    // NUL characters, which database text cannot hold, are refused before the database.
    if !format!("{ledger:?}").starts_with("MemoryLedger") {
        for (account, agent, ticket) in [("a\0b", "agent", "t"), ("acct", "ag\0", "t")] {
            let error = issuer
                .issue(
                    &IssueRequest {
                        account_id: account,
                        agent_id: agent,
                        ticket,
                    },
                    NOW,
                )
                .unwrap_err();
            // The account id is refused by the ledger's check, the agent id earlier, by its
            // canonical form.
            assert_eq!(error.kind(), ErrorKind::InvalidIdentifier, "{error:?}");
        }
        let error = issuer.revoke("acct", "agent", "r\0", NOW).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidIdentifier);
    }
    // Times beyond the database's range are typed errors too.
    let far = issuer.issue(&request(&format!("{name}-acct"), "agent"), u64::MAX);
    if let Err(error) = far {
        assert!(matches!(error.kind(), ErrorKind::Overflow), "{error:?}");
    }
}

pub fn threads_sharing_a_ledger_never_exceed_the_limit(open: Open) {
    let name = unique("threads");
    let ledger = open(&name);
    let agent = format!("{name}-agent");
    let issued = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..4)
            .map(|thread| {
                let issuer = issuer(Arc::clone(&ledger), 7, 600);
                let agent = &agent;
                let name = &name;
                scope.spawn(move || {
                    (0..5)
                        .filter(|index| {
                            let account = format!("{name}-{thread}-{index}");
                            match issuer.issue(&request(&account, agent), NOW) {
                                Ok(_) => true,
                                Err(Error::RateLimited { .. }) => false,
                                Err(other) => panic!("{other}"),
                            }
                        })
                        .count()
                })
            })
            .collect();
        threads
            .into_iter()
            .map(|thread| thread.join().unwrap())
            .sum::<usize>()
    });
    assert_eq!(issued, 7);
}

/// The customer code of `account` (epoch 0, 6 digits, 30 s) at `time`.
fn customer_code_of(account: &str, time: u64) -> String {
    let secret = master().account_secret(account, 0).unwrap();
    callsign::customer_code(&secret, time, callsign::ProfileParams::default())
        .unwrap()
        .as_str()
        .to_owned()
}

/// A well-formed customer code that is not the account's at `time` (nor a neighbour's).
fn wrong_customer_code(account: &str, time: u64) -> String {
    let near: Vec<String> = [time - 30, time, time + 30]
        .iter()
        .map(|&at| customer_code_of(account, at))
        .collect();
    (0u32..1000)
        .map(|n| format!("{:06}", (n * 7919 + 123_457) % 1_000_000))
        .find(|candidate| !near.contains(candidate))
        .unwrap()
}

/// Inbound calls (Addition A): failures, the lock and the last accepted step are per account,
/// for every issuer and agent on the ledger; every check is recorded before its verdict.
pub fn customer_checks_lock_the_account_for_every_issuer(open: Open) {
    use callsign::CustomerVerdict;
    let name = unique("customer");
    let account = format!("{name}-acct");
    let ledger = open(&name);
    let issuers = [
        issuer(Arc::clone(&ledger), 30, 3600),
        issuer(ledger, 30, 3600),
    ];
    let check = |index: usize, agent: &str, entry: &str, time: u64| {
        issuers[index].verify_customer(&request(&account, agent), entry, time)
    };
    let wrong = wrong_customer_code(&account, NOW);
    assert_eq!(
        check(0, "agent-1", &wrong, NOW),
        Ok(CustomerVerdict::NotVerified { attempts_left: 2 })
    );
    assert_eq!(
        check(1, "agent-2", &wrong, NOW + 1),
        Ok(CustomerVerdict::NotVerified { attempts_left: 1 })
    );
    assert_eq!(
        check(0, "agent-3", &wrong, NOW + 2),
        Ok(CustomerVerdict::LockedOut { until: NOW + 902 })
    );
    let real = customer_code_of(&account, NOW + 10);
    assert_eq!(
        check(1, "agent-4", &real, NOW + 10),
        Ok(CustomerVerdict::LockedOut { until: NOW + 902 })
    );
    let later = NOW + 902;
    let real = customer_code_of(&account, later);
    assert_eq!(
        check(1, "agent-4", &real, later),
        Ok(CustomerVerdict::Verified { step: later / 30 })
    );
    assert_eq!(
        check(0, "agent-1", &real, later + 1),
        Ok(CustomerVerdict::AlreadyUsed { step: later / 30 })
    );
    assert!(matches!(
        check(0, "agent-1", "12a456", later + 2),
        Err(Error::InvalidCodeCharacter { .. })
    ));
    let state = issuers[0].ledger().customer_state(&account).unwrap();
    assert_eq!(state.last_accepted_step, Some(later / 30));
    assert_eq!((state.failures.len(), state.locked_until), (0, None));
    let outcomes: Vec<&str> = issuers[0]
        .audit_events(&AuditQuery {
            account_id: Some(&account),
            ..AuditQuery::default()
        })
        .unwrap()
        .iter()
        .map(|record| record.outcome.as_str())
        .collect();
    assert_eq!(
        outcomes,
        [
            "customer_already_used",
            "customer_verified",
            "customer_locked_out",
            "customer_locked_out",
            "customer_not_verified",
            "customer_not_verified",
        ]
    );
    // A revoked account is refused (and the refusal recorded).
    issuers[1]
        .revoke(&account, "supervisor", "stolen phone", later + 3)
        .unwrap();
    assert!(matches!(
        check(0, "agent-1", &real, later + 4),
        Err(Error::AccountRevoked { .. })
    ));
}

/// Durable ledgers only: a customer-check lock outlives the issuer and the ledger.
pub fn the_customer_lock_survives_a_restart(open: Open) {
    let name = unique("customer-restart");
    let account = format!("{name}-acct");
    let wrong = wrong_customer_code(&account, NOW);
    {
        let issuer = issuer(open(&name), 30, 3600);
        for offset in 0..3 {
            issuer
                .verify_customer(&request(&account, "agent-1"), &wrong, NOW + offset)
                .unwrap();
        }
    }
    let issuer = issuer(open(&name), 30, 3600);
    assert_eq!(
        issuer.verify_customer(
            &request(&account, "agent-2"),
            &customer_code_of(&account, NOW + 5),
            NOW + 5
        ),
        Ok(callsign::CustomerVerdict::LockedOut { until: NOW + 902 })
    );
}

/// Durable ledgers only: the limit and the lifecycle outlive the issuer and the ledger.
pub fn the_limit_survives_a_restart(open: Open) {
    let name = unique("restart");
    let agent = format!("{name}-agent");
    let account = format!("{name}-acct");
    {
        let issuer = issuer(open(&name), 2, 600);
        issuer.issue(&request(&account, &agent), NOW).unwrap();
        issuer.issue(&request(&account, &agent), NOW).unwrap();
        issuer
            .reenroll("Bank", &account, &agent, "new phone", NOW)
            .unwrap();
    }
    let issuer = issuer(open(&name), 2, 600);
    assert!(matches!(
        issuer.issue(&request(&account, &agent), NOW + 1),
        Err(Error::RateLimited { .. })
    ));
    assert_eq!(issuer.account_epoch(&account).unwrap(), 1);
}

pub fn the_audit_chain_links_every_record(open: Open) {
    let name = unique("chain");
    let ledger = open(&name);
    let issuer = issuer(Arc::clone(&ledger), 2, 600);
    let (account, agent, other) = (
        format!("{name}-acct"),
        format!("{name}-agent"),
        format!("{name}-other"),
    );
    issuer.issue(&request(&account, &agent), NOW).unwrap();
    issuer.issue(&request(&account, &other), NOW).unwrap();
    issuer
        .revoke(&account, &agent, "lost phone", NOW + 1)
        .unwrap();
    issuer
        .issue(&request(&account, &agent), NOW + 2)
        .unwrap_err();
    issuer
        .reenroll("Bank", &account, &other, "new phone", NOW + 3)
        .unwrap();
    issuer.issue(&request(&account, &agent), NOW + 4).unwrap();
    issuer
        .issue(&request(&account, &agent), NOW + 5)
        .unwrap_err();
    // Every record's stored hash is core's function over the agent's record before it.
    for agent in [&agent, &other] {
        let mut records = by_agent(&issuer, agent);
        records.reverse();
        let mut previous = callsign::AUDIT_CHAIN_START;
        for record in &records {
            previous = callsign::audit_chain_hash(&previous, &record.event());
            assert_eq!(
                record.chain,
                callsign::audit_chain_hex(&previous),
                "{record:?}"
            );
        }
        let report = ledger.verify_chain().unwrap();
        assert!(report.is_intact(), "{report:?}");
        let head = &report.heads[agent.as_str()];
        assert_eq!((head.records, head.hash), (records.len() as u64, previous));
    }
    assert_eq!(by_agent(&issuer, &agent).len(), 5);
    assert_eq!(by_agent(&issuer, &other).len(), 2);
}

/// Rows altered or deleted behind the ledger's back (by someone who can switch the
/// append-only guard off, through `sql`) break the chain at the right row, naming its agent.
fn tampering_breaks_the_chain(ledger: &Arc<dyn Ledger>, sql: &dyn Fn(&str) -> Vec<i64>) {
    let name = unique("tamper");
    let issuer = issuer(Arc::clone(ledger), 100, 600);
    let (agent, other) = (format!("{name}-agent"), format!("{name}-other"));
    for offset in 0..3 {
        for who in [&agent, &other] {
            issuer
                .issue(&request(&format!("{name}-a{offset}"), who), NOW + offset)
                .unwrap();
        }
    }
    assert!(ledger.verify_chain().unwrap().is_intact());
    let ids = sql(&format!(
        "SELECT id FROM callsign_audit WHERE agent_id = '{agent}' ORDER BY id"
    ));
    assert_eq!(ids.len(), 3);
    let broken = |report: callsign::AuditChainReport| report.first_break.unwrap();
    // Altered: the row itself no longer verifies.
    sql(&format!(
        "UPDATE callsign_audit SET ticket = 'forged' WHERE id = {}",
        ids[1]
    ));
    let at = broken(ledger.verify_chain().unwrap());
    assert_eq!(
        (at.line, at.agent_id.as_deref()),
        (u64::try_from(ids[1]).unwrap(), Some(agent.as_str()))
    );
    assert!(at.reason.contains("altered"), "{}", at.reason);
    // Put back, the chain holds again: the check is exact.
    sql(&format!(
        "UPDATE callsign_audit SET ticket = 'T-1' WHERE id = {}",
        ids[1]
    ));
    assert!(ledger.verify_chain().unwrap().is_intact());
    // Deleted: the agent's next row no longer follows.
    sql(&format!("DELETE FROM callsign_audit WHERE id = {}", ids[1]));
    let at = broken(ledger.verify_chain().unwrap());
    assert_eq!(
        (at.line, at.agent_id.as_deref()),
        (u64::try_from(ids[2]).unwrap(), Some(agent.as_str()))
    );
    assert!(at.reason.contains("deleted"), "{}", at.reason);
}

#[test]
fn sqlite_tampering_breaks_the_chain() {
    let path = sqlite_path(&unique("tamper"));
    let ledger: Arc<dyn Ledger> = Arc::new(SqliteLedger::open(&path, TIMEOUT).unwrap());
    let connection = rusqlite::Connection::open(&path).unwrap();
    // The file's owner can drop the append-only triggers.
    connection
        .execute_batch(
            "DROP TRIGGER callsign_audit_no_update; DROP TRIGGER callsign_audit_no_delete",
        )
        .unwrap();
    tampering_breaks_the_chain(&ledger, &|sql| {
        let mut statement = connection.prepare(sql).unwrap();
        if statement.column_count() == 0 {
            statement.execute([]).unwrap();
            return Vec::new();
        }
        statement
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    });
}

#[test]
#[ignore = "needs PostgreSQL: scripts/test-ledger.sh"]
fn postgres_tampering_breaks_the_chain() {
    // A database of its own: a broken chain would fail the contract suite's chain checks.
    let dsn = std::env::var("CALLSIGN_TEST_POSTGRES_CHAIN")
        .expect("CALLSIGN_TEST_POSTGRES_CHAIN must name a PostgreSQL database");
    let ledger: Arc<dyn Ledger> = Arc::new(PostgresLedger::connect(&dsn, TIMEOUT).unwrap());
    let (runtime, client) = superuser(&dsn);
    // The superuser switches the append-only trigger off for this session.
    runtime
        .block_on(client.batch_execute("SET session_replication_role = replica"))
        .unwrap();
    tampering_breaks_the_chain(&ledger, &|sql| {
        runtime.block_on(async {
            client
                .query(sql, &[])
                .await
                .unwrap()
                .iter()
                .map(|row| row.get(0))
                .collect()
        })
    });
}

/// A module of tests, one per contract property, each run against the ledgers of `$open`
/// (with `$attribute`s on every test).
macro_rules! contract {
    ($module:ident, $open:expr, $(#[$attribute:meta])*) => {
        contract!(@tests $module, $open, { $(#[$attribute])* },
            issues_the_code_of_the_epoch_and_records_it,
            rate_limit_counts_issued_codes_in_the_window,
            batches_are_all_or_nothing,
            a_revoked_account_gets_no_code_until_reenrolled,
            audit_reads_back_by_agent_account_and_time,
            ids_out_of_bounds_are_typed_errors,
            threads_sharing_a_ledger_never_exceed_the_limit,
            customer_checks_lock_the_account_for_every_issuer,
            the_audit_chain_links_every_record,
        );
    };
    (@tests $module:ident, $open:expr, $attributes:tt, $($property:ident,)+) => {
        mod $module {
            $(contract!(@test $open, $attributes, $property);)+
        }
    };
    (@test $open:expr, { $(#[$attribute:meta])* }, $property:ident) => {
        $(#[$attribute])*
        #[test]
        fn $property() {
            super::$property($open)
        }
    };
}

contract!(memory_ledger, super::memory,);
contract!(sqlite_ledger, super::sqlite,);
contract!(
    postgres_ledger,
    super::postgres,
    #[ignore = "needs PostgreSQL: scripts/test-ledger.sh"]
);

#[test]
fn sqlite_customer_lock_survives_a_restart() {
    the_customer_lock_survives_a_restart(sqlite);
}

#[test]
#[ignore = "needs PostgreSQL: scripts/test-ledger.sh"]
fn postgres_customer_lock_survives_a_restart() {
    the_customer_lock_survives_a_restart(postgres);
}

#[test]
fn sqlite_limit_survives_a_restart() {
    the_limit_survives_a_restart(sqlite);
}

#[test]
#[ignore = "needs PostgreSQL: scripts/test-ledger.sh"]
fn postgres_limit_survives_a_restart() {
    the_limit_survives_a_restart(postgres);
}

#[test]
fn sqlite_refuses_another_schema_version_and_a_bad_path() {
    let path = sqlite_path(&unique("schema"));
    drop(SqliteLedger::open(&path, TIMEOUT).unwrap());
    let connection = rusqlite::Connection::open(&path).unwrap();
    connection.pragma_update(None, "user_version", 99).unwrap();
    drop(connection);
    let error = SqliteLedger::open(&path, TIMEOUT).unwrap_err();
    assert_fault(&error, LedgerFault::SchemaVersion);
    let error = SqliteLedger::open("/nonexistent/dir/ledger.db", TIMEOUT).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::StoreUnavailable, "{error:?}");
    let error = callsign_ledger::open("mysql://x", TIMEOUT).unwrap_err();
    assert_fault(&error, LedgerFault::InvalidLocation);
}

#[test]
fn sqlite_audit_is_append_only() {
    let path = sqlite_path(&unique("append"));
    let issuer = issuer(Arc::new(SqliteLedger::open(&path, TIMEOUT).unwrap()), 5, 60);
    issuer.issue(&request("acct", "agent"), NOW).unwrap();
    let connection = rusqlite::Connection::open(&path).unwrap();
    for sql in [
        "UPDATE callsign_audit SET outcome = 'refused_rate_limited'",
        "DELETE FROM callsign_audit",
    ] {
        let error = connection.execute(sql, []).unwrap_err();
        assert!(error.to_string().contains("append-only"), "{error}");
    }
}

#[test]
fn a_closed_ledger_gives_a_typed_error() {
    let ledger = Arc::new(SqliteLedger::open(sqlite_path(&unique("closed")), TIMEOUT).unwrap());
    let issuer = issuer(Arc::clone(&ledger) as Arc<dyn Ledger>, 5, 60);
    ledger.close();
    let error = issuer.issue(&request("acct", "agent"), NOW).unwrap_err();
    assert_fault(&error, LedgerFault::Closed);
    assert_eq!(error.kind(), ErrorKind::StoreUnavailable);
}

#[test]
fn a_malformed_dsn_and_an_unreachable_server_are_typed_errors() {
    let error = PostgresLedger::connect("postgres://user@host:notaport/db", TIMEOUT).unwrap_err();
    assert_fault(&error, LedgerFault::InvalidLocation);
    assert_eq!(error.kind(), ErrorKind::InvalidConfig);
    // Port 1 on loopback: nothing listens there.
    let error =
        PostgresLedger::connect("postgres://callsign@127.0.0.1:1/none", TIMEOUT).unwrap_err();
    assert_fault(&error, LedgerFault::Unreachable);
}

#[test]
#[ignore = "needs PostgreSQL: scripts/test-ledger.sh"]
fn postgres_refuses_another_schema_version_closes_and_is_append_only() {
    // A database of its own: the schema version it fakes would stop every other test.
    let dsn = std::env::var("CALLSIGN_TEST_POSTGRES_SCHEMA")
        .expect("CALLSIGN_TEST_POSTGRES_SCHEMA must name a PostgreSQL database");
    let ledger = PostgresLedger::connect(&dsn, TIMEOUT).unwrap();
    // Connecting again is idempotent.
    drop(PostgresLedger::connect(&dsn, TIMEOUT).unwrap());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let (client, connection) = tokio_postgres::connect(&dsn, tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(connection);
        for sql in [
            "UPDATE callsign_audit SET ticket = 'x'",
            "DELETE FROM callsign_audit",
        ] {
            // An empty audit would let UPDATE/DELETE pass without firing the row trigger.
            client
                .batch_execute(
                    "INSERT INTO callsign_audit (time, outcome, account_id, agent_id, ticket, step, epoch)
                     VALUES (1, 'issued', 'a', 'g', 't', 0, 0)",
                )
                .await
                .unwrap();
            let error = client.batch_execute(sql).await.unwrap_err();
            assert!(format!("{error:?}").contains("append-only"), "{error:?}");
        }
        client
            .batch_execute("INSERT INTO callsign_schema (version) VALUES (99)")
            .await
            .unwrap();
    });
    let error = PostgresLedger::connect(&dsn, TIMEOUT).unwrap_err();
    runtime.block_on(async {
        let (client, connection) = tokio_postgres::connect(&dsn, tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(connection);
        client
            .batch_execute("DELETE FROM callsign_schema WHERE version = 99")
            .await
            .unwrap();
    });
    assert_fault(&error, LedgerFault::SchemaVersion);
    let ledger = Arc::new(ledger);
    let issuer = issuer(Arc::clone(&ledger) as Arc<dyn Ledger>, 5, 60);
    issuer
        .issue(&request(&unique("acct"), &unique("closing")), NOW)
        .unwrap();
    ledger.close();
    let error = issuer
        .issue(&request(&unique("acct"), &unique("closing")), NOW)
        .unwrap_err();
    assert_fault(&error, LedgerFault::Closed);
}

/// A database that does not answer in time (here: another session holds the agent's lock)
/// means a typed timeout and no code; once it answers again, issuance goes on with the same
/// ledger and issuer.
#[test]
#[ignore = "needs PostgreSQL: scripts/test-ledger.sh"]
fn postgres_slow_database_times_out_and_recovers() {
    let dsn = postgres_dsn();
    let ledger = PostgresLedger::connect(&dsn, Duration::from_millis(300)).unwrap();
    let issuer = issuer(Arc::new(ledger) as Arc<dyn Ledger>, 5, 60);
    let agent = unique("slow");
    let account = unique("acct");
    let (runtime, blocker) = superuser(&dsn);
    runtime
        .block_on(blocker.batch_execute(&format!(
            "BEGIN; SELECT pg_advisory_xact_lock(hashtextextended('agent:{agent}', 0))"
        )))
        .unwrap();
    let started = std::time::Instant::now();
    let error = issuer.issue(&request(&account, &agent), NOW).unwrap_err();
    assert_fault(&error, LedgerFault::Timeout);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    runtime.block_on(async { blocker.batch_execute("COMMIT").await.unwrap() });
    issuer.issue(&request(&account, &agent), NOW).unwrap();
    // The timed-out attempt left no row: only the second issuance is recorded.
    assert_eq!(by_agent(&issuer, &agent).len(), 1);
}

/// Another process holding the SQLite file's write lock longer than the timeout means a typed
/// timeout and no code; once it lets go, issuance goes on.
#[test]
fn sqlite_busy_database_times_out_and_recovers() {
    let path = sqlite_path(&unique("busy"));
    let ledger = SqliteLedger::open(&path, Duration::from_millis(200)).unwrap();
    let issuer = issuer(Arc::new(ledger) as Arc<dyn Ledger>, 5, 60);
    let blocker = rusqlite::Connection::open(&path).unwrap();
    blocker.execute_batch("BEGIN IMMEDIATE").unwrap();
    let error = issuer.issue(&request("acct", "agent"), NOW).unwrap_err();
    assert_fault(&error, LedgerFault::Timeout);
    blocker.execute_batch("COMMIT").unwrap();
    issuer.issue(&request("acct", "agent"), NOW).unwrap();
    assert_eq!(by_agent(&issuer, "agent").len(), 1);
}

/// The trap of two SQLite copies in one process (Python's `sqlite3` beside `SqliteLedger`):
/// the other copy, closing the file, checkpoints and deletes the ledger's write-ahead log
/// under it. Simulated here with a checkpoint and the deletion the other copy makes. The
/// ledger must refuse to write (a typed error, no code) rather than commit audit rows into
/// the deleted log, where they would be lost.
#[test]
fn sqlite_a_deleted_write_ahead_log_is_refused_not_written_to() {
    let path = sqlite_path(&unique("wal"));
    let issuer = issuer(
        Arc::new(SqliteLedger::open(&path, TIMEOUT).unwrap()),
        100,
        600,
    );
    issuer.issue(&request("acct", "agent"), NOW).unwrap();
    let other = rusqlite::Connection::open(&path).unwrap();
    other
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    drop(other);
    for suffix in ["-wal", "-shm"] {
        let mut file = path.clone().into_os_string();
        file.push(suffix);
        std::fs::remove_file(file).unwrap();
    }
    let error = issuer
        .issue(&request("acct", "agent"), NOW + 1)
        .unwrap_err();
    assert_fault(&error, LedgerFault::Failed);
    assert!(error.to_string().contains("write-ahead log"), "{error}");
    drop(issuer);
    // Opened again, the ledger holds every code it handed out, and works.
    let issuer = issuer_on_path(&path);
    assert_eq!(by_agent(&issuer, "agent").len(), 1);
    issuer.issue(&request("acct", "agent"), NOW + 2).unwrap();
    assert_eq!(by_agent(&issuer, "agent").len(), 2);
}

fn issuer_on_path(path: &std::path::Path) -> Issuer {
    issuer(
        Arc::new(SqliteLedger::open(path, TIMEOUT).unwrap()),
        100,
        600,
    )
}

/// A pooled connection that the server closed while it sat idle (a terminated backend, a
/// restart) is not handed out: the next issuance opens a new one and succeeds.
#[test]
#[ignore = "needs PostgreSQL: scripts/test-ledger.sh"]
fn postgres_an_idle_connection_closed_by_the_server_is_replaced() {
    let dsn = postgres_dsn();
    // A name of its own, so that only this ledger's connections are terminated.
    let name = unique("idle");
    let separator = if dsn.contains('?') { '&' } else { '?' };
    let named = format!("{dsn}{separator}application_name={name}");
    let issuer = issuer(
        Arc::new(PostgresLedger::connect(&named, TIMEOUT).unwrap()) as Arc<dyn Ledger>,
        5,
        60,
    );
    let agent = unique("idle");
    issuer.issue(&request("acct", &agent), NOW).unwrap();
    let (runtime, admin) = superuser(&dsn);
    let terminated = runtime
        .block_on(admin.query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
            &[&name],
        ))
        .unwrap();
    assert!(!terminated.is_empty());
    std::thread::sleep(Duration::from_millis(200));
    issuer.issue(&request("acct", &agent), NOW + 1).unwrap();
    assert_eq!(by_agent(&issuer, &agent).len(), 2);
}

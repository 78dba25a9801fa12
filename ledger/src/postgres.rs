//! The fleet ledger: PostgreSQL, shared by any number of issuers on any number of machines.
//!
//! One transaction per issuance, READ COMMITTED, serialised per agent by a transaction-scoped
//! advisory lock on the agent's id (`pg_advisory_xact_lock`). Why not SERIALIZABLE: the
//! conflicting transactions are exactly those of one agent, and the lock makes them wait for
//! each other instead of failing and retrying (under SERIALIZABLE, concurrent issuances of one
//! agent abort with serialization failures that every caller would have to retry), while
//! issuances of different agents never wait for each other. Account changes take a lock on
//! the account the same way.
//!
//! Every call is bounded by the ledger's timeout: a connection that misses it is dropped (the
//! server rolls its transaction back), never returned to the pool. A code is handed out only
//! after `COMMIT` returned.

use crate::pg_pool::{Conn, Pool, both};
use crate::{
    AUDIT_COLUMNS, AuditRow, IssuanceReads, SqlValue, StoredCustomer, Tx, account_in,
    audit_query_sql, audit_record, change, check_account, check_change, check_customer_in,
    check_ids, customer_in, decide, default_issuance_reads, sql_int, verify_row,
};
use callsign::{
    AUDIT_CHAIN_LEN, AccountChange, AccountState, AuditChainReport, AuditChainVerifier,
    AuditOutcome, AuditQuery, CustomerCheck, CustomerState, CustomerVerdict, Decision, Error,
    Issuance, IssuanceEvent, Ledger, LedgerFault, LedgerRecord,
};
use std::time::Duration;
use tokio::time::Instant;
use tokio_postgres::types::ToSql;

/// The newest schema version this code knows.
pub const POSTGRES_SCHEMA_VERSION: i32 = 3;

const MIGRATIONS: [(i32, &str); 3] = [
    (1, include_str!("../migrations/postgres/0001_init.sql")),
    (
        2,
        include_str!("../migrations/postgres/0002_customer_checks.sql"),
    ),
    (
        3,
        include_str!("../migrations/postgres/0003_audit_chain.sql"),
    ),
];

/// Rows per fetch when the chain verifier walks the trail.
const VERIFY_BATCH: i64 = 10_000;

/// Connections per ledger (per issuer process).
const POOL_SIZE: usize = 32;

/// The advisory-lock key space of the migrations (any fixed number).
const MIGRATION_LOCK: i64 = 0x6361_6c6c_7369_676e;

/// A ledger in a PostgreSQL database. See the module documentation.
pub struct PostgresLedger {
    pool: Pool,
    timeout: Duration,
}

impl core::fmt::Debug for PostgresLedger {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // The connection string may hold a password: not shown.
        f.debug_struct("PostgresLedger")
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl PostgresLedger {
    /// Connects to the database at `dsn` (a `postgres://` URL or a `key=value` string),
    /// applies the migrations it lacks (or refuses a database of a newer schema), and creates
    /// this month's and next month's audit partitions. Every later call is bounded by
    /// `timeout`.
    pub fn connect(dsn: &str, timeout: Duration) -> Result<PostgresLedger, Error> {
        let mut config: tokio_postgres::Config = dsn.parse().map_err(|error| {
            LedgerFault::InvalidLocation
                .error(format!("malformed PostgreSQL connection string: {error}"))
        })?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(timeout);
        }
        if config.get_application_name().is_none() {
            config.application_name("callsign-ledger");
        }
        let ledger = PostgresLedger {
            pool: Pool::new(config, POOL_SIZE),
            timeout,
        };
        ledger.migrate()?;
        Ok(ledger)
    }

    /// Closes the ledger: its connections go, and every later call fails with
    /// [`LedgerFault::Closed`].
    pub fn close(&self) {
        self.pool.close();
    }

    fn migrate(&self) -> Result<(), Error> {
        self.with_client(|conn, deadline| {
            let client = conn.client();
            conn.run(deadline, async {
                client
                    .batch_execute(
                        "CREATE TABLE IF NOT EXISTS callsign_schema (
                             version integer PRIMARY KEY,
                             applied_at timestamptz NOT NULL DEFAULT now())",
                    )
                    .await
            })
            .or_else(|error| match error {
                // Two issuers creating the table at once: the loser finds it below.
                Error::Ledger {
                    fault: LedgerFault::Failed,
                    ..
                } => Ok(()),
                other => Err(other),
            })?;
            conn.run(deadline, client.batch_execute("BEGIN"))?;
            conn.run(
                deadline,
                client.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK]),
            )?;
            let row = conn.run(
                deadline,
                client.query_one("SELECT coalesce(max(version), 0) FROM callsign_schema", &[]),
            )?;
            let version: i32 = row.get(0);
            if version > POSTGRES_SCHEMA_VERSION {
                return Err(LedgerFault::SchemaVersion.error(format!(
                    "the database holds ledger schema version {version}; this callsign knows versions up to {POSTGRES_SCHEMA_VERSION}"
                )));
            }
            for (migration_version, sql) in MIGRATIONS {
                if migration_version > version {
                    conn.run(deadline, client.batch_execute(sql))?;
                    conn.run(
                        deadline,
                        client.execute(
                            "INSERT INTO callsign_schema (version) VALUES ($1)",
                            &[&migration_version],
                        ),
                    )?;
                }
            }
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |since| i64::try_from(since.as_secs()).unwrap_or(i64::MAX));
            for at in [now, now + 31 * 24 * 3600] {
                conn.run(
                    deadline,
                    client.execute("SELECT callsign_audit_partition($1)", &[&at]),
                )?;
            }
            conn.run(deadline, client.batch_execute("COMMIT"))
        })
    }

    /// Runs `work` on a pooled connection within the timeout. A connection on which anything
    /// failed is dropped instead of going back to the pool.
    fn with_client<T>(
        &self,
        work: impl FnOnce(&mut Conn, Instant) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let deadline = Instant::now() + self.timeout;
        let mut pooled = self.pool.get(deadline)?;
        let result = work(pooled.conn(), deadline);
        if result.is_err() {
            pooled.discard();
        }
        result
    }

    /// Runs `work` in one transaction (after taking the advisory locks on `lock_keys`, in
    /// order), committed when it returns `Ok`. `BEGIN` goes out with the first lock, and the
    /// audit rows' `INSERT` with `COMMIT` (pipelined: one round trip each). A failing `INSERT`
    /// turns that `COMMIT` into a rollback, and its error is the one reported.
    fn transaction<T>(
        &self,
        lock_keys: &[String],
        work: impl FnOnce(&mut dyn Tx) -> Result<T, Error>,
    ) -> Result<T, Error> {
        self.with_client(|conn, deadline| {
            let begin = conn.prepare(deadline, "BEGIN")?;
            let lock = conn.prepare(deadline, LOCK_SQL)?;
            let commit = conn.prepare(deadline, "COMMIT")?;
            let (first, rest) = match lock_keys.split_first() {
                Some((first, rest)) => (Some(first), rest),
                None => (None, &[][..]),
            };
            let client = conn.client();
            let (opened, locked) = conn.block(
                deadline,
                both(client.execute(&begin, &[]), async {
                    match first {
                        Some(key) => client.execute(&lock, &[key]).await.map(Some),
                        None => Ok(None),
                    }
                }),
            )?;
            opened.map_err(|error| postgres_fault(&error))?;
            locked.map_err(|error| postgres_fault(&error))?;
            for key in rest {
                conn.run(deadline, conn.client().execute(&lock, &[key]))?;
            }
            let mut tx = PgTx {
                conn,
                deadline,
                pending: None,
            };
            let value = work(&mut tx)?;
            let PgTx { conn, pending, .. } = tx;
            if let Some(rows) = pending {
                let insert = conn.prepare(deadline, INSERT_SQL)?;
                let client = conn.client();
                let params = rows.params();
                let (inserted, committed) = conn.block(
                    deadline,
                    both(
                        client.execute(&insert, &params),
                        client.execute(&commit, &[]),
                    ),
                )?;
                inserted.map_err(|error| postgres_fault(&error))?;
                committed.map_err(|error| postgres_fault(&error))?;
            } else {
                conn.run(deadline, conn.client().execute(&commit, &[]))?;
            }
            Ok(value)
        })
    }
}

/// The advisory lock of a transaction, on a key's hash.
const LOCK_SQL: &str = "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))";

/// The audit rows of an issuance or change: arrays unnested into rows, one statement.
const INSERT_SQL: &str = "INSERT INTO callsign_audit
     (time, outcome, account_id, agent_id, ticket, step, epoch, chain)
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[],
                          $6::bigint[], $7::bigint[], $8::bytea[])";

/// An issuance's reads in one statement (one account): the account's epoch and revocation
/// (NULL when it has none), the agent's issued codes after $3 (only when $4), and the chain
/// hash of the agent's last row.
const ISSUANCE_READS_SQL: &str = "SELECT a.epoch, a.revoked,
     CASE WHEN $4 THEN (SELECT count(*) FROM callsign_audit
                        WHERE agent_id = $2 AND outcome = 'issued' AND time > $3) END,
     (SELECT chain FROM callsign_audit WHERE agent_id = $2 ORDER BY id DESC LIMIT 1)
     FROM (SELECT 1) AS one LEFT JOIN callsign_accounts AS a ON a.account_id = $1";

/// Audit rows waiting to go out with `COMMIT`, as the columns of [`INSERT_SQL`].
struct PendingRows {
    times: Vec<i64>,
    outcomes: Vec<&'static str>,
    accounts: Vec<String>,
    agents: Vec<String>,
    tickets: Vec<String>,
    steps: Vec<i64>,
    epochs: Vec<i64>,
    chains: Vec<Vec<u8>>,
}

impl PendingRows {
    fn new(events: &[IssuanceEvent<'_>], chains: &[[u8; AUDIT_CHAIN_LEN]]) -> Result<Self, Error> {
        Ok(PendingRows {
            times: events
                .iter()
                .map(|event| sql_int(event.time, "audit time"))
                .collect::<Result<_, _>>()?,
            outcomes: events.iter().map(|event| event.outcome.as_str()).collect(),
            accounts: events
                .iter()
                .map(|event| event.account_id.to_owned())
                .collect(),
            agents: events
                .iter()
                .map(|event| event.agent_id.to_owned())
                .collect(),
            tickets: events.iter().map(|event| event.ticket.to_owned()).collect(),
            steps: events
                .iter()
                .map(|event| sql_int(event.step, "time step"))
                .collect::<Result<_, _>>()?,
            epochs: events.iter().map(|event| i64::from(event.epoch)).collect(),
            chains: chains.iter().map(|chain| chain.to_vec()).collect(),
        })
    }

    fn params(&self) -> [&(dyn ToSql + Sync); 8] {
        [
            &self.times,
            &self.outcomes,
            &self.accounts,
            &self.agents,
            &self.tickets,
            &self.steps,
            &self.epochs,
            &self.chains,
        ]
    }
}

/// The ledger error for a driver error.
pub(crate) fn postgres_fault(error: &tokio_postgres::Error) -> Error {
    if let Some(db) = error.as_db_error() {
        // Classes 08 (connection exception) and 57 (operator intervention: shutting down,
        // starting up, crashed) mean the server is not there for us right now.
        let code = db.code().code();
        let kind = if code.starts_with("08") || code.starts_with("57") {
            LedgerFault::Unreachable
        } else {
            LedgerFault::Failed
        };
        return kind.error(format!(
            "PostgreSQL ledger: {} {code}: {}",
            db.severity(),
            db.message()
        ));
    }
    let source = std::error::Error::source(error);
    let kind = if error.is_closed() || source.is_some() {
        LedgerFault::Unreachable
    } else {
        LedgerFault::Failed
    };
    match source {
        Some(source) => kind.error(format!("PostgreSQL ledger: {error}: {source}")),
        None => kind.error(format!("PostgreSQL ledger: {error}")),
    }
}

struct PgTx<'a> {
    conn: &'a mut Conn,
    deadline: Instant,
    /// Audit rows to insert with `COMMIT`.
    pending: Option<PendingRows>,
}

impl PgTx<'_> {
    fn query_opt(
        &mut self,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Option<tokio_postgres::Row>, Error> {
        let statement = self.conn.prepare(self.deadline, sql)?;
        self.conn.run(
            self.deadline,
            self.conn.client().query_opt(&statement, params),
        )
    }
}

impl Tx for PgTx<'_> {
    fn account(&mut self, account_id: &str) -> Result<Option<(i64, bool)>, Error> {
        Ok(self
            .query_opt(
                "SELECT epoch, revoked FROM callsign_accounts WHERE account_id = $1",
                &[&account_id],
            )?
            .map(|row| (row.get(0), row.get(1))))
    }

    fn set_account(&mut self, account_id: &str, epoch: i64, revoked: bool) -> Result<(), Error> {
        self.query_opt(
            "INSERT INTO callsign_accounts (account_id, epoch, revoked) VALUES ($1, $2, $3)
             ON CONFLICT (account_id) DO UPDATE SET epoch = excluded.epoch, revoked = excluded.revoked",
            &[&account_id, &epoch, &revoked],
        )
        .map(|_| ())
    }

    fn issued_count(&mut self, agent_id: &str, after: Option<i64>) -> Result<i64, Error> {
        Ok(self
            .query_opt(
                "SELECT count(*) FROM callsign_audit
                 WHERE agent_id = $1 AND outcome = 'issued' AND time > $2",
                &[&agent_id, &after.unwrap_or(-1)],
            )?
            .map_or(0, |row| row.get(0)))
    }

    fn issued_time(
        &mut self,
        agent_id: &str,
        after: Option<i64>,
        offset: i64,
    ) -> Result<Option<i64>, Error> {
        Ok(self
            .query_opt(
                "SELECT time FROM callsign_audit
                 WHERE agent_id = $1 AND outcome = 'issued' AND time > $2
                 ORDER BY time LIMIT 1 OFFSET $3",
                &[&agent_id, &after.unwrap_or(-1), &offset],
            )?
            .map(|row| row.get(0)))
    }

    fn last_chain(&mut self, agent_id: &str) -> Result<Option<Vec<u8>>, Error> {
        Ok(self
            .query_opt(
                "SELECT chain FROM callsign_audit WHERE agent_id = $1 ORDER BY id DESC LIMIT 1",
                &[&agent_id],
            )?
            .and_then(|row| row.get(0)))
    }

    fn insert(
        &mut self,
        events: &[IssuanceEvent<'_>],
        chains: &[[u8; AUDIT_CHAIN_LEN]],
    ) -> Result<(), Error> {
        let rows = PendingRows::new(events, chains)?;
        // Rows already waiting go out first, in order.
        if let Some(earlier) = self.pending.replace(rows) {
            let insert = self.conn.prepare(self.deadline, INSERT_SQL)?;
            self.conn.run(
                self.deadline,
                self.conn.client().execute(&insert, &earlier.params()),
            )?;
        }
        Ok(())
    }

    fn issuance_reads(
        &mut self,
        account_ids: &[&str],
        agent_id: &str,
        after: Option<i64>,
    ) -> Result<IssuanceReads, Error> {
        let [account_id] = account_ids else {
            return default_issuance_reads(self, account_ids, agent_id, after);
        };
        let counted = after.is_some();
        let after = after.unwrap_or(-1);
        let row = self.query_opt(
            ISSUANCE_READS_SQL,
            &[account_id, &agent_id, &after, &counted],
        )?;
        let Some(row) = row else {
            return Err(LedgerFault::Failed.error("the issuance's reads returned no row"));
        };
        let epoch: Option<i64> = row.get(0);
        let revoked: Option<bool> = row.get(1);
        Ok(IssuanceReads {
            accounts: vec![epoch.zip(revoked)],
            issued: row.get(2),
            head: row.get(3),
        })
    }

    fn customer_state(&mut self, account_id: &str) -> Result<Option<StoredCustomer>, Error> {
        Ok(self
            .query_opt(
                "SELECT failures, locked_until, last_accepted_step FROM callsign_customer_checks
                 WHERE account_id = $1",
                &[&account_id],
            )?
            .map(|row| (row.get(0), row.get(1), row.get(2))))
    }

    fn set_customer_state(
        &mut self,
        account_id: &str,
        (failures, locked_until, last): &StoredCustomer,
    ) -> Result<(), Error> {
        self.query_opt(
            "INSERT INTO callsign_customer_checks
             (account_id, failures, locked_until, last_accepted_step) VALUES ($1, $2, $3, $4)
             ON CONFLICT (account_id) DO UPDATE SET failures = excluded.failures,
             locked_until = excluded.locked_until,
             last_accepted_step = excluded.last_accepted_step",
            &[&account_id, failures, locked_until, last],
        )
        .map(|_| ())
    }
}

impl Ledger for PostgresLedger {
    fn issue(&self, issuance: &Issuance<'_>) -> Result<Decision, Error> {
        // The lock key holds the agent id: checked before it reaches the database.
        check_ids(issuance.account_ids, issuance.agent_id, issuance.ticket)?;
        self.transaction(&[format!("agent:{}", issuance.agent_id)], |tx| {
            decide(tx, issuance)
        })
    }

    fn revoke(&self, account_change: &AccountChange<'_>) -> Result<(), Error> {
        check_change(account_change)?;
        self.transaction(&change_locks(account_change), |tx| {
            change(tx, account_change, AuditOutcome::Revoked)
        })
        .map(|_| ())
    }

    fn reenroll(&self, account_change: &AccountChange<'_>) -> Result<u32, Error> {
        check_change(account_change)?;
        self.transaction(&change_locks(account_change), |tx| {
            change(tx, account_change, AuditOutcome::Reenrolled)
        })
        .map(|state| state.epoch)
    }

    fn account(&self, account_id: &str, base_epoch: u32) -> Result<AccountState, Error> {
        check_account(account_id)?;
        self.with_client(|conn, deadline| {
            let mut tx = PgTx {
                conn,
                deadline,
                pending: None,
            };
            account_in(&mut tx, account_id, base_epoch)
        })
    }

    fn check_customer(&self, check: &CustomerCheck<'_>) -> Result<CustomerVerdict, Error> {
        // The account's lock for its state, then the agent's for its audit chain.
        let account = format!("account:{}", check.account_id);
        let agent = format!("agent:{}", check.agent_id);
        self.transaction(&[account, agent], |tx| check_customer_in(tx, check))?
    }

    fn customer_state(&self, account_id: &str) -> Result<CustomerState, Error> {
        check_account(account_id)?;
        self.transaction(&[format!("account:{account_id}")], |tx| {
            customer_in(tx, account_id)
        })
    }

    fn audit_events(&self, query: &AuditQuery<'_>) -> Result<Vec<LedgerRecord>, Error> {
        let (filter, values) = audit_query_sql(query, |index| format!("${index}"))?;
        let sql = format!("SELECT {AUDIT_COLUMNS} FROM callsign_audit{filter}");
        let params: Vec<&(dyn ToSql + Sync)> = values
            .iter()
            .map(|value| match value {
                SqlValue::Text(text) => text as &(dyn ToSql + Sync),
                SqlValue::Int(int) => int as &(dyn ToSql + Sync),
            })
            .collect();
        let rows = self.with_client(|conn, deadline| {
            conn.run(deadline, conn.client().query(sql.as_str(), &params))
        })?;
        rows.iter()
            .map(|row| audit_record(audit_row(row, 0)))
            .collect()
    }

    fn verify_chain(&self) -> Result<AuditChainReport, Error> {
        // One read-only snapshot walked through a cursor, each fetch bounded by the timeout.
        self.with_client(|conn, deadline| {
            conn.run(
                deadline,
                conn.client().batch_execute(&format!(
                    "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;
                     DECLARE callsign_chain NO SCROLL CURSOR FOR
                     SELECT id, {AUDIT_COLUMNS} FROM callsign_audit ORDER BY id"
                )),
            )?;
            let mut verifier = AuditChainVerifier::new();
            loop {
                let deadline = Instant::now() + self.timeout;
                let batch = conn.run(
                    deadline,
                    conn.client()
                        .query(&format!("FETCH {VERIFY_BATCH} FROM callsign_chain"), &[]),
                )?;
                let done = batch.len() < usize::try_from(VERIFY_BATCH).unwrap_or(usize::MAX);
                let intact = batch
                    .iter()
                    .all(|row| verify_row(&mut verifier, row.get(0), audit_row(row, 1)));
                if done || !intact {
                    break;
                }
            }
            conn.run(
                Instant::now() + self.timeout,
                conn.client().batch_execute("COMMIT"),
            )?;
            Ok(verifier.finish())
        })
    }
}

/// The advisory locks of an account change: the account's (its state), then the agent's (its
/// audit chain). Issuances take only the agent's lock, so the order cannot deadlock.
fn change_locks(change: &AccountChange<'_>) -> [String; 2] {
    [
        format!("account:{}", change.account_id),
        format!("agent:{}", change.agent_id),
    ]
}

/// An audit row of a query that selects [`AUDIT_COLUMNS`] from column `first` on.
fn audit_row(row: &tokio_postgres::Row, first: usize) -> AuditRow {
    (
        row.get(first),
        row.get(first + 1),
        row.get(first + 2),
        row.get(first + 3),
        row.get(first + 4),
        row.get(first + 5),
        row.get(first + 6),
        row.get(first + 7),
    )
}

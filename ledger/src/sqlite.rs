//! The embedded ledger: one SQLite file in WAL mode, durable on one machine, shared safely by
//! the processes of that machine (each issuance is one `BEGIN IMMEDIATE` transaction, so two
//! issuances of any agents never interleave).

use crate::{
    AUDIT_COLUMNS, AuditRow, SqlValue, StoredCustomer, Tx, account_in, audit_query_sql,
    audit_record, change, check_account, check_customer_in, customer_in, decide, sql_int,
    verify_rows,
};
use callsign::{
    AUDIT_CHAIN_LEN, AccountChange, AccountState, AuditChainReport, AuditOutcome, AuditQuery,
    CustomerCheck, CustomerState, CustomerVerdict, Decision, Error, Issuance, IssuanceEvent,
    Ledger, LedgerFault, LedgerRecord,
};
use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

/// The schema version this code reads and writes (SQLite's `user_version`).
pub const SQLITE_SCHEMA_VERSION: i64 = 3;

const MIGRATIONS: [(i64, &str); 3] = [
    (1, include_str!("../migrations/sqlite/0001_init.sql")),
    (
        2,
        include_str!("../migrations/sqlite/0002_customer_checks.sql"),
    ),
    (3, include_str!("../migrations/sqlite/0003_audit_chain.sql")),
];

/// A ledger in one SQLite file. See the module documentation.
pub struct SqliteLedger {
    path: PathBuf,
    connection: Mutex<Option<Connection>>,
    /// The write-ahead log the connection opened (see [`SqliteLedger::check_wal`]).
    wal: Option<FileId>,
}

/// A file's identity: device and inode.
type FileId = (u64, u64);

/// The identity of the file at `path`, if there is one (always `None` off Unix).
fn file_id(path: &Path) -> Option<FileId> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(path)
            .ok()
            .map(|metadata| (metadata.dev(), metadata.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// The path of a database's write-ahead log.
fn wal_path(path: &Path) -> PathBuf {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    PathBuf::from(wal)
}

impl core::fmt::Debug for SqliteLedger {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SqliteLedger")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// Switches the file to WAL mode. SQLite answers a journal-mode change that meets another
/// process's lock (several processes opening a new ledger at once) with "database is locked"
/// at once, without its busy handler, so the switch is retried here until `timeout`.
fn wal_mode(connection: &Connection, timeout: Duration) -> rusqlite::Result<()> {
    let deadline = std::time::Instant::now() + timeout;
    loop {
        match connection.pragma_update(None, "journal_mode", "WAL") {
            Err(error)
                if matches!(
                    error.sqlite_error_code(),
                    Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
                ) && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(5));
            }
            other => return other,
        }
    }
}

impl SqliteLedger {
    /// Opens (or creates, with its schema) the ledger file at `path`; a call waits at most
    /// `timeout` for another process's transaction.
    pub fn open(path: impl AsRef<Path>, timeout: Duration) -> Result<SqliteLedger, Error> {
        let path = path.as_ref();
        if path.as_os_str().is_empty() {
            return Err(LedgerFault::InvalidLocation.error("the SQLite ledger path is empty"));
        }
        let mut connection = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|error| fault(&error, path))?;
        connection
            .busy_timeout(timeout)
            .and_then(|()| wal_mode(&connection, timeout))
            .and_then(|()| connection.pragma_update(None, "synchronous", "FULL"))
            .map_err(|error| fault(&error, path))?;
        migrate(&mut connection, path)?;
        Ok(SqliteLedger {
            path: path.to_owned(),
            connection: Mutex::new(Some(connection)),
            // The log exists while a connection in WAL mode is open.
            wal: file_id(&wal_path(path)),
        })
    }

    /// Closes the ledger: every later call fails with [`LedgerFault::Closed`].
    pub fn close(&self) {
        drop(
            self.connection
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take(),
        );
    }

    /// The connection, `None` once closed.
    fn connection(&self) -> MutexGuard<'_, Option<Connection>> {
        self.connection
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Refuses to write when the write-ahead log this ledger opened is no longer the file at
    /// its path. That happens when a second copy of SQLite in this process (Python's `sqlite3`
    /// module, for instance) opened and closed the ledger's file: POSIX locks belong to the
    /// process, so closing its handle dropped this connection's locks, and it took itself for
    /// the last user and deleted the log. What this connection would commit then would go to
    /// a deleted file and be lost; the error says so and asks for a new ledger instead.
    fn check_wal(&self) -> Result<(), Error> {
        match self.wal {
            Some(opened) if file_id(&wal_path(&self.path)) != Some(opened) => {
                Err(LedgerFault::Failed.error(format!(
                    "SQLite ledger {}: its write-ahead log was deleted or replaced while the \
                     ledger had it open (another SQLite library in this process, such as \
                     Python's sqlite3 module, opened and closed the file); nothing was written: \
                     open the ledger again, and keep other SQLite copies away from its file",
                    self.path.display()
                )))
            }
            _ => Ok(()),
        }
    }

    /// Runs `work` in one immediate transaction, committed when it returns `Ok`.
    fn transaction<T>(
        &self,
        work: impl FnOnce(&mut dyn Tx) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let mut connection = self.connection();
        let connection = connection.as_mut().ok_or_else(closed)?;
        let transaction = connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|error| fault(&error, &self.path))?;
        self.check_wal()?;
        let mut tx = SqliteTx {
            transaction: &transaction,
            path: &self.path,
        };
        let value = work(&mut tx)?;
        transaction
            .commit()
            .map_err(|error| fault(&error, &self.path))?;
        Ok(value)
    }
}

fn closed() -> Error {
    LedgerFault::Closed.error("the SQLite ledger was closed")
}

/// Applies the migrations the file lacks, or refuses a file of another (newer) version.
fn migrate(connection: &mut Connection, path: &Path) -> Result<(), Error> {
    let transaction = connection
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|error| fault(&error, path))?;
    let version: i64 = transaction
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(|error| fault(&error, path))?;
    if !(0..=SQLITE_SCHEMA_VERSION).contains(&version) {
        return Err(LedgerFault::SchemaVersion.error(format!(
            "{} holds ledger schema version {version}; this callsign knows versions up to {SQLITE_SCHEMA_VERSION}",
            path.display()
        )));
    }
    for (migration_version, sql) in MIGRATIONS {
        if migration_version > version {
            transaction
                .execute_batch(sql)
                .and_then(|()| transaction.pragma_update(None, "user_version", migration_version))
                .map_err(|error| fault(&error, path))?;
        }
    }
    transaction.commit().map_err(|error| fault(&error, path))
}

/// The ledger error for a SQLite error.
fn fault(error: &rusqlite::Error, path: &Path) -> Error {
    let kind = match error.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => LedgerFault::Timeout,
        Some(ErrorCode::CannotOpen | ErrorCode::NotADatabase) => LedgerFault::Unreachable,
        _ => LedgerFault::Failed,
    };
    kind.error(format!("SQLite ledger {}: {error}", path.display()))
}

struct SqliteTx<'a> {
    transaction: &'a rusqlite::Transaction<'a>,
    path: &'a Path,
}

impl SqliteTx<'_> {
    fn fault(&self, error: &rusqlite::Error) -> Error {
        fault(error, self.path)
    }
}

impl Tx for SqliteTx<'_> {
    fn account(&mut self, account_id: &str) -> Result<Option<(i64, bool)>, Error> {
        self.transaction
            .prepare_cached("SELECT epoch, revoked FROM callsign_accounts WHERE account_id = ?1")
            .and_then(|mut statement| {
                statement
                    .query_row([account_id], |row| Ok((row.get(0)?, row.get(1)?)))
                    .optional()
            })
            .map_err(|error| self.fault(&error))
    }

    fn set_account(&mut self, account_id: &str, epoch: i64, revoked: bool) -> Result<(), Error> {
        self.transaction
            .prepare_cached(
                "INSERT INTO callsign_accounts (account_id, epoch, revoked) VALUES (?1, ?2, ?3)
                 ON CONFLICT (account_id) DO UPDATE SET epoch = excluded.epoch, revoked = excluded.revoked",
            )
            .and_then(|mut statement| statement.execute((account_id, epoch, revoked)))
            .map(|_| ())
            .map_err(|error| self.fault(&error))
    }

    fn issued_count(&mut self, agent_id: &str, after: Option<i64>) -> Result<i64, Error> {
        self.transaction
            .prepare_cached(
                "SELECT count(*) FROM callsign_audit
                 WHERE agent_id = ?1 AND outcome = 'issued' AND time > ?2",
            )
            .and_then(|mut statement| {
                statement.query_row((agent_id, after.unwrap_or(-1)), |row| row.get(0))
            })
            .map_err(|error| self.fault(&error))
    }

    fn issued_time(
        &mut self,
        agent_id: &str,
        after: Option<i64>,
        offset: i64,
    ) -> Result<Option<i64>, Error> {
        self.transaction
            .prepare_cached(
                "SELECT time FROM callsign_audit
                 WHERE agent_id = ?1 AND outcome = 'issued' AND time > ?2
                 ORDER BY time LIMIT 1 OFFSET ?3",
            )
            .and_then(|mut statement| {
                statement
                    .query_row((agent_id, after.unwrap_or(-1), offset), |row| row.get(0))
                    .optional()
            })
            .map_err(|error| self.fault(&error))
    }

    fn last_chain(&mut self, agent_id: &str) -> Result<Option<Vec<u8>>, Error> {
        self.transaction
            .prepare_cached(
                "SELECT chain FROM callsign_audit WHERE agent_id = ?1 ORDER BY id DESC LIMIT 1",
            )
            .and_then(|mut statement| {
                statement
                    .query_row([agent_id], |row| row.get::<_, Option<Vec<u8>>>(0))
                    .optional()
            })
            .map(Option::flatten)
            .map_err(|error| self.fault(&error))
    }

    fn insert(
        &mut self,
        events: &[IssuanceEvent<'_>],
        chains: &[[u8; AUDIT_CHAIN_LEN]],
    ) -> Result<(), Error> {
        let mut statement = self
            .transaction
            .prepare_cached(
                "INSERT INTO callsign_audit
                 (time, outcome, account_id, agent_id, ticket, step, epoch, chain)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )
            .map_err(|error| self.fault(&error))?;
        for (event, chain) in events.iter().zip(chains) {
            statement
                .execute((
                    sql_int(event.time, "audit time")?,
                    event.outcome.as_str(),
                    event.account_id,
                    event.agent_id,
                    event.ticket,
                    sql_int(event.step, "time step")?,
                    i64::from(event.epoch),
                    chain.as_slice(),
                ))
                .map_err(|error| fault(&error, self.path))?;
        }
        Ok(())
    }

    fn customer_state(&mut self, account_id: &str) -> Result<Option<StoredCustomer>, Error> {
        let row: Option<(String, Option<i64>, Option<i64>)> = self
            .transaction
            .prepare_cached(
                "SELECT failures, locked_until, last_accepted_step FROM callsign_customer_checks
                 WHERE account_id = ?1",
            )
            .and_then(|mut statement| {
                statement
                    .query_row([account_id], |row| {
                        Ok((row.get(0)?, row.get(1)?, row.get(2)?))
                    })
                    .optional()
            })
            .map_err(|error| self.fault(&error))?;
        row.map(|(failures, locked_until, last)| {
            Ok((failures_from_text(&failures)?, locked_until, last))
        })
        .transpose()
    }

    fn set_customer_state(
        &mut self,
        account_id: &str,
        (failures, locked_until, last): &StoredCustomer,
    ) -> Result<(), Error> {
        self.transaction
            .prepare_cached(
                "INSERT INTO callsign_customer_checks
                 (account_id, failures, locked_until, last_accepted_step) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (account_id) DO UPDATE SET failures = excluded.failures,
                 locked_until = excluded.locked_until,
                 last_accepted_step = excluded.last_accepted_step",
            )
            .and_then(|mut statement| {
                statement.execute((account_id, failures_text(failures), locked_until, last))
            })
            .map(|_| ())
            .map_err(|error| self.fault(&error))
    }
}

/// Failure times as the SQLite column holds them: decimal, separated by single spaces.
fn failures_text(failures: &[i64]) -> String {
    failures
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The failure times of the SQLite column.
fn failures_from_text(text: &str) -> Result<Vec<i64>, Error> {
    text.split_whitespace()
        .map(|time| {
            time.parse()
                .map_err(|_| LedgerFault::Failed.error("the ledger holds a malformed failure time"))
        })
        .collect()
}

impl Ledger for SqliteLedger {
    fn issue(&self, issuance: &Issuance<'_>) -> Result<Decision, Error> {
        self.transaction(|tx| decide(tx, issuance))
    }

    fn revoke(&self, account_change: &AccountChange<'_>) -> Result<(), Error> {
        self.transaction(|tx| change(tx, account_change, AuditOutcome::Revoked))
            .map(|_| ())
    }

    fn reenroll(&self, account_change: &AccountChange<'_>) -> Result<u32, Error> {
        self.transaction(|tx| change(tx, account_change, AuditOutcome::Reenrolled))
            .map(|state| state.epoch)
    }

    fn account(&self, account_id: &str, base_epoch: u32) -> Result<AccountState, Error> {
        check_account(account_id)?;
        self.transaction(|tx| account_in(tx, account_id, base_epoch))
    }

    fn check_customer(&self, check: &CustomerCheck<'_>) -> Result<CustomerVerdict, Error> {
        self.transaction(|tx| check_customer_in(tx, check))?
    }

    fn customer_state(&self, account_id: &str) -> Result<CustomerState, Error> {
        check_account(account_id)?;
        self.transaction(|tx| customer_in(tx, account_id))
    }

    fn audit_events(&self, query: &AuditQuery<'_>) -> Result<Vec<LedgerRecord>, Error> {
        let (filter, values) = audit_query_sql(query, |index| format!("?{index}"))?;
        let sql = format!("SELECT {AUDIT_COLUMNS} FROM callsign_audit{filter}");
        let rows: Vec<AuditRow> = {
            let connection = self.connection();
            let connection = connection.as_ref().ok_or_else(closed)?;
            let params: Vec<&dyn rusqlite::ToSql> = values
                .iter()
                .map(|value| match value {
                    SqlValue::Text(text) => text as &dyn rusqlite::ToSql,
                    SqlValue::Int(int) => int as &dyn rusqlite::ToSql,
                })
                .collect();
            connection
                .prepare(&sql)
                .and_then(|mut statement| {
                    statement.query_map(params.as_slice(), audit_row)?.collect()
                })
                .map_err(|error| fault(&error, &self.path))?
        };
        rows.into_iter().map(audit_record).collect()
    }

    fn verify_chain(&self) -> Result<AuditChainReport, Error> {
        let connection = self.connection();
        let connection = connection.as_ref().ok_or_else(closed)?;
        // One read transaction: a consistent snapshot of the trail while issuers append.
        let mut statement = connection
            .prepare(&format!(
                "SELECT id, {AUDIT_COLUMNS} FROM callsign_audit ORDER BY id"
            ))
            .map_err(|error| fault(&error, &self.path))?;
        let rows = statement
            .query_map([], |row| Ok((row.get(0)?, audit_row_at(row, 1)?)))
            .map_err(|error| fault(&error, &self.path))?;
        verify_rows(rows.map(|row| row.map_err(|error| fault(&error, &self.path))))
    }
}

/// An audit row of a query that selects [`AUDIT_COLUMNS`] first.
fn audit_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<AuditRow> {
    audit_row_at(row, 0)
}

/// An audit row of a query that selects [`AUDIT_COLUMNS`] from column `first` on.
fn audit_row_at(row: &rusqlite::Row<'_>, first: usize) -> rusqlite::Result<AuditRow> {
    Ok((
        row.get(first)?,
        row.get(first + 1)?,
        row.get(first + 2)?,
        row.get(first + 3)?,
        row.get(first + 4)?,
        row.get(first + 5)?,
        row.get(first + 6)?,
        row.get(first + 7)?,
    ))
}

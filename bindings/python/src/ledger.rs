//! The ledgers an `Issuer` can keep its audit, rate limits and account lifecycles in:
//! `SqliteLedger` (one machine) and `PostgresLedger` (a fleet). The work is the
//! `callsign-ledger` crate's; the GIL is released while a ledger waits on its database.

use crate::errors::BindingResult;
use callsign::Ledger;
use callsign_ledger::{PostgresLedger, SqliteLedger, timeout_from_seconds};
use pyo3::prelude::*;
use std::path::PathBuf;
use std::sync::Arc;

/// A ledger in one SQLite file (created with its schema when missing): durable on one
/// machine, shared by the processes of that machine, survives restarts.
///
/// Do not open the ledger file with Python's `sqlite3` (or any other SQLite) in the same
/// process: this ledger has its own copy of SQLite, and SQLite's POSIX locks are per process,
/// so closing the other copy's connection drops this one's locks and can checkpoint and delete
/// the write-ahead log under it: what the ledger writes next would go to a deleted file. Keep
/// application tables in another file, read the audit through `Issuer.audit_events`, and use
/// another process for tools that open the file with `sqlite3`.
///
/// Parameters: `path` the ledger file; `timeout_seconds` how long a call waits at most for
/// another process's transaction.
#[pyclass(frozen, module = "callsign", name = "SqliteLedger")]
pub(crate) struct PySqliteLedger {
    ledger: Arc<SqliteLedger>,
    path: PathBuf,
}

#[pymethods]
impl PySqliteLedger {
    /// Opens the ledger file at `path`; a call waits at most `timeout_seconds` for another
    /// process's transaction.
    #[new]
    #[pyo3(signature = (path, *, timeout_seconds = 2.0))]
    fn new(py: Python<'_>, path: PathBuf, timeout_seconds: f64) -> BindingResult<PySqliteLedger> {
        let timeout = timeout_from_seconds(timeout_seconds)?;
        let ledger = py.detach(|| SqliteLedger::open(&path, timeout))?;
        Ok(PySqliteLedger {
            ledger: Arc::new(ledger),
            path,
        })
    }

    /// Closes the ledger: every later call of an issuer on it raises `StoreUnavailableError`.
    fn close(&self) {
        self.ledger.close();
    }

    fn __repr__(&self) -> String {
        format!("SqliteLedger({:?})", self.path.display().to_string())
    }
}

/// A ledger in a PostgreSQL database, shared by any number of issuers on any number of
/// machines. Connecting applies the schema migrations the database lacks.
///
/// Parameters: `dsn` a postgres:// URL or key=value string; `timeout_seconds` the bound on
/// every call.
#[pyclass(frozen, module = "callsign", name = "PostgresLedger")]
pub(crate) struct PyPostgresLedger {
    ledger: Arc<PostgresLedger>,
    timeout_seconds: f64,
}

#[pymethods]
impl PyPostgresLedger {
    /// Connects to `dsn` (a postgres:// URL or key=value string); every call is bounded by
    /// `timeout_seconds`.
    #[new]
    #[pyo3(signature = (dsn, *, timeout_seconds = 2.0))]
    fn new(py: Python<'_>, dsn: &str, timeout_seconds: f64) -> BindingResult<PyPostgresLedger> {
        let timeout = timeout_from_seconds(timeout_seconds)?;
        let ledger = py.detach(|| PostgresLedger::connect(dsn, timeout))?;
        Ok(PyPostgresLedger {
            ledger: Arc::new(ledger),
            timeout_seconds,
        })
    }

    /// Closes the ledger's connections: every later call of an issuer on it raises
    /// `StoreUnavailableError`.
    fn close(&self) {
        self.ledger.close();
    }

    fn __repr__(&self) -> String {
        // The connection string may hold a password: not shown.
        format!(
            "PostgresLedger(<dsn redacted>, timeout_seconds={})",
            self.timeout_seconds
        )
    }
}

/// The ledger `value` holds, if it is one of the ledger classes.
pub(crate) fn ledger_of(value: &Bound<'_, PyAny>) -> Option<Arc<dyn Ledger>> {
    if let Ok(ledger) = value.cast::<PySqliteLedger>() {
        return Some(Arc::clone(&ledger.get().ledger) as Arc<dyn Ledger>);
    }
    if let Ok(ledger) = value.cast::<PyPostgresLedger>() {
        return Some(Arc::clone(&ledger.get().ledger) as Arc<dyn Ledger>);
    }
    None
}

//! The PostgreSQL ledger's connections: a small pool in which each connection has its own
//! current-thread runtime, driven by the thread that borrowed it while that thread waits (as
//! the synchronous `postgres` crate does). A round trip is then one socket write and read on
//! the calling thread, with no hop to a runtime's worker thread and back.

use callsign::{Error, LedgerFault};
use std::collections::HashMap;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use tokio::runtime::Runtime;
use tokio::time::{Instant, timeout_at};
use tokio_postgres::{Client, Config, NoTls, Statement};

/// One connection: its client, the runtime that drives it, and its prepared statements.
pub(crate) struct Conn {
    // Field order: the client goes before the runtime that drives its connection task.
    client: Client,
    statements: HashMap<&'static str, Statement>,
    runtime: Runtime,
}

impl Conn {
    /// Connects within `deadline`.
    fn connect(config: &Config, deadline: Instant) -> Result<Conn, Error> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|error| {
                LedgerFault::Failed.error(format!("cannot start a database runtime: {error}"))
            })?;
        let (client, connection) = block(&runtime, deadline, config.connect(NoTls))
            .and_then(|result| result.map_err(|error| crate::postgres::postgres_fault(&error)))?;
        // Polled whenever this connection's owner waits on the runtime.
        drop(runtime.spawn(connection));
        Ok(Conn {
            client,
            statements: HashMap::new(),
            runtime,
        })
    }

    /// Whether the connection still looks usable: its task is given one turn to read what the
    /// server sent while it sat idle (an end of file after a server restart or a terminated
    /// backend closes it), without waiting.
    fn is_alive(&self) -> bool {
        // The first turn lets the runtime see the socket's end of file, the second lets the
        // connection's task act on it.
        self.runtime.block_on(async {
            tokio::task::yield_now().await;
            tokio::task::yield_now().await;
        });
        !self.client.is_closed()
    }

    /// The client, for building requests that [`Conn::run`] or [`Conn::block`] then wait on.
    pub(crate) fn client(&self) -> &Client {
        &self.client
    }

    /// Waits for `future` (typically several requests pipelined) until `deadline`.
    pub(crate) fn block<F: Future>(
        &self,
        deadline: Instant,
        future: F,
    ) -> Result<F::Output, Error> {
        block(&self.runtime, deadline, future)
    }

    /// Waits for one request until `deadline`.
    pub(crate) fn run<T>(
        &self,
        deadline: Instant,
        future: impl Future<Output = Result<T, tokio_postgres::Error>>,
    ) -> Result<T, Error> {
        self.block(deadline, future)?
            .map_err(|error| crate::postgres::postgres_fault(&error))
    }

    /// The prepared statement of `sql`, prepared on first use.
    pub(crate) fn prepare(
        &mut self,
        deadline: Instant,
        sql: &'static str,
    ) -> Result<Statement, Error> {
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.run(deadline, self.client.prepare(sql))?;
        self.statements.insert(sql, statement.clone());
        Ok(statement)
    }
}

/// Waits for `future` on `runtime` until `deadline`.
fn block<F: Future>(runtime: &Runtime, deadline: Instant, future: F) -> Result<F::Output, Error> {
    // The timer is made inside the runtime: outside one, tokio has no timer to register with.
    runtime
        .block_on(async { timeout_at(deadline, future).await })
        .map_err(|_| {
            LedgerFault::Timeout.error("the PostgreSQL ledger did not answer within the timeout")
        })
}

/// Both futures polled together, so that their requests go out back to back (a pipeline).
pub(crate) async fn both<A: Future, B: Future>(first: A, second: B) -> (A::Output, B::Output) {
    let mut first = std::pin::pin!(first);
    let mut second = std::pin::pin!(second);
    let (mut first_done, mut second_done) = (None, None);
    std::future::poll_fn(|context| {
        if first_done.is_none()
            && let std::task::Poll::Ready(output) = first.as_mut().poll(context)
        {
            first_done = Some(output);
        }
        if second_done.is_none()
            && let std::task::Poll::Ready(output) = second.as_mut().poll(context)
        {
            second_done = Some(output);
        }
        if first_done.is_some() && second_done.is_some() {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
    match (first_done, second_done) {
        (Some(first), Some(second)) => (first, second),
        // poll_fn returned Ready only once both were stored.
        _ => unreachable!("both futures are done"),
    }
}

/// A bounded pool of [`Conn`]s; a borrowed connection goes back when its [`Pooled`] is
/// dropped, unless it was marked broken.
pub(crate) struct Pool {
    config: Config,
    max_size: usize,
    state: Mutex<PoolState>,
    returned: Condvar,
}

struct PoolState {
    idle: Vec<Conn>,
    /// Connections in existence (idle, borrowed or being opened).
    open: usize,
    closed: bool,
}

impl Pool {
    pub(crate) fn new(config: Config, max_size: usize) -> Pool {
        Pool {
            config,
            max_size,
            state: Mutex::new(PoolState {
                idle: Vec::new(),
                open: 0,
                closed: false,
            }),
            returned: Condvar::new(),
        }
    }

    fn state(&self) -> MutexGuard<'_, PoolState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A connection: an idle one, a new one while fewer than the maximum exist, or the first
    /// one returned before `deadline`.
    pub(crate) fn get(&self, deadline: Instant) -> Result<Pooled<'_>, Error> {
        let mut state = self.state();
        loop {
            if state.closed {
                return Err(closed());
            }
            if let Some(conn) = state.idle.pop() {
                if conn.is_alive() {
                    return Ok(Pooled {
                        pool: self,
                        conn: Some(conn),
                    });
                }
                // Closed while idle: dropped, and the loop takes another or opens one.
                state.open -= 1;
                drop(conn);
                continue;
            }
            if state.open < self.max_size {
                state.open += 1;
                drop(state);
                return match Conn::connect(&self.config, deadline) {
                    Ok(conn) => Ok(Pooled {
                        pool: self,
                        conn: Some(conn),
                    }),
                    Err(error) => {
                        self.forget();
                        Err(error)
                    }
                };
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left == Duration::ZERO {
                return Err(LedgerFault::Timeout
                    .error("no PostgreSQL connection within the ledger's timeout"));
            }
            state = self
                .returned
                .wait_timeout(state, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// One connection fewer (broken, or never opened).
    fn forget(&self) {
        let mut state = self.state();
        state.open -= 1;
        drop(state);
        self.returned.notify_one();
    }

    /// Closes the pool: idle connections go now, borrowed ones when they come back.
    pub(crate) fn close(&self) {
        let idle = {
            let mut state = self.state();
            state.closed = true;
            let idle = std::mem::take(&mut state.idle);
            state.open -= idle.len();
            idle
        };
        drop(idle);
        self.returned.notify_all();
    }
}

/// The PostgreSQL ledger was closed.
pub(crate) fn closed() -> Error {
    LedgerFault::Closed.error("the PostgreSQL ledger was closed")
}

/// A borrowed connection.
pub(crate) struct Pooled<'a> {
    pool: &'a Pool,
    conn: Option<Conn>,
}

impl Pooled<'_> {
    /// The connection.
    pub(crate) fn conn(&mut self) -> &mut Conn {
        match &mut self.conn {
            Some(conn) => conn,
            None => unreachable!("a pooled connection is present until it is dropped"),
        }
    }

    /// Drops the connection instead of returning it (after a failure or a timeout: the server
    /// rolls back whatever it had open).
    pub(crate) fn discard(mut self) {
        drop(self.conn.take());
        self.pool.forget();
    }
}

impl Drop for Pooled<'_> {
    fn drop(&mut self) {
        let Some(conn) = self.conn.take() else {
            return;
        };
        let mut state = self.pool.state();
        if state.closed {
            state.open -= 1;
            drop(state);
            drop(conn);
        } else {
            state.idle.push(conn);
            drop(state);
        }
        self.pool.returned.notify_one();
    }
}

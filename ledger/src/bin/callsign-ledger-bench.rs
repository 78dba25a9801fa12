//! Issuances per second and p50/p99 latency of the ledgers with 1, 8 and 32 concurrent issuers
//! (threads sharing one issuer, each for its own agents), for the in-memory, SQLite
//! and PostgreSQL ledgers. Run by `scripts/bench-ledger.sh`, which adds pgbench's ceiling.
//!
//! Usage: `callsign-ledger-bench SECONDS SQLITE_PATH [POSTGRES_URL]`
#![allow(clippy::print_stdout)]

use callsign::{IssueRequest, Issuer, IssuerConfig, Ledger, MasterKey, MemoryLedger, RateLimit};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("callsign-ledger-bench: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Result<(), String> {
    let (seconds, sqlite, postgres) = match args {
        [seconds, sqlite] => (seconds, sqlite, None),
        [seconds, sqlite, postgres] => (seconds, sqlite, Some(postgres)),
        _ => return Err("usage: SECONDS SQLITE_PATH [POSTGRES_URL]".to_owned()),
    };
    let seconds: f64 = seconds
        .parse()
        .map_err(|_| format!("not a number of seconds: {seconds:?}"))?;
    let duration = Duration::from_secs_f64(seconds);
    let mut ledgers: Vec<(&str, Arc<dyn Ledger>)> = vec![
        ("memory", Arc::new(MemoryLedger::new())),
        (
            "sqlite",
            callsign_ledger::open(
                &format!("sqlite:{sqlite}"),
                callsign_ledger::DEFAULT_TIMEOUT,
            )
            .map_err(|error| error.to_string())?,
        ),
    ];
    if let Some(url) = postgres {
        ledgers.push((
            "postgres",
            callsign_ledger::open(url, callsign_ledger::DEFAULT_TIMEOUT)
                .map_err(|error| error.to_string())?,
        ));
    }
    println!("ledger\tclients\tissuances/s\tp50 ms\tp99 ms\terrors");
    for (name, ledger) in ledgers {
        let config = IssuerConfig {
            rate_limit: Some(RateLimit {
                max_codes: u32::MAX,
                window_seconds: 3600,
            }),
            ..IssuerConfig::default()
        };
        let master = MasterKey::from_bytes(&[7; 32]).map_err(|error| error.to_string())?;
        let issuer = Issuer::with_ledger(master, config, ledger).map_err(|e| e.to_string())?;
        for clients in [1, 8, 32] {
            let (count, mut latencies, errors) = measure(&issuer, name, clients, duration);
            latencies.sort_unstable();
            let percentile = |p: usize| {
                latencies
                    .get((latencies.len() * p / 100).min(latencies.len().saturating_sub(1)))
                    .map_or(0.0, |latency| latency.as_secs_f64() * 1000.0)
            };
            #[allow(clippy::cast_precision_loss)]
            let rate = count as f64 / duration.as_secs_f64();
            println!(
                "{name}\t{clients}\t{rate:.0}\t{:.2}\t{:.2}\t{errors}",
                percentile(50),
                percentile(99)
            );
        }
    }
    Ok(())
}

/// Issuances, their latencies and the errors of `clients` threads issuing for `duration`.
fn measure(
    issuer: &Issuer,
    name: &str,
    clients: usize,
    duration: Duration,
) -> (usize, Vec<Duration>, usize) {
    let end = Instant::now() + duration;
    std::thread::scope(|scope| {
        let threads: Vec<_> = (0..clients)
            .map(|client| {
                scope.spawn(move || {
                    // Each client speaks for 1000 agents in turn (pgbench picks among a
                    // million), so that no agent's window grows beyond what a real one holds.
                    let agents: Vec<String> = (0..1000)
                        .map(|agent| format!("bench-{name}-{clients}-{client}-{agent}"))
                        .collect();
                    let account = format!("acct-{client}");
                    let mut latencies = Vec::new();
                    let mut errors = 0;
                    let mut now = 1_700_000_000;
                    while Instant::now() < end {
                        now += 1;
                        let request = IssueRequest {
                            account_id: &account,
                            agent_id: &agents[usize::try_from(now % 1000).unwrap_or(0)],
                            ticket: "bench",
                        };
                        let started = Instant::now();
                        match issuer.issue(&request, now) {
                            Ok(_) => latencies.push(started.elapsed()),
                            Err(_) => errors += 1,
                        }
                    }
                    (latencies, errors)
                })
            })
            .collect();
        let mut all = Vec::new();
        let mut errors = 0;
        for thread in threads {
            let (latencies, thread_errors) = thread.join().unwrap_or_default();
            all.extend(latencies);
            errors += thread_errors;
        }
        (all.len(), all, errors)
    })
}

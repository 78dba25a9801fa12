//! A small issuer process for the ledger's multi-process tests: issues codes against a ledger
//! and prints one line per attempt.
//!
//! Usage:
//!   callsign-ledger-probe issue LOCATION AGENT ACCOUNT COUNT TIME MAX WINDOW
//!   callsign-ledger-probe loop LOCATION AGENT STOP   (until the file STOP exists)
//! Lines: `ok ACCOUNT AGENT TIME STEP CODE` or `err KIND FAULT_OR_DASH MESSAGE`.
#![allow(clippy::print_stdout)]

use callsign::{Error, IssueRequest, Issuer, IssuerConfig, MasterKey, RateLimit};
use std::io::Write;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// The master key every probe shares (tests only).
const MASTER: [u8; 32] = [7; 32];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("callsign-ledger-probe: {message}");
            ExitCode::from(2)
        }
    }
}

fn number<T: std::str::FromStr>(text: &str) -> Result<T, String> {
    text.parse().map_err(|_| format!("not a number: {text:?}"))
}

fn issuer(location: &str, rate_limit: Option<RateLimit>) -> Result<Issuer, String> {
    let ledger = callsign_ledger::open(location, callsign_ledger::DEFAULT_TIMEOUT)
        .map_err(|error| format!("opening the ledger: {error}"))?;
    let config = IssuerConfig {
        rate_limit,
        ..IssuerConfig::default()
    };
    let master = MasterKey::from_bytes(&MASTER).map_err(|error| error.to_string())?;
    Issuer::with_ledger(master, config, ledger).map_err(|error| error.to_string())
}

fn line(
    account: &str,
    agent: &str,
    time: u64,
    result: &Result<callsign::TimedCode, Error>,
) -> String {
    match result {
        Ok(code) => format!(
            "ok {account} {agent} {time} {} {}",
            code.step,
            code.as_str()
        ),
        Err(error) => {
            let fault = match error {
                Error::Ledger { fault, .. } => fault.as_str(),
                _ => "-",
            };
            format!("err {} {fault} {error}", error.kind())
        }
    }
}

fn run(args: &[String]) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    match args {
        [command, location, agent, account, count, time, max, window] if command == "issue" => {
            let limit = RateLimit {
                max_codes: number(max)?,
                window_seconds: number(window)?,
            };
            let issuer = issuer(location, Some(limit))?;
            let time: u64 = number(time)?;
            for _ in 0..number::<u32>(count)? {
                let request = IssueRequest {
                    account_id: account,
                    agent_id: agent,
                    ticket: "probe",
                };
                let result = issuer.issue(&request, time);
                writeln!(out, "{}", line(account, agent, time, &result))
                    .map_err(|e| e.to_string())?;
            }
            Ok(())
        }
        [command, location, agent, stop_file] if command == "loop" => {
            let issuer = issuer(location, None)?;
            // A bound in case the test that should create the stop file dies.
            let end = Instant::now() + Duration::from_secs(180);
            let stop_file = std::path::Path::new(stop_file);
            let mut attempt: u64 = 0;
            while Instant::now() < end && !stop_file.exists() {
                attempt += 1;
                let account = format!("{agent}-account-{attempt}");
                let time = 1_700_000_000 + attempt;
                let request = IssueRequest {
                    account_id: &account,
                    agent_id: agent,
                    ticket: "fault run",
                };
                let result = issuer.issue(&request, time);
                // The wall-clock time of the answer, for reading a failed run's output.
                let at = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0.0, |since| since.as_secs_f64());
                let line = line(&account, agent, time, &result);
                writeln!(out, "{line} at={at:.3}").map_err(|e| e.to_string())?;
                out.flush().map_err(|e| e.to_string())?;
                if result.is_err() {
                    std::thread::sleep(Duration::from_millis(50));
                }
            }
            Ok(())
        }
        _ => Err(
            "usage: issue LOCATION AGENT ACCOUNT COUNT TIME MAX WINDOW | loop LOCATION AGENT STOP"
                .to_owned(),
        ),
    }
}

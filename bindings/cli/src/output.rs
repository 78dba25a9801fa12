//! Writing results: text lines or one JSON object on stdout, and times for people.

use crate::cli::CodeOutputArgs;
use crate::error::CliError;
use serde::Serialize;
use std::io::Write;

/// How a command prints a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeFormat {
    /// Grouped for reading aloud, with context.
    Text,
    /// Only the digits.
    Plain,
    /// One JSON object.
    Json,
}

impl CodeOutputArgs {
    /// The format the flags ask for.
    pub fn format(self) -> CodeFormat {
        if self.json {
            CodeFormat::Json
        } else if self.plain {
            CodeFormat::Plain
        } else {
            CodeFormat::Text
        }
    }
}

/// Writes `text` and a newline to stdout.
pub fn print_line(text: &str) -> Result<(), CliError> {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{text}")
        .and_then(|()| stdout.flush())
        .map_err(|error| stdout_failed(&error))
}

/// Writes `value` as one line of JSON to stdout.
pub fn print_json<T: Serialize>(value: &T) -> Result<(), CliError> {
    let mut stdout = std::io::stdout().lock();
    serde_json::to_writer(&mut stdout, value)
        .map_err(std::io::Error::from)
        .and_then(|()| writeln!(stdout))
        .and_then(|()| stdout.flush())
        .map_err(|error| stdout_failed(&error))
}

fn stdout_failed(error: &std::io::Error) -> CliError {
    CliError::Failure(format!("writing to stdout: {error}"))
}

/// The current unix time, or `given` when the user passed --time.
pub fn now_or(given: Option<u64>) -> Result<u64, CliError> {
    use callsign::Clock;
    match given {
        Some(time) => Ok(time),
        None => callsign::SystemClock
            .now()
            .map_err(|error| CliError::Failure(format!("reading the system clock: {error}"))),
    }
}

/// A unix time as "2026-11-28 19:05:00 UTC" (or "unix time N" beyond the calendar's range).
pub fn utc(unix: u64) -> String {
    i64::try_from(unix)
        .ok()
        .and_then(|seconds| time::OffsetDateTime::from_unix_timestamp(seconds).ok())
        .map_or_else(
            || format!("unix time {unix}"),
            |at| {
                format!(
                    "{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC",
                    at.year(),
                    u8::from(at.month()),
                    at.day(),
                    at.hour(),
                    at.minute(),
                    at.second()
                )
            },
        )
}

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

/// Refuses to go on when stdout was closed at start (`>&-`): the Rust runtime then quietly
/// puts /dev/null on it (opened read-write), so every write would "succeed" and a code would
/// be issued that no one sees. Linux only (through /proc); elsewhere, and without /proc,
/// nothing is checked. A stdout redirected with `1<>/dev/null` looks the same and is refused
/// too; `>/dev/null` (write-only) is fine.
pub fn check_stdout_open() -> Result<(), CliError> {
    /// `O_ACCMODE` and `O_RDWR` as /proc/self/fdinfo shows the flags (octal).
    const ACCESS_MODE: u32 = 0o3;
    const READ_WRITE: u32 = 0o2;
    let target = std::fs::read_link("/proc/self/fd/1");
    let info = std::fs::read_to_string("/proc/self/fdinfo/1");
    let (Ok(target), Ok(info)) = (target, info) else {
        return Ok(());
    };
    let read_write = info
        .lines()
        .find_map(|line| line.strip_prefix("flags:"))
        .and_then(|flags| u32::from_str_radix(flags.trim(), 8).ok())
        .is_some_and(|flags| flags & ACCESS_MODE == READ_WRITE);
    if target == std::path::Path::new("/dev/null") && read_write {
        return Err(CliError::Failure(
            "stdout is closed: nothing would be shown, so nothing is done (redirect it to \
             /dev/null with >/dev/null to discard the output on purpose)"
                .to_owned(),
        ));
    }
    Ok(())
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

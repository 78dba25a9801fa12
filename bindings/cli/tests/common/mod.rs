//! Runs the built `callsign` binary.

use std::path::Path;
use std::process::{Command, Output};

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    /// The exit status (None when killed by a signal).
    pub status: Option<i32>,
    /// Everything written to stdout.
    pub stdout: String,
    /// Everything written to stderr.
    pub stderr: String,
}

/// The path of the built binary.
pub fn binary() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_callsign"))
}

/// Runs `callsign ARGS...` to completion.
pub fn callsign(args: &[&str]) -> Run {
    let output: Output = Command::new(binary())
        .args(args)
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap_or_else(|error| panic!("cannot run {}: {error}", binary().display()));
    Run {
        status: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

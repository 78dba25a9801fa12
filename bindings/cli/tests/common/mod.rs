//! Runs the built `callsign` binary; small helpers shared by the test files.
#![allow(dead_code, reason = "each test file uses a part of these helpers")]

use std::os::unix::fs::PermissionsExt;
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

/// The bytes of lowercase or uppercase hex.
pub fn hex_bytes(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|index| u8::from_str_radix(&hex[index..index + 2], 16).expect("hex"))
        .collect()
}

/// Writes `text` to `path` with permission bits `mode`.
pub fn write_file(path: &Path, text: &str, mode: u32) {
    std::fs::write(path, text).expect("write");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

//! Runs the built `callsign` binary; small helpers shared by the test files.
#![allow(dead_code, reason = "each test file uses a part of these helpers")]

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};

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

impl From<Output> for Run {
    fn from(output: Output) -> Run {
        Run {
            status: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

/// The path of the built binary.
pub fn binary() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_callsign"))
}

/// Runs `callsign ARGS...` to completion.
pub fn callsign(args: &[&str]) -> Run {
    Command::new(binary())
        .args(args)
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap_or_else(|error| panic!("cannot run {}: {error}", binary().display()))
        .into()
}

/// Runs `callsign ARGS...` with `input` on stdin to completion. The binary may stop reading
/// early (an oversized input): that is its answer, not a failure of the test.
pub fn callsign_with_stdin(args: &[&str], input: &[u8]) -> Run {
    let mut child = Command::new(binary())
        .args(args)
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| panic!("cannot run {}: {error}", binary().display()));
    let mut stdin = child.stdin.take().expect("stdin");
    let _ = stdin.write_all(input);
    drop(stdin);
    child.wait_with_output().expect("wait").into()
}

/// Asserts that only the owner may read and write the file at `path` (mode 0600).
pub fn assert_private(path: impl AsRef<Path>) {
    let path = path.as_ref();
    let mode = std::fs::metadata(path)
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()))
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "{}", path.display());
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

//! Secrets from stdin instead of the command line.
//!
//! A command line is visible to every user of the machine (`ps`, `/proc/PID/cmdline`) and lands
//! in shell histories, so every argument that carries a secret (`--secret`, `--master-key`,
//! `--enrollment`) also takes `-`, which reads the value from stdin, as `oathtool -b -` does;
//! `--secret - < FILE` reads it from a file. Master keys are read from files anyway.

use crate::error::CliError;
use std::io::Read;
use zeroize::Zeroizing;

/// The argument value that means "read it from stdin".
pub const STDIN: &str = "-";

/// The most stdin may hold for a secret: far more than any key, URI or base32 secret.
const MAX_LEN: usize = 64 * 1024;

/// The value of a secret-carrying `argument`: `value` itself, or for `-` the text on stdin.
pub fn secret_arg(argument: &'static str, value: &str) -> Result<Zeroizing<String>, CliError> {
    if value == STDIN {
        read_stdin(argument)
    } else {
        Ok(Zeroizing::new(value.to_owned()))
    }
}

/// Everything on stdin as UTF-8 text with the surrounding whitespace (the final newline) removed,
/// in a buffer that is zeroized on drop and never reallocated (no stray copies).
pub fn read_stdin(argument: &'static str) -> Result<Zeroizing<String>, CliError> {
    let blame = |message: String| CliError::argument(argument, message);
    let mut bytes = Zeroizing::new(Vec::with_capacity(MAX_LEN + 1));
    std::io::stdin()
        .lock()
        .take(u64::try_from(MAX_LEN + 1).unwrap_or(u64::MAX))
        .read_to_end(&mut bytes)
        .map_err(|error| blame(format!("cannot read stdin: {error}")))?;
    if bytes.len() > MAX_LEN {
        return Err(blame(format!("stdin holds more than {MAX_LEN} bytes")));
    }
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| blame("stdin is not UTF-8 text".to_owned()))?
        .trim();
    if text.is_empty() {
        return Err(blame(
            "stdin is empty (give the value on stdin, or instead of -)".to_owned(),
        ));
    }
    Ok(Zeroizing::new(text.to_owned()))
}

//! Master key and enrollment signing key files.
//!
//! Format: the key's bytes as hex digits and a newline; `keygen` writes 32 bytes as 64
//! lowercase digits (for a signing key: its Ed25519 seed). Reading accepts 32 to 64 bytes
//! (a signing key: exactly 32) in either case, with surrounding whitespace, and refuses a file
//! that group or others may read (like ssh with its keys). The path `-` reads the same text
//! from stdin.

use crate::error::CliError;
use crate::input;
use callsign::{MasterKey, SigningKey};
use std::io::Write;
use std::path::Path;
use zeroize::Zeroizing;

/// The largest file taken for a master key: 64 bytes as hex, with room for whitespace.
const MAX_FILE_LEN: u64 = 1024;

/// Creates `path` with mode 0600 and writes `key` to it; refuses to overwrite anything.
pub fn write_new(path: &Path, key: &MasterKey) -> Result<(), CliError> {
    write_new_hex(path, key.expose_bytes())
}

/// Creates `path` with mode 0600 and writes the seed of `key` to it; refuses to overwrite.
pub fn write_new_signing_key(path: &Path, key: &SigningKey) -> Result<(), CliError> {
    write_new_hex(path, key.expose_seed())
}

/// Creates `path` with mode 0600 and writes `bytes` as hex to it; refuses to overwrite.
fn write_new_hex(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(|error| {
        let message = if error.kind() == std::io::ErrorKind::AlreadyExists {
            format!(
                "{} already exists; refusing to overwrite it",
                path.display()
            )
        } else {
            format!("cannot create {}: {error}", path.display())
        };
        CliError::argument("--out", message)
    })?;
    let mut text = encode_hex(bytes);
    text.push('\n');
    if let Err(error) = file
        .write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
    {
        drop(file);
        // A half-written key must not be mistaken for a good one later.
        let _ = std::fs::remove_file(path);
        return Err(CliError::argument(
            "--out",
            format!("cannot write {}: {error}", path.display()),
        ));
    }
    Ok(())
}

/// Reads a master key file, blaming `argument` for anything wrong with it.
pub fn read(argument: &'static str, path: &Path) -> Result<MasterKey, CliError> {
    let key = read_hex(argument, path, "master key", "64 to 128")?;
    MasterKey::from_bytes(&key)
        .map_err(|error| CliError::argument(argument, format!("{}: {error}", source_name(path))))
}

/// Reads an enrollment signing key file (a 32-byte Ed25519 seed), blaming `argument`.
pub fn read_signing_key(argument: &'static str, path: &Path) -> Result<SigningKey, CliError> {
    let seed = read_hex(argument, path, "signing key", "64")?;
    SigningKey::from_seed(&seed)
        .map_err(|error| CliError::argument(argument, format!("{}: {error}", source_name(path))))
}

/// How messages name where a key came from: the path, or "stdin" for `-`.
fn source_name(path: &Path) -> String {
    if path.as_os_str() == input::STDIN {
        "stdin".to_owned()
    } else {
        path.display().to_string()
    }
}

/// Reads a private key file of hex digits (`what`, with `digits` hex digits).
fn read_hex(
    argument: &'static str,
    path: &Path,
    what: &str,
    digits: &str,
) -> Result<Zeroizing<Vec<u8>>, CliError> {
    let blame = |message: String| CliError::argument(argument, message);
    if path.as_os_str() == input::STDIN {
        let text = input::read_stdin(argument)?;
        return decode_hex(&text).ok_or_else(|| {
            blame(format!(
                "stdin does not hold a {what} (expected {digits} hex digits)"
            ))
        });
    }
    let metadata = std::fs::metadata(path)
        .map_err(|error| blame(format!("cannot read {}: {error}", path.display())))?;
    if !metadata.is_file() || metadata.len() > MAX_FILE_LEN {
        return Err(blame(format!(
            "{} is not a {what} file (expected a small file of hex digits)",
            path.display()
        )));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = metadata.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(blame(format!(
                "{} may be read by group or others (mode {mode:04o}); run chmod 600 on it",
                path.display()
            )));
        }
    }
    let bytes = Zeroizing::new(
        std::fs::read(path)
            .map_err(|error| blame(format!("cannot read {}: {error}", path.display())))?,
    );
    let not_hex = || {
        blame(format!(
            "{} is not a {what} file (expected {digits} hex digits)",
            path.display()
        ))
    };
    let text = std::str::from_utf8(&bytes).map_err(|_| not_hex())?;
    decode_hex(text.trim()).ok_or_else(not_hex)
}

/// Decodes a public key given as 64 hex digits, blaming `argument`.
pub fn public_key(argument: &'static str, text: &str) -> Result<callsign::VerifyingKey, CliError> {
    let bytes = decode_hex(text.trim())
        .ok_or_else(|| CliError::argument(argument, "expected a public key of 64 hex digits"))?;
    callsign::VerifyingKey::from_bytes(&bytes).map_err(CliError::blame(argument))
}

/// Lowercase hex of a public key.
pub fn public_key_hex(key: &callsign::VerifyingKey) -> String {
    encode_hex(key.as_bytes()).to_string()
}

/// Lowercase hex of `bytes`, in a buffer zeroized on drop.
fn encode_hex(bytes: &[u8]) -> Zeroizing<String> {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = Zeroizing::new(String::with_capacity(bytes.len() * 2 + 1));
    for byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    text
}

/// The bytes of an even number of hex digits (either case), or `None`.
fn decode_hex(text: &str) -> Option<Zeroizing<Vec<u8>>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    let mut bytes = Zeroizing::new(Vec::with_capacity(text.len() / 2));
    for pair in text.as_bytes().chunks_exact(2) {
        let high = char::from(pair[0]).to_digit(16)?;
        let low = char::from(pair[1]).to_digit(16)?;
        // Two hex digits make at most 0xff, so the conversion always succeeds.
        bytes.push(u8::try_from(high << 4 | low).ok()?);
    }
    Some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips_and_rejects_junk() {
        let bytes: Vec<u8> = (0u8..=255).collect();
        let text = encode_hex(&bytes);
        assert_eq!(&text[..8], "00010203");
        assert_eq!(
            decode_hex(&text).as_deref().map(Vec::as_slice),
            Some(&bytes[..])
        );
        assert_eq!(
            decode_hex("ABcd").as_deref().map(Vec::as_slice),
            Some(&[0xab, 0xcd][..])
        );
        for junk in ["abc", "zz", "0x00", "ab cd", "é1"] {
            assert!(decode_hex(junk).is_none(), "{junk:?}");
        }
    }
}

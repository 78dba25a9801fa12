//! Shared secrets: length-checked, generated from the system's random source, zeroized on
//! drop, never printed.

use crate::algorithm::Algorithm;
use crate::error::Error;
use zeroize::Zeroizing;

/// The shortest secret accepted: 128 bits (RFC 4226 requirement R6).
pub const MIN_SECRET_LEN: usize = 16;
/// The longest secret accepted.
pub const MAX_SECRET_LEN: usize = 1024;

/// An HOTP/TOTP shared secret of 16 to 1024 bytes.
///
/// The bytes live in one heap buffer that is zeroized on drop (clones too). `Debug` shows only
/// the length.
#[derive(Clone)]
pub struct Secret {
    bytes: Zeroizing<Vec<u8>>,
}

impl Secret {
    /// Copies `bytes` into a new secret, checking the length.
    pub fn from_bytes(bytes: &[u8]) -> Result<Secret, Error> {
        check_len(bytes.len())?;
        Ok(Secret {
            bytes: Zeroizing::new(bytes.to_vec()),
        })
    }

    /// Takes ownership of a zeroizing buffer, checking the length.
    pub fn from_zeroizing(bytes: Zeroizing<Vec<u8>>) -> Result<Secret, Error> {
        check_len(bytes.len())?;
        Ok(Secret { bytes })
    }

    /// Decodes base32 as people paste it (see [`crate::base32::decode`]) and checks the length.
    pub fn from_base32(text: &str) -> Result<Secret, Error> {
        Secret::from_zeroizing(crate::base32::decode(text)?)
    }

    /// A new random secret of the length recommended for `algorithm` (20, 32 or 64 bytes),
    /// from the operating system's random generator.
    pub fn generate(algorithm: Algorithm) -> Result<Secret, Error> {
        Secret::generate_with_len(algorithm.recommended_secret_len())
    }

    /// A new random secret of `len` bytes (16..=1024).
    pub fn generate_with_len(len: usize) -> Result<Secret, Error> {
        check_len(len)?;
        Ok(Secret {
            bytes: random_bytes(len)?,
        })
    }

    /// The secret's bytes. Handle with care: do not log or persist them unprotected.
    pub fn expose_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The secret as upper-case base32 without padding, in a buffer zeroized on drop.
    pub fn to_base32(&self) -> Zeroizing<String> {
        crate::base32::encode_secret(&self.bytes)
    }

    /// The length in bytes.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Always false: a secret has at least 16 bytes.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}

impl PartialEq for Secret {
    /// Compares in constant time for secrets of equal length.
    fn eq(&self, other: &Secret) -> bool {
        use subtle::ConstantTimeEq;
        bool::from(self.bytes.as_slice().ct_eq(other.bytes.as_slice()))
    }
}

impl Eq for Secret {}

impl core::fmt::Debug for Secret {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Secret([REDACTED; {} bytes])", self.bytes.len())
    }
}

/// Checks a secret length against 16..=1024 bytes.
pub(crate) fn check_len(len: usize) -> Result<(), Error> {
    if len < MIN_SECRET_LEN {
        Err(Error::SecretTooShort {
            len,
            bits: len.saturating_mul(8),
            min: MIN_SECRET_LEN,
        })
    } else if len > MAX_SECRET_LEN {
        Err(Error::SecretTooLong {
            len,
            max: MAX_SECRET_LEN,
        })
    } else {
        Ok(())
    }
}

/// `len` bytes from ring's `SystemRandom`, in a zeroizing buffer.
pub(crate) fn random_bytes(len: usize) -> Result<Zeroizing<Vec<u8>>, Error> {
    use ring::rand::SecureRandom;
    let mut bytes = Zeroizing::new(vec![0u8; len]);
    ring::rand::SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| Error::RandomUnavailable)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_are_checked() {
        assert_eq!(
            Secret::from_bytes(&[7; 10]),
            Err(Error::SecretTooShort {
                len: 10,
                bits: 80,
                min: 16
            })
        );
        assert_eq!(
            Secret::from_bytes(&[7; 1025]),
            Err(Error::SecretTooLong {
                len: 1025,
                max: 1024
            })
        );
        assert_eq!(Secret::from_bytes(&[7; 16]).unwrap().len(), 16);
    }

    #[test]
    fn generated_lengths_follow_the_algorithm() {
        assert_eq!(Secret::generate(Algorithm::Sha1).unwrap().len(), 20);
        assert_eq!(Secret::generate(Algorithm::Sha256).unwrap().len(), 32);
        assert_eq!(Secret::generate(Algorithm::Sha512).unwrap().len(), 64);
        assert_ne!(
            Secret::generate(Algorithm::Sha1).unwrap(),
            Secret::generate(Algorithm::Sha1).unwrap()
        );
    }

    #[test]
    fn debug_is_redacted() {
        let secret = Secret::from_bytes(b"12345678901234567890").unwrap();
        let shown = format!("{secret:?}");
        assert_eq!(shown, "Secret([REDACTED; 20 bytes])");
    }
}

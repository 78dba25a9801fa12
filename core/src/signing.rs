//! Signed enrollments (protocol v1, Addition C): the vendor's Ed25519 enrollment signing key,
//! the public keys an app pins, and the rule that decides whether a received payload is
//! trusted.
//!
//! The signed payload is the enrollment URI followed by `&sig=` and the base64url (no padding)
//! of the Ed25519 signature over the UTF-8 bytes of everything before `&sig=`. The verifier
//! checks the bytes exactly as received: nothing is decoded, re-encoded or re-ordered first.

use crate::error::Error;
use ring::signature::{ED25519, Ed25519KeyPair, KeyPair, UnparsedPublicKey};
use zeroize::Zeroizing;

/// Length of an Ed25519 seed (the private signing key) in bytes.
pub const SIGNING_SEED_LEN: usize = 32;
/// Length of an Ed25519 public key in bytes.
pub const PUBLIC_KEY_LEN: usize = 32;
/// Length of an Ed25519 signature in bytes.
pub const SIGNATURE_LEN: usize = 64;
/// What separates the signed bytes from the signature in a signed payload.
pub(crate) const SIGNATURE_SEPARATOR: &str = "&sig=";
/// Length of a signature in base64url without padding.
const SIGNATURE_TEXT_LEN: usize = 86;

/// The vendor's enrollment signing key: an Ed25519 seed, separate from the master key.
///
/// The seed is zeroized on drop; `Debug` shows only the public key. ring's key pair, built for
/// each signature, is not zeroized by ring (as with its HMAC keys).
#[derive(Clone)]
pub struct SigningKey {
    seed: Zeroizing<[u8; SIGNING_SEED_LEN]>,
    public: VerifyingKey,
}

impl SigningKey {
    /// A signing key from its 32-byte seed (RFC 8032 private key).
    pub fn from_seed(seed: &[u8]) -> Result<SigningKey, Error> {
        let mut bytes = Zeroizing::new([0u8; SIGNING_SEED_LEN]);
        if seed.len() != SIGNING_SEED_LEN {
            return Err(Error::SigningKeyLength {
                what: "signing key seed",
                len: seed.len(),
            });
        }
        bytes.copy_from_slice(seed);
        let pair = key_pair(&bytes)?;
        let public = VerifyingKey::from_bytes(pair.public_key().as_ref())?;
        Ok(SigningKey {
            seed: bytes,
            public,
        })
    }

    /// A new random signing key from the operating system's random generator.
    pub fn generate() -> Result<SigningKey, Error> {
        let seed = crate::secret::random_bytes(SIGNING_SEED_LEN)?;
        SigningKey::from_seed(&seed)
    }

    /// The public key to pin in the vendor's app.
    pub fn public_key(&self) -> VerifyingKey {
        self.public
    }

    /// The 32-byte seed. Handle with care: store it like the master key.
    pub fn expose_seed(&self) -> &[u8] {
        self.seed.as_slice()
    }

    /// The Ed25519 signature of `message`.
    pub fn sign(&self, message: &[u8]) -> Result<[u8; SIGNATURE_LEN], Error> {
        let signature = key_pair(&self.seed)?.sign(message);
        let mut out = [0u8; SIGNATURE_LEN];
        out.copy_from_slice(signature.as_ref());
        Ok(out)
    }
}

fn key_pair(seed: &[u8; SIGNING_SEED_LEN]) -> Result<Ed25519KeyPair, Error> {
    // Cannot fail for a 32-byte seed; mapped rather than unwrapped all the same.
    Ed25519KeyPair::from_seed_unchecked(seed).map_err(|_| Error::SigningKeyLength {
        what: "signing key seed",
        len: seed.len(),
    })
}

impl core::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SigningKey")
            .field("seed", &"<redacted>")
            .field("public_key", &self.public)
            .finish()
    }
}

/// An Ed25519 public key that verifies enrollments (what an app pins).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct VerifyingKey([u8; PUBLIC_KEY_LEN]);

impl VerifyingKey {
    /// A public key from its 32 bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<VerifyingKey, Error> {
        let array: [u8; PUBLIC_KEY_LEN] =
            bytes.try_into().map_err(|_| Error::SigningKeyLength {
                what: "enrollment public key",
                len: bytes.len(),
            })?;
        Ok(VerifyingKey(array))
    }

    /// The key's 32 bytes.
    pub fn as_bytes(&self) -> &[u8; PUBLIC_KEY_LEN] {
        &self.0
    }

    fn verifies(&self, message: &[u8], signature: &[u8]) -> bool {
        UnparsedPublicKey::new(&ED25519, &self.0)
            .verify(message, signature)
            .is_ok()
    }
}

impl core::fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "VerifyingKey(")?;
        for byte in self.0 {
            write!(f, "{byte:02x}")?;
        }
        write!(f, ")")
    }
}

/// Which enrollment payloads a device accepts: those signed by one of the pinned keys, or —
/// only when the caller says so explicitly, for tests and tools — any well-formed payload
/// with its signature (if any) ignored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrollmentTrust {
    keys: Vec<VerifyingKey>,
    allow_unsigned: bool,
}

impl EnrollmentTrust {
    /// Trust payloads signed by any of `keys` (several allow rotation). At least one key.
    pub fn pinned(keys: impl IntoIterator<Item = VerifyingKey>) -> Result<EnrollmentTrust, Error> {
        let keys: Vec<VerifyingKey> = keys.into_iter().collect();
        if keys.is_empty() {
            return Err(Error::EnrollmentKeysMissing);
        }
        Ok(EnrollmentTrust {
            keys,
            allow_unsigned: false,
        })
    }

    /// Accept any well-formed payload and ignore its signature. For tests and tools only: an
    /// app that trusts unsigned enrollments calls a forger's codes genuine.
    pub fn allow_unsigned() -> EnrollmentTrust {
        EnrollmentTrust {
            keys: Vec::new(),
            allow_unsigned: true,
        }
    }

    /// The rule every binding applies to its `trusted_keys` and `allow_unsigned` arguments:
    /// pinned keys (raw 32-byte public keys), or no keys and `allow_unsigned`; no keys without
    /// `allow_unsigned`, and keys together with it, are errors.
    pub fn from_options<K: AsRef<[u8]>>(
        trusted_keys: &[K],
        allow_unsigned: bool,
    ) -> Result<EnrollmentTrust, Error> {
        match (trusted_keys.is_empty(), allow_unsigned) {
            (true, true) => Ok(EnrollmentTrust::allow_unsigned()),
            (false, true) => Err(Error::InvalidConfig {
                reason: "allow_unsigned cannot be combined with pinned enrollment keys",
            }),
            (_, false) => EnrollmentTrust::pinned(
                trusted_keys
                    .iter()
                    .map(|key| VerifyingKey::from_bytes(key.as_ref()))
                    .collect::<Result<Vec<_>, Error>>()?,
            ),
        }
    }

    /// The pinned keys (empty when unsigned payloads are allowed).
    pub fn keys(&self) -> &[VerifyingKey] {
        &self.keys
    }

    /// Whether signatures are ignored.
    pub fn allows_unsigned(&self) -> bool {
        self.allow_unsigned
    }

    /// Checks a received payload against this trust and returns the signed part (everything
    /// before `&sig=`) and the signature, if there is one.
    pub(crate) fn check<'a>(
        &self,
        payload: &'a str,
    ) -> Result<(&'a str, Option<[u8; SIGNATURE_LEN]>), Error> {
        let Some((signed, signature_text)) = payload.split_once(SIGNATURE_SEPARATOR) else {
            if self.allow_unsigned {
                return Ok((payload, None));
            }
            return Err(Error::EnrollmentUnsigned);
        };
        // `sig` must be the last parameter, and nothing may follow its 86 characters.
        let longer_than_a_signature = signature_text
            .get(..SIGNATURE_TEXT_LEN)
            .is_some_and(|head| head.len() < signature_text.len() && is_base64url(head));
        if longer_than_a_signature || signature_text.contains(['&', '#']) {
            return Err(Error::EnrollmentTrailingData);
        }
        let signature = decode_signature(signature_text)?;
        if !self.allow_unsigned
            && !self
                .keys
                .iter()
                .any(|key| key.verifies(signed.as_bytes(), &signature))
        {
            return Err(Error::EnrollmentSignatureMismatch);
        }
        Ok((signed, Some(signature)))
    }
}

fn is_base64url(text: &str) -> bool {
    text.bytes().all(|b| sextet(b).is_some())
}

fn sextet(byte: u8) -> Option<u8> {
    match byte {
        b'A'..=b'Z' => Some(byte - b'A'),
        b'a'..=b'z' => Some(byte - b'a' + 26),
        b'0'..=b'9' => Some(byte - b'0' + 52),
        b'-' => Some(62),
        b'_' => Some(63),
        _ => None,
    }
}

/// Decodes the 86 base64url characters of a signature; anything else (another length, other
/// characters, padding, non-zero trailing bits) is a malformed signature.
fn decode_signature(text: &str) -> Result<[u8; SIGNATURE_LEN], Error> {
    if text.len() != SIGNATURE_TEXT_LEN {
        return Err(Error::EnrollmentSignatureMalformed {
            reason: "it must be 86 base64url characters (64 bytes, no padding)",
        });
    }
    let mut out = [0u8; SIGNATURE_LEN];
    let mut accumulator: u32 = 0;
    let mut bits = 0;
    let mut written = 0;
    for byte in text.bytes() {
        let value = sextet(byte).ok_or(Error::EnrollmentSignatureMalformed {
            reason: "it has a character outside the base64url alphabet",
        })?;
        accumulator = (accumulator << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out[written] = (accumulator >> bits).to_le_bytes()[0];
            written += 1;
            accumulator &= (1 << bits) - 1;
        }
    }
    if accumulator != 0 {
        return Err(Error::EnrollmentSignatureMalformed {
            reason: "its last character has non-zero trailing bits",
        });
    }
    Ok(out)
}

/// base64url without padding (RFC 4648 section 5).
pub(crate) fn encode_signature(signature: &[u8; SIGNATURE_LEN]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(SIGNATURE_TEXT_LEN);
    let mut accumulator: u32 = 0;
    let mut bits = 0;
    for &byte in signature {
        accumulator = (accumulator << 8) | u32::from(byte);
        bits += 8;
        while bits >= 6 {
            bits -= 6;
            out.push(char::from(ALPHABET[((accumulator >> bits) & 63) as usize]));
        }
        accumulator &= (1 << bits) - 1;
    }
    if bits > 0 {
        out.push(char::from(
            ALPHABET[((accumulator << (6 - bits)) & 63) as usize],
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_round_trip_and_canonical_form() {
        let mut signature = [0u8; SIGNATURE_LEN];
        for (index, byte) in signature.iter_mut().enumerate() {
            *byte = u8::try_from(index * 37 % 256).unwrap_or(0);
        }
        let text = encode_signature(&signature);
        assert_eq!(text.len(), SIGNATURE_TEXT_LEN);
        assert_eq!(decode_signature(&text), Ok(signature));
        // The last character carries 4 spare bits; setting one is non-canonical.
        let mut bad = text.clone();
        bad.pop();
        bad.push('B');
        assert!(matches!(
            decode_signature(&bad),
            Err(Error::EnrollmentSignatureMalformed { .. })
        ));
        assert!(matches!(
            decode_signature(&text[1..]),
            Err(Error::EnrollmentSignatureMalformed { .. })
        ));
    }

    #[test]
    fn debug_redacts_the_seed() {
        let key = SigningKey::from_seed(&[7u8; 32]).unwrap();
        let shown = format!("{key:?}");
        assert!(shown.contains("<redacted>"));
        assert!(!shown.contains("0707070707"));
    }
}

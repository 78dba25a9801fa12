//! HMAC with a prepared key, over one of two backends chosen by cargo feature.
//!
//! `rustcrypto` (the default) uses RustCrypto's `hmac` with `sha1`/`sha2`, whose SHA code uses
//! the CPU's SHA instructions where present, and whose states are zeroized on drop. `ring` uses
//! ring's HMAC; ring does not zeroize its key schedule on drop.

use crate::Algorithm;
use zeroize::Zeroize;

#[cfg(not(any(feature = "rustcrypto", feature = "ring")))]
compile_error!("enable at least one HMAC backend feature: `rustcrypto` or `ring`");

/// An HMAC implementation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Backend {
    /// RustCrypto's `hmac` with `sha1`/`sha2`.
    #[cfg(feature = "rustcrypto")]
    RustCrypto,
    /// ring's `hmac`.
    #[cfg(feature = "ring")]
    Ring,
}

impl Backend {
    /// The backend used unless a caller picks one: RustCrypto where it is compiled in, since
    /// it is the faster one on CPUs with SHA instructions (see the benchmark crate).
    #[cfg(feature = "rustcrypto")]
    pub const DEFAULT: Backend = Backend::RustCrypto;
    /// The backend used unless a caller picks one.
    #[cfg(not(feature = "rustcrypto"))]
    pub const DEFAULT: Backend = Backend::Ring;

    /// Every backend compiled into this build.
    pub const AVAILABLE: &'static [Backend] = &[
        #[cfg(feature = "rustcrypto")]
        Backend::RustCrypto,
        #[cfg(feature = "ring")]
        Backend::Ring,
    ];
}

impl Default for Backend {
    fn default() -> Self {
        Backend::DEFAULT
    }
}

/// An HMAC output of up to 64 bytes, zeroized on drop.
pub struct Tag {
    bytes: [u8; 64],
    len: usize,
}

impl Tag {
    /// The tag's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    fn from_slice(output: &[u8]) -> Tag {
        let mut bytes = [0u8; 64];
        let len = output.len().min(64);
        bytes[..len].copy_from_slice(&output[..len]);
        Tag { bytes, len }
    }
}

impl Drop for Tag {
    fn drop(&mut self) {
        self.bytes.zeroize();
    }
}

impl core::fmt::Debug for Tag {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Tag([REDACTED; {} bytes])", self.len)
    }
}

#[derive(Clone)]
enum State {
    #[cfg(feature = "rustcrypto")]
    Sha1(hmac::Hmac<sha1::Sha1>),
    #[cfg(feature = "rustcrypto")]
    Sha256(hmac::Hmac<sha2::Sha256>),
    #[cfg(feature = "rustcrypto")]
    Sha512(hmac::Hmac<sha2::Sha512>),
    #[cfg(feature = "ring")]
    Ring(ring::hmac::Key),
}

/// An HMAC key whose inner and outer pad states are computed once, so that each MAC does no
/// key setup and no allocation.
#[derive(Clone)]
pub struct PreparedKey {
    state: State,
    algorithm: Algorithm,
    backend: Backend,
}

impl PreparedKey {
    /// Prepares `key` for HMAC with `algorithm` on the default backend.
    pub fn new(algorithm: Algorithm, key: &[u8]) -> PreparedKey {
        PreparedKey::with_backend(Backend::DEFAULT, algorithm, key)
    }

    /// Prepares `key` for HMAC with `algorithm` on the given backend.
    pub fn with_backend(backend: Backend, algorithm: Algorithm, key: &[u8]) -> PreparedKey {
        let state = match backend {
            #[cfg(feature = "rustcrypto")]
            Backend::RustCrypto => match algorithm {
                Algorithm::Sha1 => State::Sha1(rustcrypto_key(key)),
                Algorithm::Sha256 => State::Sha256(rustcrypto_key(key)),
                Algorithm::Sha512 => State::Sha512(rustcrypto_key(key)),
            },
            #[cfg(feature = "ring")]
            Backend::Ring => {
                let ring_algorithm = match algorithm {
                    Algorithm::Sha1 => ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY,
                    Algorithm::Sha256 => ring::hmac::HMAC_SHA256,
                    Algorithm::Sha512 => ring::hmac::HMAC_SHA512,
                };
                State::Ring(ring::hmac::Key::new(ring_algorithm, key))
            }
        };
        PreparedKey {
            state,
            algorithm,
            backend,
        }
    }

    /// The hash algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The backend computing the MACs.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// HMAC of `message` under this key.
    #[inline]
    pub fn sign(&self, message: &[u8]) -> Tag {
        match &self.state {
            #[cfg(feature = "rustcrypto")]
            State::Sha1(mac) => rustcrypto_sign(mac, message),
            #[cfg(feature = "rustcrypto")]
            State::Sha256(mac) => rustcrypto_sign(mac, message),
            #[cfg(feature = "rustcrypto")]
            State::Sha512(mac) => rustcrypto_sign(mac, message),
            #[cfg(feature = "ring")]
            State::Ring(key) => Tag::from_slice(ring::hmac::sign(key, message).as_ref()),
        }
    }
}

#[cfg(feature = "rustcrypto")]
#[allow(clippy::expect_used)]
fn rustcrypto_key<M: hmac::KeyInit>(key: &[u8]) -> M {
    // HMAC takes keys of any length (it hashes long ones and pads short ones), so this
    // cannot fail.
    M::new_from_slice(key).expect("HMAC accepts keys of any length")
}

#[cfg(feature = "rustcrypto")]
#[inline]
fn rustcrypto_sign<M: hmac::Mac + Clone>(prepared: &M, message: &[u8]) -> Tag {
    let mut mac = prepared.clone();
    mac.update(message);
    let mut output = mac.finalize().into_bytes();
    let tag = Tag::from_slice(&output);
    output.as_mut_slice().zeroize();
    tag
}

impl core::fmt::Debug for PreparedKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PreparedKey")
            .field("algorithm", &self.algorithm)
            .field("backend", &self.backend)
            .field("key", &"[REDACTED]")
            .finish()
    }
}

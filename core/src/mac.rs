//! HMAC with a prepared key, over one of two backends chosen by cargo feature.
//!
//! `rustcrypto` (the default) computes HMAC (RFC 2104) over the compression functions of
//! `RustCrypto`'s `sha1`/`sha2`, which use the CPU's SHA instructions where present. The key's
//! inner and outer pad states are computed once; a MAC of a short message (a counter) then costs
//! exactly two compressions, with no buffering, cloning or allocation. Those states are zeroized
//! on drop. Tests check this backend against `RustCrypto`'s `hmac`, against ring, and against the
//! RFC vectors. `ring` uses ring's HMAC; ring does not zeroize its key schedule on drop.

use crate::algorithm::Algorithm;
use zeroize::Zeroize;

#[cfg(not(any(feature = "rustcrypto", feature = "ring")))]
compile_error!("enable at least one HMAC backend feature: `rustcrypto` or `ring`");

/// An HMAC implementation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Backend {
    /// HMAC over `RustCrypto`'s `sha1`/`sha2` compression functions.
    #[cfg(feature = "rustcrypto")]
    RustCrypto,
    /// ring's `hmac`.
    #[cfg(feature = "ring")]
    Ring,
}

impl Backend {
    /// The backend used unless a caller picks one: `RustCrypto` where it is compiled in, since
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
    Sha1(PadStates<Sha1State>),
    #[cfg(feature = "rustcrypto")]
    Sha256(PadStates<Sha256State>),
    #[cfg(feature = "rustcrypto")]
    Sha512(PadStates<Sha512State>),
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
                Algorithm::Sha1 => State::Sha1(PadStates::new(key)),
                Algorithm::Sha256 => State::Sha256(PadStates::new(key)),
                Algorithm::Sha512 => State::Sha512(PadStates::new(key)),
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
    pub fn sign(&self, message: &[u8]) -> Tag {
        self.with_tag(message, Tag::from_slice)
    }

    /// Computes the HMAC of `message` and hands it to `use_tag` without copying it. This is
    /// the hot path of code generation.
    #[inline]
    pub fn with_tag<R>(&self, message: &[u8], use_tag: impl FnOnce(&[u8]) -> R) -> R {
        #[cfg(test)]
        TAGS_COMPUTED.with(|count| count.set(count.get() + 1));
        match &self.state {
            #[cfg(feature = "rustcrypto")]
            State::Sha1(pads) => pads.with_tag(message, use_tag),
            #[cfg(feature = "rustcrypto")]
            State::Sha256(pads) => pads.with_tag(message, use_tag),
            #[cfg(feature = "rustcrypto")]
            State::Sha512(pads) => pads.with_tag(message, use_tag),
            #[cfg(feature = "ring")]
            State::Ring(key) => use_tag(ring::hmac::sign(key, message).as_ref()),
        }
    }

    /// Hands `use_tag` the HMAC of every counter from `first` to `last` (both included; none
    /// when `first > last`) as 8 big-endian bytes, in order, with its counter: the tags
    /// [`with_tag`](Self::with_tag) computes one by one, computed several at a time. The
    /// compressions of different counters do not depend on each other, so the CPU overlaps
    /// them; this is the hot path of verification over a window.
    pub fn for_each_counter_tag(&self, first: u64, last: u64, mut use_tag: impl FnMut(u64, &[u8])) {
        let counters = first..=last;
        match &self.state {
            #[cfg(feature = "rustcrypto")]
            State::Sha1(pads) => pads.for_each_counter_tag(counters, &mut use_tag),
            #[cfg(feature = "rustcrypto")]
            State::Sha256(pads) => pads.for_each_counter_tag(counters, &mut use_tag),
            #[cfg(feature = "rustcrypto")]
            State::Sha512(pads) => pads.for_each_counter_tag(counters, &mut use_tag),
            #[cfg(feature = "ring")]
            State::Ring(_) => {
                for counter in counters {
                    self.with_tag(&counter.to_be_bytes(), |tag| use_tag(counter, tag));
                }
            }
        }
    }
}

#[cfg(test)]
thread_local! {
    /// How many MACs this thread computed: lets unit tests see that a verification compares
    /// every candidate instead of stopping at the first match.
    pub(crate) static TAGS_COMPUTED: core::cell::Cell<u64> = const { core::cell::Cell::new(0) };
}

/// A Merkle-Damgard hash state that absorbs whole blocks (SHA-1, SHA-256, SHA-512).
#[cfg(feature = "rustcrypto")]
trait Compression: Copy + Zeroize {
    /// The block length in bytes (64 or 128).
    const BLOCK_LEN: usize;
    /// The length of the bit-count field that ends the padding (8 or 16).
    const LENGTH_FIELD_LEN: usize;
    /// The digest length in bytes.
    const DIGEST_LEN: usize;
    /// A block of `BLOCK_LEN` bytes.
    type Block: AsRef<[u8]> + AsMut<[u8]>;
    /// A block of zeros.
    const ZERO_BLOCK: Self::Block;
    /// The standard initial state.
    fn initial() -> Self;
    /// Absorbs one block of exactly `BLOCK_LEN` bytes.
    fn compress(&mut self, block: &[u8]);
    /// Writes the big-endian digest into `out[..DIGEST_LEN]`.
    fn write_digest(&self, out: &mut [u8]);
    /// Writes the digest of a whole message into `out[..DIGEST_LEN]` (for keys longer than a
    /// block).
    fn hash(message: &[u8], out: &mut [u8]);
}

/// The largest block of the supported hashes.
#[cfg(feature = "rustcrypto")]
const MAX_BLOCK_LEN: usize = 128;

#[cfg(feature = "rustcrypto")]
#[derive(Clone, Copy, Zeroize)]
struct Sha1State([u32; 5]);

#[cfg(feature = "rustcrypto")]
#[derive(Clone, Copy, Zeroize)]
struct Sha256State([u32; 8]);

#[cfg(feature = "rustcrypto")]
#[derive(Clone, Copy, Zeroize)]
struct Sha512State([u64; 8]);

#[cfg(feature = "rustcrypto")]
impl Compression for Sha1State {
    const BLOCK_LEN: usize = 64;
    const LENGTH_FIELD_LEN: usize = 8;
    const DIGEST_LEN: usize = 20;
    type Block = [u8; 64];
    const ZERO_BLOCK: Self::Block = [0; 64];

    fn initial() -> Self {
        // FIPS 180-4 section 5.3.1.
        Sha1State([
            0x6745_2301,
            0xefcd_ab89,
            0x98ba_dcfe,
            0x1032_5476,
            0xc3d2_e1f0,
        ])
    }

    #[inline]
    fn compress(&mut self, block: &[u8]) {
        if let Ok(block) = <&[u8; 64]>::try_from(block) {
            sha1::block_api::compress(&mut self.0, core::slice::from_ref(block));
        }
    }

    #[inline]
    fn write_digest(&self, out: &mut [u8]) {
        for (chunk, word) in out.chunks_exact_mut(4).zip(self.0) {
            chunk.copy_from_slice(&word.to_be_bytes());
        }
    }

    fn hash(message: &[u8], out: &mut [u8]) {
        use sha1::Digest;
        out[..Self::DIGEST_LEN].copy_from_slice(&sha1::Sha1::digest(message));
    }
}

#[cfg(feature = "rustcrypto")]
impl Compression for Sha256State {
    const BLOCK_LEN: usize = 64;
    const LENGTH_FIELD_LEN: usize = 8;
    const DIGEST_LEN: usize = 32;
    type Block = [u8; 64];
    const ZERO_BLOCK: Self::Block = [0; 64];

    fn initial() -> Self {
        // FIPS 180-4 section 5.3.3.
        Sha256State([
            0x6a09_e667,
            0xbb67_ae85,
            0x3c6e_f372,
            0xa54f_f53a,
            0x510e_527f,
            0x9b05_688c,
            0x1f83_d9ab,
            0x5be0_cd19,
        ])
    }

    #[inline]
    fn compress(&mut self, block: &[u8]) {
        if let Ok(block) = <&[u8; 64]>::try_from(block) {
            sha2::block_api::compress256(&mut self.0, core::slice::from_ref(block));
        }
    }

    #[inline]
    fn write_digest(&self, out: &mut [u8]) {
        for (chunk, word) in out.chunks_exact_mut(4).zip(self.0) {
            chunk.copy_from_slice(&word.to_be_bytes());
        }
    }

    fn hash(message: &[u8], out: &mut [u8]) {
        use sha2::Digest;
        out[..Self::DIGEST_LEN].copy_from_slice(&sha2::Sha256::digest(message));
    }
}

#[cfg(feature = "rustcrypto")]
impl Compression for Sha512State {
    const BLOCK_LEN: usize = 128;
    const LENGTH_FIELD_LEN: usize = 16;
    const DIGEST_LEN: usize = 64;
    type Block = [u8; 128];
    const ZERO_BLOCK: Self::Block = [0; 128];

    fn initial() -> Self {
        // FIPS 180-4 section 5.3.5.
        Sha512State([
            0x6a09_e667_f3bc_c908,
            0xbb67_ae85_84ca_a73b,
            0x3c6e_f372_fe94_f82b,
            0xa54f_f53a_5f1d_36f1,
            0x510e_527f_ade6_82d1,
            0x9b05_688c_2b3e_6c1f,
            0x1f83_d9ab_fb41_bd6b,
            0x5be0_cd19_137e_2179,
        ])
    }

    #[inline]
    fn compress(&mut self, block: &[u8]) {
        if let Ok(block) = <&[u8; 128]>::try_from(block) {
            sha2::block_api::compress512(&mut self.0, core::slice::from_ref(block));
        }
    }

    #[inline]
    fn write_digest(&self, out: &mut [u8]) {
        for (chunk, word) in out.chunks_exact_mut(8).zip(self.0) {
            chunk.copy_from_slice(&word.to_be_bytes());
        }
    }

    fn hash(message: &[u8], out: &mut [u8]) {
        use sha2::Digest;
        out[..Self::DIGEST_LEN].copy_from_slice(&sha2::Sha512::digest(message));
    }
}

/// The hash states after absorbing the key XOR ipad and the key XOR opad (RFC 2104): all that
/// an HMAC key is after setup. Zeroized on drop.
#[cfg(feature = "rustcrypto")]
#[derive(Clone)]
struct PadStates<C: Compression> {
    inner: C,
    outer: C,
}

#[cfg(feature = "rustcrypto")]
impl<C: Compression> PadStates<C> {
    fn new(key: &[u8]) -> Self {
        // K0: the key, hashed first when longer than a block, padded with zeros.
        let mut padded = [0u8; MAX_BLOCK_LEN];
        if key.len() > C::BLOCK_LEN {
            C::hash(key, &mut padded);
        } else {
            padded[..key.len()].copy_from_slice(key);
        }
        let mut pads = PadStates {
            inner: C::initial(),
            outer: C::initial(),
        };
        let block = &mut padded[..C::BLOCK_LEN];
        for byte in block.iter_mut() {
            *byte ^= 0x36;
        }
        pads.inner.compress(block);
        for byte in block.iter_mut() {
            *byte ^= 0x36 ^ 0x5c;
        }
        pads.outer.compress(block);
        // Only the first block length of bytes ever held key material.
        block.zeroize();
        pads
    }

    /// HMAC of `message`: for a message shorter than a block minus its padding (a counter),
    /// exactly two compressions.
    #[inline]
    fn with_tag<R>(&self, message: &[u8], use_tag: impl FnOnce(&[u8]) -> R) -> R {
        let mut block = C::ZERO_BLOCK;
        let block = block.as_mut();
        outer_block(&finish(self.inner, message), block);
        let mut outer = self.outer;
        outer.compress(block);
        outer.write_digest(block);
        use_tag(&block[..C::DIGEST_LEN])
    }

    /// The tags of `counters`, [`BATCH_LEN`] at a time: every block of a batch is built
    /// before its first compression, and every inner compression of a batch runs before
    /// the first outer one, so that no compression waits for another it does not need.
    fn for_each_counter_tag(
        &self,
        mut counters: core::ops::RangeInclusive<u64>,
        use_tag: &mut impl FnMut(u64, &[u8]),
    ) {
        loop {
            let mut batch = [0u64; BATCH_LEN];
            let len = batch
                .iter_mut()
                .zip(&mut counters)
                .map(|(slot, counter)| *slot = counter)
                .count();
            if len == 0 {
                return;
            }
            let batch = &batch[..len];
            let mut blocks = [C::ZERO_BLOCK; BATCH_LEN];
            let blocks = &mut blocks[..len];
            for (block, counter) in blocks.iter_mut().zip(batch) {
                counter_block::<C>(*counter, block.as_mut());
            }
            let mut inner = [self.inner; BATCH_LEN];
            for (state, block) in inner.iter_mut().zip(blocks.iter()) {
                state.compress(block.as_ref());
            }
            for (block, state) in blocks.iter_mut().zip(&inner) {
                outer_block(state, block.as_mut());
            }
            let mut outer = [self.outer; BATCH_LEN];
            for (state, block) in outer.iter_mut().zip(blocks.iter()) {
                state.compress(block.as_ref());
            }
            for ((block, state), counter) in blocks.iter_mut().zip(&outer).zip(batch) {
                #[cfg(test)]
                TAGS_COMPUTED.with(|count| count.set(count.get() + 1));
                let block = block.as_mut();
                state.write_digest(block);
                use_tag(*counter, &block[..C::DIGEST_LEN]);
            }
            // The slots a short batch leaves unused still hold the key's pad states.
            inner.zeroize();
            outer.zeroize();
        }
    }
}

/// How many counters [`PadStates::for_each_counter_tag`] computes side by side: a window of
/// +-1 is one batch.
#[cfg(feature = "rustcrypto")]
const BATCH_LEN: usize = 4;

/// Builds in `block` (all zeros) the inner hash's last block for a counter: its 8 big-endian
/// bytes, 0x80, zeros, and the length in bits of the pad block and the counter.
#[cfg(feature = "rustcrypto")]
#[inline]
fn counter_block<C: Compression>(counter: u64, block: &mut [u8]) {
    block[..8].copy_from_slice(&counter.to_be_bytes());
    block[8] = 0x80;
    write_length::<C>(block, 8);
}

/// Builds in `block` (all zeros) the outer hash's one block: the inner digest, 0x80, zeros,
/// and the length in bits of the pad block and the digest.
#[cfg(feature = "rustcrypto")]
#[inline]
fn outer_block<C: Compression>(inner: &C, block: &mut [u8]) {
    inner.write_digest(block);
    block[C::DIGEST_LEN] = 0x80;
    write_length::<C>(block, C::DIGEST_LEN);
}

/// Ends a last block with the length in bits of the pad block and a message of
/// `message_len` bytes (a slice's length, which always fits in u128).
#[cfg(feature = "rustcrypto")]
#[inline]
fn write_length<C: Compression>(block: &mut [u8], message_len: usize) {
    let bits = (C::BLOCK_LEN as u128 + message_len as u128) * 8;
    block[C::BLOCK_LEN - C::LENGTH_FIELD_LEN..]
        .copy_from_slice(&bits.to_be_bytes()[16 - C::LENGTH_FIELD_LEN..]);
}

#[cfg(feature = "rustcrypto")]
impl<C: Compression> Drop for PadStates<C> {
    fn drop(&mut self) {
        self.inner.zeroize();
        self.outer.zeroize();
    }
}

/// Absorbs `message` into `state`, which has absorbed exactly one block (the key pad) before
/// it, and applies the final padding: 0x80, zeros, and the total length in bits. A message
/// shorter than a block minus the padding (a counter, an inner digest) costs one compression.
#[cfg(feature = "rustcrypto")]
#[inline]
fn finish<C: Compression>(mut state: C, message: &[u8]) -> C {
    let mut blocks = message.chunks_exact(C::BLOCK_LEN);
    for block in &mut blocks {
        state.compress(block);
    }
    let rest = blocks.remainder();
    let mut tail = C::ZERO_BLOCK;
    let tail = tail.as_mut();
    tail[..rest.len()].copy_from_slice(rest);
    tail[rest.len()] = 0x80;
    if rest.len() >= C::BLOCK_LEN - C::LENGTH_FIELD_LEN {
        // No room left for the length: it goes into one more block of zeros.
        state.compress(tail);
        tail.fill(0);
    }
    write_length::<C>(tail, message.len());
    state.compress(tail);
    state
}

impl core::fmt::Debug for PreparedKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PreparedKey")
            .field("algorithm", &self.algorithm)
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

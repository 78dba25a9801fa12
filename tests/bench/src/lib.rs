//! The fixtures shared by the criterion benches (benches/) and the instruction-count runner
//! (examples/callgrind.rs, driven by scripts/callgrind.sh): the same keys, times and issuers,
//! and the physical-limit rows, bare compressions through the functions core's HMAC calls.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

use callsign::{
    IssueRequest, Issuer, IssuerConfig, MasterKey, NullAuditSink, ProfileParams, RateLimit, Totp,
};
use std::sync::Arc;

/// The RFC 6238 SHA-1 seed.
pub const SECRET: &[u8] = b"12345678901234567890";
/// The unix time every code is computed at.
pub const TIME: u64 = 1_764_355_200;

/// The master key of every issuer here.
pub fn master_key() -> MasterKey {
    MasterKey::from_bytes(&[7u8; 32]).unwrap()
}

/// The request every issuance here makes.
pub const REQUEST: IssueRequest<'static> = IssueRequest {
    account_id: "customer-0001",
    agent_id: "agent-7",
    ticket: "TICKET-4711",
};

/// The plain profile code generator of [`REQUEST`]'s account: TOTP-SHA256 over its call key
/// (prepared once), what an issuance computes after its bookkeeping.
pub fn profile_totp() -> Totp {
    let secret = master_key().account_secret(REQUEST.account_id, 0).unwrap();
    callsign::agent_totp(&secret, ProfileParams::default()).unwrap()
}

/// An issuer auditing to core's [`NullAuditSink`] (issuance measured without I/O) with `rate_limit`, its cache warm for [`REQUEST`]'s
/// account unless `cache_capacity` is 0.
pub fn issuer(rate_limit: Option<RateLimit>, cache_capacity: usize) -> Issuer {
    let config = IssuerConfig {
        rate_limit,
        cache_capacity,
        ..IssuerConfig::default()
    };
    let issuer = Issuer::new(master_key(), config, Arc::new(NullAuditSink)).unwrap();
    issuer.issue(&REQUEST, TIME - 3600).unwrap();
    issuer
}

/// A rate limit that never refuses but keeps its bookkeeping busy: with the clock moved by a
/// second per issuance, the window holds the last issuance or two.
pub const BUSY_RATE_LIMIT: RateLimit = RateLimit {
    max_codes: u32::MAX,
    window_seconds: 1,
};

/// totp-rs 6 with the same SHA-1 seed, 6 digits, 30 s and a skew of 1 (built once).
pub fn totp_rs_peer() -> totp_rs::Totp {
    totp_rs::Builder::new()
        .with_algorithm(totp_rs::Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(30)
        .with_secret(SECRET.to_vec())
        .build()
        .unwrap()
}

/// The floor of a prepared HMAC-SHA256 code: two bare compressions through `sha2`'s
/// `compress256`, the function core's HMAC calls (an inner and an outer block from two saved
/// states).
#[inline(never)]
pub fn two_sha256_compressions(states: &[[u32; 8]; 2], blocks: &[[u8; 64]; 2]) -> [u32; 8] {
    let mut inner = states[0];
    sha2::block_api::compress256(&mut inner, &blocks[..1]);
    let mut outer = states[1];
    sha2::block_api::compress256(&mut outer, &blocks[1..]);
    outer[0] ^= inner[0];
    outer
}

/// The same two compressions chained as in HMAC: the outer block starts with the inner
/// result, so the second compression waits for the first (the bare pair above lets the CPU
/// overlap them, which HMAC cannot).
#[inline(never)]
pub fn two_chained_sha256_compressions(states: &[[u32; 8]; 2], blocks: &[[u8; 64]; 2]) -> [u32; 8] {
    let mut inner = states[0];
    sha2::block_api::compress256(&mut inner, &blocks[..1]);
    let mut outer_block = blocks[1];
    for (chunk, word) in outer_block.chunks_exact_mut(4).zip(inner) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    let mut outer = states[1];
    sha2::block_api::compress256(&mut outer, core::slice::from_ref(&outer_block));
    outer
}

/// The same chained pair with the inner block built from a counter, as any safe Rust caller
/// of `compress256` builds it: the counter's 8 bytes, 0x80 and the length land in the block
/// by narrower stores than the compression's 16-byte loads, and a load that spans several
/// stores waits until they have left the store queue (no store-to-load forwarding). That
/// wait keeps consecutive MACs from overlapping; with a block read from memory (the rows
/// above) they overlap. Nothing but the two compressions and the padding: the floor of a
/// prepared HMAC-SHA256 of a counter in safe Rust.
#[inline(never)]
pub fn two_chained_sha256_compressions_of_counter(
    states: &[[u32; 8]; 2],
    counter: u64,
) -> [u32; 8] {
    let mut block = [0u8; 64];
    block[..8].copy_from_slice(&counter.to_be_bytes());
    block[8] = 0x80;
    block[56..].copy_from_slice(&((64u64 + 8) * 8).to_be_bytes());
    let mut inner = states[0];
    sha2::block_api::compress256(&mut inner, core::slice::from_ref(&block));
    let mut outer_block = [0u8; 64];
    for (chunk, word) in outer_block.chunks_exact_mut(4).zip(inner) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    outer_block[32] = 0x80;
    outer_block[56..].copy_from_slice(&((64u64 + 32) * 8).to_be_bytes());
    let mut outer = states[1];
    sha2::block_api::compress256(&mut outer, core::slice::from_ref(&outer_block));
    outer
}

/// The floor of a one-shot HMAC-SHA1 code (key setup included): four bare compressions
/// through `sha1`'s `compress`, the function core's HMAC calls.
#[inline(never)]
pub fn four_sha1_compressions(state: &[u32; 5], blocks: &[[u8; 64]; 4]) -> [u32; 5] {
    let mut out = *state;
    for block in blocks {
        let mut next = *state;
        sha1::block_api::compress(&mut next, core::slice::from_ref(block));
        out[0] ^= next[0];
    }
    out
}

/// Inputs for the bare compressions: any states and blocks do, the work does not depend on
/// them. Two SHA-256 states (inner, outer) and their blocks.
pub const SHA256_STATES: [[u32; 8]; 2] = [[0x6a09_e667; 8]; 2];
/// The two SHA-256 blocks.
pub const SHA256_BLOCKS: [[u8; 64]; 2] = [[0x36; 64]; 2];
/// The SHA-1 state.
pub const SHA1_STATE: [u32; 5] = [0x6745_2301; 5];
/// The four SHA-1 blocks.
pub const SHA1_BLOCKS: [[u8; 64]; 4] = [[0x5c; 64]; 4];

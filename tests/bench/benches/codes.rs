#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]
//! One criterion run that puts callsign next to the physical limit (bare compressions through
//! the `sha1`/`sha2` functions core's HMAC calls), its backends' raw HMAC and the totp-rs 6
//! peer.
//!
//! Run: `cargo bench -p callsign-bench --bench codes`, then `scripts/bench-ratios.py` for every
//! row as a ratio to the physical limit. Compare ratios within one run.

use callsign::mac::{Backend, PreparedKey};
use callsign::{Algorithm, Issuer, IssuerConfig, Secret, Totp, Window};
use callsign_bench::{
    BUSY_RATE_LIMIT, REQUEST, SECRET, SHA1_BLOCKS, SHA1_STATE, SHA256_BLOCKS, SHA256_STATES, TIME,
    four_sha1_compressions, issuer, master_key, profile_totp, totp_rs_peer,
    two_chained_sha256_compressions, two_chained_sha256_compressions_of_counter,
    two_sha256_compressions,
};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::sync::Arc;

/// The floor: two SHA-256 compressions (a prepared HMAC-SHA256, so a profile code) and four
/// SHA-1 compressions (a one-shot HMAC-SHA1 with its key setup).
fn physical_limit(c: &mut Criterion) {
    let mut group = c.benchmark_group("physical_limit");
    group.bench_function("sha256_x2", |b| {
        b.iter(|| two_sha256_compressions(black_box(&SHA256_STATES), black_box(&SHA256_BLOCKS)));
    });
    group.bench_function("sha256_x2_chained", |b| {
        b.iter(|| {
            two_chained_sha256_compressions(black_box(&SHA256_STATES), black_box(&SHA256_BLOCKS))
        });
    });
    group.bench_function("sha256_x2_chained_of_counter", |b| {
        b.iter(|| {
            two_chained_sha256_compressions_of_counter(
                black_box(&SHA256_STATES),
                black_box(TIME / 30),
            )
        });
    });
    group.bench_function("sha1_x4", |b| {
        b.iter(|| four_sha1_compressions(black_box(&SHA1_STATE), black_box(&SHA1_BLOCKS)));
    });
    group.finish();
}

fn raw_hmac(c: &mut Criterion) {
    use hmac::KeyInit;
    raw_hmac_group(
        c,
        "raw_hmac_sha1",
        &hmac::Hmac::<sha1::Sha1>::new_from_slice(SECRET).unwrap(),
        ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY,
    );
    raw_hmac_group(
        c,
        "raw_hmac_sha256",
        &hmac::Hmac::<sha2::Sha256>::new_from_slice(SECRET).unwrap(),
        ring::hmac::HMAC_SHA256,
    );
}

/// One HMAC of a TOTP counter: a clone of the prepared `RustCrypto` MAC against ring's key.
fn raw_hmac_group<M: hmac::Mac + Clone>(
    c: &mut Criterion,
    name: &str,
    prepared: &M,
    ring_algorithm: ring::hmac::Algorithm,
) {
    let mut group = c.benchmark_group(name);
    group.bench_function("rustcrypto", |b| {
        b.iter(|| {
            let mut mac = prepared.clone();
            mac.update(&black_box(TIME / 30).to_be_bytes());
            black_box(mac.finalize().into_bytes())
        });
    });
    let key = ring::hmac::Key::new(ring_algorithm, SECRET);
    group.bench_function("ring", |b| {
        b.iter(|| black_box(ring::hmac::sign(&key, &black_box(TIME / 30).to_be_bytes())));
    });
    group.finish();
}

fn code_from_prepared_key(c: &mut Criterion) {
    let secret = Secret::from_bytes(SECRET).unwrap();
    let mut group = c.benchmark_group("totp_sha1_code");
    for (name, backend) in [("rustcrypto", Backend::RustCrypto), ("ring", Backend::Ring)] {
        let totp = Totp::with_backend(backend, &secret, Algorithm::Sha1, 6, 30).unwrap();
        group.bench_function(name, |b| {
            b.iter(|| black_box(totp.code_at(black_box(TIME)).unwrap()));
        });
    }
    let peer = totp_rs_peer();
    group.bench_function("totp-rs", |b| {
        b.iter(|| black_box(peer.generate(black_box(TIME))));
    });
    group.finish();

    let mut group = c.benchmark_group("totp_sha1_verify_window_1");
    let totp = Totp::new(&secret, Algorithm::Sha1, 6, 30).unwrap();
    let valid = totp.code_at(TIME).unwrap().as_str().to_owned();
    let invalid = if valid == "000000" {
        "000001"
    } else {
        "000000"
    };
    let window = Window::symmetric(1).unwrap();
    group.bench_function("callsign_valid", |b| {
        b.iter(|| {
            black_box(
                totp.verify(black_box(&valid), black_box(TIME), window)
                    .unwrap(),
            )
        });
    });
    group.bench_function("callsign_invalid", |b| {
        b.iter(|| {
            black_box(
                totp.verify(black_box(invalid), black_box(TIME), window)
                    .unwrap(),
            )
        });
    });
    group.bench_function("totp-rs_valid", |b| {
        b.iter(|| black_box(peer.check(black_box(&valid), black_box(TIME))));
    });
    group.bench_function("totp-rs_invalid", |b| {
        b.iter(|| black_box(peer.check(black_box(invalid), black_box(TIME))));
    });
    group.finish();

    let mut group = c.benchmark_group("prepared_key_sign_sha1");
    for (name, backend) in [("rustcrypto", Backend::RustCrypto), ("ring", Backend::Ring)] {
        let key = PreparedKey::with_backend(backend, Algorithm::Sha1, SECRET);
        group.bench_function(name, |b| {
            b.iter(|| black_box(key.sign(&black_box(TIME / 30).to_be_bytes())));
        });
    }
    group.finish();
}

/// What ties one call to the next in the latency rows: 0, computed from a digit of the code
/// (so from the MAC) behind `black_box`, where the compiler cannot see that it is 0.
fn carry_from(code: &callsign::TimedCode) -> u64 {
    u64::from(black_box(code.code.as_str().as_bytes()[0])) >> 8
}

/// One call at a time: each call's time depends on the previous call's code, so the CPU
/// cannot start a call before the last one has finished, and every row is the latency of one
/// call. In the throughput rows (every other group) consecutive calls overlap in part, and
/// anything that drains the store buffer (a lock's atomic read-modify-write) stops that.
fn latency(c: &mut Criterion) {
    let mut group = c.benchmark_group("latency");
    let mut carry = 0u64;
    group.bench_function("sha256_x2_chained_of_counter", |b| {
        b.iter(|| {
            let out = two_chained_sha256_compressions_of_counter(&SHA256_STATES, TIME / 30 + carry);
            carry = black_box(u64::from(out[0])) >> 32;
        });
    });
    let plain = profile_totp();
    group.bench_function("plain_totp_sha256_code", |b| {
        b.iter(|| carry = carry_from(&plain.timed_code_at(TIME + carry).unwrap()));
    });
    let issuer = issuer(None, 10_000);
    group.bench_function("issue_cached", |b| {
        b.iter(|| carry = carry_from(&issuer.issue(&REQUEST, TIME + carry).unwrap()));
    });
    let issuer = callsign_bench::issuer(Some(BUSY_RATE_LIMIT), 10_000);
    let mut time = TIME;
    group.bench_function("issue_cached_rate_limited", |b| {
        b.iter(|| {
            time += 1;
            carry = carry_from(&issuer.issue(&REQUEST, time + carry).unwrap());
        });
    });
    group.finish();
}

fn issuance(c: &mut Criterion) {
    let master = master_key();
    let request = REQUEST;
    let mut group = c.benchmark_group("profile");
    let plain = profile_totp();
    group.bench_function("plain_totp_sha256_code", |b| {
        b.iter(|| black_box(plain.timed_code_at(black_box(TIME)).unwrap()));
    });
    let issuer = issuer(None, 10_000);
    let account = issuer.account("customer-0001").unwrap();
    group.bench_function("issue_cached_account_handle", |b| {
        b.iter(|| {
            black_box(
                account
                    .issue("agent-7", "TICKET-4711", black_box(TIME))
                    .unwrap(),
            )
        });
    });
    group.bench_function("issue_cached", |b| {
        b.iter(|| black_box(issuer.issue(&request, black_box(TIME)).unwrap()));
    });
    let issuer = callsign_bench::issuer(Some(BUSY_RATE_LIMIT), 10_000);
    let mut time = TIME;
    group.bench_function("issue_cached_rate_limited", |b| {
        b.iter(|| {
            // Move the clock so that the rate limiter's window stays small.
            time += 1;
            black_box(issuer.issue(&request, time).unwrap())
        });
    });
    let issuer = callsign_bench::issuer(None, 0);
    group.bench_function("issue_cold_hkdf", |b| {
        b.iter(|| black_box(issuer.issue(&request, black_box(TIME)).unwrap()));
    });
    group.finish();

    // A batch of 10,000 cached accounts audited as JSON lines (on tmpfs where there is one, so
    // that fsync costs little), on one thread and on the default number of batch threads.
    let mut group = c.benchmark_group("issue_many_10000");
    group.throughput(criterion::Throughput::Elements(10_000));
    let accounts: Vec<String> = (0..10_000).map(|n| format!("customer-{n:06}")).collect();
    let shm = std::path::Path::new("/dev/shm");
    let dir = if shm.is_dir() {
        shm.to_owned()
    } else {
        std::env::temp_dir()
    };
    let audit = dir.join(format!("callsign-bench-{}.jsonl", std::process::id()));
    for (name, batch_threads) in [
        ("one_thread", 1),
        ("default_threads", IssuerConfig::default().batch_threads),
    ] {
        let config = IssuerConfig {
            rate_limit: None,
            batch_threads,
            ..IssuerConfig::default()
        };
        let sink = Arc::new(callsign::JsonLinesAuditSink::open(&audit).unwrap());
        let issuer = Issuer::new(master.clone(), config, sink).unwrap();
        issuer
            .issue_many("bench", "batch", &accounts, TIME)
            .unwrap();
        group.bench_function(name, |b| {
            b.iter(|| {
                std::fs::File::create(&audit).unwrap();
                black_box(
                    issuer
                        .issue_many("bench", "batch", &accounts, black_box(TIME))
                        .unwrap(),
                )
            });
        });
    }
    let _ = std::fs::remove_file(&audit);
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(std::time::Duration::from_secs(1)).measurement_time(std::time::Duration::from_secs(3));
    targets = physical_limit, raw_hmac, code_from_prepared_key, issuance, latency
}
criterion_main!(benches);

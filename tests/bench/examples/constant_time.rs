//! dudect-style statistical timing checks (issue 20): Welch's t-test between two classes of
//! inputs that a leaky implementation would treat differently. |t| above about 5 suggests a
//! timing difference; below, none was detected with this many samples.
//!
//! Run: `cargo run --release -p callsign-bench --example constant_time` (add
//! `-- --continuous NAME` to keep sampling one check). Verdicts of the last run: docs/mutants.md.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use callsign::{Enrollment, Verifier, VerifierConfig, Window};
use dudect_bencher::rand::RngExt;
use dudect_bencher::{BenchRng, Class, CtRunner, ctbench_main};
use sha2::{Digest, Sha256};

const URI: &str = "callsign://enroll?v=1&issuer=ACME%20Support&account=customer-0001&secret=7RUX6PO6UZYH6QNGL4DRTLQONNWAJGQSCE7NI4GQY72WFTSYMK4Q&epoch=0&digits=6&period=30";
const T: u64 = 1_764_355_200;
const SAMPLES: usize = 100_000;

fn totp() -> callsign::Totp {
    let enrollment = Enrollment::parse(URI).unwrap();
    callsign::agent_totp(enrollment.secret(), enrollment.params()).unwrap()
}

/// Window comparison: the entry matches the first candidate (Left) or the last one (Right) of
/// a 101-step window. An early exit makes Left faster.
fn window_first_vs_last_match(runner: &mut CtRunner, rng: &mut BenchRng) {
    let totp = totp();
    let window = Window::new(50, 50).unwrap();
    let step = T / 30;
    let first = totp.code_for_step(step - 50).as_str().to_owned();
    let last = totp.code_for_step(step + 50).as_str().to_owned();
    // Both classes are timed from one buffer, as the state-tag check below is.
    let mut entry = first.clone();
    for _ in 0..SAMPLES {
        let (class, chosen) = if rng.random::<bool>() {
            (Class::Left, &first)
        } else {
            (Class::Right, &last)
        };
        entry.replace_range(.., chosen);
        runner.run_one(class, || totp.verify(&entry, T, window));
    }
}

/// Window comparison: a wrong entry that shares all but its last digit with the current code
/// (Left) or a random wrong one (Right). A digit-by-digit comparison makes them differ.
fn window_near_miss_vs_random(runner: &mut CtRunner, rng: &mut BenchRng) {
    let totp = totp();
    let window = Window::default();
    let code = totp.code_for_step(T / 30).as_str().to_owned();
    let last = code.as_bytes()[5];
    let near = format!(
        "{}{}",
        &code[..5],
        if last == b'9' {
            '0'
        } else {
            char::from(last + 1)
        }
    );
    let mut inputs = Vec::with_capacity(SAMPLES);
    for _ in 0..SAMPLES {
        if rng.random::<bool>() {
            inputs.push((Class::Left, near.clone()));
        } else {
            let random = format!("{:06}", rng.random_range(0..1_000_000u32));
            inputs.push((Class::Right, random));
        }
    }
    for (class, entry) in inputs {
        runner.run_one(class, || totp.verify(&entry, T, window));
    }
}

/// State tag check: blobs whose tag is wrong in its first byte (Left) or its last byte
/// (Right), checksum intact, so that both reach the tag comparison. A comparison that stops
/// at the first differing byte makes Left faster.
fn state_tag_first_vs_last_byte(runner: &mut CtRunner, rng: &mut BenchRng) {
    let enrollment = Enrollment::parse(URI).unwrap();
    let verifier = Verifier::new(&enrollment, VerifierConfig::default()).unwrap();
    verifier.check("123457", T).unwrap();
    let good = verifier.export_state();
    let body_len = good.len() - 4;
    let tag_at = body_len - 16;
    let damaged = |offset: usize| {
        let mut blob = good[..body_len].to_vec();
        blob[tag_at + offset] ^= 0x55;
        let sum = Sha256::digest(&blob);
        blob.extend_from_slice(&sum[..4]);
        blob
    };
    let (first, last) = (damaged(0), damaged(15));
    // Both classes are timed from one buffer: two buffers at different addresses can differ in
    // alignment, which moves the hashing's time by more than any comparison (runs gave |t| of
    // 17 and 27 with opposite signs before this).
    let mut blob = first.clone();
    for _ in 0..SAMPLES {
        let (class, chosen) = if rng.random::<bool>() {
            (Class::Left, &first)
        } else {
            (Class::Right, &last)
        };
        blob.copy_from_slice(chosen);
        runner.run_one(class, || verifier.import_state(&blob).is_err());
    }
}

/// Positive control for the tag check: the same HMAC and 16-byte tags, compared with `==`
/// (which stops at the first difference). If this shows no difference either, the setup is too
/// noisy to judge the real check.
fn control_tag_compare_with_eq(runner: &mut CtRunner, rng: &mut BenchRng) {
    let key = callsign::mac::PreparedKey::new(callsign::Algorithm::Sha256, &[7u8; 32]);
    let body = [0u8; 47];
    let good: [u8; 16] = key.sign(&body).as_bytes()[..16].try_into().unwrap();
    let mut first = good;
    first[0] ^= 0x55;
    let mut last = good;
    last[15] ^= 0x55;
    let mut tag = [0u8; 16];
    for _ in 0..SAMPLES {
        let (class, chosen) = if rng.random::<bool>() {
            (Class::Left, first)
        } else {
            (Class::Right, last)
        };
        tag.copy_from_slice(&chosen);
        runner.run_one(class, || key.sign(&body).as_bytes()[..16] == tag[..]);
    }
}

ctbench_main!(
    window_first_vs_last_match,
    window_near_miss_vs_random,
    state_tag_first_vs_last_byte,
    control_tag_compare_with_eq
);

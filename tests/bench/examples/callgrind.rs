//! The hot paths one at a time, for instruction counts under callgrind. `scripts/callgrind.sh`
//! runs each case twice (a few iterations, then many more) and reports the difference per
//! iteration, so that setup, warm-up and process start cancel out.
//!
//! Usage: `callgrind CASE ITERATIONS`, or `callgrind list` for the cases.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::panic,
    missing_docs
)]

use callsign::{Algorithm, Secret, Totp, Window};
use callsign_bench::{
    BUSY_RATE_LIMIT, REQUEST, SECRET, SHA1_BLOCKS, SHA1_STATE, SHA256_BLOCKS, SHA256_STATES, TIME,
    four_sha1_compressions, issuer, profile_totp, totp_rs_peer, two_sha256_compressions,
};
use std::hint::black_box;

/// Every case: its name, the hash compressions one iteration cannot do without (the physical
/// limit: `N*sha256` or `N*sha1`), and what one iteration does.
const CASES: &[(&str, &str, &str)] = &[
    ("sha256_x2", "2*sha256", "two bare SHA-256 compressions"),
    ("sha1_x4", "4*sha1", "four bare SHA-1 compressions"),
    (
        "profile_code",
        "2*sha256",
        "plain profile code: TOTP-SHA256, prepared key, timed_code_at",
    ),
    (
        "issue_cached",
        "2*sha256",
        "Issuer::issue, cached account, no rate limit",
    ),
    (
        "issue_account",
        "2*sha256",
        "IssuerAccount::issue, no rate limit",
    ),
    (
        "issue_rate_limited",
        "2*sha256",
        "Issuer::issue, cached account, with a rate limit",
    ),
    (
        "sha1_code",
        "2*sha1",
        "TOTP-SHA1 code, prepared key, code_at",
    ),
    (
        "sha1_oneshot",
        "4*sha1",
        "TOTP-SHA1 code from the raw secret (key setup included)",
    ),
    (
        "verify_valid",
        "6*sha1",
        "TOTP-SHA1 verify, window +-1, valid entry",
    ),
    (
        "verify_invalid",
        "6*sha1",
        "TOTP-SHA1 verify, window +-1, invalid entry",
    ),
    (
        "totp_rs_check_valid",
        "8*sha1",
        "totp-rs 6 check, skew 1, valid entry (stops at the match)",
    ),
    (
        "totp_rs_check_invalid",
        "12*sha1",
        "totp-rs 6 check, skew 1, invalid entry",
    ),
];

fn main() {
    let mut args = std::env::args().skip(1);
    let case = args.next().unwrap_or_default();
    if case == "list" {
        for (name, floor, what) in CASES {
            println!("{name}\t{floor}\t{what}");
        }
        return;
    }
    let iterations: u64 = args
        .next()
        .and_then(|text| text.parse().ok())
        .expect("usage: callgrind CASE ITERATIONS (or: callgrind list)");
    run(&case, iterations);
}

fn run(case: &str, iterations: u64) {
    let sha1 = Totp::new(&Secret::from_bytes(SECRET).unwrap(), Algorithm::Sha1, 6, 30).unwrap();
    let valid = sha1.code_at(TIME).unwrap().as_str().to_owned();
    let invalid = if valid == "000000" {
        "000001"
    } else {
        "000000"
    };
    let window = Window::symmetric(1).unwrap();
    match case {
        "sha256_x2" => {
            repeat(iterations, || {
                two_sha256_compressions(black_box(&SHA256_STATES), black_box(&SHA256_BLOCKS))
            });
        }
        "sha1_x4" => {
            repeat(iterations, || {
                four_sha1_compressions(black_box(&SHA1_STATE), black_box(&SHA1_BLOCKS))
            });
        }
        "profile_code" => {
            let totp = profile_totp();
            repeat(iterations, || totp.timed_code_at(black_box(TIME)).unwrap());
        }
        "issue_cached" => {
            let issuer = issuer(None, 10_000);
            repeat(iterations, || {
                issuer.issue(&REQUEST, black_box(TIME)).unwrap()
            });
        }
        "issue_account" => {
            let issuer = issuer(None, 10_000);
            let account = issuer.account(REQUEST.account_id).unwrap();
            repeat(iterations, || {
                account
                    .issue(REQUEST.agent_id, REQUEST.ticket, black_box(TIME))
                    .unwrap()
            });
        }
        "issue_rate_limited" => {
            let issuer = issuer(Some(BUSY_RATE_LIMIT), 10_000);
            let mut time = TIME;
            repeat(iterations, || {
                time += 1;
                issuer.issue(&REQUEST, time).unwrap()
            });
        }
        "sha1_code" => repeat(iterations, || sha1.code_at(black_box(TIME)).unwrap()),
        "sha1_oneshot" => repeat(iterations, || {
            Totp::from_secret_bytes(black_box(SECRET), Algorithm::Sha1, 6, 30)
                .unwrap()
                .code_at(black_box(TIME))
                .unwrap()
        }),
        "verify_valid" => repeat(iterations, || {
            sha1.verify(black_box(&valid), black_box(TIME), window)
                .unwrap()
        }),
        "verify_invalid" => repeat(iterations, || {
            sha1.verify(black_box(invalid), black_box(TIME), window)
                .unwrap()
        }),
        "totp_rs_check_valid" => {
            let peer = totp_rs_peer();
            repeat(iterations, || {
                peer.check(black_box(&valid), black_box(TIME))
            });
        }
        "totp_rs_check_invalid" => {
            let peer = totp_rs_peer();
            repeat(iterations, || {
                peer.check(black_box(invalid), black_box(TIME))
            });
        }
        other => panic!("unknown case {other:?}; `callgrind list` names them"),
    }
}

fn repeat<R>(iterations: u64, mut one: impl FnMut() -> R) {
    for _ in 0..iterations {
        black_box(one());
    }
}

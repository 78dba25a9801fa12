//! `callsign hotp` and `callsign totp` agree with Debian's oathtool on random cases across
//! algorithms, digits, periods, times and counters.
//!
//! oathtool's HOTP mode knows only SHA-1; TOTP covers SHA-256 and SHA-512 (a TOTP code is
//! the HOTP code of the time step). The test is ignored by a plain `cargo test` (the workspace
//! run comes before anything installs oathtool); scripts/test-cli.sh installs oathtool and runs
//! it with `--include-ignored`. Without oathtool it fails.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod common;

use callsign::base32;
use std::fmt::Write;
use std::process::Command;

/// How many cases, split between TOTP and HOTP.
const CASES: usize = 1_200;
/// Parallel workers (each case spawns two processes).
const WORKERS: usize = 4;

/// A small deterministic generator (`SplitMix64`), so a failing seed can be replayed with
/// `CALLSIGN_OATH_SEED`.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `low..=high`.
    fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.next() % (high - low + 1)
    }
}

/// One comparison: the arguments of each tool.
#[derive(Debug)]
struct Case {
    oathtool: Vec<String>,
    callsign: Vec<String>,
}

fn random_case(rng: &mut SplitMix, index: usize) -> Case {
    let key: Vec<u8> = (0..rng.between(16, 64))
        .map(|_| rng.next().to_le_bytes()[0])
        .collect();
    let mut hex = String::with_capacity(key.len() * 2);
    for byte in &key {
        // Writing to a String cannot fail.
        let _ = write!(hex, "{byte:02x}");
    }
    let mut secret = base32::encode(&key);
    if rng.next().is_multiple_of(4) {
        // People paste lower case; core accepts it.
        secret = secret.to_ascii_lowercase();
    }
    let digits = rng.between(6, 8);
    if index % 5 < 3 {
        let (name, flag) = [("sha1", "SHA1"), ("sha256", "SHA256"), ("sha512", "SHA512")]
            [(rng.next() % 3) as usize];
        let period = match rng.next() % 3 {
            0 => [1, 10, 30, 60, 300][(rng.next() % 5) as usize],
            _ => rng.between(1, 600),
        };
        // Unix times up to the year 2500.
        let time = match rng.next() % 8 {
            0 => rng.between(0, 1_000),
            _ => rng.between(0, 16_725_225_600),
        };
        Case {
            oathtool: vec![
                format!("--totp={flag}"),
                format!("--digits={digits}"),
                format!("--time-step-size={period}s"),
                format!("--now=@{time}"),
                hex,
            ],
            callsign: vec![
                "totp".into(),
                "--plain".into(),
                format!("--secret={secret}"),
                format!("--algorithm={name}"),
                format!("--digits={digits}"),
                format!("--period={period}"),
                format!("--time={time}"),
            ],
        }
    } else {
        let counter = match rng.next() % 4 {
            0 => rng.between(0, 100),
            1 => u64::MAX - rng.between(0, 100),
            _ => rng.next(),
        };
        Case {
            oathtool: vec![
                "--hotp".into(),
                format!("--digits={digits}"),
                format!("--counter={counter}"),
                hex,
            ],
            callsign: vec![
                "hotp".into(),
                "--plain".into(),
                format!("--secret={secret}"),
                format!("--digits={digits}"),
                format!("--counter={counter}"),
            ],
        }
    }
}

/// Runs one case; a disagreement or a failing tool is an error message.
fn compare(case: &Case) -> Result<(), String> {
    let reference = Command::new("oathtool")
        .args(&case.oathtool)
        .output()
        .map_err(|error| format!("oathtool: {error}"))?;
    if !reference.status.success() {
        return Err(format!(
            "oathtool failed on {:?}: {}",
            case.oathtool,
            String::from_utf8_lossy(&reference.stderr)
        ));
    }
    let args: Vec<&str> = case.callsign.iter().map(String::as_str).collect();
    let ours = common::callsign(&args);
    let expected = String::from_utf8_lossy(&reference.stdout).trim().to_owned();
    if ours.status != Some(0) || ours.stdout.trim() != expected {
        return Err(format!(
            "{case:?}: oathtool says {expected}, callsign says {:?} (status {:?}, stderr {:?})",
            ours.stdout.trim(),
            ours.status,
            ours.stderr
        ));
    }
    Ok(())
}

#[test]
#[ignore = "needs Debian's oathtool: scripts/test-cli.sh installs it and runs this test"]
fn totp_and_hotp_agree_with_oathtool() {
    // Whoever runs this ignored test asked for the cross-check: without oathtool it fails.
    let available = Command::new("oathtool").arg("--version").output().is_ok();
    assert!(
        available,
        "oathtool is missing: scripts/test-cli.sh (scripts/install-oathtool.sh) installs it"
    );
    let seed = std::env::var("CALLSIGN_OATH_SEED")
        .ok()
        .and_then(|seed| seed.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |since| {
                    since.as_secs() ^ u64::from(since.subsec_nanos()).rotate_left(32)
                })
        });
    let mut rng = SplitMix(seed);
    let cases: Vec<Case> = (0..CASES)
        .map(|index| random_case(&mut rng, index))
        .collect();
    let failures: Vec<String> = std::thread::scope(|scope| {
        let workers: Vec<_> = cases
            .chunks(CASES.div_ceil(WORKERS))
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .filter_map(|case| compare(case).err())
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|_| vec!["a worker panicked".into()])
            })
            .collect()
    });
    assert!(
        failures.is_empty(),
        "{} of {CASES} cases disagree (CALLSIGN_OATH_SEED={seed}); first: {}",
        failures.len(),
        failures[0]
    );
    eprintln!("{CASES} cases agree with oathtool (CALLSIGN_OATH_SEED={seed})");
}

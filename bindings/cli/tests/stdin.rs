//! Secrets off the command line: `--secret -`, `--master-key -` and `--enrollment -` read the
//! value from stdin (like `oathtool -b -`), and give the same results as the value on argv.
#![allow(
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod common;

use common::callsign_with_stdin;

/// The protocol's reference master key, bytes 0x00..0x1f, as hex.
const MASTER_HEX: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
/// RFC 6238's SHA-1 secret "12345678901234567890" in base32.
const RFC_SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
/// The reference account's enrollment (protocol v1, master key above, customer-0001).
const ENROLLMENT: &str = "callsign://enroll?v=1&issuer=ACME%20Support&account=customer-0001\
&secret=7RUX6PO6UZYH6QNGL4DRTLQONNWAJGQSCE7NI4GQY72WFTSYMK4Q&epoch=0&digits=6&period=30";

/// Runs `callsign ARGS...` with `input` on stdin: (exit status, stdout, stderr).
fn with_stdin(args: &[&str], input: &str) -> (Option<i32>, String, String) {
    let run = callsign_with_stdin(args, input.as_bytes());
    (run.status, run.stdout, run.stderr)
}

fn ok_with_stdin(args: &[&str], input: &str) -> String {
    let (status, stdout, stderr) = with_stdin(args, input);
    assert_eq!(status, Some(0), "{args:?}: {stderr}");
    assert_eq!(stderr, "", "{args:?}");
    stdout
}

#[test]
fn totp_and_hotp_read_the_secret_from_stdin() {
    let totp = [
        "totp", "--secret", "-", "--time", "59", "--digits", "8", "--plain",
    ];
    assert_eq!(
        ok_with_stdin(&totp, &format!("{RFC_SECRET}\n")),
        "94287082\n"
    );
    // As people paste it: lower case, spaces, no newline.
    assert_eq!(
        ok_with_stdin(&totp, "gezd gnbv gy3t qojq gezd gnbv gy3t qojq"),
        "94287082\n"
    );
    let hotp = ["hotp", "--secret", "-", "--counter", "0", "--plain"];
    assert_eq!(ok_with_stdin(&hotp, RFC_SECRET), "755224\n");
}

#[test]
fn master_key_and_enrollment_come_from_stdin() {
    let from_key = ok_with_stdin(
        &[
            "agent-code",
            "--master-key",
            "-",
            "--account",
            "customer-0001",
            "--time",
            "59",
            "--plain",
        ],
        &format!("{MASTER_HEX}\n"),
    );
    assert_eq!(from_key, "913441\n");
    let uri = ok_with_stdin(
        &["enroll", "--master-key", "-", "--account", "customer-0001"],
        MASTER_HEX,
    );
    assert!(uri.starts_with("callsign://enroll?"), "{uri}");
    let from_enrollment = ok_with_stdin(
        &[
            "agent-code",
            "--enrollment",
            "-",
            "--time",
            "1764355205",
            "--plain",
        ],
        ENROLLMENT,
    );
    assert_eq!(from_enrollment, "638431\n");
    let verdict = ok_with_stdin(
        &[
            "verify",
            "--enrollment",
            "-",
            "--allow-unsigned",
            "--code",
            "638 431",
            "--time",
            "1764355205",
        ],
        &format!("{ENROLLMENT}\n"),
    );
    assert!(verdict.starts_with("GENUINE"), "{verdict}");
}

#[test]
fn bad_stdin_is_one_line_naming_the_argument_and_never_echoes_it() {
    let cases: [(&[&str], &str, &str); 6] = [
        (
            &["totp", "--secret", "-"],
            "",
            "error: --secret: stdin is empty",
        ),
        (
            &["totp", "--secret", "-"],
            "  \n",
            "error: --secret: stdin is empty",
        ),
        (
            &["totp", "--secret", "-"],
            "GEZDGNBV!Y3TQOJQGEZDGNBVGY3TQOJQ",
            "error: --secret: ",
        ),
        (
            &["enroll", "--master-key", "-", "--account", "a"],
            "00zz",
            "error: --master-key: stdin does not hold a master key",
        ),
        (
            &["enroll", "--master-key", "-", "--account", "a"],
            "0001",
            "error: --master-key: stdin: ",
        ),
        (
            &[
                "verify",
                "--enrollment",
                "-",
                "--allow-unsigned",
                "--code",
                "123456",
            ],
            "callsign://enroll?v=1",
            "error: --enrollment: ",
        ),
    ];
    for (args, input, expected) in cases {
        let (status, stdout, stderr) = with_stdin(args, input);
        assert_eq!(status, Some(2), "{args:?} with {input:?}: {stderr}");
        assert_eq!(stdout, "", "{args:?}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(
            stderr.starts_with(expected),
            "{args:?} with {input:?}: {stderr}"
        );
        if input.trim().len() > 4 {
            assert!(
                !stderr.contains(input.trim()),
                "{args:?} echoed its input: {stderr}"
            );
        }
    }
    // Binary junk and an oversized stdin are refused, not read without end.
    let (status, _, stderr) = with_stdin(&["totp", "--secret", "-"], &"A".repeat(70_000));
    assert_eq!(status, Some(2));
    assert!(
        stderr.starts_with("error: --secret: stdin holds more than"),
        "{stderr}"
    );
}

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Test code: long tables, searches that stop within a few steps, hex built with format!.
#![allow(
    clippy::too_many_lines,
    clippy::maybe_infinite_iter,
    clippy::format_collect,
    clippy::cast_possible_truncation
)]
//! A table of bad inputs to the engine, each with the exact error it must produce.

use callsign::{Algorithm, Code, Error, Hotp, OtpAuthUri, Secret, Totp, Window, base32};

const SECRET: &[u8] = b"12345678901234567890";
const B32: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

fn secret() -> Secret {
    Secret::from_bytes(SECRET).unwrap()
}

fn totp() -> Totp {
    Totp::new(&secret(), Algorithm::Sha1, 6, 30).unwrap()
}

fn otpauth(query: &str) -> Result<OtpAuthUri, Error> {
    OtpAuthUri::parse(&format!("otpauth://totp/Example:alice?{query}"))
}

type Case = (&'static str, Box<dyn Fn() -> Result<(), Error>>, Error);

fn cases() -> Vec<Case> {
    fn ok<T>(result: Result<T, Error>) -> Result<(), Error> {
        result.map(|_| ())
    }
    vec![
        (
            "digits 5",
            Box::new(|| ok(Totp::new(&secret(), Algorithm::Sha1, 5, 30))),
            Error::InvalidDigits { digits: 5 },
        ),
        (
            "digits 9",
            Box::new(|| ok(Hotp::new(&secret(), Algorithm::Sha1, 9))),
            Error::InvalidDigits { digits: 9 },
        ),
        (
            "digits 0",
            Box::new(|| ok(Hotp::new(&secret(), Algorithm::Sha1, 0))),
            Error::InvalidDigits { digits: 0 },
        ),
        (
            "period 0",
            Box::new(|| ok(Totp::new(&secret(), Algorithm::Sha1, 6, 0))),
            Error::ZeroPeriod,
        ),
        (
            "t < T0",
            Box::new(|| ok(totp().with_t0(100).code_at(99))),
            Error::TimeBeforeEpoch { time: 99, t0: 100 },
        ),
        (
            "verify before T0",
            Box::new(|| ok(totp().with_t0(100).verify("123456", 5, Window::default()))),
            Error::TimeBeforeEpoch { time: 5, t0: 100 },
        ),
        (
            "date before 1970",
            Box::new(|| {
                ok(totp().code_at_datetime(time::macros::datetime!(1969-12-31 23:59:59 UTC)))
            }),
            Error::TimeBefore1970 { seconds_before: 1 },
        ),
        (
            "end of the last step overflows",
            Box::new(|| {
                ok(Totp::new(&secret(), Algorithm::Sha1, 6, 7)
                    .unwrap()
                    .timed_code_at(u64::MAX))
            }),
            Error::Overflow {
                what: "end of the time step",
            },
        ),
        (
            "window skew near u64::MAX",
            Box::new(|| ok(Window::new(u64::MAX, 1))),
            Error::WindowTooLarge {
                behind: u64::MAX,
                ahead: 1,
                max: 101,
            },
        ),
        (
            "window of 102 steps",
            Box::new(|| {
                ok(totp().verify(
                    "123456",
                    59,
                    Window {
                        behind: 50,
                        ahead: 51,
                    },
                ))
            }),
            Error::WindowTooLarge {
                behind: 50,
                ahead: 51,
                max: 101,
            },
        ),
        (
            "secret of 10 bytes",
            Box::new(|| ok(Secret::from_bytes(&[1; 10]))),
            Error::SecretTooShort {
                len: 10,
                bits: 80,
                min: 16,
            },
        ),
        (
            "empty secret",
            Box::new(|| ok(Secret::from_bytes(&[]))),
            Error::SecretTooShort {
                len: 0,
                bits: 0,
                min: 16,
            },
        ),
        (
            "secret of 1025 bytes",
            Box::new(|| ok(Secret::from_bytes(&[1; 1025]))),
            Error::SecretTooLong {
                len: 1025,
                max: 1024,
            },
        ),
        (
            "80-bit base32 secret",
            Box::new(|| ok(Secret::from_base32("GEZDGNBVGY3TQOJQ"))),
            Error::SecretTooShort {
                len: 10,
                bits: 80,
                min: 16,
            },
        ),
        (
            "base32 digit 1",
            Box::new(|| ok(base32::decode("GEZDGNBV1Y3TQOJQ"))),
            Error::InvalidBase32Character {
                character: '1',
                position: 8,
            },
        ),
        (
            "base32 with a dot",
            Box::new(|| ok(base32::decode("GEZD.GNBV"))),
            Error::InvalidBase32Character {
                character: '.',
                position: 4,
            },
        ),
        (
            "base32 symbol after padding",
            Box::new(|| ok(base32::decode("MY==MY"))),
            Error::InvalidBase32Character {
                character: 'M',
                position: 4,
            },
        ),
        (
            "base32 of 3 symbols",
            Box::new(|| ok(base32::decode("MZX"))),
            Error::InvalidBase32Length { symbols: 3 },
        ),
        (
            "base32 of 6 symbols",
            Box::new(|| ok(base32::decode("MZXW6Y"))),
            Error::InvalidBase32Length { symbols: 6 },
        ),
        (
            "algorithm MD5",
            Box::new(|| ok("MD5".parse::<Algorithm>())),
            Error::UnsupportedAlgorithm {
                name: "MD5".to_owned(),
            },
        ),
        (
            "code too short",
            Box::new(|| ok(totp().verify("12345", 59, Window::default()))),
            Error::InvalidCodeLength {
                expected: 6,
                actual: 5,
            },
        ),
        (
            "code with a letter",
            Box::new(|| ok(totp().verify("12345O", 59, Window::default()))),
            Error::InvalidCodeCharacter {
                character: 'O',
                position: 5,
            },
        ),
        (
            "entry with a dot",
            Box::new(|| ok(Code::parse_entry("123.456", 6))),
            Error::InvalidCodeCharacter {
                character: '.',
                position: 3,
            },
        ),
        (
            "otpauth wrong scheme",
            Box::new(|| ok(OtpAuthUri::parse("https://example.com"))),
            Error::UriScheme {
                expected: "otpauth://",
            },
        ),
        (
            "otpauth type motp",
            Box::new(|| ok(OtpAuthUri::parse(&format!("otpauth://motp/a?secret={B32}")))),
            Error::UriType {
                found: "motp".to_owned(),
            },
        ),
        (
            "otpauth two colons",
            Box::new(|| {
                ok(OtpAuthUri::parse(&format!(
                    "otpauth://totp/a:b:c?secret={B32}"
                )))
            }),
            Error::UriLabel {
                reason: "more than one ':' in the label",
            },
        ),
        (
            "otpauth without secret",
            Box::new(|| ok(otpauth("issuer=Example"))),
            Error::UriMissingParameter { name: "secret" },
        ),
        (
            "otpauth hotp without counter",
            Box::new(|| ok(OtpAuthUri::parse(&format!("otpauth://hotp/a?secret={B32}")))),
            Error::UriMissingParameter { name: "counter" },
        ),
        (
            "otpauth duplicated digits",
            Box::new(|| ok(otpauth(&format!("secret={B32}&digits=6&digits=8")))),
            Error::UriDuplicateParameter {
                name: "digits".to_owned(),
            },
        ),
        (
            "otpauth digits not a number",
            Box::new(|| ok(otpauth(&format!("secret={B32}&digits=+6")))),
            Error::UriInvalidParameter {
                name: "digits",
                reason: "\" 6\" is not a decimal number".to_owned(),
            },
        ),
        (
            "otpauth issuer mismatch",
            Box::new(|| ok(otpauth(&format!("secret={B32}&issuer=Evil")))),
            Error::UriIssuerMismatch {
                label: "Example".to_owned(),
                parameter: "Evil".to_owned(),
            },
        ),
        (
            "otpauth broken escape",
            Box::new(|| ok(otpauth(&format!("secret={B32}&issuer=%G1")))),
            Error::UriEncoding {
                position: 76,
                reason: "% must be followed by two hex digits",
            },
        ),
        (
            "otpauth period on hotp",
            Box::new(|| {
                ok(OtpAuthUri::parse(&format!(
                    "otpauth://hotp/a?secret={B32}&counter=1&period=30"
                )))
            }),
            Error::UriInvalidParameter {
                name: "period",
                reason: "does not apply to hotp".to_owned(),
            },
        ),
    ]
}

#[test]
fn every_bad_input_gets_its_own_error() {
    let cases = cases();
    assert!(cases.len() >= 25, "the table has {} cases", cases.len());
    for (name, run, expected) in cases {
        assert_eq!(run(), Err(expected.clone()), "{name}");
        assert!(!expected.to_string().is_empty(), "{name} has a message");
    }
}

#[test]
fn windows_at_the_edges_clip_instead_of_wrapping() {
    let hotp = Hotp::new(&secret(), Algorithm::Sha1, 6).unwrap();
    let window = Window::symmetric(3).unwrap();
    // Counter 0: nothing below 0 is a candidate, nothing wraps to u64::MAX.
    let at_max = hotp.code(u64::MAX);
    assert_eq!(hotp.verify(at_max.as_str(), 0, window).unwrap(), None);
    let matched = hotp
        .verify(hotp.code(0).as_str(), 1, window)
        .unwrap()
        .unwrap();
    assert_eq!((matched.step, matched.drift), (0, -1));
    // Counter u64::MAX: nothing above it is a candidate, nothing wraps to 0.
    assert_eq!(
        hotp.verify(hotp.code(0).as_str(), u64::MAX, window)
            .unwrap(),
        None
    );
    let matched = hotp
        .verify(at_max.as_str(), u64::MAX - 2, window)
        .unwrap()
        .unwrap();
    assert_eq!((matched.step, matched.drift), (u64::MAX, 2));
    // TOTP at the last representable second.
    let totp = Totp::new(&secret(), Algorithm::Sha1, 6, 1).unwrap();
    let code = totp.code_at(u64::MAX).unwrap();
    assert!(
        totp.verify(code.as_str(), u64::MAX, window)
            .unwrap()
            .is_some()
    );
}

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Issue 13 finding 9: decoded text with a NUL character (`%00`) is refused with a typed error
//! wherever it appears, so that no binding's C-string getter can return it cut short.

use callsign::{Enrollment, ErrorKind, OtpAuthUri, ProfileParams, Secret};

const SECRET: &str = "7RUX6PO6UZYH6QNGL4DRTLQONNWAJGQSCE7NI4GQY72WFTSYMK4Q";

#[test]
fn percent_encoded_nul_is_refused_in_every_uri_field() {
    let enrollments = [
        format!(
            "callsign://enroll?v=1&issuer=ACME%00Support&account=c&secret={SECRET}&epoch=0&digits=6&period=30"
        ),
        format!(
            "callsign://enroll?v=1&issuer=ACME&account=customer%000001&secret={SECRET}&epoch=0&digits=6&period=30"
        ),
        format!(
            "callsign://enroll?v=1&issuer=ACME&account=c%00&secret={SECRET}&epoch=0&digits=6&period=30"
        ),
    ];
    for uri in &enrollments {
        let error = Enrollment::parse(uri).expect_err(uri);
        assert_eq!(error.kind(), ErrorKind::InvalidUri, "{uri}: {error}");
        assert!(error.to_string().contains("NUL"), "{error}");
    }
    let otpauths = [
        "otpauth://totp/ACME:john%00doe?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
        "otpauth://totp/AC%00ME:john?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
        "otpauth://totp/john?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=A%00",
        "otpauth://totp/john?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&image=x%00y",
    ];
    for uri in otpauths {
        let error = OtpAuthUri::parse(uri).expect_err(uri);
        assert_eq!(error.kind(), ErrorKind::InvalidUri, "{uri}: {error}");
    }
    // Other escapes of control characters are not NUL and still decode.
    let uri = format!(
        "callsign://enroll?v=1&issuer=ACME%01&account=c&secret={SECRET}&epoch=0&digits=6&period=30"
    );
    assert_eq!(Enrollment::parse(&uri).unwrap().issuer(), "ACME\u{1}");
}

#[test]
fn an_enrollment_built_in_code_refuses_nul_too() {
    for (issuer, account) in [("AC\0ME", "c"), ("ACME", "cust\0omer")] {
        let secret = Secret::from_bytes(&[7u8; 32]).unwrap();
        let error =
            Enrollment::new(issuer, account, secret, 0, ProfileParams::default()).expect_err("NUL");
        assert_eq!(error.kind(), ErrorKind::InvalidUri, "{error}");
        assert!(error.to_string().contains("NUL"), "{error}");
    }
}

/// A last symbol that is a digit ('2'..='7', values 26..=31) gives its used high bits like a
/// letter does, and its unused low bits are ignored (issue 14), so the canonical encoding
/// writes them as zero (a cargo-mutants survivor: the digit values were only ever checked
/// via letters).
#[test]
fn a_last_digit_symbol_gives_its_high_bits_and_its_stray_bits_are_ignored() {
    // 4 symbols leave 4 unused bits, 7 symbols 3, 5 symbols 1.
    for (text, bytes, canonical) in [
        ("AAA2", &[0u8, 1][..], "AAAQ"),
        ("AAA4", &[0, 1], "AAAQ"),
        ("AAA7", &[0, 1], "AAAQ"),
        ("AAAAAA4", &[0, 0, 0, 3], "AAAAAAY"),
        ("aaaaaa6", &[0, 0, 0, 3], "AAAAAAY"),
        ("AAAA2", &[0, 0, 13], "AAAA2"),
        ("AAAA3", &[0, 0, 13], "AAAA2"),
        ("AAAA6", &[0, 0, 15], "AAAA6"),
        ("AAAA7", &[0, 0, 15], "AAAA6"),
    ] {
        let decoded = callsign::base32::decode(text).expect(text);
        assert_eq!(decoded.as_slice(), bytes, "{text}");
        assert_eq!(callsign::base32::encode(&decoded), canonical, "{text}");
    }
}

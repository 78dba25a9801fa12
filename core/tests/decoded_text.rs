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

/// A last symbol that is a digit ('2'..='7', values 26..=31) is checked for stray low bits like
/// a letter (a cargo-mutants survivor: the digit values were only ever checked via letters).
#[test]
fn a_last_digit_symbol_with_stray_bits_is_non_canonical() {
    // 4 symbols leave 4 unused bits, 7 symbols 3: every digit has some of them set.
    for text in ["AAA2", "AAA4", "AAA7", "AAAAAA4", "aaaaaa6"] {
        let error = callsign::base32::decode(text).expect_err(text);
        assert!(
            matches!(error, callsign::Error::NonCanonicalBase32 { position } if position == text.len() - 1),
            "{text}: {error}"
        );
    }
    // 5 symbols leave 1 unused bit: even digit values (26, 28, 30) are canonical.
    assert_eq!(
        callsign::base32::decode("AAAA2").unwrap().as_slice(),
        &[0, 0, 13]
    );
    assert_eq!(
        callsign::base32::decode("AAAA6").unwrap().as_slice(),
        &[0, 0, 15]
    );
    assert!(callsign::base32::decode("AAAA3").is_err());
}

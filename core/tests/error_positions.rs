#![allow(clippy::unwrap_used, clippy::panic)]
//! Where an error says the problem is (byte offsets into the whole text, counted by hand:
//! `"otpauth://totp/"` is 15 bytes), and the exact bounds of what is accepted. cargo-mutants
//! found these unpinned (docs/mutants.md).

use callsign::{Error, OtpAuthUri};

#[test]
fn a_bad_escape_in_the_label_is_reported_at_its_byte_in_the_uri() {
    for (text, position) in [
        ("otpauth://totp/a%zz?secret=JBSWY3DPEHPK3PXP", 16),
        ("otpauth://TOTP/ab%?secret=JBSWY3DPEHPK3PXP", 17),
        ("otpauth://hotp/%C3?secret=JBSWY3DPEHPK3PXP&counter=1", 15),
        ("otpauth://totp/ab%00?secret=JBSWY3DPEHPK3PXP", 17),
    ] {
        match OtpAuthUri::parse(text) {
            Err(Error::UriEncoding {
                position: found, ..
            }) => {
                assert_eq!(found, position, "{text}");
            }
            other => panic!("{text}: {other:?}"),
        }
    }
}

fn secret() -> callsign::Secret {
    callsign::Secret::from_bytes(b"12345678901234567890").unwrap()
}

#[test]
fn labels_with_a_colon_or_a_leading_space_and_empty_issuers_are_refused() {
    for (issuer, account) in [
        (None, "alice:work"),
        (None, " alice"),
        (Some(""), "alice"),
        (Some("ACME:EU"), "alice"),
    ] {
        assert!(
            matches!(
                OtpAuthUri::totp(issuer, account, secret()),
                Err(Error::UriLabel { .. })
            ),
            "{issuer:?} {account:?}"
        );
    }
    assert!(OtpAuthUri::totp(Some("ACME"), "alice", secret()).is_ok());
}

#[test]
fn a_uri_of_exactly_the_maximum_length_is_written_and_one_byte_more_is_refused() {
    let short = OtpAuthUri::totp(None, "a", secret()).unwrap();
    let base = short.to_uri_string().unwrap().len();
    let fitting = "a".repeat(callsign::MAX_URI_LEN - base + 1);
    let uri = OtpAuthUri::totp(None, &fitting, secret()).unwrap();
    let text = uri.to_uri_string().unwrap();
    assert_eq!(text.len(), callsign::MAX_URI_LEN);
    assert_eq!(OtpAuthUri::parse(&text).unwrap().account, fitting);
    match OtpAuthUri::parse(&format!("{}a", text.as_str())) {
        Err(Error::UriTooLong { len, .. }) => assert_eq!(len, callsign::MAX_URI_LEN + 1),
        other => panic!("{other:?}"),
    }
    let over = format!("{fitting}a");
    match OtpAuthUri::totp(None, &over, secret()).and_then(|uri| uri.to_uri_string()) {
        Err(Error::UriTooLong { len, max }) => {
            assert_eq!(
                (len, max),
                (callsign::MAX_URI_LEN + 1, callsign::MAX_URI_LEN)
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn secrets_of_16_and_1024_bytes_are_accepted_and_never_empty() {
    for len in [16, 1024] {
        let secret = callsign::Secret::from_bytes(&vec![7u8; len]).unwrap();
        assert_eq!(secret.len(), len);
        assert!(!secret.is_empty());
    }
    assert!(matches!(
        callsign::Secret::from_bytes(&[7u8; 1025]),
        Err(Error::SecretTooLong {
            len: 1025,
            max: 1024
        })
    ));
}

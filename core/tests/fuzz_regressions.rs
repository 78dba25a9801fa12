//! Inputs found by the fuzz targets in ../fuzz, kept as regression tests.

use callsign::{ErrorKind, OtpAuthUri, Secret};

const SECRET_BASE32: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

/// otpauth_parse: an unknown parameter that differs from a defined one only in case was kept
/// as an extra, and the emitted URI then had the parameter twice and did not parse back.
#[test]
fn otpauth_extra_parameter_shadowing_a_defined_one_is_rejected() {
    let found = format!(
        "otpauth://totp/ACME%20Co:john?secret={SECRET_BASE32}&issuer=ACME%20Co&algoRithm=SHA1&digits=6&period=30"
    );
    let error = OtpAuthUri::parse(&found).expect_err("ambiguous parameter");
    assert_eq!(error.kind(), ErrorKind::InvalidUri);
    assert!(error.to_string().contains("algoRithm"), "{error}");

    for name in ["ISSUER", "Period", "counter", "a%20b", "a b", "img+1"] {
        let text = format!("otpauth://totp/alice?secret={SECRET_BASE32}&{name}=x");
        let error = OtpAuthUri::parse(&text).expect_err(name);
        assert_eq!(error.kind(), ErrorKind::InvalidUri, "{name}: {error}");
    }
}

/// The same rule holds for values built in code: emitting refuses what would not parse back.
#[test]
fn otpauth_emit_refuses_extras_that_would_not_parse_back() {
    let secret = Secret::from_base32(SECRET_BASE32).unwrap();
    let mut uri = OtpAuthUri::totp(Some("ACME"), "alice", secret).unwrap();
    uri.extra_parameters = vec![("image".into(), "https://example.com/i.png".into())];
    let emitted = uri.to_uri_string().unwrap();
    assert_eq!(OtpAuthUri::parse(&emitted).unwrap(), uri);

    for extras in [
        vec![("Issuer".to_owned(), "other".to_owned())],
        vec![
            ("image".to_owned(), "a".to_owned()),
            ("IMAGE".to_owned(), "b".to_owned()),
        ],
        vec![("icon url".to_owned(), "a".to_owned())],
    ] {
        uri.extra_parameters = extras;
        let error = uri
            .to_uri_string()
            .expect_err("extras that cannot round-trip");
        assert_eq!(error.kind(), ErrorKind::InvalidUri);
    }
}

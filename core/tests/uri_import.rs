#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The lenient otpauth:// import side (issue 14) and the bounded, linear URI parser that
//! stops at the first refused parameter (issue 13, findings 1 and 8).

use callsign::{
    Enrollment, Error, ErrorKind, MAX_URI_LEN, MAX_URI_PARAMETERS, MAX_WINDOW_STEPS, OtpAuthUri,
    OtpKind, Window, base32,
};

const B32: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const ENROLL: &str = "callsign://enroll?v=1&issuer=ACME%20Support&account=customer-0001&secret=7RUX6PO6UZYH6QNGL4DRTLQONNWAJGQSCE7NI4GQY72WFTSYMK4Q&epoch=0&digits=6&period=30";

fn parse(rest: &str) -> Result<OtpAuthUri, Error> {
    OtpAuthUri::parse(&format!("otpauth://totp/{rest}"))
}

#[test]
fn trailing_base32_bits_are_ignored_on_import() {
    // 16 random bytes as a generator writes them: the last symbol has non-zero unused bits.
    let loose = "JBSWY3DPEHPK3PXPJBSWY3DPEH";
    let canonical = "JBSWY3DPEHPK3PXPJBSWY3DPEE";
    assert_eq!(
        base32::decode(loose).unwrap(),
        base32::decode(canonical).unwrap()
    );
    let uri = parse(&format!("ACME:alice?secret={loose}")).unwrap();
    assert!(
        uri.to_uri_string()
            .unwrap()
            .contains(&format!("secret={canonical}&"))
    );
}

#[test]
fn an_empty_issuer_prefix_is_no_issuer() {
    for label in [":alice", "%3Aalice", "%3aalice", ": alice", "%3A%20alice"] {
        let uri = parse(&format!("{label}?secret={B32}")).unwrap();
        assert_eq!(uri.issuer, None, "{label}");
        assert_eq!(uri.account, "alice", "{label}");
    }
    let uri = parse(&format!(":alice?secret={B32}&issuer=ACME")).unwrap();
    assert_eq!(uri.issuer.as_deref(), Some("ACME"));
    let uri = parse(&format!("alice?secret={B32}&issuer=")).unwrap();
    assert_eq!(uri.issuer, None);
    // Still refused: an empty account.
    assert_eq!(
        parse(&format!("ACME:?secret={B32}")).unwrap_err().kind(),
        ErrorKind::InvalidUri
    );
}

#[test]
fn raw_spaces_are_spaces_everywhere_and_control_characters_are_refused() {
    let uri = parse(&format!("ACME Co:john doe?secret={B32}&issuer=ACME Co")).unwrap();
    assert_eq!(uri.issuer.as_deref(), Some("ACME Co"));
    assert_eq!(uri.account, "john doe");
    let same = parse(&format!("ACME%20Co:john%20doe?secret={B32}&issuer=ACME+Co")).unwrap();
    assert_eq!(uri, same);
    let raw_utf8 = parse(&format!("Zoë's Bank:zoë?secret={B32}")).unwrap();
    assert_eq!(raw_utf8.issuer.as_deref(), Some("Zoë's Bank"));
    for bad in ["ACME:ali\tce", "ACME:alice\u{7f}", "ACME:ali\nce"] {
        assert_refused(&format!("{bad}?secret={B32}"), |error| {
            matches!(error, Error::UriEncoding { .. })
        });
    }
}

/// Asserts that the otpauth URI `otpauth://totp/{rest}` is refused with an error that `check`
/// accepts.
fn assert_refused(rest: &str, check: fn(&Error) -> bool) {
    match parse(rest) {
        Err(error) => assert!(check(&error), "{rest:?}: {error:?}"),
        Ok(uri) => panic!("{rest:?} was accepted: {uri:?}"),
    }
}

#[test]
fn unknown_parameters_are_ignored_even_repeated_but_defined_ones_are_not() {
    let uri = parse(&format!(
        "ACME:alice?secret={B32}&tags=work&tags=mail&image=x&color=%23ff0000&tags=work"
    ))
    .unwrap();
    let names: Vec<&str> = uri
        .extra_parameters
        .iter()
        .map(|(name, _)| name.as_str())
        .collect();
    assert_eq!(names, ["tags", "tags", "image", "color", "tags"]);
    let emitted = uri.to_uri_string().unwrap();
    assert_eq!(OtpAuthUri::parse(&emitted).unwrap(), uri);

    for (defined, value) in [
        ("secret", B32),
        ("issuer", "ACME"),
        ("algorithm", "SHA1"),
        ("digits", "6"),
        ("period", "30"),
    ] {
        assert_refused(
            &format!("ACME:alice?secret={B32}&{defined}={value}&{defined}={value}"),
            |error| matches!(error, Error::UriDuplicateParameter { .. }),
        );
    }
    // A name that could stand for a defined parameter would silently drop it: refused.
    for hiding in [
        "Algorithm=SHA256",
        "DIGITS=8",
        "%61lgorithm=SHA256",
        "al%67orithm=SHA256",
    ] {
        assert_refused(&format!("ACME:alice?secret={B32}&{hiding}"), |error| {
            matches!(error, Error::UriUnknownParameter { .. })
        });
    }
}

#[test]
fn the_window_cap_stays_at_101_steps() {
    // Decided on purpose (docs/interop.md): one peer suite checks 100 steps either side.
    assert_eq!(MAX_WINDOW_STEPS, 101);
    assert!(Window::symmetric(50).is_ok());
    assert_eq!(
        Window::symmetric(100),
        Err(Error::WindowTooLarge {
            behind: 100,
            ahead: 100,
            max: 101
        })
    );
}

/// A query of `count` parameters `p000000=ab&p000001=ab&...`.
fn many_parameters(count: usize) -> String {
    (0..count)
        .map(|index| format!("p{index:06}=ab"))
        .collect::<Vec<_>>()
        .join("&")
}

#[test]
fn huge_uris_are_refused_before_parsing() {
    // The denial-of-service input of issue 13: about 2 MB, 200,000 parameters.
    let query = many_parameters(200_000);
    assert!(query.len() > 2_000_000);
    let otpauth = format!("otpauth://totp/ACME:alice?secret={B32}&{query}");
    assert_eq!(
        OtpAuthUri::parse(&otpauth),
        Err(Error::UriTooLong {
            len: otpauth.len(),
            max: MAX_URI_LEN
        })
    );
    let enroll = format!("{ENROLL}&{query}");
    assert_eq!(
        Enrollment::parse(&enroll).unwrap_err(),
        Error::UriTooLong {
            len: enroll.len(),
            max: MAX_URI_LEN
        }
    );
}

#[test]
fn the_parameter_count_is_bounded() {
    let too_many = Err(Error::UriTooManyParameters {
        max: MAX_URI_PARAMETERS,
    });
    // The canonical form writes issuer, algorithm, digits and period too: with 59 extras it
    // has exactly the most parameters, so it parses back.
    let fits = format!(
        "otpauth://totp/ACME:alice?secret={B32}&{}",
        many_parameters(MAX_URI_PARAMETERS - 5)
    );
    let uri = OtpAuthUri::parse(&fits).unwrap();
    assert_eq!(uri.extra_parameters.len(), MAX_URI_PARAMETERS - 5);
    assert_eq!(
        OtpAuthUri::parse(&uri.to_uri_string().unwrap()).unwrap(),
        uri
    );
    // One more, and the canonical form could not be read back: refused.
    assert_eq!(OtpAuthUri::parse(&format!("{fits}&one=more")), too_many);
    // The input itself: the error comes at the first parameter past the bound, whatever
    // follows it.
    let input = format!(
        "otpauth://totp/ACME:alice?secret={B32}&{}&broken&%zz",
        many_parameters(MAX_URI_PARAMETERS)
    );
    assert_eq!(OtpAuthUri::parse(&input), too_many);
    // callsign://enroll never gets that far: its first unknown parameter is refused at once.
    let enroll = format!("{ENROLL}&{}", many_parameters(MAX_URI_PARAMETERS));
    assert!(matches!(
        Enrollment::parse(&enroll),
        Err(Error::UriUnknownParameter { .. })
    ));
}

#[test]
fn parsing_stops_at_the_first_refused_parameter() {
    // Before: the whole query was split (and every name compared with every earlier one)
    // before the first parameter was looked at, so the malformed tail was reported instead.
    assert!(matches!(
        Enrollment::parse("callsign://enroll?color=red&broken"),
        Err(Error::UriUnknownParameter { .. })
    ));
    assert!(matches!(
        Enrollment::parse(&format!("{ENROLL}&v=1&broken")),
        Err(Error::UriDuplicateParameter { .. })
    ));
    assert!(matches!(
        parse(&format!("ACME:alice?secret={B32}&Algorithm=SHA256&broken")),
        Err(Error::UriUnknownParameter { .. })
    ));
    assert!(matches!(
        parse(&format!("ACME:alice?secret={B32}&digits=6&digits=6&broken")),
        Err(Error::UriDuplicateParameter { .. })
    ));
}

#[test]
fn unknown_parameter_names_are_capped_and_redacted() {
    // A long "name" is often a pasted secret: none of it is echoed.
    let pasted = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    for result in [
        Enrollment::parse(&format!("{ENROLL}&{pasted}=1")).map(|_| ()),
        parse(&format!("ACME:alice?secret={B32}&{pasted}%20=1")).map(|_| ()),
    ] {
        let error = result.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidUri);
        for shown in [error.to_string(), format!("{error:?}")] {
            assert!(!shown.contains("JBSWY3DP"), "{shown}");
            assert!(shown.contains("bytes, not shown"), "{shown}");
        }
    }
    // A short plain name is shown as it is.
    let error = Enrollment::parse(&format!("{ENROLL}&color=red")).unwrap_err();
    assert_eq!(error.to_string(), "the URI has an unknown parameter: color");
}

#[test]
fn hotp_and_totp_keep_their_own_parameters() {
    let uri = OtpAuthUri::parse(&format!("otpauth://hotp/:alice?secret={B32}&counter=7")).unwrap();
    assert_eq!(uri.kind, OtpKind::Hotp { counter: 7 });
    assert!(parse(&format!("ACME:alice?secret={B32}&counter=7")).is_err());
}

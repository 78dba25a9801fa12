//! `otpauth://` parsing: arbitrary text never panics; whatever parses emits a canonical URI that
//! parses back to an equal value, emits the same text again, and yields a working generator.
#![no_main]

use callsign::{OtpAuthUri, OtpKind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(parsed) = OtpAuthUri::parse(text) else {
        return;
    };
    let emitted = parsed.to_uri_string().expect("a parsed URI is valid");
    let reparsed = OtpAuthUri::parse(&emitted)
        .unwrap_or_else(|error| panic!("emitted {:?} does not parse: {error}", emitted.as_str()));
    assert_eq!(
        parsed,
        reparsed,
        "round trip through {:?}",
        emitted.as_str()
    );
    let emitted_again = reparsed.to_uri_string().expect("a parsed URI is valid");
    assert_eq!(
        emitted, emitted_again,
        "the canonical form is not a fixed point"
    );
    match parsed.kind {
        OtpKind::Totp { .. } => {
            parsed
                .to_totp()
                .expect("a parsed TOTP URI builds a generator");
        }
        OtpKind::Hotp { .. } => {
            parsed
                .to_hotp()
                .expect("a parsed HOTP URI builds a generator");
        }
    }
});

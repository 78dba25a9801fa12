//! `callsign://enroll` parsing: arbitrary text never panics; whatever parses emits a URI that
//! parses back to an equal enrollment, emits the same text again, and builds a verifier.
//! Read under a pinned key (signed payloads), arbitrary text never panics and is accepted only
//! with a valid signature, which a fuzzer cannot forge; with signatures ignored, an enrollment
//! that keeps its signature emits the signed payload byte for byte.
#![no_main]

use callsign::{Enrollment, EnrollmentTrust, SigningKey, Verifier, VerifierConfig};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let key = SigningKey::from_seed(&[0x20; 32]).expect("a 32-byte seed");
    let pinned = EnrollmentTrust::pinned([key.public_key()]).expect("one key");
    if let Ok(trusted) = Enrollment::from_uri(text, &pinned) {
        assert!(
            trusted.signature().is_some(),
            "accepted an unsigned payload under a pinned key"
        );
    }
    if let Ok(read) = Enrollment::from_uri(text, &EnrollmentTrust::allow_unsigned())
        && read.signature().is_some()
    {
        assert_eq!(
            read.to_uri_string().as_str(),
            text,
            "an enrollment that keeps its signature must emit the signed payload"
        );
    }
    let Ok(parsed) = Enrollment::parse(text) else {
        return;
    };
    let emitted = parsed.to_uri_string();
    let reparsed = Enrollment::parse(&emitted)
        .unwrap_or_else(|error| panic!("emitted {:?} does not parse: {error}", emitted.as_str()));
    assert_eq!(
        parsed,
        reparsed,
        "round trip through {:?}",
        emitted.as_str()
    );
    assert_eq!(
        emitted,
        reparsed.to_uri_string(),
        "the emitted form is not a fixed point"
    );
    Verifier::new(&parsed, VerifierConfig::default()).expect("an enrollment builds a verifier");
});

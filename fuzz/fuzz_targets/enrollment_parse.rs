//! `callsign://enroll` parsing: arbitrary text never panics; whatever parses emits a URI that
//! parses back to an equal enrollment, emits the same text again, and builds a verifier.
#![no_main]

use callsign::{Enrollment, Verifier, VerifierConfig};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
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

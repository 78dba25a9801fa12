//! base32: decoding arbitrary text never panics, errors are typed and point at the offending
//! character, whatever decodes is the canonical encoding of its bytes (up to case, spaces,
//! hyphens, padding and the unused low bits of the last symbol), and any bytes survive
//! encode -> decode.
#![no_main]

use callsign::{Error, ErrorKind, base32};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let encoded = base32::encode(data);
    let decoded = base32::decode(&encoded).expect("our own encoding decodes");
    assert_eq!(decoded.as_slice(), data);

    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match base32::decode(text) {
        Ok(bytes) => {
            let canonical = base32::encode(&bytes);
            let normalized: String = text
                .chars()
                .filter(|c| !matches!(c, ' ' | '-' | '='))
                .map(|c| c.to_ascii_uppercase())
                .collect();
            assert_eq!(canonical.len(), normalized.len(), "symbol count changed");
            // Only the last symbol may differ (its unused low bits are ignored on decode).
            let keep = canonical.len().saturating_sub(1);
            assert_eq!(canonical[..keep], normalized[..keep], "accepted a different encoding");
            let again = base32::decode(&canonical).expect("canonical form decodes");
            assert_eq!(again.as_slice(), bytes.as_slice());
        }
        Err(error) => {
            assert_eq!(error.kind(), ErrorKind::InvalidBase32, "{error:?}");
            if let Error::InvalidBase32Character {
                character,
                position,
            } = error
            {
                assert_eq!(text.chars().nth(position), Some(character));
            }
        }
    }
});

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Signed enrollments beyond the vectors: generated keys, the typed refusals, redaction.

mod common;

use callsign::{
    Enrollment, EnrollmentTrust, Error, ErrorKind, SigningKey, Verifier, VerifierConfig,
};

fn enrollment() -> Enrollment {
    common::enrollment(1, 0)
}

#[test]
fn a_generated_key_signs_and_only_its_public_key_verifies() {
    let vendor = SigningKey::generate().unwrap();
    let forger = SigningKey::generate().unwrap();
    assert_ne!(vendor.public_key(), forger.public_key());
    let trust = EnrollmentTrust::pinned([vendor.public_key()]).unwrap();
    let genuine = enrollment().signed(&vendor).unwrap().to_uri_string();
    let by_forger = enrollment().signed(&forger).unwrap().to_uri_string();
    assert!(Verifier::from_uri(&genuine, &trust, VerifierConfig::default()).is_ok());
    let refused = Verifier::from_uri(&by_forger, &trust, VerifierConfig::default()).unwrap_err();
    assert_eq!(refused, Error::EnrollmentSignatureMismatch);
    assert_eq!(refused.kind(), ErrorKind::UntrustedEnrollment);
    // The signature is the one the URI carries, and comes back when the URI is read.
    let signature = *enrollment().signed(&vendor).unwrap().signature().unwrap();
    assert!(genuine.ends_with(&format!("&sig={}", base64url(&signature))));
    let read = Enrollment::from_uri(&genuine, &trust).unwrap();
    assert_eq!(read.signature(), Some(&signature));
    assert_eq!(enrollment().signature(), None);
    // The unsigned payload is refused under pinned keys, and `parse` refuses the signature.
    let unsigned = enrollment().to_uri_string();
    assert_eq!(
        Enrollment::from_uri(&unsigned, &trust).unwrap_err(),
        Error::EnrollmentUnsigned
    );
    assert_eq!(
        Enrollment::parse(&genuine).unwrap_err().kind(),
        ErrorKind::InvalidUri
    );
}

#[test]
fn keys_are_checked_and_the_seed_is_redacted() {
    assert_eq!(
        SigningKey::from_seed(&[1u8; 31]).unwrap_err().kind(),
        ErrorKind::InvalidSigningKey
    );
    assert_eq!(
        EnrollmentTrust::pinned([]).unwrap_err(),
        Error::EnrollmentKeysMissing
    );
    let key = SigningKey::from_seed(&[0xabu8; 32]).unwrap();
    let shown = format!("{key:?}");
    assert!(!shown.contains("abababab"), "{shown}");
    assert!(format!("{:?}", enrollment().signed(&key).unwrap()).contains("signed: true"));
}

#[test]
fn an_external_signer_signs_and_a_wrong_one_is_caught_before_anything_ships() {
    // Stands in for an HSM: signs with a key the issuer process never holds.
    let hsm = SigningKey::generate().unwrap();
    let public = hsm.public_key();
    let signed = enrollment()
        .signed_with(&public, |bytes| hsm.sign(bytes))
        .unwrap();
    let trust = EnrollmentTrust::pinned([public]).unwrap();
    assert!(Enrollment::from_uri(&signed.to_uri_string(), &trust).is_ok());
    // A signer that uses another key is refused against the expected public key.
    let wrong = SigningKey::generate().unwrap();
    let refused = enrollment()
        .signed_with(&public, |bytes| wrong.sign(bytes))
        .unwrap_err();
    assert_eq!(
        refused,
        callsign::SignerError::Refused(Error::EnrollmentSignatureMismatch)
    );
    // A failing signer's error comes back as it was.
    let failed = enrollment()
        .signed_with(&public, |_| Err::<[u8; 64], &str>("hsm offline"))
        .unwrap_err();
    assert_eq!(failed, callsign::SignerError::Signer("hsm offline"));
}

#[test]
fn a_signed_payload_in_another_order_is_trusted_but_not_re_emitted_as_signed() {
    let key = SigningKey::from_seed(&[5u8; 32]).unwrap();
    let enrollment = enrollment();
    let canonical = enrollment.to_uri_string();
    let query = canonical.strip_prefix("callsign://enroll?").unwrap();
    let mut parameters: Vec<&str> = query.split('&').collect();
    parameters.reverse();
    let reordered = format!("callsign://enroll?{}", parameters.join("&"));
    let signature = key.sign(reordered.as_bytes()).unwrap();
    // The vendor signed the bytes in its own order.
    let payload = format!("{reordered}&sig={}", base64url(&signature));
    let trust = EnrollmentTrust::pinned([key.public_key()]).unwrap();
    let read = Enrollment::from_uri(&payload, &trust).unwrap();
    assert_eq!(read.account_id(), "customer-0001");
    assert!(read.signature().is_none());
    assert_eq!(read.to_uri_string(), canonical);
}

/// base64url without padding, written out here so the test does not lean on core's encoder.
fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | (u32::from(b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

#[test]
fn every_one_character_change_of_a_signed_payload_is_refused() {
    let key = SigningKey::from_seed(&(0x20u8..0x40).collect::<Vec<_>>()).unwrap();
    let trust = EnrollmentTrust::pinned([key.public_key()]).unwrap();
    let signed = enrollment().signed(&key).unwrap().to_uri_string();
    assert!(Enrollment::from_uri(&signed, &trust).is_ok());
    let bytes = signed.as_bytes();
    let mut tried = 0;
    for index in 0..=bytes.len() {
        let mut variants: Vec<Vec<u8>> = Vec::new();
        if index < bytes.len() {
            let mut removed = bytes.to_vec();
            removed.remove(index);
            variants.push(removed);
            for replacement in [b'A', b'-', b'&', b'=', b'%'] {
                if bytes[index] != replacement {
                    let mut changed = bytes.to_vec();
                    changed[index] = replacement;
                    variants.push(changed);
                }
            }
        }
        let mut inserted = bytes.to_vec();
        inserted.insert(index, b'Q');
        variants.push(inserted);
        for variant in variants {
            let text = String::from_utf8(variant).unwrap();
            let result = Enrollment::from_uri(&text, &trust);
            assert_eq!(
                result.as_ref().map_err(Error::kind).err(),
                Some(ErrorKind::UntrustedEnrollment),
                "accepted or misjudged {text}"
            );
            tried += 1;
        }
    }
    assert!(tried > 1000, "{tried}");
}

/// A trust says what it holds, a public key shows itself in hex (it is public), and a
/// signature field longer than a signature whose characters are not base64url is a malformed
/// signature, not trailing data after a good one.
#[test]
fn a_trust_reports_its_keys_and_a_long_bad_signature_is_malformed() {
    let key = SigningKey::from_seed(&[0xcdu8; 32]).unwrap().public_key();
    let hex = key.as_bytes().iter().fold(String::new(), |mut hex, byte| {
        use std::fmt::Write;
        let _ = write!(hex, "{byte:02x}");
        hex
    });
    assert_eq!(format!("{key:?}"), format!("VerifyingKey({hex})"));
    let pinned = EnrollmentTrust::pinned([key]).unwrap();
    assert_eq!(
        (pinned.keys(), pinned.allows_unsigned()),
        (&[key][..], false)
    );
    let open = EnrollmentTrust::allow_unsigned();
    assert_eq!((open.keys(), open.allows_unsigned()), (&[][..], true));

    let unsigned = enrollment().to_uri_string();
    let long_bad = format!("{}&sig={}", unsigned.as_str(), "!".repeat(87));
    assert!(matches!(
        Enrollment::from_uri(&long_bad, &pinned).unwrap_err(),
        Error::EnrollmentSignatureMalformed { .. }
    ));
    let good = enrollment()
        .signed(&SigningKey::from_seed(&[0xcdu8; 32]).unwrap())
        .unwrap()
        .to_uri_string();
    assert_eq!(
        Enrollment::from_uri(&format!("{}x", good.as_str()), &pinned).unwrap_err(),
        Error::EnrollmentTrailingData
    );
}

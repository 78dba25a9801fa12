#![allow(clippy::unwrap_used, clippy::panic)]
//! Where an error says the problem is: byte offsets into the whole text, counted by hand
//! (`"otpauth://totp/"` is 15 bytes). cargo-mutants found the label's offset unpinned.

use callsign::{Error, OtpAuthUri};

#[test]
fn a_bad_escape_in_the_label_is_reported_at_its_byte_in_the_uri() {
    for (text, position) in [
        ("otpauth://totp/a%zz?secret=JBSWY3DPEHPK3PXP", 16),
        ("otpauth://TOTP/ab%?secret=JBSWY3DPEHPK3PXP", 17),
        ("otpauth://hotp/%C3?secret=JBSWY3DPEHPK3PXP&counter=1", 15),
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

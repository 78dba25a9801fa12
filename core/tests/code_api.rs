#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The public surface of `Code` and `GroupedCode`, pinned by hand: sizes, accessors, the check
//! digit flag, redacted `Debug`, and entries one digit too long at the largest size (these
//! survived cargo-mutants until written down here; docs/mutants.md).

use callsign::{Code, Error, MAX_CODE_LEN, MAX_GROUPED_LEN, ProfileEntry, ProfileParams};

#[test]
fn the_buffer_sizes_are_nine_digits_and_eleven_grouped_characters() {
    // 8 digits and a check digit; "4829 1376 5" has two spaces more. C callers size their
    // buffers from these (CALLSIGN_CODE_SIZE and CALLSIGN_GROUPED_SIZE add the NUL).
    assert_eq!(MAX_CODE_LEN, 9);
    assert_eq!(MAX_GROUPED_LEN, 11);
    let longest = Code::parse_entry("48291376", 8).unwrap().with_check_digit();
    assert_eq!(longest.len(), MAX_CODE_LEN);
    assert_eq!(longest.grouped().as_str().len(), MAX_GROUPED_LEN);
}

#[test]
fn length_emptiness_and_the_check_digit_flag() {
    for (entry, digits) in [("482913", 6), ("4829137", 7), ("48291376", 8)] {
        let code = Code::parse_entry(entry, digits).unwrap();
        assert_eq!(code.len(), entry.len());
        assert!(!code.is_empty());
        assert!(!code.has_check_digit());
        let checked = code.with_check_digit();
        assert_eq!(checked.len(), entry.len() + 1);
        assert!(!checked.is_empty());
        assert!(checked.has_check_digit());
        // Adding a check digit twice changes nothing.
        assert_eq!(checked.with_check_digit().as_str(), checked.as_str());
    }
}

#[test]
fn debug_names_the_size_and_never_the_digits() {
    let code = Code::parse_entry("482913", 6).unwrap();
    assert_eq!(format!("{code:?}"), "Code([REDACTED; 6 digits])");
    assert_eq!(
        format!("{:?}", code.with_check_digit()),
        "Code([REDACTED; 7 digits])"
    );
    let grouped = code.grouped();
    assert_eq!(grouped.as_str(), "482 913");
    assert_eq!(format!("{grouped:?}"), "GroupedCode([REDACTED])");
}

#[test]
fn ten_digits_for_eight_and_a_check_digit_are_a_length_error() {
    let params = ProfileParams::new(8, 30).unwrap().with_check_digit(true);
    // "48291376" has the Damm check digit 1 (protocol v1, Addition B; computed by hand).
    assert!(matches!(
        params.read_entry("482913761").unwrap(),
        ProfileEntry::Code(_)
    ));
    for entry in ["4829137610", "4829 1376 10", "48291376101"] {
        match params.read_entry(entry) {
            Err(Error::InvalidCodeLength { expected, actual }) => {
                assert_eq!(expected, 9, "{entry}");
                assert_eq!(actual, entry.chars().filter(char::is_ascii_digit).count());
            }
            other => panic!("{entry}: {other:?}"),
        }
    }
}

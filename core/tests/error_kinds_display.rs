//! An error kind prints as its stable name (cargo-mutants found `Display` unpinned).

use callsign::ErrorKind;

#[test]
fn an_error_kind_displays_as_its_stable_name() {
    assert_eq!(ErrorKind::RateLimited.to_string(), "rate_limited");
    assert_eq!(ErrorKind::InvalidDigits.to_string(), "invalid_digits");
    for kind in ErrorKind::ALL {
        assert_eq!(kind.to_string(), kind.as_str());
    }
}

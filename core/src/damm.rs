//! The Damm check digit (H. M. Damm 2004): one decimal digit over a code that detects every
//! single-digit error and every swap of two neighbouring digits, the two common ways a code
//! read aloud is misheard (protocol v1, Addition B).
//!
//! A check digit tells nothing about the code it protects: anyone can compute it. It changes
//! no guessing odds; it only lets a mistyped or misheard entry be told apart from a wrong one.
//!
//! ```
//! assert_eq!(callsign::damm::check_digit("572")?, 4);
//! assert!(callsign::damm::is_valid("5724")?);
//! assert!(!callsign::damm::is_valid("5274")?);
//! # Ok::<(), callsign::Error>(())
//! ```

use crate::error::Error;

/// The order-10 totally anti-symmetric quasigroup of Damm's thesis: `TABLE[interim][digit]`.
const TABLE: [[u8; 10]; 10] = [
    [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
    [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
    [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
    [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
    [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
    [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
    [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
    [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
    [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
    [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
];

/// The final interim digit of the Damm loop over `digits` (ASCII digits only).
fn interim(digits: &[u8]) -> Result<u8, Error> {
    digits
        .iter()
        .enumerate()
        .try_fold(0u8, |interim, (position, &byte)| {
            if byte.is_ascii_digit() {
                Ok(TABLE[usize::from(interim)][usize::from(byte - b'0')])
            } else {
                Err(Error::InvalidCodeCharacter {
                    character: char::from(byte),
                    position,
                })
            }
        })
}

/// The check digit (0..=9) of a string of ASCII digits. Anything but digits is an error.
pub fn check_digit(digits: &str) -> Result<u8, Error> {
    if let Some((position, character)) = digits
        .chars()
        .enumerate()
        .find(|(_, character)| !character.is_ascii_digit())
    {
        return Err(Error::InvalidCodeCharacter {
            character,
            position,
        });
    }
    interim(digits.as_bytes())
}

/// Whether a string of ASCII digits ends in its correct check digit (the Damm loop over all
/// of it ends at 0). Anything but digits is an error.
pub fn is_valid(digits: &str) -> Result<bool, Error> {
    Ok(check_digit(digits)? == 0)
}

/// The check digit of ASCII digits already known to be digits.
pub(crate) fn check_digit_of(digits: &[u8]) -> u8 {
    interim(digits).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Damm's defining properties, checked on the implementation without reading its table:
    /// every single-digit error and every adjacent transposition of every 6-digit code (with
    /// its check digit) is detected.
    #[test]
    fn every_single_error_and_adjacent_transposition_of_every_6_digit_code_is_detected() {
        let mut full = [0u8; 7];
        for value in 0..1_000_000u32 {
            let mut rest = value;
            for slot in full[..6].iter_mut().rev() {
                *slot = b'0' + u8::try_from(rest % 10).unwrap();
                rest /= 10;
            }
            full[6] = b'0' + check_digit_of(&full[..6]);
            assert_eq!(check_digit_of(&full), 0);
            let mut changed = full;
            for position in 0..7 {
                for digit in b'0'..=b'9' {
                    if digit != full[position] {
                        changed[position] = digit;
                        assert_ne!(check_digit_of(&changed), 0, "{changed:?}");
                    }
                }
                changed[position] = full[position];
            }
            for position in 0..6 {
                if full[position] != full[position + 1] {
                    changed.swap(position, position + 1);
                    assert_ne!(check_digit_of(&changed), 0, "{changed:?}");
                    changed.swap(position, position + 1);
                }
            }
        }
    }

    #[test]
    fn damms_example_and_the_protocol_reference() {
        assert_eq!(check_digit("572").unwrap(), 4);
        assert!(is_valid("5724").unwrap());
        assert_eq!(check_digit("913441").unwrap(), 7);
        assert_eq!(check_digit("").unwrap(), 0);
        assert!(matches!(
            check_digit("91a"),
            Err(Error::InvalidCodeCharacter {
                character: 'a',
                position: 2
            })
        ));
    }
}

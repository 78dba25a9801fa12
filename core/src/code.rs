//! One-time codes as fixed-size digit buffers, their grouping for reading aloud, and the
//! parsing of what a person types.

use crate::error::Error;
use subtle::ConstantTimeEq;
use zeroize::Zeroize;

/// The smallest number of digits a code may have.
pub const MIN_DIGITS: u32 = 6;
/// The largest number of digits a code may have (9 and more bias the 31-bit truncation).
pub const MAX_DIGITS: u32 = 8;
/// The most characters a code may have: [`MAX_DIGITS`] and a check digit (Addition B).
pub const MAX_CODE_LEN: usize = MAX_DIGITS as usize + 1;
/// The most characters a grouped code may have: "0465 9476 8".
pub const MAX_GROUPED_LEN: usize = MAX_CODE_LEN + 2;

/// A validated number of code digits, 6..=8.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Digits(u8);

impl Digits {
    /// Checks that `digits` is within 6..=8.
    pub fn new(digits: u32) -> Result<Digits, Error> {
        match u8::try_from(digits) {
            Ok(narrow) if (MIN_DIGITS..=MAX_DIGITS).contains(&digits) => Ok(Digits(narrow)),
            _ => Err(Error::InvalidDigits { digits }),
        }
    }

    /// The number of digits.
    pub fn get(self) -> u32 {
        u32::from(self.0)
    }

    /// 10^digits, from a table: it divides on every code.
    pub(crate) fn modulus(self) -> u32 {
        const POWERS: [u32; (MAX_DIGITS + 1) as usize] = [
            1,
            10,
            100,
            1_000,
            10_000,
            100_000,
            1_000_000,
            10_000_000,
            100_000_000,
        ];
        POWERS[usize::from(self.0)]
    }
}

/// A one-time code: exactly `digits` ASCII digits (and, for an account with a check digit,
/// its Damm check digit after them), kept on the stack and zeroized on drop.
///
/// `Debug` does not show the digits; use [`Code::as_str`] where the code is meant to be seen.
#[derive(Clone)]
// 16 bytes and aligned: a code is moved (into a `TimedCode`, out of an issuance) in one
// 16-byte copy, not an 8-byte and an overlapping 4-byte one, whose second load cannot take its
// bytes from the store queue (issue_cached 8% faster in alternating runs).
#[repr(align(16))]
pub struct Code {
    digits: [u8; MAX_CODE_LEN],
    len: u8,
    check_digit: bool,
}

impl Code {
    /// The code for a truncated HMAC value: `value mod 10^digits`, zero-padded.
    pub(crate) fn from_value(value: u32, digits: Digits) -> Code {
        let mut remaining = value % digits.modulus();
        let mut buffer = [b'0'; MAX_CODE_LEN];
        let len = usize::from(digits.0);
        for slot in buffer[..len].iter_mut().rev() {
            // `remaining % 10` is below 10, so the narrowing is exact.
            *slot = b'0' + (remaining % 10) as u8;
            remaining /= 10;
        }
        Code {
            digits: buffer,
            len: digits.0,
            check_digit: false,
        }
    }

    /// The code followed by its Damm check digit (protocol v1, Addition B); a code that
    /// already carries one is returned as it is.
    #[must_use]
    pub fn with_check_digit(&self) -> Code {
        let mut code = self.clone();
        if !code.check_digit {
            let len = usize::from(code.len);
            code.digits[len] = b'0' + crate::damm::check_digit_of(&code.digits[..len]);
            code.len += 1;
            code.check_digit = true;
        }
        code
    }

    /// Whether the code ends in a check digit.
    pub fn has_check_digit(&self) -> bool {
        self.check_digit
    }

    /// Parses what a person typed or a caller passed: exactly `digits` ASCII digits, optionally
    /// grouped by spaces or dashes ("482 913", "482-913"), with spaces around it allowed.
    ///
    /// Anything else (letters, other symbols, a leading or trailing dash, too few or too many
    /// digits) is an error naming the problem, never a silent mismatch.
    pub fn parse_entry(entry: &str, digits: u32) -> Result<Code, Error> {
        let digits = Digits::new(digits)?;
        let buffer = parse_digits(entry, usize::from(digits.0))?;
        Ok(Code {
            digits: buffer,
            len: digits.0,
            check_digit: false,
        })
    }

    /// The code as a number (below 10^8, so it fits).
    pub(crate) fn value(&self) -> u32 {
        self.as_bytes()
            .iter()
            .fold(0u32, |value, digit| value * 10 + u32::from(digit - b'0'))
    }

    /// The digits as a string slice.
    pub fn as_str(&self) -> &str {
        // Only ASCII digits are ever stored.
        core::str::from_utf8(self.as_bytes()).unwrap_or_default()
    }

    /// The digits as ASCII bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.digits[..usize::from(self.len)]
    }

    /// The number of digits.
    pub fn len(&self) -> usize {
        usize::from(self.len)
    }

    /// Always false: a code has 6 to 9 digits.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The code grouped for reading aloud: "482 913" (6), "482 9137" (7), "4829 1376" (8);
    /// a check digit follows after one more space: "913 441 7".
    pub fn grouped(&self) -> GroupedCode {
        let len = usize::from(self.len) - usize::from(self.check_digit);
        let split = if len == 8 { 4 } else { 3 };
        let mut buffer = [b' '; MAX_GROUPED_LEN];
        buffer[..split].copy_from_slice(&self.digits[..split]);
        buffer[split + 1..=len].copy_from_slice(&self.digits[split..len]);
        let mut grouped_len = self.len + 1;
        if self.check_digit {
            buffer[len + 2] = self.digits[len];
            grouped_len += 1;
        }
        GroupedCode {
            text: buffer,
            len: grouped_len,
        }
    }

    /// Compares two codes in constant time (for codes of equal length).
    pub fn ct_eq(&self, other: &Code) -> subtle::Choice {
        self.as_bytes().ct_eq(other.as_bytes())
    }
}

impl Drop for Code {
    fn drop(&mut self) {
        self.digits.zeroize();
    }
}

impl core::fmt::Debug for Code {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Code([REDACTED; {} digits])", self.len)
    }
}

/// A code with a space between its digit groups, as an agent reads it aloud.
#[derive(Clone)]
pub struct GroupedCode {
    text: [u8; MAX_GROUPED_LEN],
    len: u8,
}

impl GroupedCode {
    /// The grouped code, for example "482 913".
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.text[..usize::from(self.len)]).unwrap_or_default()
    }
}

impl Drop for GroupedCode {
    fn drop(&mut self) {
        self.text.zeroize();
    }
}

impl core::fmt::Debug for GroupedCode {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("GroupedCode([REDACTED])")
    }
}

/// Parses what a person typed: exactly `expected` (at most [`MAX_CODE_LEN`]) ASCII digits,
/// optionally grouped by spaces or dashes, with spaces around it allowed (see
/// [`Code::parse_entry`]). The digits come back at the start of a buffer.
pub(crate) fn parse_digits(entry: &str, expected: usize) -> Result<[u8; MAX_CODE_LEN], Error> {
    let mut buffer = [b'0'; MAX_CODE_LEN];
    // The common case, digits only, without the walk below.
    if entry.len() == expected && entry.bytes().all(|byte| byte.is_ascii_digit()) {
        buffer[..expected].copy_from_slice(entry.as_bytes());
        return Ok(buffer);
    }
    let trimmed_start = entry.len() - entry.trim_start_matches(' ').len();
    let core = entry.trim_matches(' ');
    let offset = entry[..trimmed_start].chars().count();
    let mut count = 0usize;
    let mut previous_was_digit = false;
    let char_count = core.chars().count();
    for (index, character) in core.chars().enumerate() {
        let position = offset + index;
        match character {
            '0'..='9' => {
                if count < expected {
                    buffer[count] = character as u8;
                }
                count += 1;
                previous_was_digit = true;
            }
            ' ' | '-' if index > 0 && index + 1 < char_count => {
                // A separator must sit between digit groups; a dash may not follow a dash.
                if character == '-' && !previous_was_digit {
                    buffer.zeroize();
                    return Err(Error::InvalidCodeCharacter {
                        character,
                        position,
                    });
                }
                previous_was_digit = false;
            }
            _ => {
                buffer.zeroize();
                return Err(Error::InvalidCodeCharacter {
                    character,
                    position,
                });
            }
        }
    }
    if count != expected {
        buffer.zeroize();
        return Err(Error::InvalidCodeLength {
            expected: u32::try_from(expected).unwrap_or(u32::MAX),
            actual: count,
        });
    }
    Ok(buffer)
}

/// RFC 4226 section 5.3 dynamic truncation: the low nibble of the last byte picks four bytes,
/// whose value without the top bit is the result. Works for every HMAC length.
pub(crate) fn dynamic_truncation(tag: &[u8]) -> u32 {
    let offset = usize::from(tag[tag.len() - 1] & 0x0f);
    u32::from_be_bytes([
        tag[offset] & 0x7f,
        tag[offset + 1],
        tag[offset + 2],
        tag[offset + 3],
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_padding_and_grouping() {
        let digits = Digits::new(6).unwrap();
        let code = Code::from_value(51628, digits);
        assert_eq!(code.as_str(), "051628");
        assert_eq!(code.grouped().as_str(), "051 628");
        let code = Code::from_value(4_659_476, Digits::new(8).unwrap());
        assert_eq!(code.as_str(), "04659476");
        assert_eq!(code.grouped().as_str(), "0465 9476");
        let code = Code::from_value(1_234_567, Digits::new(7).unwrap());
        assert_eq!(code.grouped().as_str(), "123 4567");
    }

    #[test]
    fn entries_accept_groups_and_reject_the_rest() {
        for good in [
            "482913",
            "482 913",
            "482-913",
            " 482 913 ",
            "48 29 13",
            "482  913",
        ] {
            assert_eq!(
                Code::parse_entry(good, 6).unwrap().as_str(),
                "482913",
                "{good:?}"
            );
        }
        assert!(matches!(
            Code::parse_entry("48a913", 6),
            Err(Error::InvalidCodeCharacter {
                character: 'a',
                position: 2
            })
        ));
        assert!(matches!(
            Code::parse_entry("-482913", 6),
            Err(Error::InvalidCodeCharacter {
                character: '-',
                position: 0
            })
        ));
        assert!(matches!(
            Code::parse_entry("482--913", 6),
            Err(Error::InvalidCodeCharacter {
                character: '-',
                position: 4
            })
        ));
        assert!(matches!(
            Code::parse_entry("48291", 6),
            Err(Error::InvalidCodeLength {
                expected: 6,
                actual: 5
            })
        ));
        assert!(matches!(
            Code::parse_entry("4829134", 6),
            Err(Error::InvalidCodeLength {
                expected: 6,
                actual: 7
            })
        ));
        assert!(matches!(
            Code::parse_entry("", 6),
            Err(Error::InvalidCodeLength {
                expected: 6,
                actual: 0
            })
        ));
        assert!(matches!(
            Code::parse_entry("４８２９１３", 6),
            Err(Error::InvalidCodeCharacter { position: 0, .. })
        ));
        assert!(matches!(
            Code::parse_entry("482913", 9),
            Err(Error::InvalidDigits { digits: 9 })
        ));
    }

    #[test]
    fn debug_hides_digits() {
        let code = Code::from_value(913_441, Digits::new(6).unwrap());
        assert!(!format!("{code:?}").contains("913"));
        assert!(!format!("{:?}", code.grouped()).contains("913"));
    }
}

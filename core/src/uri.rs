//! Percent-encoding and query parsing shared by the otpauth:// and callsign:// formats.

use crate::error::Error;
use zeroize::Zeroizing;

/// How strictly a value is decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Strictness {
    /// Only unreserved characters and `%XX` escapes (callsign://, which we emit ourselves).
    Strict,
    /// Every character but ASCII control characters as it is (a raw space is a space, raw
    /// UTF-8 is itself), and `+` as a space in query values (otpauth://, which many generators
    /// write loosely).
    Lenient { plus_is_space: bool },
}

/// Percent-decodes `raw`, which starts at byte `offset` of the whole URI, into UTF-8.
pub(crate) fn decode(
    raw: &str,
    offset: usize,
    strictness: Strictness,
) -> Result<Zeroizing<String>, Error> {
    let bytes = raw.as_bytes();
    let mut out = Zeroizing::new(Vec::with_capacity(bytes.len()));
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        match byte {
            b'%' => {
                let high = bytes.get(index + 1).and_then(|b| hex_value(*b));
                let low = bytes.get(index + 2).and_then(|b| hex_value(*b));
                match (high, low) {
                    // A NUL would cut the text short wherever it is read as a C string.
                    (Some(0), Some(0)) => {
                        return Err(Error::UriEncoding {
                            position: offset + index,
                            reason: "%00 (a NUL character) is not allowed",
                        });
                    }
                    (Some(high), Some(low)) => out.push(high << 4 | low),
                    _ => {
                        return Err(Error::UriEncoding {
                            position: offset + index,
                            reason: "% must be followed by two hex digits",
                        });
                    }
                }
                index += 3;
                continue;
            }
            b'+' if strictness
                == (Strictness::Lenient {
                    plus_is_space: true,
                }) =>
            {
                out.push(b' ');
            }
            _ if is_unreserved(byte) => out.push(byte),
            _ if matches!(strictness, Strictness::Lenient { .. }) && !byte.is_ascii_control() => {
                out.push(byte);
            }
            _ => {
                return Err(Error::UriEncoding {
                    position: offset + index,
                    reason: if byte.is_ascii_control() {
                        "control characters are not allowed"
                    } else {
                        "character must be percent-encoded"
                    },
                });
            }
        }
        index += 1;
    }
    match String::from_utf8(core::mem::take(&mut *out)) {
        Ok(text) => Ok(Zeroizing::new(text)),
        Err(error) => {
            let mut bytes = error.into_bytes();
            zeroize::Zeroize::zeroize(&mut bytes);
            Err(Error::UriEncoding {
                position: offset,
                reason: "percent-encoded bytes are not UTF-8",
            })
        }
    }
}

/// The length of [`encode`]'s output for `text`.
pub(crate) fn encoded_len(text: &str) -> usize {
    text.bytes()
        .map(|byte| if is_unreserved(byte) { 1 } else { 3 })
        .sum()
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
pub(crate) fn encode(text: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(text.len());
    for &byte in text.as_bytes() {
        if is_unreserved(byte) {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
    }
    out
}

/// The longest URI accepted, in bytes (`otpauth://` and `callsign://enroll` alike).
///
/// Real otpauth:// URIs, image links included, stay far below it; the bound keeps a hostile
/// input from costing more than a few microseconds.
pub const MAX_URI_LEN: usize = 8192;

/// The most query parameters a URI may have (`otpauth://` and `callsign://enroll` alike).
pub const MAX_URI_PARAMETERS: usize = 64;

/// Refuses a URI longer than [`MAX_URI_LEN`] before anything else looks at it.
pub(crate) fn check_length(text: &str) -> Result<(), Error> {
    if text.len() > MAX_URI_LEN {
        return Err(Error::UriTooLong {
            len: text.len(),
            max: MAX_URI_LEN,
        });
    }
    Ok(())
}

/// One `name=value` pair of a query, with the byte offset of its value in the URI.
#[derive(Debug)]
pub(crate) struct Parameter<'a> {
    pub name: &'a str,
    pub raw_value: &'a str,
    pub value_offset: usize,
}

/// The parameters of a query, one at a time: each pair is split off only when asked for, so a
/// caller that refuses a parameter stops the scan there. Linear in the query's length; the
/// pair after the [`MAX_URI_PARAMETERS`]th is an error.
#[derive(Debug)]
pub(crate) struct Parameters<'a> {
    rest: Option<&'a str>,
    position: usize,
    count: usize,
}

/// Splits a query (starting at byte `offset` of the URI) into parameters, lazily; an empty
/// query has none. Duplicates are the caller's to find (see [`set_once`]).
pub(crate) fn parameters(query: &str, offset: usize) -> Parameters<'_> {
    Parameters {
        rest: (!query.is_empty()).then_some(query),
        position: offset,
        count: 0,
    }
}

impl<'a> Iterator for Parameters<'a> {
    type Item = Result<Parameter<'a>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let rest = self.rest?;
        let (pair, tail) = match rest.split_once('&') {
            Some((pair, tail)) => (pair, Some(tail)),
            None => (rest, None),
        };
        self.count += 1;
        if self.count > MAX_URI_PARAMETERS {
            self.rest = None;
            return Some(Err(Error::UriTooManyParameters {
                max: MAX_URI_PARAMETERS,
            }));
        }
        let Some((name, raw_value)) = pair.split_once('=') else {
            self.rest = None;
            return Some(Err(Error::UriEncoding {
                position: self.position,
                reason: "query parameter without '='",
            }));
        };
        let parameter = Parameter {
            name,
            raw_value,
            value_offset: self.position + name.len() + 1,
        };
        self.position += pair.len() + 1;
        self.rest = tail;
        Some(Ok(parameter))
    }
}

/// Stores the value of the parameter `name`, refusing a second occurrence at once.
pub(crate) fn set_once<T>(slot: &mut Option<T>, name: &'static str, value: T) -> Result<(), Error> {
    if slot.is_some() {
        return Err(Error::UriDuplicateParameter {
            name: name.to_owned(),
        });
    }
    *slot = Some(value);
    Ok(())
}

/// The longest parameter name that errors show as it is.
const SHOWN_NAME_LEN: usize = 16;

/// An untrusted parameter name as errors and `Debug` may show it: in full when it is short and
/// made of unreserved characters only, else only its length. A long or odd "name" is often a
/// pasted secret or a mangled URI, so none of its characters are echoed.
pub(crate) fn shown_name(name: &str) -> String {
    if name.len() <= SHOWN_NAME_LEN && name.bytes().all(is_unreserved) {
        name.to_owned()
    } else {
        format!("[{} bytes, not shown]", name.len())
    }
}

/// Parses a decimal parameter value with no sign, no spaces and no leading `+`.
pub(crate) fn parse_decimal<T: core::str::FromStr>(
    name: &'static str,
    value: &str,
) -> Result<T, Error> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::UriInvalidParameter {
            name,
            reason: format!("{:?} is not a decimal number", truncate(value)),
        });
    }
    value.parse().map_err(|_| Error::UriInvalidParameter {
        name,
        reason: format!("{:?} is out of range", truncate(value)),
    })
}

/// At most 64 characters of untrusted text, for error messages.
pub(crate) fn truncate(text: &str) -> String {
    text.chars().take(64).collect()
}

/// Whether `byte` is one of RFC 3986's unreserved characters (never percent-encoded).
pub(crate) fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
}

fn hex_value(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_errors() {
        let text = "ACME Co: Ünïcode & more+/";
        let encoded = encode(text);
        assert_eq!(
            decode(&encoded, 0, Strictness::Strict).unwrap().as_str(),
            text
        );
        assert!(matches!(
            decode("a%2", 10, Strictness::Strict),
            Err(Error::UriEncoding { position: 11, .. })
        ));
        assert!(matches!(
            decode("a b", 0, Strictness::Strict),
            Err(Error::UriEncoding { position: 1, .. })
        ));
        assert_eq!(
            decode(
                "a+b",
                0,
                Strictness::Lenient {
                    plus_is_space: true
                }
            )
            .unwrap()
            .as_str(),
            "a b"
        );
        assert!(matches!(
            decode("%FF", 0, Strictness::Strict),
            Err(Error::UriEncoding { .. })
        ));
    }
}

//! Percent-encoding and query parsing shared by the otpauth:// and callsign:// formats.

use crate::Error;
use zeroize::Zeroizing;

/// How strictly a value is decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Strictness {
    /// Only unreserved characters and `%XX` escapes (callsign://, which we emit ourselves).
    Strict,
    /// Also other printable characters as they are, and `+` as a space in query values
    /// (otpauth://, which many generators write loosely).
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
            _ if matches!(strictness, Strictness::Lenient { .. })
                && (0x21..0x7f).contains(&byte) =>
            {
                out.push(byte);
            }
            _ => {
                return Err(Error::UriEncoding {
                    position: offset + index,
                    reason: "character must be percent-encoded",
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

/// One `name=value` pair of a query, with the byte offset of its value in the URI.
#[derive(Debug)]
pub(crate) struct Parameter<'a> {
    pub name: &'a str,
    pub raw_value: &'a str,
    pub value_offset: usize,
}

/// Splits a query (starting at byte `offset` of the URI) into parameters; rejects duplicated
/// names and parameters without `=`.
pub(crate) fn parameters(query: &str, offset: usize) -> Result<Vec<Parameter<'_>>, Error> {
    let mut parameters: Vec<Parameter<'_>> = Vec::new();
    let mut position = offset;
    for pair in query.split('&') {
        let Some((name, raw_value)) = pair.split_once('=') else {
            return Err(Error::UriEncoding {
                position,
                reason: "query parameter without '='",
            });
        };
        if parameters
            .iter()
            .any(|seen| seen.name.eq_ignore_ascii_case(name))
        {
            return Err(Error::UriDuplicateParameter {
                name: name.chars().take(64).collect(),
            });
        }
        parameters.push(Parameter {
            name,
            raw_value,
            value_offset: position + name.len() + 1,
        });
        position += pair.len() + 1;
    }
    Ok(parameters)
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

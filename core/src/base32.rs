//! RFC 4648 base32, as people paste it: case, spaces, hyphens and `=` padding are accepted on
//! input; output is upper case without padding.

use crate::error::Error;
use zeroize::Zeroizing;

const ALPHABET: base32::Alphabet = base32::Alphabet::Rfc4648 { padding: false };

/// Encodes `bytes` as upper-case RFC 4648 base32 without padding.
pub fn encode(bytes: &[u8]) -> String {
    base32::encode(ALPHABET, bytes)
}

/// Encodes secret bytes like [`encode`], leaving no unwiped copy on the heap: the output is
/// allocated once at its final size and every temporary is zeroized.
pub fn encode_secret(bytes: &[u8]) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::with_capacity(bytes.len().div_ceil(5) * 8));
    for chunk in bytes.chunks(5) {
        // A whole 5-byte group encodes to exactly 8 symbols, which the crate writes into a
        // buffer it allocates large enough up front; a short last group is zero-padded (as the
        // crate itself does) and its extra symbols dropped.
        let mut group = Zeroizing::new([0u8; 5]);
        group[..chunk.len()].copy_from_slice(chunk);
        let symbols = Zeroizing::new(base32::encode(ALPHABET, group.as_slice()));
        let used = (chunk.len() * 8).div_ceil(5);
        out.push_str(&symbols[..used]);
    }
    out
}

/// Decodes RFC 4648 base32, ignoring case, spaces and hyphens, and accepting trailing `=`.
///
/// Any other character is an error naming its position (counted in characters of `text`);
/// so is a length that cannot encode whole bytes. The unused low bits of the last symbol are
/// ignored, as nearly every other decoder does (RFC 4648 section 3.5 lets a decoder refuse
/// them, but base32 strings made by common random generators carry them); [`encode`] always
/// writes them as zero. The result and every intermediate copy are zeroized when dropped.
pub fn decode(text: &str) -> Result<Zeroizing<Vec<u8>>, Error> {
    let mut symbols = Zeroizing::new(String::with_capacity(text.len()));
    let mut padding_seen = false;
    for (position, character) in text.chars().enumerate() {
        match character {
            ' ' | '-' => {}
            '=' => padding_seen = true,
            'a'..='z' | 'A'..='Z' | '2'..='7' if !padding_seen => {
                symbols.push(character.to_ascii_uppercase());
            }
            _ => {
                return Err(Error::InvalidBase32Character {
                    character,
                    position,
                });
            }
        }
    }
    let count = symbols.len();
    if matches!(count % 8, 1 | 3 | 6) {
        return Err(Error::InvalidBase32Length { symbols: count });
    }
    // The crate ignores the unused low bits of the last symbol.
    base32::decode(ALPHABET, &symbols)
        .map(Zeroizing::new)
        .ok_or(Error::InvalidBase32Length { symbols: count })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4648_vectors() {
        let cases: [(&str, &str); 7] = [
            ("", ""),
            ("f", "MY"),
            ("fo", "MZXQ"),
            ("foo", "MZXW6"),
            ("foob", "MZXW6YQ"),
            ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI"),
        ];
        for (plain, encoded) in cases {
            assert_eq!(encode(plain.as_bytes()), encoded);
            assert_eq!(decode(encoded).unwrap().as_slice(), plain.as_bytes());
        }
        assert_eq!(decode("MZXW6YQ=").unwrap().as_slice(), b"foob");
        assert_eq!(decode("mzxw-6ytb oi======").unwrap().as_slice(), b"foobar");
    }

    #[test]
    fn errors_name_the_position() {
        assert_eq!(
            decode("MZX1"),
            Err(Error::InvalidBase32Character {
                character: '1',
                position: 3
            })
        );
        assert_eq!(
            decode("MZ=XW"),
            Err(Error::InvalidBase32Character {
                character: 'X',
                position: 3
            })
        );
        assert_eq!(
            decode("MZX"),
            Err(Error::InvalidBase32Length { symbols: 3 })
        );
        assert_eq!(
            decode("MZ_"),
            Err(Error::InvalidBase32Character {
                character: '_',
                position: 2
            })
        );
        assert_eq!(decode("MY"), Ok(Zeroizing::new(b"f".to_vec())));
    }

    #[test]
    fn trailing_bits_are_ignored_and_encode_stays_canonical() {
        // "MZ" and "MY" differ only in the unused low bits of the last symbol.
        for (loose, canonical, bytes) in [
            ("MZ", "MY", &b"f"[..]),
            ("MZXR", "MZXQ", b"fo"),
            ("MZXW7", "MZXW6", b"foo"),
            ("MZXW6YR", "MZXW6YQ", b"foob"),
            ("mzxw6ytboj", "MZXW6YTBOI", b"foobar"),
        ] {
            let decoded = decode(loose).unwrap();
            assert_eq!(decoded.as_slice(), bytes, "{loose}");
            assert_eq!(encode(&decoded), canonical, "{loose}");
            assert_eq!(encode_secret(&decoded).as_str(), canonical, "{loose}");
        }
    }
}

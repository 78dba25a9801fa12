//! The HMAC hash algorithms of RFC 4226 and RFC 6238.

use crate::Error;

/// The hash function under the HMAC: SHA-1 (RFC 4226's default), SHA-256 or SHA-512.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Algorithm {
    /// HMAC-SHA-1, the default of RFC 4226 and of the otpauth:// format.
    #[default]
    Sha1,
    /// HMAC-SHA-256, used by the callsign profile.
    Sha256,
    /// HMAC-SHA-512.
    Sha512,
}

impl Algorithm {
    /// Every algorithm.
    pub const ALL: [Algorithm; 3] = [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512];

    /// The canonical upper-case name, as written in otpauth:// URIs ("SHA1").
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Sha1 => "SHA1",
            Algorithm::Sha256 => "SHA256",
            Algorithm::Sha512 => "SHA512",
        }
    }

    /// The length of the HMAC output in bytes.
    pub fn output_len(self) -> usize {
        match self {
            Algorithm::Sha1 => 20,
            Algorithm::Sha256 => 32,
            Algorithm::Sha512 => 64,
        }
    }

    /// The secret length this crate generates for the algorithm (its output length).
    pub fn recommended_secret_len(self) -> usize {
        self.output_len()
    }
}

impl core::str::FromStr for Algorithm {
    type Err = Error;

    /// Parses "SHA1", "sha256", "SHA-512" and the like, case-insensitively.
    fn from_str(name: &str) -> Result<Self, Error> {
        // The canonical spellings first, as whole-string compares: the one-shot functions of
        // the bindings parse their default ("sha1") on every call.
        if let "sha1" | "SHA1" = name {
            return Ok(Algorithm::Sha1);
        }
        if let "sha256" | "SHA256" = name {
            return Ok(Algorithm::Sha256);
        }
        if let "sha512" | "SHA512" = name {
            return Ok(Algorithm::Sha512);
        }
        // Compared in place: no allocation on the per-call path of the one-shot functions.
        let names: [(&str, &str, Algorithm); 3] = [
            ("SHA1", "SHA-1", Algorithm::Sha1),
            ("SHA256", "SHA-256", Algorithm::Sha256),
            ("SHA512", "SHA-512", Algorithm::Sha512),
        ];
        names
            .into_iter()
            .find(|(plain, dashed, _)| {
                name.eq_ignore_ascii_case(plain) || name.eq_ignore_ascii_case(dashed)
            })
            .map(|(_, _, algorithm)| algorithm)
            .ok_or_else(|| Error::UnsupportedAlgorithm {
                name: name.chars().take(32).collect(),
            })
    }
}

impl core::fmt::Display for Algorithm {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::Algorithm;

    /// The whole-string fast path and the case-insensitive search agree on every spelling.
    #[test]
    fn every_spelling_parses_to_its_algorithm() {
        for (spellings, algorithm) in [
            (["sha1", "SHA1", "Sha1", "sha-1", "SHA-1"], Algorithm::Sha1),
            (
                ["sha256", "SHA256", "Sha256", "sha-256", "SHA-256"],
                Algorithm::Sha256,
            ),
            (
                ["sha512", "SHA512", "sHa512", "sha-512", "SHA-512"],
                Algorithm::Sha512,
            ),
        ] {
            for spelling in spellings {
                assert_eq!(
                    spelling.parse::<Algorithm>().ok(),
                    Some(algorithm),
                    "{spelling}"
                );
            }
        }
        for bad in ["", "sha", "sha1 ", "sha384", "md5", "sha_1"] {
            assert!(bad.parse::<Algorithm>().is_err(), "{bad:?}");
        }
    }
}

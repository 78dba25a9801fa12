//! The otpauth:// Key Uri Format (Google Authenticator) for plain HOTP and TOTP accounts.

use crate::algorithm::Algorithm;
use crate::error::Error;
use crate::otp::{Hotp, Totp};
use crate::secret::Secret;
use crate::uri::{self, Strictness};
use core::fmt::Write;
use zeroize::Zeroizing;

const SCHEME: &str = "otpauth://";
/// The parameters the format defines; every other one is kept as an extra parameter.
const DEFINED_PARAMETERS: [&str; 6] = [
    "secret",
    "issuer",
    "algorithm",
    "digits",
    "period",
    "counter",
];

/// Whether the account counts time steps or events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OtpKind {
    /// TOTP with a period in seconds.
    Totp {
        /// The time step in seconds (default 30).
        period: u64,
    },
    /// HOTP with the counter the next code is for (0 is a valid counter).
    Hotp {
        /// The counter.
        counter: u64,
    },
}

/// A parsed otpauth:// URI.
///
/// Parsing then emitting gives back the same URI for URIs in the canonical form that
/// [`OtpAuthUri::to_uri_string`] writes; emitting then parsing always gives back the same value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtpAuthUri {
    /// TOTP (with period) or HOTP (with counter).
    pub kind: OtpKind,
    /// The service provider, from the label and/or the issuer parameter.
    pub issuer: Option<String>,
    /// The account name from the label.
    pub account: String,
    /// The shared secret.
    pub secret: Secret,
    /// The hash algorithm (default SHA1).
    pub algorithm: Algorithm,
    /// The digit count (default 6).
    pub digits: u32,
    /// Parameters the format does not define (such as `image`), kept in order so that nothing
    /// is lost.
    pub extra_parameters: Vec<(String, String)>,
}

impl OtpAuthUri {
    /// The format's default algorithm (what a URI without `algorithm=` means).
    pub const DEFAULT_ALGORITHM: Algorithm = Algorithm::Sha1;
    /// The format's default digit count.
    pub const DEFAULT_DIGITS: u32 = 6;
    /// The format's default TOTP period in seconds.
    pub const DEFAULT_PERIOD: u64 = 30;

    /// A TOTP account with the format's defaults (SHA1, 6 digits, 30 s).
    pub fn totp(issuer: Option<&str>, account: &str, secret: Secret) -> Result<OtpAuthUri, Error> {
        OtpAuthUri::new(
            OtpKind::Totp {
                period: OtpAuthUri::DEFAULT_PERIOD,
            },
            issuer,
            account,
            secret,
            OtpAuthUri::DEFAULT_ALGORITHM,
            OtpAuthUri::DEFAULT_DIGITS,
            Vec::new(),
        )
    }

    /// An account with every field given, checked by [`OtpAuthUri::validate`] (so that it
    /// emits a URI that parses back to it).
    pub fn new(
        kind: OtpKind,
        issuer: Option<&str>,
        account: &str,
        secret: Secret,
        algorithm: Algorithm,
        digits: u32,
        extra_parameters: Vec<(String, String)>,
    ) -> Result<OtpAuthUri, Error> {
        let uri = OtpAuthUri {
            kind,
            issuer: issuer.map(str::to_owned),
            account: account.to_owned(),
            secret,
            algorithm,
            digits,
            extra_parameters,
        };
        uri.validate()?;
        Ok(uri)
    }

    /// Parses an otpauth:// URI, leniently where the input is unambiguous.
    ///
    /// Accepted: the label as `issuer:account` with a literal or `%3A` colon and optional
    /// spaces after it, an empty issuer before the colon (`:alice`, read as no issuer); an
    /// issuer parameter (which must equal the label's issuer when both exist; an empty one is
    /// no issuer); the algorithm in any case; raw spaces, raw UTF-8 and other characters that
    /// should have been percent-encoded, everywhere; `+` as a space in parameter values;
    /// parameters the format does not define (kept in [`OtpAuthUri::extra_parameters`],
    /// repeats included, and otherwise ignored). Rejected with a typed error: a URI longer
    /// than [`crate::MAX_URI_LEN`] or with more than [`crate::MAX_URI_PARAMETERS`] parameters,
    /// control characters, another scheme or type, a missing or malformed secret, digits
    /// outside 6..=8, period 0, a hotp URI without counter, `period` on hotp or `counter` on
    /// totp, a duplicated defined parameter, an unknown parameter whose name needs
    /// percent-encoding or differs from a defined one only in case (either could hide a
    /// defined parameter, such as `Algorithm=SHA256`, that would otherwise be dropped).
    /// Parsing stops at the first refused parameter and takes time linear in the input.
    pub fn parse(text: &str) -> Result<OtpAuthUri, Error> {
        uri::check_length(text)?;
        let rest =
            strip_prefix_ignore_case(text, SCHEME).ok_or(Error::UriScheme { expected: SCHEME })?;
        let (type_and_label, query, query_offset) = match rest.split_once('?') {
            Some((head, query)) => (head, query, SCHEME.len() + head.len() + 1),
            None => (rest, "", text.len()),
        };
        let (kind_name, raw_label) = type_and_label.split_once('/').ok_or(Error::UriLabel {
            reason: "missing '/' and label after the type",
        })?;
        let is_totp = if kind_name.eq_ignore_ascii_case("totp") {
            true
        } else if kind_name.eq_ignore_ascii_case("hotp") {
            false
        } else {
            return Err(Error::UriType {
                found: uri::truncate(kind_name),
            });
        };
        let label_offset = SCHEME.len() + kind_name.len() + 1;
        let label = uri::decode(
            raw_label,
            label_offset,
            Strictness::Lenient {
                plus_is_space: false,
            },
        )?;
        let (label_issuer, account) = split_label(&label)?;

        let Fields {
            secret,
            issuer: issuer_parameter,
            algorithm,
            digits,
            period,
            counter,
            extra_parameters,
        } = Fields::parse(query, query_offset, kind_name, is_totp)?;
        // An empty issuer, in the label or as a parameter, is no issuer.
        let issuer_parameter = issuer_parameter.filter(|issuer| !issuer.is_empty());
        let issuer = match (label_issuer, issuer_parameter) {
            (Some(label), Some(parameter)) if label != parameter => {
                return Err(Error::UriIssuerMismatch { label, parameter });
            }
            (label, parameter) => parameter.or(label),
        };
        let kind = if is_totp {
            OtpKind::Totp {
                period: period.unwrap_or(OtpAuthUri::DEFAULT_PERIOD),
            }
        } else {
            OtpKind::Hotp {
                counter: counter.ok_or(Error::UriMissingParameter { name: "counter" })?,
            }
        };
        let uri = OtpAuthUri {
            kind,
            issuer,
            account,
            secret: secret.ok_or(Error::UriMissingParameter { name: "secret" })?,
            algorithm: algorithm.unwrap_or(OtpAuthUri::DEFAULT_ALGORITHM),
            digits: digits.unwrap_or(OtpAuthUri::DEFAULT_DIGITS),
            extra_parameters,
        };
        uri.validate()?;
        Ok(uri)
    }

    /// Writes the canonical URI: `otpauth://TYPE/ISSUER:ACCOUNT?secret=..&issuer=..&algorithm=..
    /// &digits=..&period=..` (or `counter=..`), then the extra parameters. Every parameter is
    /// written, defaults included. The result holds the secret and is zeroized on drop.
    pub fn to_uri_string(&self) -> Result<Zeroizing<String>, Error> {
        self.validate()?;
        // Sized exactly up front so that the buffer never grows (growing would leave a copy
        // of the secret behind in freed memory).
        let mut out = Zeroizing::new(String::with_capacity(self.canonical_len()));
        out.push_str(SCHEME);
        out.push_str(match self.kind {
            OtpKind::Totp { .. } => "totp/",
            OtpKind::Hotp { .. } => "hotp/",
        });
        if let Some(issuer) = &self.issuer {
            out.push_str(&uri::encode(issuer));
            out.push(':');
        }
        out.push_str(&uri::encode(&self.account));
        out.push_str("?secret=");
        out.push_str(&self.secret.to_base32());
        if let Some(issuer) = &self.issuer {
            out.push_str("&issuer=");
            out.push_str(&uri::encode(issuer));
        }
        out.push_str("&algorithm=");
        out.push_str(self.algorithm.as_str());
        let _ = write!(out, "&digits={}", self.digits);
        let _ = match self.kind {
            OtpKind::Totp { period } => write!(out, "&period={period}"),
            OtpKind::Hotp { counter } => write!(out, "&counter={counter}"),
        };
        for (name, value) in &self.extra_parameters {
            out.push('&');
            out.push_str(&uri::encode(name));
            out.push('=');
            out.push_str(&uri::encode(value));
        }
        Ok(out)
    }

    /// A TOTP generator for this account, if it is a TOTP account.
    pub fn to_totp(&self) -> Result<Totp, Error> {
        match self.kind {
            OtpKind::Totp { period } => {
                Totp::new(&self.secret, self.algorithm, self.digits, period)
            }
            OtpKind::Hotp { .. } => Err(Error::UriType {
                found: "hotp (a TOTP account was expected)".to_owned(),
            }),
        }
    }

    /// An HOTP generator for this account, if it is an HOTP account.
    pub fn to_hotp(&self) -> Result<Hotp, Error> {
        match self.kind {
            OtpKind::Hotp { .. } => Hotp::new(&self.secret, self.algorithm, self.digits),
            OtpKind::Totp { .. } => Err(Error::UriType {
                found: "totp (an HOTP account was expected)".to_owned(),
            }),
        }
    }

    /// The exact length in bytes of what [`OtpAuthUri::to_uri_string`] writes.
    fn canonical_len(&self) -> usize {
        fn decimal_len(mut value: u64) -> usize {
            let mut len = 1;
            while value >= 10 {
                value /= 10;
                len += 1;
            }
            len
        }
        let issuer = self
            .issuer
            .as_deref()
            .map_or(0, |issuer| 2 * uri::encoded_len(issuer) + ":&issuer=".len());
        let kind = match self.kind {
            OtpKind::Totp { period } => "totp/&period=".len() + decimal_len(period),
            OtpKind::Hotp { counter } => "hotp/&counter=".len() + decimal_len(counter),
        };
        let extra: usize = self
            .extra_parameters
            .iter()
            .map(|(name, value)| 2 + uri::encoded_len(name) + uri::encoded_len(value))
            .sum();
        SCHEME.len()
            + kind
            + issuer
            + uri::encoded_len(&self.account)
            + "?secret=".len()
            + (self.secret.len() * 8).div_ceil(5)
            + "&algorithm=".len()
            + self.algorithm.as_str().len()
            + "&digits=".len()
            + decimal_len(u64::from(self.digits))
            + extra
    }

    /// Checks the fields the way parsing does: digits 6..=8, a non-zero period, a non-empty
    /// account without colon, an issuer without colon, extra parameter names that need no
    /// percent-encoding and are no defined name in any case, and a canonical URI within
    /// [`crate::MAX_URI_LEN`] and [`crate::MAX_URI_PARAMETERS`] (so that whatever is emitted
    /// parses back).
    pub fn validate(&self) -> Result<(), Error> {
        crate::code::Digits::new(self.digits)?;
        if let OtpKind::Totp { period: 0 } = self.kind {
            return Err(Error::ZeroPeriod);
        }
        if self.account.trim().is_empty() {
            return Err(Error::UriLabel {
                reason: "the account name is empty",
            });
        }
        if self.account.contains(':') || self.account.starts_with(' ') {
            return Err(Error::UriLabel {
                reason: "the account name must not contain ':' or start with a space",
            });
        }
        if let Some(issuer) = &self.issuer
            && (issuer.is_empty() || issuer.contains(':'))
        {
            return Err(Error::UriLabel {
                reason: "the issuer must be non-empty and must not contain ':'",
            });
        }
        // Extra parameters are written back verbatim after the defined ones, so a name must
        // need no percent-encoding and must not be taken, in any case, by a defined parameter:
        // otherwise the emitted URI would not parse back to this value. Repeats are fine: they
        // come back in order.
        for (name, _) in &self.extra_parameters {
            check_extra_name(name)?;
        }
        // Every defined parameter is written, so the canonical form may hold more parameters
        // than the input did.
        let parameters = 4 + usize::from(self.issuer.is_some()) + self.extra_parameters.len();
        if parameters > uri::MAX_URI_PARAMETERS {
            return Err(Error::UriTooManyParameters {
                max: uri::MAX_URI_PARAMETERS,
            });
        }
        let len = self.canonical_len();
        if len > uri::MAX_URI_LEN {
            return Err(Error::UriTooLong {
                len,
                max: uri::MAX_URI_LEN,
            });
        }
        Ok(())
    }
}

/// Refuses a parameter name the format does not define when it could stand for a defined one:
/// one that needs percent-encoding, or one that differs from a defined name only in case.
fn check_extra_name(name: &str) -> Result<(), Error> {
    let taken = DEFINED_PARAMETERS
        .into_iter()
        .any(|defined| defined.eq_ignore_ascii_case(name));
    if taken || name.is_empty() || !name.bytes().all(uri::is_unreserved) {
        return Err(Error::UriUnknownParameter {
            name: uri::shown_name(name),
        });
    }
    Ok(())
}

/// The query parameters of an otpauth:// URI, each read at most once.
#[derive(Default)]
struct Fields {
    secret: Option<Secret>,
    issuer: Option<String>,
    algorithm: Option<Algorithm>,
    digits: Option<u32>,
    period: Option<u64>,
    counter: Option<u64>,
    extra_parameters: Vec<(String, String)>,
}

impl Fields {
    /// Reads the query (at byte `offset` of the URI), stopping at the first refused parameter.
    fn parse(query: &str, offset: usize, kind_name: &str, is_totp: bool) -> Result<Fields, Error> {
        let mut fields = Fields::default();
        for parameter in uri::parameters(query, offset) {
            let parameter = parameter?;
            let value = uri::decode(
                parameter.raw_value,
                parameter.value_offset,
                Strictness::Lenient {
                    plus_is_space: true,
                },
            )?;
            match parameter.name {
                "secret" => {
                    uri::set_once(&mut fields.secret, "secret", Secret::from_base32(&value)?)?;
                }
                "issuer" => uri::set_once(&mut fields.issuer, "issuer", value.to_string())?,
                "algorithm" => uri::set_once(&mut fields.algorithm, "algorithm", value.parse()?)?,
                "digits" => {
                    let digits = uri::parse_decimal("digits", &value)?;
                    uri::set_once(&mut fields.digits, "digits", digits)?;
                }
                "period" if is_totp => {
                    let period = uri::parse_decimal("period", &value)?;
                    uri::set_once(&mut fields.period, "period", period)?;
                }
                "counter" if !is_totp => {
                    let counter = uri::parse_decimal("counter", &value)?;
                    uri::set_once(&mut fields.counter, "counter", counter)?;
                }
                "period" | "counter" => {
                    return Err(Error::UriInvalidParameter {
                        name: if parameter.name == "period" {
                            "period"
                        } else {
                            "counter"
                        },
                        reason: format!("does not apply to {kind_name}"),
                    });
                }
                name => {
                    check_extra_name(name)?;
                    fields
                        .extra_parameters
                        .push((name.to_owned(), value.to_string()));
                }
            }
        }
        Ok(fields)
    }
}

/// Splits a decoded label into its issuer (before the only colon) and account.
fn split_label(label: &str) -> Result<(Option<String>, String), Error> {
    let mut parts = label.split(':');
    let first = parts.next().unwrap_or_default();
    let (issuer, account) = match (parts.next(), parts.next()) {
        (None, _) => (None, first),
        (Some(account), None) => (Some(first), account.trim_start_matches(' ')),
        (Some(_), Some(_)) => {
            return Err(Error::UriLabel {
                reason: "more than one ':' in the label",
            });
        }
    };
    if account.is_empty() {
        return Err(Error::UriLabel {
            reason: "the account name is empty",
        });
    }
    // `:alice` (or `%3Aalice`) is unambiguous: no issuer.
    let issuer = issuer.filter(|issuer| !issuer.is_empty());
    Ok((issuer.map(str::to_owned), account.to_owned()))
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    #[test]
    fn parses_the_common_forms() {
        let uri = OtpAuthUri::parse(&format!(
            "otpauth://totp/ACME%20Co:john.doe@email.com?secret={SECRET}&issuer=ACME+Co&algorithm=sha256&digits=8&period=60"
        ))
        .unwrap();
        assert_eq!(uri.issuer.as_deref(), Some("ACME Co"));
        assert_eq!(uri.account, "john.doe@email.com");
        assert_eq!(uri.algorithm, Algorithm::Sha256);
        assert_eq!(uri.digits, 8);
        assert_eq!(uri.kind, OtpKind::Totp { period: 60 });

        let uri = OtpAuthUri::parse(&format!(
            "otpauth://hotp/Example%3A%20alice?secret={SECRET}&counter=0"
        ))
        .unwrap();
        assert_eq!(uri.issuer.as_deref(), Some("Example"));
        assert_eq!(uri.account, "alice");
        assert_eq!(uri.kind, OtpKind::Hotp { counter: 0 });
        assert!(uri.to_uri_string().unwrap().contains("counter=0"));
    }

    #[test]
    fn canonical_uris_round_trip_exactly() {
        let text = format!(
            "otpauth://totp/ACME%20Co:john?secret={SECRET}&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30&image=https%3A%2F%2Fexample.com%2Fi.png"
        );
        let uri = OtpAuthUri::parse(&text).unwrap();
        assert_eq!(uri.to_uri_string().unwrap().as_str(), text);
        assert_eq!(uri.canonical_len(), text.len());
        let hotp = OtpAuthUri::parse(&format!(
            "otpauth://hotp/:%C3%A9?secret={SECRET}&counter=18446744073709551615&x=%20"
        ))
        .unwrap();
        assert_eq!(hotp.canonical_len(), hotp.to_uri_string().unwrap().len());
    }

    #[test]
    fn what_parses_emits_within_the_length_bound() {
        // Raw characters grow threefold when emitted percent-encoded: such an input fits the
        // bound, but its canonical form would not, so it is refused rather than emitting a
        // URI that does not parse back.
        let account = "é".repeat(1500);
        let text = format!("otpauth://totp/{account}?secret={SECRET}");
        assert!(text.len() <= uri::MAX_URI_LEN);
        assert!(matches!(
            OtpAuthUri::parse(&text),
            Err(Error::UriTooLong { .. })
        ));
    }
}

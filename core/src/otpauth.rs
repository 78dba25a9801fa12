//! The otpauth:// Key Uri Format (Google Authenticator) for plain HOTP and TOTP accounts.

use crate::uri::{self, Strictness};
use crate::{Algorithm, Error, Hotp, Secret, Totp};
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
    /// A TOTP account with the format's defaults (SHA1, 6 digits, 30 s).
    pub fn totp(issuer: Option<&str>, account: &str, secret: Secret) -> Result<OtpAuthUri, Error> {
        let uri = OtpAuthUri {
            kind: OtpKind::Totp { period: 30 },
            issuer: issuer.map(str::to_owned),
            account: account.to_owned(),
            secret,
            algorithm: Algorithm::Sha1,
            digits: 6,
            extra_parameters: Vec::new(),
        };
        uri.validate()?;
        Ok(uri)
    }

    /// Parses an otpauth:// URI.
    ///
    /// Accepted: the label as `issuer:account` with a literal or `%3A` colon and optional
    /// spaces after it; an issuer parameter (which must equal the label's issuer when both
    /// exist); the algorithm in any case; `+` as a space in parameter values. Rejected with a
    /// typed error: another scheme or type, a missing or malformed secret, digits outside
    /// 6..=8, period 0, a hotp URI without counter, any duplicated parameter, an unknown
    /// parameter whose name needs percent-encoding or differs from a defined one only in case.
    pub fn parse(text: &str) -> Result<OtpAuthUri, Error> {
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

        let mut secret = None;
        let mut issuer_parameter = None;
        let mut algorithm = Algorithm::Sha1;
        let mut digits = 6u32;
        let mut period = None;
        let mut counter = None;
        let mut extra_parameters = Vec::new();
        let parameters = if query.is_empty() {
            Vec::new()
        } else {
            uri::parameters(query, query_offset)?
        };
        for parameter in parameters {
            let value = uri::decode(
                parameter.raw_value,
                parameter.value_offset,
                Strictness::Lenient {
                    plus_is_space: true,
                },
            )?;
            match parameter.name {
                "secret" => secret = Some(Secret::from_base32(&value)?),
                "issuer" => issuer_parameter = Some(value.to_string()),
                "algorithm" => algorithm = value.parse()?,
                "digits" => digits = uri::parse_decimal("digits", &value)?,
                "period" if is_totp => period = Some(uri::parse_decimal::<u64>("period", &value)?),
                "counter" if !is_totp => {
                    counter = Some(uri::parse_decimal::<u64>("counter", &value)?);
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
                name => extra_parameters.push((name.to_owned(), value.to_string())),
            }
        }
        let issuer = match (label_issuer, issuer_parameter) {
            (Some(label), Some(parameter)) if label != parameter => {
                return Err(Error::UriIssuerMismatch { label, parameter });
            }
            (label, parameter) => parameter.or(label),
        };
        let kind = if is_totp {
            OtpKind::Totp {
                period: period.unwrap_or(30),
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
            algorithm,
            digits,
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
        // Sized up front so that the buffer never grows (growing would leave a copy of the
        // secret behind in freed memory).
        let extra: usize = self
            .extra_parameters
            .iter()
            .map(|(name, value)| 2 + 3 * (name.len() + value.len()))
            .sum();
        let issuer = self.issuer.as_ref().map_or(0, String::len);
        let capacity =
            128 + 6 * issuer + 3 * self.account.len() + self.secret.len().div_ceil(5) * 8 + extra;
        let mut out = Zeroizing::new(String::with_capacity(capacity));
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

    /// Checks the fields the way parsing does: digits 6..=8, a non-zero period, a non-empty
    /// account without colon, an issuer without colon, extra parameter names that need no
    /// percent-encoding and do not repeat a defined or an earlier name in any case.
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
        // need no percent-encoding and must not be taken, in any case, by a defined or an
        // earlier parameter: otherwise the emitted URI would not parse back to this value.
        for (index, (name, _)) in self.extra_parameters.iter().enumerate() {
            let taken = DEFINED_PARAMETERS
                .into_iter()
                .chain(
                    self.extra_parameters[..index]
                        .iter()
                        .map(|(seen, _)| seen.as_str()),
                )
                .any(|seen| seen.eq_ignore_ascii_case(name));
            if taken || !name.bytes().all(uri::is_unreserved) {
                return Err(Error::UriUnknownParameter {
                    name: uri::truncate(name),
                });
            }
        }
        Ok(())
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
    if issuer == Some("") {
        return Err(Error::UriLabel {
            reason: "the issuer before ':' is empty",
        });
    }
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
    }
}

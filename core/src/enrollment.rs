//! The <callsign://enroll> payload that carries an account secret from the vendor to the
//! customer's app.

use crate::profile::{self, ProfileParams};
use crate::uri::{self, Strictness};
use crate::{Error, Secret};
use core::fmt::Write;
use zeroize::Zeroizing;

const PREFIX: &str = "callsign://enroll?";
/// Largest issuer name length in bytes.
pub const MAX_ISSUER_LEN: usize = 128;

/// What the customer's app needs to check agent codes: who issues them, for which account,
/// the account secret S, its epoch, and the code parameters. It never carries the master key.
#[derive(Clone, PartialEq, Eq)]
pub struct Enrollment {
    issuer: String,
    account_id: String,
    secret: Secret,
    epoch: u32,
    params: ProfileParams,
}

impl Enrollment {
    /// An enrollment; checks the issuer (1..=128 bytes) and the account id (1..=256 bytes).
    pub fn new(
        issuer: &str,
        account_id: &str,
        secret: Secret,
        epoch: u32,
        params: ProfileParams,
    ) -> Result<Enrollment, Error> {
        if issuer.is_empty() || issuer.len() > MAX_ISSUER_LEN {
            return Err(Error::UriInvalidParameter {
                name: "issuer",
                reason: format!(
                    "must have 1 to {MAX_ISSUER_LEN} bytes, got {}",
                    issuer.len()
                ),
            });
        }
        profile::check_account_id(account_id)?;
        Ok(Enrollment {
            issuer: issuer.to_owned(),
            account_id: account_id.to_owned(),
            secret,
            epoch,
            params,
        })
    }

    /// Parses `callsign://enroll?v=1&issuer=..&account=..&secret=..&epoch=..&digits=..&period=..`
    /// (and `&check=damm`).
    ///
    /// The optional `check` parameter (Addition B) is `damm` (every code carries a Damm check
    /// digit) or `none` (as when absent).
    ///
    /// Strict: every other parameter is required, in any order; unknown or duplicated parameters,
    /// a version other than 1, characters that should be percent-encoded, bad base32, and
    /// digits or period out of range are typed errors.
    pub fn parse(text: &str) -> Result<Enrollment, Error> {
        if !text.starts_with(PREFIX) {
            return Err(Error::UriScheme {
                expected: "callsign://enroll?",
            });
        }
        let query = &text[PREFIX.len()..];
        let mut version = None;
        let mut issuer = None;
        let mut account_id = None;
        let mut secret = None;
        let mut epoch = None;
        let mut digits = None;
        let mut period = None;
        let mut check_digit = false;
        for parameter in uri::parameters(query, PREFIX.len())? {
            let value = uri::decode(
                parameter.raw_value,
                parameter.value_offset,
                Strictness::Strict,
            )?;
            match parameter.name {
                "v" => version = Some(value),
                "issuer" => issuer = Some(value),
                "account" => account_id = Some(value),
                "secret" => secret = Some(value),
                "epoch" => epoch = Some(uri::parse_decimal::<u32>("epoch", &value)?),
                "digits" => digits = Some(uri::parse_decimal::<u32>("digits", &value)?),
                "period" => period = Some(uri::parse_decimal::<u64>("period", &value)?),
                "check" => check_digit = parse_check(&value)?,
                name => {
                    return Err(Error::UriUnknownParameter {
                        name: uri::truncate(name),
                    });
                }
            }
        }
        let version = version.ok_or(Error::UriMissingParameter { name: "v" })?;
        if version.as_str() != "1" {
            return Err(Error::UnsupportedVersion {
                found: uri::truncate(&version),
            });
        }
        let issuer = issuer.ok_or(Error::UriMissingParameter { name: "issuer" })?;
        let account_id = account_id.ok_or(Error::UriMissingParameter { name: "account" })?;
        let secret =
            Secret::from_base32(&secret.ok_or(Error::UriMissingParameter { name: "secret" })?)?;
        let epoch = epoch.ok_or(Error::UriMissingParameter { name: "epoch" })?;
        let params = ProfileParams::new(
            digits.ok_or(Error::UriMissingParameter { name: "digits" })?,
            period.ok_or(Error::UriMissingParameter { name: "period" })?,
        )?
        .with_check_digit(check_digit);
        Enrollment::new(&issuer, &account_id, secret, epoch, params)
    }

    /// The payload as a URI, parameters in the order of the specification. It carries the
    /// account secret and is zeroized on drop.
    pub fn to_uri_string(&self) -> Zeroizing<String> {
        // Sized up front so that the buffer never grows (growing would leave a copy of the
        // secret behind in freed memory).
        let capacity = 112
            + 3 * (self.issuer.len() + self.account_id.len())
            + self.secret.len().div_ceil(5) * 8;
        let mut out = Zeroizing::new(String::with_capacity(capacity));
        out.push_str(PREFIX);
        out.push_str("v=1&issuer=");
        out.push_str(&uri::encode(&self.issuer));
        out.push_str("&account=");
        out.push_str(&uri::encode(&self.account_id));
        out.push_str("&secret=");
        out.push_str(&self.secret.to_base32());
        // Writing to a String cannot fail.
        let _ = write!(
            out,
            "&epoch={}&digits={}&period={}",
            self.epoch,
            self.params.digits(),
            self.params.period()
        );
        if self.params.check_digit() {
            out.push_str("&check=damm");
        }
        out
    }

    /// The issuer's display name.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The account id.
    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    /// The account secret S.
    pub fn secret(&self) -> &Secret {
        &self.secret
    }

    /// The key epoch.
    pub fn epoch(&self) -> u32 {
        self.epoch
    }

    /// Digits and period.
    pub fn params(&self) -> ProfileParams {
        self.params
    }
}

/// The `check` parameter (Addition B): `damm` for a Damm check digit after every code, `none`
/// for none (as when absent); anything else is rejected.
fn parse_check(value: &str) -> Result<bool, Error> {
    match value {
        "damm" => Ok(true),
        "none" => Ok(false),
        other => Err(Error::UriInvalidParameter {
            name: "check",
            reason: format!(
                "must be \"damm\" or \"none\", got {:?}",
                uri::truncate(other)
            ),
        }),
    }
}

impl core::fmt::Debug for Enrollment {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Enrollment")
            .field("issuer", &self.issuer)
            .field("account_id", &self.account_id)
            .field("secret", &self.secret)
            .field("epoch", &self.epoch)
            .field("params", &self.params)
            .finish()
    }
}

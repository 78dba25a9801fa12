//! The <callsign://enroll> payload that carries an account secret from the vendor to the
//! customer's app.

use crate::error::Error;
use crate::profile::{self, ProfileParams};
use crate::secret::Secret;
use crate::signing::{self, EnrollmentTrust, SIGNATURE_LEN, SigningKey};
use crate::uri::{self, Strictness};
use core::fmt::Write;
use zeroize::Zeroizing;

const PREFIX: &str = "callsign://enroll?";
/// Largest issuer name length in bytes.
pub const MAX_ISSUER_LEN: usize = 128;

/// What the customer's app needs to check agent codes: who issues them, for which account,
/// the account secret S, its epoch, and the code parameters. It never carries the master key.
///
/// An app reads a received payload with [`Enrollment::from_uri`] and the vendor's pinned
/// public keys; an enrollment built in code is trusted as built.
#[derive(Clone, PartialEq, Eq)]
pub struct Enrollment {
    issuer: String,
    account_id: String,
    secret: Secret,
    epoch: u32,
    params: ProfileParams,
    signature: Option<[u8; SIGNATURE_LEN]>,
}

impl Enrollment {
    /// An enrollment; checks the issuer (1..=128 bytes) and the account id (1..=256 bytes),
    /// neither of which may hold a NUL character.
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
        for (name, text) in [("issuer", issuer), ("account", account_id)] {
            if text.contains('\0') {
                return Err(Error::UriInvalidParameter {
                    name,
                    reason: "must not contain a NUL character".to_owned(),
                });
            }
        }
        Ok(Enrollment {
            issuer: issuer.to_owned(),
            account_id: account_id.to_owned(),
            secret,
            epoch,
            params,
            signature: None,
        })
    }

    /// This enrollment signed with the vendor's enrollment signing key: its
    /// [`Enrollment::to_uri_string`] then ends with `&sig=` and the signature (Addition C).
    pub fn signed(mut self, key: &SigningKey) -> Result<Enrollment, Error> {
        self.signature = None;
        let unsigned = self.to_uri_string();
        self.signature = Some(key.sign(unsigned.as_bytes())?);
        Ok(self)
    }

    /// This enrollment signed by an external signer (an HSM or a signing service that holds
    /// the Ed25519 key): `sign` receives the exact bytes to sign and returns the signature,
    /// which is checked against `public_key` before it is attached, so a wrong key or a
    /// faulty signer is an error here rather than a refused enrollment on every device.
    pub fn signed_with<E>(
        mut self,
        public_key: &signing::VerifyingKey,
        sign: impl FnOnce(&[u8]) -> Result<[u8; SIGNATURE_LEN], E>,
    ) -> Result<Enrollment, SignerError<E>> {
        self.signature = None;
        let unsigned = self.to_uri_string();
        let signature = sign(unsigned.as_bytes()).map_err(SignerError::Signer)?;
        EnrollmentTrust::pinned([*public_key])
            .and_then(|trust| {
                let signed = format!(
                    "{}{}{}",
                    unsigned.as_str(),
                    signing::SIGNATURE_SEPARATOR,
                    signing::encode_signature(&signature)
                );
                let signed = Zeroizing::new(signed);
                trust.check(&signed).map(|_| ())
            })
            .map_err(SignerError::Refused)?;
        self.signature = Some(signature);
        Ok(self)
    }

    /// The Ed25519 signature this enrollment carries, if it was signed, or read from a signed
    /// payload in the canonical parameter order (the order [`Enrollment::to_uri_string`] emits),
    /// so that emitting it gives back the signed payload byte for byte.
    pub fn signature(&self) -> Option<&[u8; SIGNATURE_LEN]> {
        self.signature.as_ref()
    }

    /// Reads a received payload under `trust`: with pinned keys, an unsigned payload, a
    /// malformed signature, a signature no pinned key verifies, and anything after the
    /// signature are [`crate::ErrorKind::UntrustedEnrollment`] errors. The signature is
    /// checked over the bytes exactly as received, before the payload is parsed.
    pub fn from_uri(text: &str, trust: &EnrollmentTrust) -> Result<Enrollment, Error> {
        let (signed, signature) = trust.check(text)?;
        let mut enrollment = Enrollment::parse(signed)?;
        // The signature is kept only when emitting gives back the signed bytes; a payload in
        // another parameter order is trusted all the same but would emit a signature over
        // other bytes.
        if enrollment.to_uri_string().as_str() == signed {
            enrollment.signature = signature;
        }
        Ok(enrollment)
    }

    /// Parses `callsign://enroll?v=1&issuer=..&account=..&secret=..&epoch=..&digits=..&period=..`
    /// (and `&check=damm`).
    ///
    /// Checks the structure only, not where the payload came from, and refuses a `sig`
    /// parameter; an app uses [`Enrollment::from_uri`] with its pinned keys instead.
    ///
    /// The optional `check` parameter (Addition B) is `damm` (every code carries a Damm check
    /// digit) or `none` (as when absent).
    ///
    /// Strict: every other parameter is required, in any order; unknown or duplicated parameters,
    /// a version other than 1, characters that should be percent-encoded, bad base32, and
    /// digits or period out of range are typed errors. The first unknown or duplicated
    /// parameter stops parsing at once; the length and the parameter count are bounded
    /// ([`crate::MAX_URI_LEN`], [`crate::MAX_URI_PARAMETERS`]).
    pub fn parse(text: &str) -> Result<Enrollment, Error> {
        uri::check_length(text)?;
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
        let mut check = None;
        for parameter in uri::parameters(query, PREFIX.len()) {
            let parameter = parameter?;
            let value = uri::decode(
                parameter.raw_value,
                parameter.value_offset,
                Strictness::Strict,
            )?;
            match parameter.name {
                "v" => uri::set_once(&mut version, "v", value)?,
                "issuer" => uri::set_once(&mut issuer, "issuer", value)?,
                "account" => uri::set_once(&mut account_id, "account", value)?,
                "secret" => uri::set_once(&mut secret, "secret", value)?,
                "epoch" => {
                    uri::set_once(&mut epoch, "epoch", uri::parse_decimal("epoch", &value)?)?;
                }
                "digits" => {
                    uri::set_once(&mut digits, "digits", uri::parse_decimal("digits", &value)?)?;
                }
                "period" => {
                    uri::set_once(&mut period, "period", uri::parse_decimal("period", &value)?)?;
                }
                "check" => uri::set_once(&mut check, "check", parse_check(&value)?)?,
                name => {
                    return Err(Error::UriUnknownParameter {
                        name: uri::shown_name(name),
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
        .with_check_digit(check.unwrap_or(false));
        Enrollment::new(&issuer, &account_id, secret, epoch, params)
    }

    /// The payload as a URI, parameters in the order of the specification, and the signature
    /// last if the enrollment is signed. It carries the account secret and is zeroized on drop.
    pub fn to_uri_string(&self) -> Zeroizing<String> {
        // Sized up front so that the buffer never grows (growing would leave a copy of the
        // secret behind in freed memory).
        let capacity = 112
            + 96
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
        if let Some(signature) = &self.signature {
            out.push_str(signing::SIGNATURE_SEPARATOR);
            out.push_str(&signing::encode_signature(signature));
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

/// Why [`Enrollment::signed_with`] failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignerError<E> {
    /// The external signer failed.
    #[error("the enrollment signer failed: {0}")]
    Signer(E),
    /// The signer's signature does not verify under the given public key.
    #[error("the enrollment signer's signature was refused: {0}")]
    Refused(Error),
}

impl core::fmt::Debug for Enrollment {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Enrollment")
            .field("issuer", &self.issuer)
            .field("account_id", &self.account_id)
            .field("secret", &self.secret)
            .field("epoch", &self.epoch)
            .field("params", &self.params)
            .field("signed", &self.signature.is_some())
            .finish()
    }
}

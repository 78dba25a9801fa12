//! otpauth:// URIs (the Google Authenticator Key Uri Format) for plain HOTP/TOTP accounts.

use crate::error::Result;
use crate::otp::{Algorithm, Hotp, Secret, Totp};
use std::sync::Arc;
use zeroize::Zeroizing;

pub use callsign::OtpKind;

/// Whether an account counts time steps or events.
// Core's `callsign::OtpKind`, exposed as a uniffi remote type: nothing to convert.
#[uniffi::remote(Enum)]
pub enum OtpKind {
    /// TOTP with a period in seconds.
    Totp {
        /// The time step in seconds.
        period: u64,
    },
    /// HOTP with the counter of the next code.
    Hotp {
        /// The counter.
        counter: u64,
    },
}

/// A parsed otpauth:// URI. Its text form (`toString` / `description`) hides the secret.
#[derive(Debug, uniffi::Object)]
#[uniffi::export(Debug)]
pub struct OtpAuthUri {
    inner: callsign::OtpAuthUri,
}

#[uniffi::export]
impl OtpAuthUri {
    /// Parses an `otpauth://totp/...` or `otpauth://hotp/...` URI; malformed input throws
    /// (`InvalidUri`, `InvalidBase32`, `InvalidSecretLength`, `InvalidDigits`, ...).
    #[uniffi::constructor]
    pub fn parse(uri: String) -> Result<Arc<OtpAuthUri>> {
        let uri = Zeroizing::new(uri);
        Ok(Arc::new(OtpAuthUri {
            inner: callsign::OtpAuthUri::parse(&uri)?,
        }))
    }

    /// TOTP or HOTP, with period or counter.
    pub fn kind(&self) -> OtpKind {
        self.inner.kind
    }

    /// The service provider, from the label or the issuer parameter.
    pub fn issuer(&self) -> Option<String> {
        self.inner.issuer.clone()
    }

    /// The account name.
    pub fn account(&self) -> String {
        self.inner.account.clone()
    }

    /// The shared secret.
    pub fn secret(&self) -> Arc<Secret> {
        Secret::wrap(self.inner.secret.clone())
    }

    /// The hash algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.inner.algorithm
    }

    /// The digit count.
    pub fn digits(&self) -> u32 {
        self.inner.digits
    }

    /// The canonical URI, every parameter written. It contains the secret.
    pub fn to_uri(&self) -> Result<String> {
        Ok(self.inner.to_uri_string()?.to_string())
    }

    /// The TOTP generator of a TOTP account; an HOTP account throws `InvalidUri`.
    pub fn to_totp(&self) -> Result<Arc<Totp>> {
        Ok(Totp::wrap(self.inner.to_totp()?))
    }

    /// The HOTP generator of an HOTP account; a TOTP account throws `InvalidUri`.
    pub fn to_hotp(&self) -> Result<Arc<Hotp>> {
        Ok(Hotp::wrap(self.inner.to_hotp()?))
    }
}

//! The key schedule of the caller-verification profile (protocol v1): master key -> account
//! secret -> call key -> agent code, and (Addition A) account secret -> customer key ->
//! customer code; the Damm check digit of Addition B on either.

use crate::algorithm::Algorithm;
use crate::code::{Code, Digits};
use crate::error::Error;
use crate::otp::{TimedCode, Totp};
use crate::secret::Secret;
use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::Zeroizing;

/// HKDF salt of the account secret.
const ACCOUNT_SALT: &[u8] = b"callsign v1 account";
/// HKDF salt of the call key.
const CODE_SALT: &[u8] = b"callsign v1 code";
/// HKDF info of the call key.
const CODE_INFO: &[u8] = b"agent-to-customer";
/// HKDF info of the customer key (Addition A).
const CUSTOMER_INFO: &[u8] = b"customer-to-agent";

/// Smallest master key length in bytes.
pub const MIN_MASTER_KEY_LEN: usize = 32;
/// Largest master key length in bytes.
pub const MAX_MASTER_KEY_LEN: usize = 64;
/// Largest account id length in bytes (UTF-8).
pub const MAX_ACCOUNT_ID_LEN: usize = 256;
/// Smallest period the profile allows, in seconds.
pub const MIN_PROFILE_PERIOD: u64 = 10;
/// Largest period the profile allows, in seconds.
pub const MAX_PROFILE_PERIOD: u64 = 300;

/// The vendor's master key: 32 to 64 random bytes that never leave the backend. Zeroized on
/// drop; `Debug` shows only the length.
#[derive(Clone)]
pub struct MasterKey {
    bytes: Zeroizing<Vec<u8>>,
}

impl MasterKey {
    /// A new 32-byte master key from the operating system's random generator.
    pub fn generate() -> Result<MasterKey, Error> {
        Ok(MasterKey {
            bytes: crate::secret::random_bytes(MIN_MASTER_KEY_LEN)?,
        })
    }

    /// A master key from its bytes (32..=64).
    pub fn from_bytes(bytes: &[u8]) -> Result<MasterKey, Error> {
        if !(MIN_MASTER_KEY_LEN..=MAX_MASTER_KEY_LEN).contains(&bytes.len()) {
            return Err(Error::MasterKeyLength { len: bytes.len() });
        }
        Ok(MasterKey {
            bytes: Zeroizing::new(bytes.to_vec()),
        })
    }

    /// The key's bytes, for storing it in the vendor's key store.
    pub fn expose_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The account secret S = HKDF-SHA256(salt = "callsign v1 account", IKM = M,
    /// info = u32be(epoch) || `account_id`, L = 32).
    pub fn account_secret(&self, account_id: &str, epoch: u32) -> Result<Secret, Error> {
        check_account_id(account_id)?;
        Secret::from_zeroizing(hkdf_sha256(
            ACCOUNT_SALT,
            &self.bytes,
            &[&epoch.to_be_bytes(), account_id.as_bytes()],
        )?)
    }
}

impl core::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "MasterKey([REDACTED; {} bytes])", self.bytes.len())
    }
}

/// Checks that an account id has 1 to 256 bytes.
pub fn check_account_id(account_id: &str) -> Result<(), Error> {
    if account_id.is_empty() || account_id.len() > MAX_ACCOUNT_ID_LEN {
        return Err(Error::AccountIdLength {
            len: account_id.len(),
        });
    }
    Ok(())
}

/// The call key K = HKDF-SHA256(salt = "callsign v1 code", IKM = S, info = "agent-to-customer",
/// L = 32) of an account secret.
pub fn derive_call_key(account_secret: &Secret) -> Result<Secret, Error> {
    Secret::from_zeroizing(hkdf_sha256(
        CODE_SALT,
        account_secret.expose_bytes(),
        &[CODE_INFO],
    )?)
}

/// The customer key `K_in` = HKDF-SHA256(salt = "callsign v1 code", IKM = S,
/// info = "customer-to-agent", L = 32) of an account secret (Addition A).
pub fn derive_customer_key(account_secret: &Secret) -> Result<Secret, Error> {
    Secret::from_zeroizing(hkdf_sha256(
        CODE_SALT,
        account_secret.expose_bytes(),
        &[CUSTOMER_INFO],
    )?)
}

/// HKDF-SHA256 (RFC 5869) with `salt`, input key material `ikm` and the concatenation of `info`
/// as info, 32 bytes of output, in a buffer zeroized on drop.
pub(crate) fn hkdf_sha256(
    salt: &[u8],
    ikm: &[u8],
    info: &[&[u8]],
) -> Result<Zeroizing<Vec<u8>>, Error> {
    let mut okm = Zeroizing::new(vec![0u8; 32]);
    Hkdf::<Sha256>::new(Some(salt), ikm)
        .expand_multi_info(info, &mut okm)
        .map_err(|_| Error::Overflow {
            what: "HKDF output length",
        })?;
    Ok(okm)
}

/// The profile's code parameters: digits (6..=8), period (10..=300 s) and whether every code
/// carries a Damm check digit (Addition B; off unless asked for).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ProfileParams {
    digits: u32,
    period: u64,
    check_digit: bool,
}

/// What an entry for an account's code turned out to be: see [`ProfileParams::read_entry`].
#[derive(Debug)]
pub enum ProfileEntry {
    /// The code's `d` digits (a check digit, if the account has one, was right and removed).
    Code(Code),
    /// `d + 1` digits whose check digit is wrong: a misheard or mistyped code. Ask the caller
    /// to repeat; this is not an attempt and says nothing about the code.
    Misheard,
}

impl ProfileParams {
    /// Checks digits and period.
    pub fn new(digits: u32, period: u64) -> Result<ProfileParams, Error> {
        Digits::new(digits)?;
        if period == 0 {
            return Err(Error::ZeroPeriod);
        }
        if !(MIN_PROFILE_PERIOD..=MAX_PROFILE_PERIOD).contains(&period) {
            return Err(Error::PeriodOutOfRange {
                period,
                min: MIN_PROFILE_PERIOD,
                max: MAX_PROFILE_PERIOD,
            });
        }
        Ok(ProfileParams {
            digits,
            period,
            check_digit: false,
        })
    }

    /// The same parameters, with or without a check digit after every code.
    #[must_use]
    pub fn with_check_digit(self, check_digit: bool) -> ProfileParams {
        ProfileParams {
            check_digit,
            ..self
        }
    }

    /// Whether every code carries a Damm check digit.
    pub const fn check_digit(self) -> bool {
        self.check_digit
    }

    /// How many digits a code of these parameters has as shown and entered: the digit count,
    /// plus one with a check digit.
    pub fn entry_len(self) -> u32 {
        self.digits + u32::from(self.check_digit)
    }

    /// A code of these parameters as shown: with its check digit appended when the account
    /// has one.
    pub fn present(self, code: TimedCode) -> TimedCode {
        if self.check_digit {
            TimedCode {
                code: code.code.with_check_digit(),
                ..code
            }
        } else {
            code
        }
    }

    /// Reads what a person typed for a code of these parameters, before anything is compared.
    ///
    /// Without a check digit: exactly `d` digits ([`Code::parse_entry`]). With one: `d + 1`
    /// digits whose check digit is right give the `d` code digits, and whose check digit is
    /// wrong give [`ProfileEntry::Misheard`]; exactly `d` digits is [`Error::CheckDigitMissing`]
    /// (saying that `d + 1` are expected); anything else is the usual typed error.
    pub fn read_entry(self, entry: &str) -> Result<ProfileEntry, Error> {
        if !self.check_digit {
            return Code::parse_entry(entry, self.digits).map(ProfileEntry::Code);
        }
        let len = usize::try_from(Digits::new(self.digits)?.get()).unwrap_or(usize::MAX);
        let mut buffer =
            crate::code::parse_digits(entry, len + 1).map_err(|error| match error {
                Error::InvalidCodeLength { actual, .. } if actual == len => {
                    Error::CheckDigitMissing {
                        expected: self.digits + 1,
                        digits: self.digits,
                    }
                }
                other => other,
            })?;
        let valid = crate::damm::check_digit_of(&buffer[..=len]) == 0;
        let entry = if valid {
            // The first d digits are ASCII digits.
            let text = core::str::from_utf8(&buffer[..len]).unwrap_or_default();
            Code::parse_entry(text, self.digits).map(ProfileEntry::Code)
        } else {
            Ok(ProfileEntry::Misheard)
        };
        zeroize::Zeroize::zeroize(&mut buffer);
        entry
    }

    /// The digit count.
    pub const fn digits(self) -> u32 {
        self.digits
    }

    /// The period in seconds.
    pub const fn period(self) -> u64 {
        self.period
    }
}

impl ProfileParams {
    /// The default: 6 digits, 30 seconds, no check digit.
    pub const DEFAULT: ProfileParams = ProfileParams {
        digits: 6,
        period: 30,
        check_digit: false,
    };
}

impl Default for ProfileParams {
    /// [`ProfileParams::DEFAULT`].
    fn default() -> ProfileParams {
        ProfileParams::DEFAULT
    }
}

/// The agent-code generator of an account: TOTP-SHA256 over the call key, T0 = 0. The call
/// key is derived once here; keep the result to issue many codes cheaply.
pub fn agent_totp(account_secret: &Secret, params: ProfileParams) -> Result<Totp, Error> {
    let call_key = derive_call_key(account_secret)?;
    Totp::new(&call_key, Algorithm::Sha256, params.digits, params.period)
}

/// The agent code of an account at unix time `time` (with its check digit if `params` asks
/// for one).
pub fn agent_code(
    account_secret: &Secret,
    time: u64,
    params: ProfileParams,
) -> Result<TimedCode, Error> {
    Ok(params.present(agent_totp(account_secret, params)?.timed_code_at(time)?))
}

/// The customer-code generator of an account (Addition A): TOTP-SHA256 over the customer key,
/// T0 = 0, with the account's digits and period.
pub fn customer_totp(account_secret: &Secret, params: ProfileParams) -> Result<Totp, Error> {
    let customer_key = derive_customer_key(account_secret)?;
    Totp::new(
        &customer_key,
        Algorithm::Sha256,
        params.digits,
        params.period,
    )
}

/// The customer code of an account at unix time `time` (with its check digit if `params`
/// asks for one): what the customer's app shows, on the customer's own request, for the
/// customer to read to the agent when calling in.
pub fn customer_code(
    account_secret: &Secret,
    time: u64,
    params: ProfileParams,
) -> Result<TimedCode, Error> {
    Ok(params.present(customer_totp(account_secret, params)?.timed_code_at(time)?))
}

#[cfg(test)]
mod hkdf_vector_tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
    use super::hkdf_sha256;

    fn unhex(text: &str) -> Vec<u8> {
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
            .collect()
    }

    /// The `hkdf` section of the conformance vectors (RFC 5869 cases) through callsign's own
    /// wrapper, the one the key schedule uses: its 32 bytes are the first 32 of the expected
    /// output (HKDF output is a prefix-stable stream), with the info split at every point.
    #[test]
    fn the_hkdf_wrapper_passes_the_vector_section() {
        let vectors: serde_json::Value =
            serde_json::from_str(include_str!("../../tests/vectors/callsign-v1.json")).unwrap();
        let cases = vectors["hkdf"].as_array().unwrap();
        assert_eq!(cases.len(), 3);
        for case in cases {
            let field = |name: &str| unhex(case[name].as_str().unwrap());
            let (salt, ikm, info, okm) = (
                field("salt_hex"),
                field("ikm_hex"),
                field("info_hex"),
                field("okm_hex"),
            );
            for split in 0..=info.len() {
                let (first, second) = info.split_at(split);
                let out = hkdf_sha256(&salt, &ikm, &[first, second]).unwrap();
                assert_eq!(out[..], okm[..32], "{} split at {split}", case["name"]);
            }
        }
    }
}

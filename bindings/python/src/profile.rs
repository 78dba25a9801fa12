//! The key schedule of the caller-verification profile (core's `profile`): `MasterKey`,
//! account secrets and the agent and customer codes of an account secret.

use crate::convert;
use crate::defaults;
use crate::errors::BindingResult;
use callsign::{MasterKey, ProfileParams, Secret, TimedCode};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

/// The account secret S of `account_id` under `master_key` (32 to 64 bytes) and `epoch`.
#[pyfunction]
#[pyo3(signature = (master_key, account_id, epoch = defaults::EPOCH), text_signature = "(master_key, account_id, epoch=0)")]
pub(crate) fn account_secret<'py>(
    py: Python<'py>,
    master_key: &[u8],
    account_id: &str,
    #[pyo3(from_py_with = convert::arg::epoch)] epoch: u32,
) -> BindingResult<Bound<'py, PyBytes>> {
    let secret = MasterKey::from_bytes(master_key)?.account_secret(account_id, epoch)?;
    Ok(PyBytes::new(py, secret.expose_bytes()))
}

/// The agent code of an account secret at unix time `time`; with `check_digit`, followed by
/// its Damm check digit.
#[pyfunction]
#[pyo3(signature = (account_secret, time, digits = defaults::DIGITS, period = defaults::PERIOD, check_digit = defaults::CHECK_DIGIT), text_signature = "(account_secret, time, digits=6, period=30, check_digit=False)")]
pub(crate) fn agent_code(
    account_secret: &[u8],
    time: &Bound<'_, PyAny>,
    #[pyo3(from_py_with = convert::arg::digits)] digits: u32,
    #[pyo3(from_py_with = convert::arg::period)] period: u64,
    check_digit: bool,
) -> BindingResult<String> {
    let code = ProfileCode {
        digits,
        period,
        check_digit,
    };
    code.compute(account_secret, time, callsign::agent_code)
}

/// The customer code (customer calling in) of an account secret at unix time `time`; with
/// `check_digit`, followed by its Damm check digit.
#[pyfunction]
#[pyo3(signature = (account_secret, time, digits = defaults::DIGITS, period = defaults::PERIOD, check_digit = defaults::CHECK_DIGIT), text_signature = "(account_secret, time, digits=6, period=30, check_digit=False)")]
pub(crate) fn customer_code(
    account_secret: &[u8],
    time: &Bound<'_, PyAny>,
    digits: u32,
    period: u64,
    check_digit: bool,
) -> BindingResult<String> {
    let code = ProfileCode {
        digits,
        period,
        check_digit,
    };
    code.compute(account_secret, time, callsign::customer_code)
}

/// The code parameters shared by `agent_code` and `customer_code`.
struct ProfileCode {
    digits: u32,
    period: u64,
    check_digit: bool,
}

impl ProfileCode {
    /// Converts the arguments and computes the code's digits with `compute`.
    fn compute(
        &self,
        account_secret: &[u8],
        time: &Bound<'_, PyAny>,
        compute: fn(&Secret, u64, ProfileParams) -> Result<TimedCode, callsign::Error>,
    ) -> BindingResult<String> {
        let time = convert::unix_time(time)?;
        let secret = Secret::from_bytes(account_secret)?;
        let params =
            ProfileParams::new(self.digits, self.period)?.with_check_digit(self.check_digit);
        Ok(compute(&secret, time, params)?.as_str().to_owned())
    }
}

/// The vendor's master key (32 to 64 bytes). It never appears in `repr()`.
///
/// Parameters: `key` the key's bytes; `MasterKey.generate()` makes a random 32-byte key.
#[pyclass(frozen, module = "callsign", name = "MasterKey")]
pub(crate) struct PyMasterKey {
    key: MasterKey,
}

#[pymethods]
impl PyMasterKey {
    /// A master key from its bytes.
    #[new]
    fn new(key: &[u8]) -> BindingResult<PyMasterKey> {
        Ok(PyMasterKey {
            key: MasterKey::from_bytes(key)?,
        })
    }

    /// A new random 32-byte master key.
    #[staticmethod]
    fn generate() -> BindingResult<PyMasterKey> {
        Ok(PyMasterKey {
            key: MasterKey::generate()?,
        })
    }

    /// The account secret S of `account_id` at `epoch`.
    #[pyo3(signature = (account_id, epoch = defaults::EPOCH), text_signature = "($self, account_id, epoch=0)")]
    fn account_secret<'py>(
        &self,
        py: Python<'py>,
        account_id: &str,
        #[pyo3(from_py_with = convert::arg::epoch)] epoch: u32,
    ) -> BindingResult<Bound<'py, PyBytes>> {
        let secret = self.key.account_secret(account_id, epoch)?;
        Ok(PyBytes::new(py, secret.expose_bytes()))
    }

    /// The key's bytes, for the vendor's key store.
    fn to_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.key.expose_bytes())
    }

    fn __repr__(&self) -> String {
        format!(
            "MasterKey(<redacted, {} bytes>)",
            self.key.expose_bytes().len()
        )
    }
}

/// A master key given as a `MasterKey` or as its bytes.
pub(crate) fn master_key_arg(value: &Bound<'_, PyAny>) -> BindingResult<MasterKey> {
    if let Ok(key) = value.cast::<PyMasterKey>() {
        return Ok(key.get().key.clone());
    }
    if let Ok(bytes) = value.cast::<PyBytes>() {
        return Ok(MasterKey::from_bytes(bytes.as_bytes())?);
    }
    Err(PyTypeError::new_err(format!(
        "master_key must be a MasterKey or bytes, not {}",
        value.get_type().name()?
    ))
    .into())
}

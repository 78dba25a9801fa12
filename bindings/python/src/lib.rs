//! The private extension module `callsign._callsign` behind the Python package `callsign`.
//!
//! A thin layer over the `callsign` crate: argument conversion ([`convert`]), one mapping of
//! core errors to exception classes ([`errors`]), and Python classes that wrap core types
//! ([`otp`], [`profile`]). No protocol logic lives here.

mod audit;
mod convert;
mod defaults;
mod errors;
mod import;
mod ledger;
mod otp;
mod profile;
mod store;

use pyo3::prelude::*;

/// The private extension module behind the `callsign` package.
#[pymodule]
fn _callsign(module: &Bound<'_, PyModule>) -> PyResult<()> {
    errors::register(module)?;
    defaults::register(module)?;
    module.add_function(wrap_pyfunction!(otp::hotp, module)?)?;
    module.add_function(wrap_pyfunction!(otp::totp, module)?)?;
    module.add_function(wrap_pyfunction!(otp::random_secret, module)?)?;
    module.add_function(wrap_pyfunction!(otp::base32_encode, module)?)?;
    module.add_function(wrap_pyfunction!(otp::base32_decode, module)?)?;
    module.add_function(wrap_pyfunction!(otp::parse_code, module)?)?;
    module.add_function(wrap_pyfunction!(otp::parse_uri, module)?)?;
    module.add_function(wrap_pyfunction!(import::import_otpauth, module)?)?;
    module.add_class::<import::PyImportResult>()?;
    module.add_function(wrap_pyfunction!(profile::account_secret, module)?)?;
    module.add_function(wrap_pyfunction!(profile::agent_code, module)?)?;
    module.add_function(wrap_pyfunction!(profile::customer_code, module)?)?;
    module.add_function(wrap_pyfunction!(audit::verify_audit_file, module)?)?;
    module.add_function(wrap_pyfunction!(audit::canonical_agent_id, module)?)?;
    module.add_function(wrap_pyfunction!(audit::audit_chain_hash, module)?)?;
    module.add_class::<audit::PyAuditChainReport>()?;
    module.add_class::<otp::PyMatch>()?;
    module.add_class::<otp::PyTotp>()?;
    module.add_class::<otp::PyHotp>()?;
    module.add_class::<profile::PyMasterKey>()?;
    module.add_class::<profile::PyRateLimit>()?;
    module.add_class::<profile::PyAgentCode>()?;
    module.add_class::<profile::PyAgentCodeBatch>()?;
    module.add_class::<profile::PyIssuer>()?;
    module.add_class::<ledger::PySqliteLedger>()?;
    module.add_class::<ledger::PyPostgresLedger>()?;
    module.add_class::<profile::PyEnrollment>()?;
    module.add_class::<profile::PyVerdict>()?;
    module.add_class::<profile::PyCustomerVerdict>()?;
    module.add_class::<profile::PyVerifierStatus>()?;
    module.add_class::<profile::PyDeviceVerifier>()?;
    module.add_class::<profile::PySigningKey>()?;
    module.add_class::<store::PyStoredVerifier>()?;
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}

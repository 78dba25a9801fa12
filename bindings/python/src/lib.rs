//! The private extension module `callsign._callsign` behind the Python package `callsign`.
//!
//! A thin layer over the `callsign` crate: argument conversion ([`convert`]), core's default
//! argument values ([`defaults`]), one mapping of core errors to exception classes
//! ([`errors`]), and Python classes that wrap core types, in modules named like core's
//! ([`otp`], [`profile`], [`issuer`], [`enrollment`], [`verifier`], ...). No protocol logic
//! lives here.

mod audit;
mod code;
mod convert;
mod defaults;
mod enrollment;
mod errors;
mod import;
mod inbound;
mod issuer;
mod ledger;
mod otp;
mod profile;
mod signing;
mod store;
mod verifier;

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
    module.add_function(wrap_pyfunction!(otp::parse_entry, module)?)?;
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
    module.add_class::<issuer::PyRateLimit>()?;
    module.add_class::<code::PyTimedCode>()?;
    module.add_class::<code::PyTimedCodeBatch>()?;
    module.add_class::<issuer::PyIssuer>()?;
    module.add_class::<ledger::PySqliteLedger>()?;
    module.add_class::<ledger::PyPostgresLedger>()?;
    module.add_class::<enrollment::PyEnrollment>()?;
    module.add_class::<verifier::PyVerdict>()?;
    module.add_class::<inbound::PyCustomerVerdict>()?;
    module.add_class::<verifier::PyVerifierStatus>()?;
    module.add_class::<verifier::PyVerifier>()?;
    module.add_class::<signing::PySigningKey>()?;
    module.add_class::<store::PyStoredVerifier>()?;
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}

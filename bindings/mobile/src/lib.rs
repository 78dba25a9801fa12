//! Kotlin and Swift bindings (UniFFI) for callsign.
//!
//! Placeholder export while the core API is being written; replaced by the facade over core.

uniffi::setup_scaffolding!("callsign");

/// Errors of the placeholder export.
#[derive(Debug, thiserror::Error, uniffi::Error)]
#[uniffi(flat_error)]
pub enum CallsignError {
    /// The input was empty.
    #[error("input must not be empty")]
    EmptyInput,
}

/// Returns the input back in upper case; fails on empty input (pipeline smoke test).
#[uniffi::export]
pub fn echo_upper(input: String) -> Result<String, CallsignError> {
    if input.is_empty() {
        return Err(CallsignError::EmptyInput);
    }
    Ok(input.to_uppercase())
}

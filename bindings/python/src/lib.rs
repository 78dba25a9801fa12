//! Python extension module `callsign._callsign` (placeholder until core lands).
use pyo3::prelude::*;

/// Returns the package version.
#[pyfunction]
fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

/// The private extension module behind the `callsign` package.
#[pymodule]
fn _callsign(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(version, m)?)?;
    Ok(())
}

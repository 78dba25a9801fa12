//! The vendor's enrollment signing key (core's `signing`): `SigningKey`.

use crate::errors::BindingResult;
use callsign::SigningKey;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

/// The vendor's Ed25519 enrollment signing key (a 32-byte seed), separate from the master
/// key. The seed never appears in `repr()`.
///
/// Parameters: `seed` the key's 32-byte Ed25519 seed; `SigningKey.generate()` makes a random
/// key.
#[pyclass(frozen, module = "callsign", name = "SigningKey")]
pub(crate) struct PySigningKey {
    pub(crate) key: SigningKey,
}

#[pymethods]
impl PySigningKey {
    /// A signing key from its 32-byte seed.
    #[new]
    fn new(seed: &[u8]) -> BindingResult<PySigningKey> {
        Ok(PySigningKey {
            key: SigningKey::from_seed(seed)?,
        })
    }

    /// A new random signing key.
    #[staticmethod]
    fn generate() -> BindingResult<PySigningKey> {
        Ok(PySigningKey {
            key: SigningKey::generate()?,
        })
    }

    /// The 32-byte public key to pin in the vendor's app.
    fn public_key<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.key.public_key().as_bytes())
    }

    fn __repr__(&self) -> String {
        // The core's Debug: the public key in hex, the seed redacted.
        format!("{:?}", self.key)
    }
}

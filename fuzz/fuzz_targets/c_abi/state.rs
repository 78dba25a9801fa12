//! What a run keeps between calls: live handles of every type and remembered outputs (URIs,
//! codes, blobs) for later arguments. Every handle is freed exactly once: when a call frees it,
//! when its pool is full, or when the run ends.

use callsign_c::{
    callsign_enrollment, callsign_enrollment_free, callsign_hotp_key, callsign_hotp_key_free,
    callsign_master_key, callsign_master_key_free, callsign_otpauth, callsign_otpauth_free,
    callsign_secret, callsign_secret_free, callsign_totp_key, callsign_totp_key_free,
    callsign_verifier, callsign_verifier_free,
};

/// Handles and remembered outputs kept per type; when full, the oldest is freed.
pub const POOL_SIZE: usize = 8;

/// Live handles of every type and remembered outputs.
#[derive(Default)]
pub struct State {
    pub outputs: Vec<Vec<u8>>,
    secrets: Vec<*mut callsign_secret>,
    hotp_keys: Vec<*mut callsign_hotp_key>,
    totp_keys: Vec<*mut callsign_totp_key>,
    otpauths: Vec<*mut callsign_otpauth>,
    master_keys: Vec<*mut callsign_master_key>,
    enrollments: Vec<*mut callsign_enrollment>,
    verifiers: Vec<*mut callsign_verifier>,
}

/// A handle type with its `_free`.
pub trait Handle: Sized {
    /// The pool of live handles of this type.
    fn pool(state: &mut State) -> &mut Vec<*mut Self>;
    /// Calls the type's `_free`.
    unsafe fn free(handle: *mut Self);
}

macro_rules! handle {
    ($($type:ty: $pool:ident, $free:ident;)+) => {$(
        impl Handle for $type {
            fn pool(state: &mut State) -> &mut Vec<*mut Self> {
                &mut state.$pool
            }
            unsafe fn free(handle: *mut Self) {
                unsafe { $free(handle) }
            }
        }
    )+};
}
handle! {
    callsign_secret: secrets, callsign_secret_free;
    callsign_hotp_key: hotp_keys, callsign_hotp_key_free;
    callsign_totp_key: totp_keys, callsign_totp_key_free;
    callsign_otpauth: otpauths, callsign_otpauth_free;
    callsign_master_key: master_keys, callsign_master_key_free;
    callsign_enrollment: enrollments, callsign_enrollment_free;
    callsign_verifier: verifiers, callsign_verifier_free;
}

/// Frees every handle of a pool, each once.
fn free_all<T: Handle>(state: &mut State) {
    for handle in T::pool(state).drain(..) {
        unsafe { T::free(handle) };
    }
}

impl Drop for State {
    fn drop(&mut self) {
        free_all::<callsign_verifier>(self);
        free_all::<callsign_enrollment>(self);
        free_all::<callsign_master_key>(self);
        free_all::<callsign_otpauth>(self);
        free_all::<callsign_totp_key>(self);
        free_all::<callsign_hotp_key>(self);
        free_all::<callsign_secret>(self);
    }
}

impl State {
    /// Adds a handle to its pool, freeing the oldest one when the pool is full.
    pub fn keep<T: Handle>(&mut self, handle: *mut T) {
        let pool = T::pool(self);
        if pool.len() == POOL_SIZE {
            unsafe { T::free(pool.remove(0)) };
        }
        pool.push(handle);
    }

    /// Remembers an output for later text and byte arguments.
    pub fn remember(&mut self, output: Vec<u8>) {
        if self.outputs.len() == POOL_SIZE {
            self.outputs.remove(0);
        }
        self.outputs.push(output);
    }

    /// The remembered output `which` (modulo their number); empty when there is none.
    pub fn remembered(&self, which: u8) -> Vec<u8> {
        if self.outputs.is_empty() {
            Vec::new()
        } else {
            self.outputs[usize::from(which) % self.outputs.len()].clone()
        }
    }

    /// The pool position of handle `index` of type `T`: none for 0 or an empty pool.
    pub fn pool_index<T: Handle>(&mut self, index: u8) -> Option<usize> {
        let len = T::pool(self).len();
        (index != 0 && len != 0).then(|| (usize::from(index) - 1) % len)
    }

    /// Removes handle `index` of type `T` from its pool and frees it (a NULL `_free` when
    /// there is none).
    pub fn free_one<T: Handle>(&mut self, index: u8) {
        let handle = self
            .pool_index::<T>(index)
            .map_or(std::ptr::null_mut(), |position| {
                T::pool(self).remove(position)
            });
        unsafe { T::free(handle) };
    }
}

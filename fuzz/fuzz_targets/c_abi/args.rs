//! The arguments of a call as the fuzzer chooses them, and the C values they become: numbers
//! (mostly small, sometimes wide or the maximum), text and bytes (NULL, fuzzer bytes, or an
//! earlier output, possibly altered), handles (NULL or a live one), out-pointers (NULL or
//! valid), verifier configurations and the way an output buffer is offered.

use std::ffi::CString;
use std::os::raw::c_char;
use std::ptr;

use arbitrary::Arbitrary;
use callsign_c::{callsign_result, callsign_verifier_config, callsign_verifier_config_default};

use crate::checks::Given;
use crate::state::{Handle, State};

/// A number argument.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum Num {
    Small(u8),
    Wide(u64),
    Max,
}

impl Num {
    pub fn u64(self) -> u64 {
        match self {
            Num::Small(small) => u64::from(small),
            Num::Wide(wide) => wide,
            Num::Max => u64::MAX,
        }
    }

    pub fn u32(self) -> u32 {
        u32::try_from(self.u64()).unwrap_or(u32::MAX)
    }

    pub fn usize(self) -> usize {
        usize::try_from(self.u64()).unwrap_or(usize::MAX)
    }
}

/// A text argument.
#[derive(Debug, Arbitrary)]
pub enum TextArg {
    Null,
    /// An earlier output.
    Remembered(u8),
    /// An earlier output with the byte at `position` replaced by `value`.
    Altered {
        which: u8,
        position: u8,
        value: u8,
    },
    /// The fuzzer's bytes, cut at the first NUL.
    Bytes(Vec<u8>),
}

/// A text argument as C sees it: NULL or a NUL-terminated string.
pub struct Text(Option<CString>);

impl Text {
    pub fn ptr(&self) -> *const c_char {
        self.0.as_ref().map_or(ptr::null(), |text| text.as_ptr())
    }
}

impl TextArg {
    /// The text of a required argument (NULL is a misuse).
    pub fn get(&self, state: &State, given: &mut Given) -> Text {
        let bytes = match self {
            TextArg::Null => {
                given.null = true;
                return Text(None);
            }
            TextArg::Remembered(which) => state.remembered(*which),
            TextArg::Altered {
                which,
                position,
                value,
            } => {
                let mut bytes = state.remembered(*which);
                if let Some(byte) = bytes.get_mut(usize::from(*position)) {
                    *byte = *value;
                }
                bytes
            }
            TextArg::Bytes(bytes) => bytes.clone(),
        };
        let end = bytes
            .iter()
            .position(|&byte| byte == 0)
            .unwrap_or(bytes.len());
        given.not_utf8 |= std::str::from_utf8(&bytes[..end]).is_err();
        Text(Some(CString::new(&bytes[..end]).unwrap_or_default()))
    }

    /// The text of an optional argument (NULL means "none" and is no misuse).
    pub fn optional(&self, state: &State, given: &mut Given) -> Text {
        let mut inner = Given::default();
        let text = self.get(state, &mut inner);
        given.not_utf8 |= inner.not_utf8;
        text
    }
}

/// A byte-string argument with its length.
#[derive(Debug, Arbitrary)]
pub enum BytesArg {
    /// NULL with a length.
    Null(Num),
    /// An earlier output.
    Remembered(u8),
    Bytes(Vec<u8>),
}

/// A byte-string argument as C sees it, with the length passed for it (never more than it
/// holds, unless NULL).
pub struct Bytes(Option<Vec<u8>>, pub usize);

impl Bytes {
    pub fn ptr(&self) -> *const u8 {
        self.0.as_ref().map_or(ptr::null(), Vec::as_ptr)
    }
}

impl BytesArg {
    pub fn get(&self, state: &State, given: &mut Given) -> Bytes {
        let bytes = match self {
            BytesArg::Null(len) => {
                given.null = true;
                return Bytes(None, len.usize());
            }
            BytesArg::Remembered(which) => state.remembered(*which),
            BytesArg::Bytes(bytes) => bytes.clone(),
        };
        let len = bytes.len();
        Bytes(Some(bytes), len)
    }
}

/// A handle argument: 0 is NULL, otherwise a live handle of the pool (NULL when it is empty).
#[derive(Debug, Clone, Copy, Arbitrary)]
pub struct HandleArg(pub u8);

impl HandleArg {
    pub fn get<T: Handle>(self, state: &mut State, given: &mut Given) -> *mut T {
        if let Some(index) = state.pool_index::<T>(self.0) {
            T::pool(state)[index]
        } else {
            given.null = true;
            ptr::null_mut()
        }
    }
}

/// An out-pointer for `value`: NULL when `null`, otherwise a pointer to it.
pub fn out<T>(null: bool, given: &mut Given, value: &mut T) -> *mut T {
    given.null |= null;
    nullable(null, value)
}

/// NULL when `null`, otherwise a pointer to `value`.
pub fn nullable<T>(null: bool, value: &mut T) -> *mut T {
    if null {
        ptr::null_mut()
    } else {
        ptr::from_mut(value)
    }
}

/// A `callsign_verifier_config *` argument.
#[derive(Debug, Arbitrary)]
pub enum ConfigArg {
    Null,
    Default,
    /// The default with every field replaced.
    Custom {
        behind: Num,
        ahead: Num,
        max_failures: Num,
        lockout_seconds: Num,
    },
}

impl ConfigArg {
    pub fn get(&self, given: &mut Given) -> Option<callsign_verifier_config> {
        let mut config = callsign_verifier_config {
            behind: 0,
            ahead: 0,
            max_failures: 0,
            lockout_seconds: 0,
        };
        match self {
            ConfigArg::Null => {
                given.null = true;
                return None;
            }
            ConfigArg::Default | ConfigArg::Custom { .. } => {
                let result = unsafe { callsign_verifier_config_default(&raw mut config) };
                assert_eq!(result, callsign_result::Ok);
            }
        }
        if let ConfigArg::Custom {
            behind,
            ahead,
            max_failures,
            lockout_seconds,
        } = self
        {
            config.behind = behind.u64();
            config.ahead = ahead.u64();
            config.max_failures = max_failures.u32();
            config.lockout_seconds = lockout_seconds.u64();
        }
        Some(config)
    }
}

/// How an output buffer is offered (see `checks::output`).
#[derive(Debug, Arbitrary)]
pub enum Output {
    /// Ask with NULL and size 0, then with the size reported, then with one byte less.
    AskFirst,
    /// `out_needed` NULL.
    NoNeeded,
    /// `out` NULL with a size.
    NullOut { size: Num },
    /// A buffer of this size.
    Sized(u8),
    /// An ample buffer.
    Ample,
}

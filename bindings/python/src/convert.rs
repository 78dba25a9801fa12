//! Conversions of Python arguments (times, secrets, algorithm names) into core types.

use crate::errors::{BindingResult, NaiveDatetimeError};
use callsign::{Algorithm, Clock, Error, Secret, SystemClock};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyInt, PyString};
use std::borrow::Cow;

/// Unix seconds from an `int` or an aware `datetime.datetime`.
///
/// A negative int (or an instant before 1970) is [`Error::TimeBeforeEpoch`]; an int beyond
/// 2^64 - 1 is [`Error::Overflow`]; a naive datetime is refused with `NaiveDatetimeError`
/// instead of being read in the machine's local time zone.
pub(crate) fn unix_time(value: &Bound<'_, PyAny>) -> BindingResult<u64> {
    // bool is an int subclass, but True is no time: it falls through to the TypeError.
    if !value.is_instance_of::<PyBool>() {
        // An int that fits a C long (every time from 1970 to the year 292 billion) converts
        // through CPython's small-int path; u64 goes through its generic byte conversion.
        if let Ok(Ok(seconds)) = value.extract::<isize>().map(u64::try_from) {
            return Ok(seconds);
        }
        if let Ok(seconds) = value.extract::<u64>() {
            return Ok(seconds);
        }
        if value.is_instance_of::<PyInt>() {
            // Beyond i128 the sign still decides: far below 0 is before 1970, not too large.
            let time = match value.extract::<i128>() {
                Ok(time) => Some(time),
                Err(_) if value.lt(0)? => Some(i128::MIN),
                Err(_) => None,
            };
            return Err(out_of_range(time).into());
        }
    }
    let py = value.py();
    let datetime = py.import("datetime")?;
    if !value.is_instance(&datetime.getattr("datetime")?)? {
        return Err(PyTypeError::new_err(format!(
            "time must be int unix seconds or an aware datetime.datetime, not {}",
            value.get_type().name()?
        ))
        .into());
    }
    if value.call_method0("utcoffset")?.is_none() {
        return Err(NaiveDatetimeError::new_err(
            "naive datetime: its time zone is unknown, so it names no instant; pass an aware \
             datetime (for example datetime.now(timezone.utc)) or int unix seconds",
        )
        .into());
    }
    let utc = datetime.getattr("timezone")?.getattr("utc")?;
    let epoch = datetime
        .getattr("datetime")?
        .call1((1970, 1, 1, 0, 0, 0, 0, utc))?;
    let since_epoch = value.call_method1("__sub__", (epoch,))?;
    let days: i128 = since_epoch.getattr("days")?.extract()?;
    let seconds: i128 = since_epoch.getattr("seconds")?.extract()?;
    // timedelta keeps 0 <= seconds < 86400 and carries the sign in `days`, so this floors.
    let unix = days * 86_400 + seconds;
    u64::try_from(unix).map_err(|_| out_of_range(Some(unix)).into())
}

/// Unix seconds from an optional time argument; `None` means now, by the system clock.
pub(crate) fn time_or_now(value: Option<&Bound<'_, PyAny>>) -> BindingResult<u64> {
    match value {
        Some(value) if !value.is_none() => unix_time(value),
        _ => Ok(SystemClock.now()?),
    }
}

/// The core error for an integer time outside 0..=2^64-1 (`None`: too large even for i128).
fn out_of_range(time: Option<i128>) -> Error {
    match time {
        Some(time) if time < 0 => Error::TimeBefore1970 {
            seconds_before: u64::try_from(time.unsigned_abs()).unwrap_or(u64::MAX),
        },
        _ => Error::Overflow {
            what: "unix time above 2^64 - 1",
        },
    }
}

/// A secret from raw `bytes` or a base32 `str` (lenient: lowercase, spaces, dashes, padding).
pub(crate) fn secret(value: &Bound<'_, PyAny>) -> BindingResult<Secret> {
    if let Ok(bytes) = value.cast::<PyBytes>() {
        return Ok(Secret::from_bytes(bytes.as_bytes())?);
    }
    if let Ok(text) = value.cast::<PyString>() {
        return Ok(Secret::from_base32(&text.to_cow()?)?);
    }
    Err(PyTypeError::new_err(format!(
        "a secret must be bytes or a base32 str, not {}",
        value.get_type().name()?
    ))
    .into())
}

/// An algorithm from its name ("sha1", "SHA-256", ...), case-insensitively.
pub(crate) fn algorithm(name: &str) -> BindingResult<Algorithm> {
    Ok(name.parse::<Algorithm>()?)
}

/// The items of an iterable of `str` (a list, a tuple, a generator, ...; a lone `str` is
/// refused rather than split into characters), type-checked, for [`borrow_strs`].
pub(crate) fn str_items<'py>(
    items: &Bound<'py, PyAny>,
    what: &str,
) -> PyResult<Vec<Bound<'py, PyString>>> {
    let check = |index: usize, item: Bound<'py, PyAny>| {
        item.cast_into::<PyString>().map_err(|error| {
            let item = error.into_inner();
            match item.get_type().name() {
                Ok(name) => PyTypeError::new_err(format!(
                    "{what} must be a sequence of str; item {index} is {name}"
                )),
                Err(error) => error,
            }
        })
    };
    if items.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(format!(
            "{what} must be a sequence of str, not a single str"
        )));
    }
    let iterator = items.try_iter().map_err(|_| {
        let name = items
            .get_type()
            .name()
            .map_or_else(|_| "?".to_owned(), |name| name.to_string());
        PyTypeError::new_err(format!("{what} must be a sequence of str, not {name}"))
    })?;
    iterator
        .enumerate()
        .map(|(index, item)| check(index, item?))
        .collect()
}

/// The text of `strings`: borrowed on the stable ABI of Python 3.10 and later (the `abi3-py311`
/// build), copied on that of Python 3.9, which has no borrowed UTF-8 view of a `str`.
pub(crate) fn borrow_strs<'a>(strings: &'a [Bound<'_, PyString>]) -> PyResult<Vec<Cow<'a, str>>> {
    strings.iter().map(PyStringMethods::to_cow).collect()
}

/// Integer arguments whose errors name them. pyo3's own conversion raises a bare
/// `OverflowError("out of range integral type conversion attempted")` for -1 or 2**64; these
/// say which argument, and whether it was negative or too large.
pub(crate) mod arg {
    use pyo3::exceptions::{PyOverflowError, PyTypeError};
    use pyo3::prelude::*;
    use pyo3::types::PyInt;

    /// The unsigned integer `value` of the argument `name`, at most `max`.
    fn unsigned(value: &Bound<'_, PyAny>, name: &str, max: u64) -> PyResult<u64> {
        if !value.is_instance_of::<PyInt>() {
            return Err(PyTypeError::new_err(format!(
                "{name} must be an int, not {}",
                value.get_type().name()?
            )));
        }
        match value.extract::<u64>() {
            Ok(number) if number <= max => Ok(number),
            _ if value.lt(0)? => Err(PyOverflowError::new_err(format!(
                "{name} must be 0 or more; it is negative"
            ))),
            _ => Err(PyOverflowError::new_err(format!(
                "{name} must be at most {max}; it is larger"
            ))),
        }
    }

    /// One extraction function per argument name, for `#[pyo3(from_py_with = ...)]`.
    macro_rules! unsigned_args {
        ($($name:ident: $type:ty,)+) => {$(
            pub(crate) fn $name(value: &Bound<'_, PyAny>) -> PyResult<$type> {
                let max = u64::try_from(<$type>::MAX).unwrap_or(u64::MAX);
                let number = unsigned(value, stringify!($name), max)?;
                // `unsigned` keeps to `max`, so the conversion cannot fail.
                Ok(<$type>::try_from(number).unwrap_or(<$type>::MAX))
            }
        )+};
    }

    /// `batch_threads`: None, or an unsigned integer.
    pub(crate) fn batch_threads(value: &Bound<'_, PyAny>) -> PyResult<Option<usize>> {
        optional(value, "batch_threads", usize::MAX as u64)
            .map(|number| number.map(|number| usize::try_from(number).unwrap_or(usize::MAX)))
    }

    /// `initial_count` where it may be None.
    pub(crate) fn optional_initial_count(value: &Bound<'_, PyAny>) -> PyResult<Option<u64>> {
        optional(value, "initial_count", u64::MAX)
    }

    fn optional(value: &Bound<'_, PyAny>, name: &str, max: u64) -> PyResult<Option<u64>> {
        if value.is_none() {
            return Ok(None);
        }
        unsigned(value, name, max).map(Some)
    }

    unsigned_args! {
        time: u64,
        step: u64,
    counter: u64,
    digits: u32,
    period: u64,
    t0: u64,
    behind: u64,
    ahead: u64,
    initial_count: u64,
    epoch: u32,
    max_failures: u32,
    lockout_seconds: u64,
    max_codes: u32,
    window_seconds: u64,
    cache_capacity: usize,
    }
}

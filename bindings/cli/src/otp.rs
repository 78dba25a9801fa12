//! `callsign hotp` and `callsign totp`: plain RFC 4226 / RFC 6238 codes from a base32 secret.

use crate::cli::{HotpArgs, TotpArgs};
use crate::error::CliError;
use crate::input;
use crate::output::{CodeFormat, now_or, print_json, print_line};
use callsign::{Digits, Hotp, Secret, Totp};
use serde::Serialize;

/// The JSON of `callsign hotp`.
#[derive(Serialize)]
struct HotpReport<'a> {
    code: &'a str,
    grouped: &'a str,
    counter: u64,
    digits: u32,
    algorithm: &'static str,
}

/// The JSON of `callsign totp`.
#[derive(Serialize)]
struct TotpReport<'a> {
    code: &'a str,
    grouped: &'a str,
    time: u64,
    step: u64,
    valid_until: Option<u64>,
    seconds_remaining: u64,
    digits: u32,
    period: u64,
    algorithm: &'static str,
}

/// Prints the HOTP code of `args.counter`.
pub fn hotp(args: &HotpArgs) -> Result<(), CliError> {
    let secret = Secret::from_base32(&input::secret_arg("--secret", &args.secret)?)
        .map_err(CliError::blame("--secret"))?;
    let hotp =
        Hotp::new(&secret, args.algorithm, args.digits).map_err(CliError::blame("--digits"))?;
    let code = hotp.code(args.counter);
    let grouped = code.grouped();
    match args.output.format() {
        CodeFormat::Json => print_json(&HotpReport {
            code: code.as_str(),
            grouped: grouped.as_str(),
            counter: args.counter,
            digits: args.digits,
            algorithm: args.algorithm.as_str(),
        }),
        CodeFormat::Plain => print_line(code.as_str()),
        CodeFormat::Text => print_line(grouped.as_str()),
    }
}

/// Prints the TOTP code at `args.time` (default: now).
pub fn totp(args: &TotpArgs) -> Result<(), CliError> {
    let secret = Secret::from_base32(&input::secret_arg("--secret", &args.secret)?)
        .map_err(CliError::blame("--secret"))?;
    Digits::new(args.digits).map_err(CliError::blame("--digits"))?;
    let totp = Totp::new(&secret, args.algorithm, args.digits, args.period)
        .map_err(CliError::blame("--period"))?;
    let time = now_or(args.time)?;
    let step = totp.step_at(time).map_err(CliError::blame("--time"))?;
    let code = totp.code_for_step(step);
    let seconds_remaining = totp
        .seconds_remaining(time)
        .map_err(CliError::blame("--time"))?;
    let grouped = code.grouped();
    match args.output.format() {
        CodeFormat::Json => print_json(&TotpReport {
            code: code.as_str(),
            grouped: grouped.as_str(),
            time,
            step,
            // The last step of the u64 range ends past it.
            valid_until: time.checked_add(seconds_remaining),
            seconds_remaining,
            digits: args.digits,
            period: args.period,
            algorithm: args.algorithm.as_str(),
        }),
        CodeFormat::Plain => print_line(code.as_str()),
        CodeFormat::Text => print_line(&format!(
            "{}  (valid for {} s more)",
            grouped.as_str(),
            seconds_remaining
        )),
    }
}

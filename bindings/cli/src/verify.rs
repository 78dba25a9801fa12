//! `callsign verify`: checks a code as the customer's app does, and the words for verdicts.

use crate::cli::VerifyArgs;
use crate::error::CliError;
use crate::input;
use crate::output::{now_or, print_json, print_line, utc};
use callsign::{EnrollmentTrust, Verdict, Verifier, VerifierConfig};
use serde::Serialize;
use std::process::ExitCode;

/// Exit status when the code is not genuine (or, for `verify-customer`, not verified).
pub const EXIT_NOT_GENUINE: u8 = 1;

/// What a wrong check digit means to the person on the phone.
pub const MISHEARD: &str = "MISHEARD (the check digit does not fit: ask the caller to repeat the code; no attempt counted)";

/// A verdict as JSON: its name (core's [`Verdict::as_str`]) and the fields it carries.
#[derive(Debug, Serialize)]
pub struct VerdictReport {
    /// The verdict's name.
    verdict: &'static str,
    /// The matching step (genuine, already used).
    #[serde(skip_serializing_if = "Option::is_none")]
    step: Option<u64>,
    /// Its distance from the current step (genuine).
    #[serde(skip_serializing_if = "Option::is_none")]
    drift: Option<i64>,
    /// Failures still allowed before the lock (not genuine, where attempts are counted).
    #[serde(skip_serializing_if = "Option::is_none")]
    attempts_left: Option<u32>,
    /// Unix time at which the lock ends (locked out).
    #[serde(skip_serializing_if = "Option::is_none")]
    until: Option<u64>,
}

impl From<Verdict> for VerdictReport {
    fn from(verdict: Verdict) -> VerdictReport {
        VerdictReport {
            verdict: verdict.as_str(),
            step: verdict.step(),
            drift: verdict.drift(),
            attempts_left: verdict.attempts_left(),
            until: verdict.locked_until(),
        }
    }
}

/// The JSON of `callsign verify`.
#[derive(Serialize)]
struct VerifyReport<'a> {
    genuine: bool,
    #[serde(flatten)]
    verdict: VerdictReport,
    message: &'a str,
    time: u64,
}

/// What the customer's app says about a verdict, in one line.
pub fn describe(verdict: &Verdict) -> String {
    match *verdict {
        Verdict::Genuine { step, drift } => {
            let clocks = match drift {
                0 => "the clocks agree".to_owned(),
                -1 => "the code is one step old, still inside the window".to_owned(),
                1 => "the caller's clock is one step ahead".to_owned(),
                _ => format!("{drift} steps from the current one"),
            };
            format!("GENUINE (step {step}, drift {drift}: {clocks})")
        }
        Verdict::NotGenuine { attempts_left } => format!(
            "NOT GENUINE ({attempts_left} {} left before the lock)",
            if attempts_left == 1 {
                "attempt"
            } else {
                "attempts"
            }
        ),
        Verdict::AlreadyUsed { step } => {
            format!("ALREADY USED (step {step} was accepted before; a replay is never genuine)")
        }
        Verdict::LockedOut { until } => {
            format!("LOCKED until {}: no code is checked until then", utc(until))
        }
        Verdict::Misheard => MISHEARD.to_owned(),
    }
}

/// Checks `args.code` against the enrollment at `args.time` (default: now), as a fresh app
/// would: exit 0 genuine, 1 not genuine.
pub fn verify(args: &VerifyArgs) -> Result<ExitCode, CliError> {
    let trust = if args.allow_unsigned {
        EnrollmentTrust::allow_unsigned()
    } else {
        let keys = args
            .trusted_key
            .iter()
            .map(|key| crate::keyfile::public_key("--trusted-key", key))
            .collect::<Result<Vec<_>, CliError>>()?;
        EnrollmentTrust::pinned(keys).map_err(CliError::blame("--trusted-key"))?
    };
    let verifier = Verifier::from_uri(
        &input::secret_arg("--enrollment", &args.enrollment)?,
        &trust,
        VerifierConfig::default(),
    )
    .map_err(CliError::blame("--enrollment"))?;
    let time = now_or(args.time)?;
    let verdict = verifier
        .check(&args.code, time)
        .map_err(|error| match error.kind() {
            callsign::ErrorKind::InvalidCode => CliError::argument("--code", error),
            _ => CliError::argument("--time", error),
        })?;
    let genuine = verdict.is_genuine();
    // Each run is a fresh verifier with no attempt history: a miss says only that nothing
    // matched, without an attempt count that no later run would honour.
    let (message, report) = match verdict {
        Verdict::NotGenuine { .. } => (
            "NOT GENUINE (the code matches no step around the current time)".to_owned(),
            VerdictReport {
                attempts_left: None,
                ..verdict.into()
            },
        ),
        _ => (describe(&verdict), verdict.into()),
    };
    if args.output.json {
        print_json(&VerifyReport {
            genuine,
            verdict: report,
            message: &message,
            time,
        })?;
    } else {
        print_line(&message)?;
    }
    Ok(if genuine {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_NOT_GENUINE)
    })
}

//! Inbound calls (the customer calls the vendor): `callsign customer-code` shows the code the
//! customer's app shows on request, `callsign verify-customer` checks it as the agent's tool
//! does.

use crate::agent::{agent_and_ticket, open_sink};
use crate::cli::{CustomerCodeArgs, VerifyCustomerArgs};
use crate::error::CliError;
use crate::input;
use crate::keyfile;
use crate::output::{CodeFormat, now_or, print_json, print_line, utc};
use crate::verify::{EXIT_NOT_GENUINE, MISHEARD};
use callsign::{
    CustomerVerdict, Digits, Enrollment, EnrollmentTrust, IssueRequest, Issuer, IssuerConfig,
    ProfileParams, Verifier, VerifierConfig,
};
use serde::Serialize;
use std::process::ExitCode;

/// The JSON of `callsign customer-code`.
#[derive(Serialize)]
struct CustomerCodeReport<'a> {
    code: &'a str,
    grouped: &'a str,
    account: &'a str,
    time: u64,
    step: u64,
    valid_until: u64,
    seconds_remaining: u64,
}

/// Prints the customer code of an enrollment at --time (default: now).
pub fn customer_code(args: &CustomerCodeArgs) -> Result<(), CliError> {
    // The code comes from the enrollment's own secret; a forged enrollment's code is one the
    // vendor never verifies, so its signature is not checked here (as for agent-code).
    let uri = input::secret_arg("--enrollment", &args.enrollment)?;
    let enrollment = Enrollment::from_uri(&uri, &EnrollmentTrust::allow_unsigned())
        .map_err(CliError::blame("--enrollment"))?;
    let verifier = Verifier::new(&enrollment, VerifierConfig::default())
        .map_err(CliError::blame("--enrollment"))?;
    let now = now_or(args.time)?;
    let code = verifier
        .customer_code(now)
        .map_err(CliError::blame("--time"))?;
    let grouped = code.grouped();
    match args.output.format() {
        CodeFormat::Json => print_json(&CustomerCodeReport {
            code: code.as_str(),
            grouped: grouped.as_str(),
            account: enrollment.account_id(),
            time: now,
            step: code.step,
            valid_until: code.valid_until,
            seconds_remaining: code.seconds_remaining,
        }),
        CodeFormat::Plain => print_line(code.as_str()),
        CodeFormat::Text => print_line(&format!(
            "{}  (read it to the {} agent you called; valid for {} s more, until {})",
            grouped.as_str(),
            enrollment.issuer(),
            code.seconds_remaining,
            utc(code.valid_until)
        )),
    }
}

/// The JSON of `callsign verify-customer`.
#[derive(Serialize)]
struct VerifyCustomerReport<'a> {
    verified: bool,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    step: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    locked_until: Option<u64>,
    message: &'a str,
    time: u64,
}

/// What the agent's tool says about a customer verdict, in one line.
pub fn describe(verdict: CustomerVerdict) -> String {
    match verdict {
        CustomerVerdict::Verified { step } => {
            format!("VERIFIED (step {step}: the caller holds the customer's enrolled app)")
        }
        CustomerVerdict::NotVerified { attempts_left } => format!(
            "NOT VERIFIED ({attempts_left} {} left before the account locks for every agent)",
            if attempts_left == 1 {
                "attempt"
            } else {
                "attempts"
            }
        ),
        CustomerVerdict::AlreadyUsed { step } => {
            format!("ALREADY USED (step {step} was accepted before; a replay never verifies)")
        }
        CustomerVerdict::LockedOut { until } => format!(
            "LOCKED until {}: no customer code of this account is checked until then",
            utc(until)
        ),
        _ => MISHEARD.to_owned(),
    }
}

/// Checks --code for --account at --time (default: now) as the vendor does: exit 0 verified,
/// 1 not verified, 2 bad input. With `--ledger` the account's failures, lock and last step are
/// the shared ledger's; without it each run starts from an empty in-memory ledger.
pub fn verify_customer(args: &VerifyCustomerArgs) -> Result<ExitCode, CliError> {
    let (agent, ticket) = agent_and_ticket(args.agent.as_deref(), args.ticket.as_deref())?;
    let master_key = keyfile::read("--master-key", &args.master_key)?;
    callsign::check_account_id(&args.account).map_err(CliError::blame("--account"))?;
    Digits::new(args.digits).map_err(CliError::blame("--digits"))?;
    let params = ProfileParams::new(args.digits, args.period)
        .map_err(CliError::blame("--period"))?
        .with_check_digit(args.check_digit);
    let config = IssuerConfig {
        epoch: args.epoch,
        params,
        ..IssuerConfig::default()
    };
    let issuer = match &args.ledger {
        Some(location) => Issuer::with_ledger(master_key, config, crate::ledger::open(location)?),
        None => Issuer::new(master_key, config, open_sink(args.audit.as_deref())?),
    }
    .map_err(|error| CliError::Failure(error.to_string()))?;
    let time = now_or(args.time)?;
    let request = IssueRequest {
        account_id: &args.account,
        agent_id: &agent,
        ticket: &ticket,
    };
    let verdict =
        issuer
            .verify_customer(&request, &args.code, time)
            .map_err(|error| match error.kind() {
                callsign::ErrorKind::InvalidCode => CliError::argument("--code", error),
                callsign::ErrorKind::TimeBeforeEpoch | callsign::ErrorKind::Overflow => {
                    CliError::argument("--time", error)
                }
                _ => CliError::Failure(error.to_string()),
            })?;
    // Without a ledger one run knows no earlier failures: a miss says only that nothing matched.
    let message = match verdict {
        CustomerVerdict::NotVerified { .. } if args.ledger.is_none() => {
            "NOT VERIFIED (the code matches no step around the current time)".to_owned()
        }
        _ => describe(verdict),
    };
    if args.output.json {
        print_json(&VerifyCustomerReport {
            verified: verdict.is_verified(),
            status: verdict.as_str(),
            step: verdict.step(),
            locked_until: verdict.locked_until(),
            message: &message,
            time,
        })?;
    } else {
        print_line(&message)?;
    }
    Ok(if verdict.is_verified() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_NOT_GENUINE)
    })
}

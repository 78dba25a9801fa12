//! `callsign revoke` and `callsign reenroll`, and the `--ledger URL` of `agent-code`: account
//! lifecycles in a ledger shared with other issuers (see docs/deployment.md).

use crate::agent::default_agent;
use crate::cli::{AccountChangeArgs, ReenrollArgs};
use crate::error::CliError;
use crate::keyfile;
use crate::output::{now_or, print_json, print_line};
use callsign::{ErrorKind, Issuer, IssuerConfig, Ledger};
use serde::Serialize;
use std::sync::Arc;
use zeroize::Zeroizing;

/// The JSON of `callsign revoke` and `callsign reenroll`.
#[derive(Serialize)]
struct ChangeReport<'a> {
    account: &'a str,
    agent: &'a str,
    reason: &'a str,
    time: u64,
    revoked: bool,
    epoch: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri: Option<&'a str>,
}

/// Opens the ledger at `location` (`--ledger`), with the default timeout.
pub fn open(location: &str) -> Result<Arc<dyn Ledger>, CliError> {
    callsign_ledger::open(location, callsign_ledger::DEFAULT_TIMEOUT).map_err(|error| {
        match error.kind() {
            ErrorKind::InvalidConfig => CliError::argument("--ledger", error),
            _ => CliError::Failure(error.to_string()),
        }
    })
}

/// Opens the ledger at `location` to read it: a SQLite file must exist already (opening
/// would create an empty ledger, and a mistyped path would read as an empty trail).
pub fn open_existing(location: &str) -> Result<Arc<dyn Ledger>, CliError> {
    if let Some(path) = location.strip_prefix("sqlite:")
        && !std::path::Path::new(path).exists()
    {
        return Err(CliError::argument(
            "--ledger",
            format!("there is no SQLite ledger at {path}"),
        ));
    }
    open(location)
}

/// An issuer over `--master-key` on `--ledger` with `config`.
fn issuer(args: &AccountChangeArgs, config: IssuerConfig) -> Result<Issuer, CliError> {
    callsign::check_account_id(&args.account).map_err(CliError::blame("--account"))?;
    let master_key = keyfile::read("--master-key", &args.master_key)?;
    Issuer::with_ledger(master_key, config, open(&args.ledger)?)
        .map_err(|error| CliError::Failure(error.to_string()))
}

/// The error of a change, blaming the argument that caused it.
fn change_error(error: &callsign::Error) -> CliError {
    match error {
        callsign::Error::AuditFieldLength { field, .. } if *field == "agent id" => {
            CliError::argument("--agent", error)
        }
        callsign::Error::AuditFieldLength { .. } => CliError::argument("--reason", error),
        _ if error.kind() == ErrorKind::InvalidUri => CliError::argument("--issuer", error),
        _ => CliError::Failure(error.to_string()),
    }
}

/// Revokes an account.
pub fn revoke(args: &AccountChangeArgs) -> Result<(), CliError> {
    let issuer = issuer(args, IssuerConfig::default())?;
    let agent = args.agent.clone().unwrap_or_else(default_agent);
    let now = now_or(args.time)?;
    issuer
        .revoke(&args.account, &agent, &args.reason, now)
        .map_err(|error| change_error(&error))?;
    let epoch = issuer
        .account_epoch(&args.account)
        .map_err(|error| CliError::Failure(error.to_string()))?;
    report(args, &agent, now, true, epoch, None)
}

/// Re-enrolls an account and prints its new enrollment URI, signed with `--signing-key` when
/// given (the key is read before anything is recorded).
pub fn reenroll(args: &ReenrollArgs) -> Result<(), CliError> {
    let ReenrollArgs {
        change: args,
        signing_key,
        check_digit,
    } = args;
    let mut config = IssuerConfig::default();
    config.params = config.params.with_check_digit(*check_digit);
    let issuer = issuer(args, config)?;
    let signing_key = signing_key
        .as_deref()
        .map(|path| keyfile::read_signing_key("--signing-key", path))
        .transpose()?;
    let agent = args.agent.clone().unwrap_or_else(default_agent);
    let now = now_or(args.time)?;
    let enrollment = issuer
        .reenroll(&args.issuer, &args.account, &agent, &args.reason, now)
        .map_err(|error| change_error(&error))?;
    let enrollment = match &signing_key {
        Some(key) => enrollment
            .signed(key)
            .map_err(CliError::blame("--signing-key"))?,
        None => enrollment,
    };
    let uri: Zeroizing<String> = enrollment.to_uri_string();
    report(args, &agent, now, false, enrollment.epoch(), Some(&uri))
}

fn report(
    args: &AccountChangeArgs,
    agent: &str,
    time: u64,
    revoked: bool,
    epoch: u32,
    uri: Option<&str>,
) -> Result<(), CliError> {
    if args.output.json {
        return print_json(&ChangeReport {
            account: &args.account,
            agent,
            reason: &args.reason,
            time,
            revoked,
            epoch,
            uri,
        });
    }
    match uri {
        Some(uri) => print_line(uri),
        None => print_line(&format!(
            "revoked {} (epoch {epoch}); no codes until it is re-enrolled",
            args.account
        )),
    }
}

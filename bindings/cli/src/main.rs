//! `callsign`: the command line of the callsign library. Codes, master keys, enrollment, agent
//! codes and verification for operators and scripts, and the end-to-end demo.
//!
//! The binary is thin: every protocol step comes from the `callsign` core crate. Errors are one
//! line on stderr naming the bad argument, with exit status 2; `verify` exits 1 for a code that
//! is not genuine, `verify-customer` for a customer code that is not verified.
#![forbid(unsafe_code)]

mod agent;
mod audit;
mod cli;
mod demo;
mod error;
mod import;
mod inbound;
mod input;
mod keyfile;
mod ledger;
mod otp;
mod output;
mod vendor;
mod verify;

use clap::Parser;
use cli::{Cli, Command};
use error::CliError;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return error::report_usage(&error),
    };
    match run(&cli.command) {
        Ok(status) => status,
        Err(error) => error.report(),
    }
}

/// Runs one subcommand.
fn run(command: &Command) -> Result<ExitCode, CliError> {
    // Every subcommand reports on stdout; with stdout closed nothing would be seen.
    output::check_stdout_open()?;
    match command {
        Command::Hotp(args) => otp::hotp(args),
        Command::Totp(args) => otp::totp(args),
        Command::Keygen(args) => vendor::keygen(args),
        Command::Enroll(args) => vendor::enroll(args),
        Command::AgentCode(args) => agent::agent_code(args),
        Command::Verify(args) => return verify::verify(args),
        Command::CustomerCode(args) => inbound::customer_code(args),
        Command::VerifyCustomer(args) => return inbound::verify_customer(args),
        Command::Import(args) => return import::import(args),
        Command::Audit(cli::AuditArgs {
            command: Some(cli::AuditCommand::Verify(args)),
            ..
        }) => return audit::verify(args),
        Command::Audit(cli::AuditArgs { list, .. }) => audit::list(list),
        Command::Demo(args) => demo::demo(args),
        Command::Revoke(args) => ledger::revoke(args),
        Command::Reenroll(args) => ledger::reenroll(args),
    }
    .map(|()| ExitCode::SUCCESS)
}

//! `callsign agent-code`: the code a support agent reads out, audited, once or rolling on.

use crate::cli::AgentCodeArgs;
use crate::error::CliError;
use crate::input;
use crate::keyfile;
use crate::output::{CodeFormat, check_stdout_open, now_or, print_json, print_line, utc};
use callsign::{
    AuditSink, Digits, Enrollment, EnrollmentIssuer, EnrollmentTrust, IssueRequest, Issuer,
    IssuerConfig, JsonLinesAuditSink, NullAuditSink, ProfileParams, TimedCode, canonical_agent_id,
    check_ticket,
};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// The agent id when neither --agent nor $USER gives one.
const DEFAULT_AGENT: &str = "cli";
/// The ticket when --ticket is not given.
const DEFAULT_TICKET: &str = "cli";
/// How often the --watch countdown redraws.
const COUNTDOWN_TICK: Duration = Duration::from_millis(200);

/// The JSON of `callsign agent-code` (one object per code with --watch).
#[derive(Serialize)]
struct AgentCodeReport<'a> {
    code: &'a str,
    grouped: &'a str,
    account: &'a str,
    agent: &'a str,
    ticket: &'a str,
    time: u64,
    step: u64,
    valid_until: u64,
    seconds_remaining: u64,
    digits: u32,
    period: u64,
    epoch: u32,
    audit_file: Option<String>,
}

/// Where agent codes come from.
enum CodeSource {
    /// The vendor's master key, through core's issuer (which audits every code).
    Issuer {
        /// The issuer over the master key.
        issuer: Issuer,
        /// The customer's account id.
        account: String,
    },
    /// A customer's enrollment, that is the account secret, through core's enrollment issuer
    /// (which audits every code too).
    Enrollment(EnrollmentIssuer),
}

impl CodeSource {
    /// The source the arguments name: --master-key with --account, or --enrollment.
    fn from_args(args: &AgentCodeArgs, sink: Arc<dyn AuditSink>) -> Result<CodeSource, CliError> {
        if let Some(uri) = &args.enrollment {
            // The agent side computes codes from the enrollment's own secret: whether its
            // signature is trusted is the customer app's question, so it is not checked here.
            let uri = input::secret_arg("--enrollment", uri)?;
            let enrollment = Enrollment::from_uri(&uri, &EnrollmentTrust::allow_unsigned())
                .map_err(CliError::blame("--enrollment"))?;
            let params = enrollment.params();
            if let Some(digits) = args.digits.filter(|&digits| digits != params.digits()) {
                return Err(CliError::argument(
                    "--digits",
                    format!(
                        "the enrollment's codes have {} digits, not {digits}",
                        params.digits()
                    ),
                ));
            }
            if let Some(period) = args.period.filter(|&period| period != params.period()) {
                return Err(CliError::argument(
                    "--period",
                    format!(
                        "the enrollment's codes last {} s, not {period} s",
                        params.period()
                    ),
                ));
            }
            return EnrollmentIssuer::new(enrollment, sink)
                .map(CodeSource::Enrollment)
                .map_err(|error| CliError::Failure(error.to_string()));
        }
        let (Some(path), Some(account)) = (&args.master_key, &args.account) else {
            return Err(CliError::argument(
                "--master-key",
                "give --master-key FILE with --account ID, or --enrollment URI",
            ));
        };
        let master_key = keyfile::read("--master-key", path)?;
        callsign::check_account_id(account).map_err(CliError::blame("--account"))?;
        let defaults = ProfileParams::default();
        let digits = args.digits.unwrap_or(defaults.digits());
        Digits::new(digits).map_err(CliError::blame("--digits"))?;
        let params = ProfileParams::new(digits, args.period.unwrap_or(defaults.period()))
            .map_err(CliError::blame("--period"))?
            .with_check_digit(args.check_digit);
        let config = IssuerConfig {
            epoch: args.epoch.unwrap_or(0),
            params,
            // A rate limit lives in one process's memory; each CLI run would start afresh, and
            // --watch issues one code per period anyway. Whoever holds the key file is trusted.
            rate_limit: None,
            ..IssuerConfig::default()
        };
        let issuer = match &args.ledger {
            // A ledger keeps the limit across runs and issuers: it applies here.
            Some(location) => Issuer::with_ledger(
                master_key,
                IssuerConfig {
                    rate_limit: IssuerConfig::default().rate_limit,
                    ..config
                },
                crate::ledger::open(location)?,
            ),
            None => Issuer::new(master_key, config, sink),
        }
        .map_err(|error| CliError::Failure(error.to_string()))?;
        Ok(CodeSource::Issuer {
            issuer,
            account: account.clone(),
        })
    }

    /// Issues and records the code at `now`; no code without its audit record.
    fn issue(&self, agent: &str, ticket: &str, now: u64) -> Result<TimedCode, CliError> {
        let issued = match self {
            CodeSource::Issuer { issuer, account } => issuer.issue(
                &IssueRequest {
                    account_id: account,
                    agent_id: agent,
                    ticket,
                },
                now,
            ),
            CodeSource::Enrollment(issuer) => issuer.issue(agent, ticket, now),
        };
        issued.map_err(|error| match error.kind() {
            callsign::ErrorKind::TimeBeforeEpoch | callsign::ErrorKind::Overflow => {
                CliError::argument("--time", error)
            }
            _ => CliError::Failure(error.to_string()),
        })
    }

    fn account(&self) -> &str {
        match self {
            CodeSource::Issuer { account, .. } => account,
            CodeSource::Enrollment(issuer) => issuer.enrollment().account_id(),
        }
    }

    fn epoch(&self) -> u32 {
        match self {
            // The epoch the ledger holds for the account (the configured one without a ledger).
            CodeSource::Issuer { issuer, account } => issuer
                .account_epoch(account)
                .unwrap_or(issuer.config().epoch),
            CodeSource::Enrollment(issuer) => issuer.enrollment().epoch(),
        }
    }

    fn params(&self) -> ProfileParams {
        match self {
            CodeSource::Issuer { issuer, .. } => issuer.config().params,
            CodeSource::Enrollment(issuer) => issuer.enrollment().params(),
        }
    }
}

/// Prints the agent code; with --watch, a countdown and the next codes until interrupted.
///
/// Stdout is checked before anything is issued (a closed stdout is refused). A code is shown
/// only after it is issued and audited; if writing it to stdout then fails, the error says that
/// the code was issued and audited but not shown, and the exit status is 2.
pub fn agent_code(args: &AgentCodeArgs) -> Result<(), CliError> {
    // Checked in `run` for every subcommand; here too, as issuing is what must not happen.
    check_stdout_open()?;
    let (agent, ticket) = agent_and_ticket(args.agent.as_deref(), args.ticket.as_deref())?;
    let sink = open_sink(args.audit.as_deref())?;
    let source = CodeSource::from_args(args, sink)?;
    let period = source.params().period();
    loop {
        let now = now_or(args.time)?;
        let code = source.issue(&agent, &ticket, now)?;
        let grouped = code.grouped();
        let shown = match args.output.format() {
            CodeFormat::Json => print_json(&AgentCodeReport {
                code: code.as_str(),
                grouped: grouped.as_str(),
                account: source.account(),
                agent: &agent,
                ticket: &ticket,
                time: now,
                step: code.step,
                valid_until: code.valid_until,
                seconds_remaining: code.seconds_remaining,
                digits: source.params().digits(),
                period,
                epoch: source.epoch(),
                audit_file: args.audit.as_ref().map(|path| path.display().to_string()),
            }),
            CodeFormat::Plain => print_line(code.as_str()),
            CodeFormat::Text => print_line(&format!(
                "{}  (valid for {} s more, until {})",
                grouped.as_str(),
                code.seconds_remaining,
                utc(code.valid_until)
            )),
        };
        shown.map_err(|error| {
            CliError::Failure(format!(
                "the code of step {} was issued{} but could not be shown: {}",
                code.step,
                if args.audit.is_some() {
                    " and audited"
                } else {
                    ""
                },
                error.message()
            ))
        })?;
        if !args.watch {
            return Ok(());
        }
        count_down(code.valid_until, period)?;
    }
}

/// The agent id (--agent, else $USER, else "cli") and ticket (--ticket, else "cli") for the
/// audit trail, checked before anything happens so that an error names the argument.
pub(crate) fn agent_and_ticket(
    agent: Option<&str>,
    ticket: Option<&str>,
) -> Result<(String, String), CliError> {
    // The audit trail and core's issuer count agents by their canonical id.
    let agent = canonical_agent_id(&agent.map_or_else(default_agent, str::to_owned))
        .map_err(CliError::blame("--agent"))?;
    let ticket = ticket.unwrap_or(DEFAULT_TICKET).to_owned();
    check_ticket(&ticket).map_err(CliError::blame("--ticket"))?;
    Ok((agent, ticket))
}

/// $USER when it is set, else "cli".
pub(crate) fn default_agent() -> String {
    std::env::var("USER")
        .ok()
        .filter(|user| !user.is_empty())
        .unwrap_or_else(|| DEFAULT_AGENT.to_owned())
}

/// The JSON-lines file sink of --audit; without --audit, issuances go unrecorded by the
/// operator's choice ([`NullAuditSink`]).
pub(crate) fn open_sink(path: Option<&Path>) -> Result<Arc<dyn AuditSink>, CliError> {
    match path {
        Some(path) => Ok(Arc::new(
            JsonLinesAuditSink::open(path).map_err(CliError::blame("--audit"))?,
        )),
        None => Ok(Arc::new(NullAuditSink)),
    }
}

/// Shows a shrinking bar on stderr (when it is a terminal) until `valid_until`.
fn count_down(valid_until: u64, period: u64) -> Result<(), CliError> {
    let bar = ProgressBar::new(period);
    let style = ProgressStyle::with_template("{bar:40.cyan/blue} {msg}")
        .map_err(|error| CliError::Failure(format!("drawing the countdown: {error}")))?;
    bar.set_style(style);
    loop {
        let now = now_or(None)?;
        let Some(left) = valid_until.checked_sub(now).filter(|&left| left > 0) else {
            break;
        };
        bar.set_position(left.min(period));
        bar.set_message(format!("{left} s left, then the next code"));
        std::thread::sleep(COUNTDOWN_TICK);
    }
    bar.finish_and_clear();
    Ok(())
}

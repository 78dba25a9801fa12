//! `callsign audit`: lists a ledger's audit records (a table, or JSON lines), and `callsign
//! audit verify`: checks the hash chain of a JSON-lines audit file or of a ledger.

use crate::cli::{AuditListArgs, AuditVerifyArgs};
use crate::error::CliError;
use crate::output::{print_json, print_line, utc};
use callsign::{AuditChainReport, AuditQuery, audit_chain_hex};
use serde::Serialize;
use std::collections::BTreeMap;
use std::process::ExitCode;

/// Exit status when the chain is broken.
const EXIT_BROKEN: u8 = 1;

/// The JSON of `callsign audit verify`.
#[derive(Serialize)]
struct AuditVerifyReport<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ledger: Option<&'a str>,
    intact: bool,
    /// Records that verified (those before the break, if there is one).
    records: u64,
    /// Per agent: its records and the hash of its last record (to anchor elsewhere).
    agents: BTreeMap<&'a str, AgentHead>,
    #[serde(skip_serializing_if = "Option::is_none")]
    broken: Option<Broken<'a>>,
}

#[derive(Serialize)]
struct AgentHead {
    records: u64,
    head: String,
}

#[derive(Serialize)]
struct Broken<'a> {
    /// The line of a file, or the row id of a ledger.
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    row: Option<u64>,
    agent_id: Option<&'a str>,
    reason: &'a str,
}

/// Verifies the chain of the file or ledger and reports: exit 0 intact, 1 broken.
pub fn verify(args: &AuditVerifyArgs) -> Result<ExitCode, CliError> {
    let report = match (&args.file, &args.ledger) {
        (_, Some(location)) => crate::ledger::open_existing(location)?
            .verify_chain()
            .map_err(|error| CliError::Failure(error.to_string()))?,
        (Some(file), None) => callsign::verify_audit_file(file).map_err(|error| {
            CliError::argument("FILE", format!("cannot read {}: {error}", file.display()))
        })?,
        (None, None) => return Err(CliError::argument("FILE", "give a FILE or --ledger URL")),
    };
    // A ledger names a broken record by its row id, a file by its line.
    let place = if args.ledger.is_some() { "row" } else { "line" };
    if args.output.json {
        print_json(&AuditVerifyReport {
            file: args.file.as_ref().map(|file| file.display().to_string()),
            ledger: args.ledger.as_deref(),
            intact: report.is_intact(),
            records: report.records,
            agents: report
                .heads
                .iter()
                .map(|(agent, head)| {
                    (
                        agent.as_str(),
                        AgentHead {
                            records: head.records,
                            head: audit_chain_hex(&head.hash),
                        },
                    )
                })
                .collect(),
            broken: report.first_break.as_ref().map(|broken| Broken {
                line: args.ledger.is_none().then_some(broken.line),
                row: args.ledger.is_some().then_some(broken.line),
                agent_id: broken.agent_id.as_deref(),
                reason: &broken.reason,
            }),
        })?;
    } else {
        match &report.first_break {
            None => print_line(&format!(
                "intact: {} records, {} agents",
                report.records,
                report.heads.len()
            ))?,
            Some(broken) => print_line(&format!(
                "BROKEN at {place} {}{}: {} ({} records before it verified)",
                broken.line,
                broken
                    .agent_id
                    .as_ref()
                    .map_or_else(String::new, |agent| format!(" (agent {agent:?})")),
                broken.reason,
                report.records
            ))?,
        }
        for (agent, head) in &report.heads {
            print_line(&format!(
                "  {agent:?}: {} records, head {}",
                head.records,
                audit_chain_hex(&head.hash)
            ))?;
        }
    }
    Ok(status(&report))
}

fn status(report: &AuditChainReport) -> ExitCode {
    if report.is_intact() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_BROKEN)
    }
}

/// Lists the ledger's records that match the filters, newest first.
pub fn list(args: &AuditListArgs) -> Result<(), CliError> {
    let Some(location) = &args.ledger else {
        return Err(CliError::argument("--ledger", "give the ledger to read"));
    };
    let agent = args
        .agent
        .as_deref()
        .map(callsign::canonical_agent_id)
        .transpose()
        .map_err(CliError::blame("--agent"))?;
    if let Some(account) = &args.account {
        callsign::check_account_id(account).map_err(CliError::blame("--account"))?;
    }
    if let (Some(since), Some(until)) = (args.since, args.until)
        && until <= since
    {
        return Err(CliError::argument(
            "--until",
            format!("must be after --since ({since}); records before --until are listed"),
        ));
    }
    let query = AuditQuery {
        agent_id: agent.as_deref(),
        account_id: args.account.as_deref(),
        since: args.since,
        until: args.until,
        limit: args.limit,
    };
    query.check().map_err(CliError::blame("--limit"))?;
    let records = crate::ledger::open_existing(location)?
        .audit_events(&query)
        .map_err(|error| CliError::Failure(error.to_string()))?;
    if args.json {
        return records.iter().try_for_each(print_json);
    }
    if records.is_empty() {
        return print_line("no audit records match");
    }
    let header = [
        "TIME", "OUTCOME", "AGENT", "ACCOUNT", "EPOCH", "STEP", "TICKET",
    ]
    .map(str::to_owned);
    let rows: Vec<[String; 7]> = records
        .iter()
        .map(|record| {
            [
                utc(record.time),
                record.outcome.as_str().to_owned(),
                shown(&record.agent_id),
                shown(&record.account_id),
                record.epoch.to_string(),
                record.step.to_string(),
                shown(&record.ticket),
            ]
        })
        .collect();
    let mut widths = header.clone().map(|title| title.chars().count());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    for row in core::iter::once(&header).chain(&rows) {
        let cells: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        print_line(cells.join("  ").trim_end())?;
    }
    Ok(())
}

/// Text of a record as a table cell: control characters escaped, so that a ticket cannot
/// forge lines of the table.
fn shown(text: &str) -> String {
    text.chars()
        .flat_map(|character| {
            let escaped: Vec<char> = if character.is_control() {
                character.escape_default().collect()
            } else {
                vec![character]
            };
            escaped
        })
        .collect()
}

//! `callsign audit verify`: checks the hash chain of a JSON-lines audit file.

use crate::cli::AuditVerifyArgs;
use crate::error::CliError;
use crate::output::{print_json, print_line};
use callsign::audit_chain_hex;
use serde::Serialize;
use std::collections::BTreeMap;
use std::process::ExitCode;

/// Exit status when the chain is broken.
const EXIT_BROKEN: u8 = 1;

/// The JSON of `callsign audit verify`.
#[derive(Serialize)]
struct AuditVerifyReport<'a> {
    file: String,
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
    line: u64,
    agent_id: Option<&'a str>,
    reason: &'a str,
}

/// Verifies the file's chain and reports: exit 0 intact, 1 broken.
pub fn verify(args: &AuditVerifyArgs) -> Result<ExitCode, CliError> {
    let report = callsign::verify_audit_file(&args.file).map_err(|error| {
        CliError::argument(
            "FILE",
            format!("cannot read {}: {error}", args.file.display()),
        )
    })?;
    if args.output.json {
        print_json(&AuditVerifyReport {
            file: args.file.display().to_string(),
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
                line: broken.line,
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
                "BROKEN at {broken} ({} records before it verified)",
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
    Ok(if report.is_intact() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_BROKEN)
    })
}

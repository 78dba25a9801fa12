//! `callsign import`: checks otpauth:// URIs in bulk, one per line, and reports for every line
//! what would be imported and why anything is refused. Secrets are never printed.

use crate::cli::ImportArgs;
use crate::error::CliError;
use crate::output::{print_json, print_line};
use callsign::{ImportedLine, OtpAuthUri, OtpKind, import_otpauth};
use serde::Serialize;
use std::io::Read;
use std::process::ExitCode;

/// Exit status when at least one line was refused.
const EXIT_SOME_REFUSED: u8 = 1;

/// One line of the report.
#[derive(Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
enum LineReport<'a> {
    /// The line parsed into an account.
    Imported {
        line: usize,
        #[serde(rename = "type")]
        kind: &'static str,
        issuer: Option<&'a str>,
        account: &'a str,
        algorithm: &'static str,
        digits: u32,
        period: Option<u64>,
        counter: Option<u64>,
        /// Parameters the format does not define, which were ignored.
        ignored_parameters: Vec<&'a str>,
    },
    /// The line was refused.
    Refused {
        line: usize,
        /// The error's kind, as the conformance vectors name it.
        error: &'static str,
        message: String,
    },
}

impl<'a> LineReport<'a> {
    fn of(imported: &'a ImportedLine) -> LineReport<'a> {
        match &imported.result {
            Ok(uri) => {
                let (kind, period, counter) = kind_fields(uri);
                LineReport::Imported {
                    line: imported.line,
                    kind,
                    issuer: uri.issuer.as_deref(),
                    account: &uri.account,
                    algorithm: uri.algorithm.as_str(),
                    digits: uri.digits,
                    period,
                    counter,
                    ignored_parameters: uri
                        .extra_parameters
                        .iter()
                        .map(|(name, _)| name.as_str())
                        .collect(),
                }
            }
            Err(error) => LineReport::Refused {
                line: imported.line,
                error: error.kind().as_str(),
                message: error.to_string(),
            },
        }
    }

    /// The report as one line of text.
    fn text(&self) -> String {
        match self {
            LineReport::Imported {
                line,
                kind,
                issuer,
                account,
                algorithm,
                digits,
                period,
                counter,
                ignored_parameters,
            } => {
                let issuer =
                    issuer.map_or_else(|| "no issuer".to_owned(), |name| format!("{name:?}"));
                let timing = match (period, counter) {
                    (Some(period), _) => format!("every {period} s"),
                    (None, Some(counter)) => format!("counter {counter}"),
                    (None, None) => String::new(),
                };
                let mut text = format!(
                    "line {line}: imported {kind} {account:?} ({issuer}; {algorithm}, {digits} digits, {timing})"
                );
                if !ignored_parameters.is_empty() {
                    text.push_str("; ignored parameters: ");
                    text.push_str(&ignored_parameters.join(", "));
                }
                text
            }
            LineReport::Refused {
                line,
                error,
                message,
            } => format!("line {line}: refused ({error}): {message}"),
        }
    }
}

fn kind_fields(uri: &OtpAuthUri) -> (&'static str, Option<u64>, Option<u64>) {
    match uri.kind {
        OtpKind::Totp { period } => ("totp", Some(period), None),
        OtpKind::Hotp { counter } => ("hotp", None, Some(counter)),
    }
}

/// The JSON of `callsign import`.
#[derive(Serialize)]
struct ImportReport<'a> {
    imported: usize,
    refused: usize,
    lines: Vec<LineReport<'a>>,
}

/// Reads the URIs, reports every line; exits 0 when all were imported, 1 when any was refused.
pub fn import(args: &ImportArgs) -> Result<ExitCode, CliError> {
    let text = read_input(&args.input)?;
    let imported = import_otpauth(&text);
    let lines: Vec<LineReport<'_>> = imported.iter().map(LineReport::of).collect();
    let refused = imported.iter().filter(|line| line.result.is_err()).count();
    let report = ImportReport {
        imported: imported.len() - refused,
        refused,
        lines,
    };
    if args.output.json {
        print_json(&report)?;
    } else {
        for line in &report.lines {
            print_line(&line.text())?;
        }
        print_line(&format!(
            "{} imported, {} refused",
            report.imported, report.refused
        ))?;
    }
    Ok(if refused == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_SOME_REFUSED)
    })
}

/// The whole input as text: the file, or stdin for `-`.
fn read_input(path: &std::path::Path) -> Result<String, CliError> {
    let mut bytes = Vec::new();
    let read = if path.as_os_str() == "-" {
        std::io::stdin().lock().read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path).and_then(|mut file| file.read_to_end(&mut bytes))
    };
    read.map_err(|error| CliError::argument("FILE", format!("{}: {error}", path.display())))?;
    String::from_utf8(bytes)
        .map_err(|_| CliError::argument("FILE", format!("{} is not UTF-8 text", path.display())))
}

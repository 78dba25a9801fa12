//! What goes wrong, and how it reaches the user: one line on stderr and exit status 2.

use std::fmt::Display;
use std::io::Write;
use std::process::ExitCode;

/// The exit status of every error: bad input, bad usage, or a failure on the way.
pub const EXIT_ERROR: u8 = 2;

/// An error that ends a command.
#[derive(Debug)]
pub enum CliError {
    /// A command-line argument (or the file it names) is unusable.
    Argument {
        /// The argument, as typed: "--secret".
        argument: &'static str,
        /// Why, in one sentence.
        message: String,
    },
    /// Something failed that is no single argument's fault (stdout, the clock, the audit sink).
    Failure(String),
}

impl CliError {
    /// A bad value of `argument`.
    pub fn argument(argument: &'static str, message: impl Display) -> CliError {
        CliError::Argument {
            argument,
            message: message.to_string(),
        }
    }

    /// A closure for `map_err` that blames `argument` for an error.
    pub fn blame<E: Display>(argument: &'static str) -> impl FnOnce(E) -> CliError {
        move |error| CliError::argument(argument, error)
    }

    /// The message, without the argument's name.
    pub fn message(&self) -> &str {
        match self {
            CliError::Argument { message, .. } | CliError::Failure(message) => message,
        }
    }

    /// Prints the error as one line on stderr and gives the exit status.
    pub fn report(&self) -> ExitCode {
        let line = match self {
            CliError::Argument { argument, message } => format!("error: {argument}: {message}"),
            CliError::Failure(message) => format!("error: {message}"),
        };
        print_error_line(&line)
    }
}

/// Reports a clap error: help and version go to stdout with status 0; a usage error becomes
/// one line on stderr (clap's message without the usage block) with status 2.
pub fn report_usage(error: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
    ) {
        // Nothing sensible is left to do when even the help cannot be written.
        let _ = error.print();
        return ExitCode::SUCCESS;
    }
    let rendered = error.render().to_string();
    let line = rendered
        .lines()
        .map(str::trim)
        .filter(|line| {
            !line.is_empty()
                && !line.starts_with("Usage:")
                && !line.starts_with("For more information")
        })
        .collect::<Vec<_>>()
        .join(" ");
    print_error_line(&format!("{line} (see --help)"))
}

/// Writes `line` (newlines flattened) to stderr and gives status 2.
fn print_error_line(line: &str) -> ExitCode {
    let flat = line.replace(['\n', '\r'], " ");
    // If stderr is gone there is no one left to tell; the exit status still says it.
    let _ = writeln!(std::io::stderr().lock(), "{flat}");
    ExitCode::from(EXIT_ERROR)
}

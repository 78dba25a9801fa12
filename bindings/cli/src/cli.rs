//! The command line as clap sees it: subcommands, flags and their help.
//!
//! These names are a public contract that scripts rely on; change them only with care.

use callsign::Algorithm;
use clap::{ArgGroup, Args, Parser, Subcommand};
use std::path::PathBuf;

/// Caller verification codes: tell a genuine support call from a scam.
#[derive(Debug, Parser)]
#[command(name = "callsign", version, arg_required_else_help = false)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the RFC 4226 HOTP code of a counter.
    Hotp(HotpArgs),
    /// Print the RFC 6238 TOTP code at a time (default: now).
    Totp(TotpArgs),
    /// Write a new random master key to a file (mode 0600; never overwrites).
    #[command(long_about = KEYGEN_LONG_ABOUT)]
    Keygen(KeygenArgs),
    /// Print the enrollment URI that carries an account's secret to the customer's app.
    Enroll(EnrollArgs),
    /// Issue the agent code for a customer's account (audited with --audit).
    AgentCode(AgentCodeArgs),
    /// Check a code the way the customer's app does: exit 0 genuine, 1 not genuine, 2 bad input.
    Verify(VerifyArgs),
    /// Print the customer code the app shows when the customer calls the vendor (inbound call).
    CustomerCode(CustomerCodeArgs),
    /// Check a customer code the way the vendor's agent tool does: exit 0 verified, 1 not, 2 bad input.
    VerifyCustomer(VerifyCustomerArgs),
    /// Revoke an account in a ledger: no issuer on it issues codes until it is re-enrolled.
    Revoke(AccountChangeArgs),
    /// Re-enroll an account in a ledger under a new epoch and print its new enrollment URI.
    Reenroll(ReenrollArgs),
    /// List a ledger's audit records, newest first (`callsign audit --ledger URL`), or check an
    /// audit trail's hash chain (`callsign audit verify FILE|--ledger URL`).
    Audit(AuditArgs),
    /// Play the whole story in one run: enrollment, a genuine call, a replay, a scammer locked out.
    Demo(DemoArgs),
    /// Check otpauth:// URIs, one per line: what would be imported, and why any line is refused
    /// (exit 0 all imported, 1 some refused, 2 bad input).
    #[command(long_about = IMPORT_LONG_ABOUT)]
    Import(ImportArgs),
}

const IMPORT_LONG_ABOUT: &str = "Check otpauth:// URIs, one per line, as an import would read them.

Every line gets a verdict: what was imported (type, issuer, account, algorithm, digits, period \
or counter, and the parameters the Key Uri Format does not define, which are ignored), or why \
it was refused. Blank lines and lines starting with # are skipped. Secrets are never printed. \
Exit status 0 when every line was imported, 1 when any was refused, 2 when the input cannot be \
read.";

/// Arguments of `callsign import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The file of otpauth:// URIs, one per line; - reads stdin.
    #[arg(value_name = "FILE")]
    pub input: PathBuf,
    #[command(flatten)]
    pub output: OutputArgs,
}

const KEYGEN_LONG_ABOUT: &str = "Write a new random master key to a file.

The file holds the key's 32 bytes as 64 lowercase hex digits and a newline. It is created with \
mode 0600 and never overwritten. Commands that read a master key (--master-key) accept 32 to 64 \
bytes as hex in either case, surrounded by optional whitespace, and refuse a file that group or \
others may read.";

/// How a command that prints no code reports.
#[derive(Debug, Clone, Copy, Args)]
pub struct OutputArgs {
    /// Print one JSON object on stdout instead of text.
    #[arg(long)]
    pub json: bool,
}

/// How a command that prints a code reports.
#[derive(Debug, Clone, Copy, Args)]
pub struct CodeOutputArgs {
    /// Print one JSON object on stdout instead of text.
    #[arg(long)]
    pub json: bool,
    /// Print only the code's digits, without grouping.
    #[arg(long, conflicts_with = "json")]
    pub plain: bool,
}

/// Arguments of `callsign hotp`.
#[derive(Debug, Args)]
pub struct HotpArgs {
    /// The shared secret in base32 (at least 16 bytes; spaces, dashes, padding and lower case are
    /// fine), or - to read it from stdin (keeps it off the command line).
    #[arg(long, value_name = "B32")]
    pub secret: String,
    /// The counter.
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = unsigned::<u64>)]
    pub counter: u64,
    /// Digits of the code (6 to 8).
    #[arg(
        long,
        value_name = "D",
        allow_negative_numbers = true, value_parser = unsigned::<u32>,
        default_value_t = 6
    )]
    pub digits: u32,
    /// The HMAC hash: sha1, sha256 or sha512.
    #[arg(long, value_name = "A", default_value = "sha1", value_parser = parse_algorithm)]
    pub algorithm: Algorithm,
    #[command(flatten)]
    pub output: CodeOutputArgs,
}

/// Arguments of `callsign totp`.
#[derive(Debug, Args)]
pub struct TotpArgs {
    /// The shared secret in base32 (at least 16 bytes; spaces, dashes, padding and lower case are
    /// fine), or - to read it from stdin (keeps it off the command line).
    #[arg(long, value_name = "B32")]
    pub secret: String,
    /// Unix time in seconds (default: now).
    #[arg(long, value_name = "UNIX", allow_negative_numbers = true, value_parser = unsigned::<u64>)]
    pub time: Option<u64>,
    /// Digits of the code (6 to 8).
    #[arg(
        long,
        value_name = "D",
        allow_negative_numbers = true, value_parser = unsigned::<u32>,
        default_value_t = 6
    )]
    pub digits: u32,
    /// Seconds per time step.
    #[arg(
        long,
        value_name = "S",
        allow_negative_numbers = true, value_parser = unsigned::<u64>,
        default_value_t = 30
    )]
    pub period: u64,
    /// The HMAC hash: sha1, sha256 or sha512.
    #[arg(long, value_name = "A", default_value = "sha1", value_parser = parse_algorithm)]
    pub algorithm: Algorithm,
    #[command(flatten)]
    pub output: CodeOutputArgs,
}

/// Arguments of `callsign keygen`.
#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// The file to create; an existing file is never overwritten.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Make an Ed25519 enrollment signing key instead of a master key, and print its public key
    /// (to pin in the customer's app).
    #[arg(long)]
    pub signing: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Arguments of `callsign enroll`.
#[derive(Debug, Args)]
pub struct EnrollArgs {
    /// The vendor's master key file (see `callsign keygen --help`); - reads the hex from stdin.
    #[arg(long, value_name = "FILE")]
    pub master_key: PathBuf,
    /// The customer's account id (1 to 256 bytes).
    #[arg(long, value_name = "ID")]
    pub account: String,
    /// The key epoch (bump it to rotate every account's secret).
    #[arg(
        long,
        value_name = "E",
        allow_negative_numbers = true, value_parser = unsigned::<u32>,
        default_value_t = 0
    )]
    pub epoch: u32,
    /// The vendor's name as the customer's app shows it.
    #[arg(long, value_name = "NAME", default_value = "callsign")]
    pub issuer: String,
    /// Sign the enrollment with this enrollment signing key file (from `callsign keygen
    /// --signing`); apps that pin its public key accept only signed enrollments.
    #[arg(long, value_name = "FILE")]
    pub signing_key: Option<PathBuf>,
    /// Also draw the URI as a QR code in the terminal.
    #[arg(long)]
    pub qr: bool,
    /// Every code of the account carries a Damm check digit (the URI says check=damm).
    #[arg(long)]
    pub check_digit: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Arguments of `callsign agent-code`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("source").required(true).args(["master_key", "enrollment"])))]
pub struct AgentCodeArgs {
    /// The vendor's master key file (with --account); - reads the hex from stdin.
    #[arg(long, value_name = "FILE", requires = "account")]
    pub master_key: Option<PathBuf>,
    /// The customer's account id (with --master-key).
    #[arg(long, value_name = "ID", requires = "master_key")]
    pub account: Option<String>,
    /// The key epoch (with --master-key; default 0).
    #[arg(
        long,
        value_name = "E",
        allow_negative_numbers = true, value_parser = unsigned::<u32>,
        requires = "master_key"
    )]
    pub epoch: Option<u32>,
    /// The customer's enrollment URI (from callsign enroll), instead of --master-key and --account;
    /// - reads it from stdin.
    #[arg(long, value_name = "URI", conflicts_with = "master_key")]
    pub enrollment: Option<String>,
    /// Unix time in seconds (default: now).
    #[arg(
        long,
        value_name = "UNIX",
        allow_negative_numbers = true, value_parser = unsigned::<u64>,
        conflicts_with = "watch"
    )]
    pub time: Option<u64>,
    /// Digits of the code (6 to 8; default 6, or the enrollment's).
    #[arg(long, value_name = "D", allow_negative_numbers = true, value_parser = unsigned::<u32>)]
    pub digits: Option<u32>,
    /// Seconds per code (10 to 300; default 30, or the enrollment's).
    #[arg(long, value_name = "S", allow_negative_numbers = true, value_parser = unsigned::<u64>)]
    pub period: Option<u64>,
    /// Append a Damm check digit (with --master-key; an enrollment says it itself).
    #[arg(long, requires = "master_key")]
    pub check_digit: bool,
    /// The agent's id for the audit trail (default: $USER, else "cli").
    #[arg(long, value_name = "ID")]
    pub agent: Option<String>,
    /// The ticket or reason for the call, for the audit trail (default "cli").
    #[arg(long, value_name = "T")]
    pub ticket: Option<String>,
    /// Append each issuance to this JSON-lines audit file (created with mode 0600).
    #[arg(long, value_name = "FILE")]
    pub audit: Option<PathBuf>,
    /// Issue through a ledger shared with other issuers (sqlite:PATH, or a PostgreSQL URL): its
    /// audit, its per-agent rate limit (30 codes an hour) and its account epochs and revocations.
    #[arg(
        long,
        value_name = "URL",
        requires = "master_key",
        conflicts_with = "audit"
    )]
    pub ledger: Option<String>,
    /// Show a live countdown and roll on to the next code until interrupted.
    #[arg(long)]
    pub watch: bool,
    #[command(flatten)]
    pub output: CodeOutputArgs,
}

/// Arguments of `callsign revoke` and `callsign reenroll`.
#[derive(Debug, Args)]
pub struct AccountChangeArgs {
    /// The ledger: sqlite:PATH, or a PostgreSQL URL
    #[arg(long, value_name = "URL")]
    pub ledger: String,
    /// The vendor's master key file.
    #[arg(long, value_name = "FILE")]
    pub master_key: PathBuf,
    /// The customer's account id.
    #[arg(long, value_name = "ID")]
    pub account: String,
    /// The reason, for the audit trail.
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
    /// Who makes the change, for the audit trail (default: $USER, else "cli").
    #[arg(long, value_name = "ID")]
    pub agent: Option<String>,
    /// The vendor's name as the customer's app shows it (reenroll).
    #[arg(long, value_name = "NAME", default_value = "callsign")]
    pub issuer: String,
    /// Unix time in seconds (default: now).
    #[arg(long, value_name = "UNIX", allow_negative_numbers = true)]
    pub time: Option<u64>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Arguments of `callsign reenroll`.
#[derive(Debug, Args)]
pub struct ReenrollArgs {
    #[command(flatten)]
    pub change: AccountChangeArgs,
    /// Sign the new enrollment with this enrollment signing key file (from `callsign keygen
    /// --signing`); apps that pin its public key accept only signed enrollments.
    #[arg(long, value_name = "FILE")]
    pub signing_key: Option<PathBuf>,
    /// Every code of the account carries a Damm check digit (the URI says check=damm), as with
    /// `enroll --check-digit`.
    #[arg(long)]
    pub check_digit: bool,
}

/// Arguments of `callsign verify`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("trust").required(true).args(["trusted_key", "allow_unsigned"])))]
pub struct VerifyArgs {
    /// The customer's enrollment URI (from callsign enroll); - reads it from stdin.
    #[arg(long, value_name = "URI")]
    pub enrollment: String,
    /// A pinned enrollment public key, 64 hex digits (repeat for rotation): the enrollment must
    /// be signed by one of them.
    #[arg(long, value_name = "HEX")]
    pub trusted_key: Vec<String>,
    /// Ignore the enrollment's signature (tests and tools only; an app never does this).
    #[arg(long, conflicts_with = "trusted_key")]
    pub allow_unsigned: bool,
    /// The code the caller read out ("482 913", "482-913" and "482913" are all fine).
    #[arg(long, value_name = "C")]
    pub code: String,
    /// Unix time in seconds (default: now).
    #[arg(long, value_name = "UNIX", allow_negative_numbers = true, value_parser = unsigned::<u64>)]
    pub time: Option<u64>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Arguments of `callsign customer-code`.
#[derive(Debug, Args)]
pub struct CustomerCodeArgs {
    /// The customer's enrollment URI (from callsign enroll, signed or not); - reads it from stdin.
    #[arg(long, value_name = "URI")]
    pub enrollment: String,
    /// Unix time in seconds (default: now).
    #[arg(long, value_name = "UNIX", allow_negative_numbers = true)]
    pub time: Option<u64>,
    #[command(flatten)]
    pub output: CodeOutputArgs,
}

/// Arguments of `callsign verify-customer`.
#[derive(Debug, Args)]
pub struct VerifyCustomerArgs {
    /// The vendor's master key file (see `callsign keygen --help`).
    #[arg(long, value_name = "FILE")]
    pub master_key: PathBuf,
    /// The customer's account id (1 to 256 bytes).
    #[arg(long, value_name = "ID")]
    pub account: String,
    /// The code the caller read out ("246 206", "246-206" and "246206" are all fine).
    #[arg(long, value_name = "C")]
    pub code: String,
    /// The key epoch (default 0).
    #[arg(
        long,
        value_name = "E",
        allow_negative_numbers = true,
        default_value_t = 0
    )]
    pub epoch: u32,
    /// Digits of the code (6 to 8).
    #[arg(
        long,
        value_name = "D",
        allow_negative_numbers = true,
        default_value_t = 6
    )]
    pub digits: u32,
    /// Seconds per code (10 to 300).
    #[arg(
        long,
        value_name = "S",
        allow_negative_numbers = true,
        default_value_t = 30
    )]
    pub period: u64,
    /// The account's codes carry a Damm check digit.
    #[arg(long)]
    pub check_digit: bool,
    /// The agent's id for the audit trail (default: $USER, else "cli").
    #[arg(long, value_name = "ID")]
    pub agent: Option<String>,
    /// The ticket or reason for the call, for the audit trail (default "cli").
    #[arg(long, value_name = "T")]
    pub ticket: Option<String>,
    /// Append the check to this JSON-lines audit file (created with mode 0600).
    #[arg(long, value_name = "FILE")]
    pub audit: Option<PathBuf>,
    /// Check through a ledger shared with other issuers (sqlite:PATH, or a PostgreSQL URL): its
    /// audit and the account's failures, lock and last accepted step, for every agent.
    #[arg(long, value_name = "URL", conflicts_with = "audit")]
    pub ledger: Option<String>,
    /// Unix time in seconds (default: now).
    #[arg(long, value_name = "UNIX", allow_negative_numbers = true)]
    pub time: Option<u64>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Arguments of `callsign audit`: a listing, or a subcommand.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct AuditArgs {
    /// What to do instead of listing.
    #[command(subcommand)]
    pub command: Option<AuditCommand>,
    #[command(flatten)]
    pub list: AuditListArgs,
}

/// The subcommands of `callsign audit`.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the hash chain of a JSON-lines audit file or of a ledger's audit trail: exit 0
    /// intact, 1 broken (the first broken link is named: a line of a file, a row id of a
    /// ledger), 2 unreadable.
    Verify(AuditVerifyArgs),
}

/// Arguments of the `callsign audit` listing.
#[derive(Debug, Args)]
pub struct AuditListArgs {
    /// The ledger: sqlite:PATH, or a PostgreSQL URL.
    #[arg(long, value_name = "URL", required = true)]
    pub ledger: Option<String>,
    /// Only this agent's records (taken in its canonical form).
    #[arg(long, value_name = "ID")]
    pub agent: Option<String>,
    /// Only this account's records.
    #[arg(long, value_name = "ID")]
    pub account: Option<String>,
    /// Only records at or after this unix time, in seconds.
    #[arg(long, value_name = "UNIX", allow_negative_numbers = true, value_parser = unsigned::<u64>)]
    pub since: Option<u64>,
    /// Only records before this unix time, in seconds.
    #[arg(long, value_name = "UNIX", allow_negative_numbers = true, value_parser = unsigned::<u64>)]
    pub until: Option<u64>,
    /// At most this many records: the newest ones (1 to 100000).
    #[arg(
        long,
        value_name = "N",
        allow_negative_numbers = true,
        value_parser = unsigned::<usize>,
        default_value_t = callsign::AuditQuery::default().limit
    )]
    pub limit: usize,
    /// One JSON object per record and line (with its chain hash) instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `callsign audit verify`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("trail").required(true).args(["file", "ledger"])))]
pub struct AuditVerifyArgs {
    /// The JSON-lines audit file (written by agent-code --audit or an issuer's file sink).
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// The ledger whose audit trail to check: sqlite:PATH, or a PostgreSQL URL.
    #[arg(long, value_name = "URL")]
    pub ledger: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Arguments of `callsign demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Parses a whole number that may not be negative, with a message that says so (the plain
/// integer parser answers "-5" with "invalid digit found in string").
fn unsigned<T>(text: &str) -> Result<T, String>
where
    T: std::str::FromStr<Err = std::num::ParseIntError>,
{
    let digits = text.trim();
    if let Some(magnitude) = digits.strip_prefix('-')
        && !magnitude.is_empty()
        && magnitude.bytes().all(|byte| byte.is_ascii_digit())
    {
        return Err("must be 0 or more; negative values have no meaning here".to_owned());
    }
    digits.parse::<T>().map_err(|error| match error.kind() {
        std::num::IntErrorKind::PosOverflow => "is too large".to_owned(),
        std::num::IntErrorKind::Empty => "must be a whole number, got nothing".to_owned(),
        _ => "must be a whole number of decimal digits".to_owned(),
    })
}

/// Parses an algorithm name through core (case-insensitive, "SHA-256" style too).
fn parse_algorithm(name: &str) -> Result<Algorithm, callsign::Error> {
    name.parse()
}

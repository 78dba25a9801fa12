//! The audit trail of code issuance: events, the sink trait, and sinks for JSON lines.

use serde::Serialize;
use std::io::Write;
use std::sync::Mutex;

/// What happened to a request for a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditOutcome {
    /// A code was issued (it is returned only after the sink recorded this event).
    Issued,
    /// The agent's rate limit refused the request; no code was issued.
    RefusedRateLimited,
}

/// One issuance or refusal. It names who asked, for which account and why; it never holds the
/// code or any secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct IssuanceEvent<'a> {
    /// Unix time of the request, in seconds.
    pub time: u64,
    /// Issued or refused.
    pub outcome: AuditOutcome,
    /// The customer's account id.
    pub account_id: &'a str,
    /// The agent who asked for the code.
    pub agent_id: &'a str,
    /// The ticket or reason the agent gave.
    pub ticket: &'a str,
    /// The time step of the code.
    pub step: u64,
    /// The key epoch of the account secret.
    pub epoch: u32,
}

impl IssuanceEvent<'_> {
    /// The event as one line of JSON, without the newline.
    pub fn to_json(&self) -> String {
        let mut line = Vec::with_capacity(192);
        self.write_json_line(&mut line);
        line.pop();
        // serde_json writes UTF-8 only.
        String::from_utf8(line).unwrap_or_default()
    }

    /// Appends the event as one line of JSON, newline included, to `out`.
    pub fn write_json_line(&self, out: &mut Vec<u8>) {
        // Serializing plain strings and integers into memory cannot fail.
        let _ = serde_json::to_writer(&mut *out, self);
        out.push(b'\n');
    }
}

/// Why an audit sink could not record events.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct AuditError {
    message: String,
}

impl AuditError {
    /// An audit error with a message.
    pub fn new(message: impl Into<String>) -> AuditError {
        AuditError {
            message: message.into(),
        }
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// Where issuance events go. The issuer hands each event to the sink before it returns a
/// code, and issues nothing when the sink fails.
pub trait AuditSink: Send + Sync {
    /// Records the events durably, all or nothing as far as the sink can tell.
    fn record(&self, events: &[IssuanceEvent<'_>]) -> Result<(), AuditError>;
}

/// Appends events as JSON lines to a file, flushed to disk before each call returns.
#[derive(Debug)]
pub struct JsonLinesAuditSink {
    file: Mutex<std::fs::File>,
    path: std::path::PathBuf,
}

impl JsonLinesAuditSink {
    /// Opens (or creates, mode 0600 on Unix) `path` for appending.
    pub fn open(path: impl AsRef<std::path::Path>) -> std::io::Result<JsonLinesAuditSink> {
        let mut options = std::fs::OpenOptions::new();
        options.create(true).append(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let file = options.open(path.as_ref())?;
        Ok(JsonLinesAuditSink {
            file: Mutex::new(file),
            path: path.as_ref().to_owned(),
        })
    }
}

impl AuditSink for JsonLinesAuditSink {
    fn record(&self, events: &[IssuanceEvent<'_>]) -> Result<(), AuditError> {
        let mut lines = Vec::with_capacity(events.len() * 192);
        for event in events {
            event.write_json_line(&mut lines);
        }
        let mut file = self
            .file
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        file.write_all(&lines)
            .and_then(|()| file.sync_data())
            .map_err(|error| AuditError::new(format!("writing {}: {error}", self.path.display())))
    }
}

/// Keeps events as JSON lines in memory; for tests and for callers that forward them.
#[derive(Debug, Default)]
pub struct MemoryAuditSink {
    lines: Mutex<Vec<String>>,
}

impl MemoryAuditSink {
    /// An empty sink.
    pub fn new() -> MemoryAuditSink {
        MemoryAuditSink::default()
    }

    /// The JSON lines recorded so far.
    pub fn lines(&self) -> Vec<String> {
        self.lines
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

impl AuditSink for MemoryAuditSink {
    fn record(&self, events: &[IssuanceEvent<'_>]) -> Result<(), AuditError> {
        let mut lines = self
            .lines
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        lines.extend(events.iter().map(IssuanceEvent::to_json));
        Ok(())
    }
}

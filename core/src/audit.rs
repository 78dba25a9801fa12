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
    /// The account is revoked; no code was issued.
    RefusedRevoked,
    /// The account was revoked (no code; the step is 0).
    Revoked,
    /// The account was re-enrolled under a new epoch (no code; the step is 0).
    Reenrolled,
    /// A customer calling in read a customer code that matched (Addition A).
    CustomerVerified,
    /// A caller's customer code matched no step in the window: a failed attempt.
    CustomerNotVerified,
    /// A caller's customer code was already accepted once: a replay.
    CustomerAlreadyUsed,
    /// The account's customer checks are locked (too many failures); nothing was compared.
    CustomerLockedOut,
    /// A caller's customer code had a wrong check digit: not an attempt.
    CustomerMisheard,
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
        // The line is the event's UTF-8 strings with ASCII around and between them.
        String::from_utf8(line).unwrap_or_default()
    }

    /// Appends the event as one line of JSON, newline included, to `out`: the same bytes as
    /// `serde_json` writes for the event's `Serialize` form, without its per-field machinery
    /// (this runs once per issued code).
    pub fn write_json_line(&self, out: &mut Vec<u8>) {
        self.write_head(out);
        push_json_string(out, self.account_id);
        self.write_tail(out);
    }

    /// The line up to the account id: time and outcome.
    fn write_head(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"{\"time\":");
        push_decimal(out, self.time);
        out.extend_from_slice(b",\"outcome\":\"");
        out.extend_from_slice(self.outcome.as_str().as_bytes());
        out.extend_from_slice(b"\",\"account_id\":");
    }

    /// The line after the account id: agent, ticket, step, epoch and the newline.
    fn write_tail(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b",\"agent_id\":");
        push_json_string(out, self.agent_id);
        out.extend_from_slice(b",\"ticket\":");
        push_json_string(out, self.ticket);
        out.extend_from_slice(b",\"step\":");
        push_decimal(out, self.step);
        out.extend_from_slice(b",\"epoch\":");
        push_decimal(out, u64::from(self.epoch));
        out.extend_from_slice(b"}\n");
    }
}

/// Writes events as JSON lines ([`IssuanceEvent::write_json_line`]), reusing the text before
/// and after the account id while those fields stay the same: the events of a batch differ
/// only in their account ids.
#[derive(Default)]
struct LineWriter<'a> {
    previous: Option<IssuanceEvent<'a>>,
    head: Vec<u8>,
    tail: Vec<u8>,
}

impl<'a> LineWriter<'a> {
    fn write(&mut self, event: IssuanceEvent<'a>, out: &mut Vec<u8>) {
        let previous = self.previous.replace(event);
        if previous
            .is_none_or(|previous| (previous.time, previous.outcome) != (event.time, event.outcome))
        {
            self.head.clear();
            event.write_head(&mut self.head);
        }
        if previous.is_none_or(|previous| {
            (
                previous.agent_id,
                previous.ticket,
                previous.step,
                previous.epoch,
            ) != (event.agent_id, event.ticket, event.step, event.epoch)
        }) {
            self.tail.clear();
            event.write_tail(&mut self.tail);
        }
        out.extend_from_slice(&self.head);
        push_json_string(out, event.account_id);
        out.extend_from_slice(&self.tail);
    }
}

impl AuditOutcome {
    /// The outcome's name in the audit trail: `issued`, `refused_rate_limited`,
    /// `refused_revoked`, `revoked`, `reenrolled`, or for inbound calls `customer_verified`,
    /// `customer_not_verified`, `customer_already_used`, `customer_locked_out`,
    /// `customer_misheard`.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditOutcome::Issued => "issued",
            AuditOutcome::RefusedRateLimited => "refused_rate_limited",
            AuditOutcome::RefusedRevoked => "refused_revoked",
            AuditOutcome::Revoked => "revoked",
            AuditOutcome::Reenrolled => "reenrolled",
            AuditOutcome::CustomerVerified => "customer_verified",
            AuditOutcome::CustomerNotVerified => "customer_not_verified",
            AuditOutcome::CustomerAlreadyUsed => "customer_already_used",
            AuditOutcome::CustomerLockedOut => "customer_locked_out",
            AuditOutcome::CustomerMisheard => "customer_misheard",
        }
    }

    /// Every outcome, in declaration order.
    pub const ALL: [AuditOutcome; 10] = [
        AuditOutcome::Issued,
        AuditOutcome::RefusedRateLimited,
        AuditOutcome::RefusedRevoked,
        AuditOutcome::Revoked,
        AuditOutcome::Reenrolled,
        AuditOutcome::CustomerVerified,
        AuditOutcome::CustomerNotVerified,
        AuditOutcome::CustomerAlreadyUsed,
        AuditOutcome::CustomerLockedOut,
        AuditOutcome::CustomerMisheard,
    ];

    /// The outcome named `name` ([`AuditOutcome::as_str`]).
    pub fn from_name(name: &str) -> Option<AuditOutcome> {
        AuditOutcome::ALL
            .into_iter()
            .find(|outcome| outcome.as_str() == name)
    }
}

/// Appends `value` in decimal.
fn push_decimal(out: &mut Vec<u8>, value: u64) {
    let mut buffer = [0u8; 20];
    let mut start = buffer.len();
    let mut rest = value;
    // Two digits per division while four or more remain, then one at a time.
    while rest >= 1000 {
        let pair = (rest % 100) as usize;
        rest /= 100;
        start -= 2;
        buffer[start..start + 2].copy_from_slice(&DIGIT_PAIRS[2 * pair..2 * pair + 2]);
    }
    loop {
        start -= 1;
        // `rest % 10` is below 10, so the narrowing is exact.
        buffer[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    out.extend_from_slice(&buffer[start..]);
}

/// "00", "01", ..., "99".
const DIGIT_PAIRS: [u8; 200] = {
    let mut pairs = [0u8; 200];
    let mut tens = 0u8;
    while tens < 10 {
        let mut ones = 0u8;
        while ones < 10 {
            let index = 2 * (10 * tens as usize + ones as usize);
            pairs[index] = b'0' + tens;
            pairs[index + 1] = b'0' + ones;
            ones += 1;
        }
        tens += 1;
    }
    pairs
};

/// Appends `text` as a JSON string, escaped as `serde_json` escapes it: quote, backslash and
/// the control characters below U+0020; everything else (including non-ASCII) as is.
fn push_json_string(out: &mut Vec<u8>, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = text.as_bytes();
    out.push(b'"');
    // Ids and tickets rarely need escaping: one pass without early exit (it vectorizes) finds
    // whether the byte-by-byte walk below is needed at all.
    #[allow(clippy::needless_bitwise_bool)]
    let needs_escaping = bytes.iter().fold(false, |found, &byte| {
        found | (byte < 0x20) | (byte == b'"') | (byte == b'\\')
    });
    if !needs_escaping {
        out.extend_from_slice(bytes);
        out.push(b'"');
        return;
    }
    let mut unwritten = 0;
    for (index, &byte) in bytes.iter().enumerate() {
        let short: &[u8] = match byte {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0x00..=0x1f => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[unwritten..index]);
        unwritten = index + 1;
        if short.is_empty() {
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(byte >> 4)]);
            out.push(HEX[usize::from(byte & 0x0f)]);
        } else {
            out.extend_from_slice(short);
        }
    }
    out.extend_from_slice(&bytes[unwritten..]);
    out.push(b'"');
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
        // Lines go out EVENTS_PER_WRITE at a time, so that a large batch needs no batch-sized
        // buffer; one fsync covers the batch.
        const EVENTS_PER_WRITE: usize = 256;
        let mut file = self
            .file
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut lines = Vec::with_capacity(events.len().min(EVENTS_PER_WRITE) * 192);
        let mut writer = LineWriter::default();
        events
            .chunks(EVENTS_PER_WRITE)
            .try_for_each(|chunk| {
                lines.clear();
                for event in chunk {
                    writer.write(*event, &mut lines);
                }
                file.write_all(&lines)
            })
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

#[cfg(test)]
mod tests {
    use super::push_decimal;

    #[test]
    fn decimals_match_format() {
        let mut values = vec![
            0,
            9,
            10,
            99,
            100,
            999,
            1000,
            1001,
            9999,
            10_000,
            123_456_789,
        ];
        values.extend((0..20).map(|power| 10u64.pow(power) - 1));
        values.extend((0..20).map(|power| 10u64.pow(power)));
        values.extend([u64::MAX - 1, u64::MAX]);
        for value in values {
            let mut out = Vec::new();
            push_decimal(&mut out, value);
            assert_eq!(String::from_utf8(out).unwrap(), value.to_string());
        }
    }
}

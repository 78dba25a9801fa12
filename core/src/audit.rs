//! The audit trail of code issuance: events, the sink trait, and sinks for JSON lines.

use crate::audit_chain::{AUDIT_CHAIN_LEN, AUDIT_CHAIN_START, AuditRecord, parse_audit_chain_hex};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::io::{Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// What happened to a request for a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
        out.extend_from_slice(b"}\n");
    }

    /// Appends the event as one line of JSON with its `chain` field (the record format of the
    /// JSON-lines and memory sinks; see [`audit_chain_hash`](crate::audit_chain_hash)).
    pub fn write_chained_json_line(&self, chain: &[u8; AUDIT_CHAIN_LEN], out: &mut Vec<u8>) {
        self.write_head(out);
        push_json_string(out, self.account_id);
        self.write_tail(out);
        push_chain(out, chain);
    }

    /// The line up to the account id: time and outcome.
    fn write_head(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"{\"time\":");
        push_decimal(out, self.time);
        out.extend_from_slice(b",\"outcome\":\"");
        out.extend_from_slice(self.outcome.as_str().as_bytes());
        out.extend_from_slice(b"\",\"account_id\":");
    }

    /// The line after the account id: agent, ticket, step and epoch (no closing brace).
    fn write_tail(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b",\"agent_id\":");
        push_json_string(out, self.agent_id);
        out.extend_from_slice(b",\"ticket\":");
        push_json_string(out, self.ticket);
        out.extend_from_slice(b",\"step\":");
        push_decimal(out, self.step);
        out.extend_from_slice(b",\"epoch\":");
        push_decimal(out, u64::from(self.epoch));
    }
}

/// Appends `,"chain":"<hex>"}` and the newline: the end of a chained record.
fn push_chain(out: &mut Vec<u8>, chain: &[u8; AUDIT_CHAIN_LEN]) {
    out.extend_from_slice(b",\"chain\":\"");
    out.extend_from_slice(crate::audit_chain::audit_chain_hex(chain).as_bytes());
    out.extend_from_slice(b"\"}\n");
}

/// Writes events as chained JSON lines ([`IssuanceEvent::write_chained_json_line`]), reusing the text before
/// and after the account id while those fields stay the same: the events of a batch differ
/// only in their account ids.
#[derive(Default)]
struct LineWriter<'a> {
    previous: Option<IssuanceEvent<'a>>,
    head: Vec<u8>,
    tail: Vec<u8>,
}

impl<'a> LineWriter<'a> {
    fn write(
        &mut self,
        event: IssuanceEvent<'a>,
        chain: &[u8; AUDIT_CHAIN_LEN],
        out: &mut Vec<u8>,
    ) {
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
        push_chain(out, chain);
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

impl From<AuditError> for crate::error::Error {
    /// [`crate::Error::AuditFailed`] with the sink's message.
    fn from(error: AuditError) -> crate::error::Error {
        crate::error::Error::AuditFailed {
            reason: error.message,
        }
    }
}

/// Where issuance events go. The issuer hands each event to the sink before it returns a
/// code, and issues nothing when the sink fails.
pub trait AuditSink: Send + Sync {
    /// Records the events durably, all or nothing as far as the sink can tell.
    fn record(&self, events: &[IssuanceEvent<'_>]) -> Result<(), AuditError>;
}

/// A sink that records nothing: for an operator who chose to keep no audit trail (a command
/// line run without an audit file, a benchmark). Never the default.
#[derive(Debug, Clone, Copy, Default)]
pub struct NullAuditSink;

impl AuditSink for NullAuditSink {
    fn record(&self, _events: &[IssuanceEvent<'_>]) -> Result<(), AuditError> {
        Ok(())
    }
}

/// The last chain hash of every agent, and how to chain a batch of events onto them.
#[derive(Debug, Default)]
struct ChainHeads {
    heads: HashMap<String, [u8; AUDIT_CHAIN_LEN]>,
}

impl ChainHeads {
    /// The chain hash of each event, in order, chained per agent onto the heads; the heads
    /// themselves move only through [`ChainHeads::commit`], once the records are stored.
    fn chain<'e>(&self, events: &'e [IssuanceEvent<'e>]) -> Vec<(&'e str, [u8; AUDIT_CHAIN_LEN])> {
        let chains = crate::audit_chain::audit_chain_batch(events, |agent_id| {
            Ok::<_, core::convert::Infallible>(
                self.heads
                    .get(agent_id)
                    .copied()
                    .unwrap_or(AUDIT_CHAIN_START),
            )
        });
        let chains = match chains {
            Ok(chains) => chains,
            Err(never) => match never {},
        };
        events
            .iter()
            .map(|event| event.agent_id)
            .zip(chains)
            .collect()
    }

    /// Makes the chained hashes the agents' heads.
    fn commit(&mut self, chained: &[(&str, [u8; AUDIT_CHAIN_LEN])]) {
        for (agent_id, hash) in chained {
            match self.heads.get_mut(*agent_id) {
                Some(head) => *head = *hash,
                None => {
                    self.heads.insert((*agent_id).to_owned(), *hash);
                }
            }
        }
    }
}

/// Appends events as chained JSON lines to a file, flushed to disk before each call returns.
///
/// - Whole lines only: a write that fails halfway (a full disk) is cut back to the last whole
///   line, and the sink stays usable once space is free again.
/// - The file must be a regular file: a FIFO, device or directory is refused at once.
/// - A new file is created with mode 0600; an existing file that group or others may access
///   is tightened to 0600 (or refused if that fails).
/// - Log rotation: when the path no longer names the open file (deleted or renamed), the
///   next record reopens the path, creating a new file whose chains start afresh.
/// - Chains survive restarts: opening an existing file reads the last chain hash of each agent
///   (and cuts off a torn last line left by a crash; it never held an issued code's record).
///   One process writes a file at a time; if the file grew behind the sink's back, the sink
///   reads the chain heads again before it appends.
#[derive(Debug)]
pub struct JsonLinesAuditSink {
    state: Mutex<FileState>,
    path: PathBuf,
}

/// The open audit file and what the sink knows about it.
#[derive(Debug)]
struct FileState {
    file: std::fs::File,
    /// The length of the file up to its last whole line.
    good_len: u64,
    heads: ChainHeads,
    /// Whether a failed write is still to be cut back to `good_len`.
    cut_pending: bool,
    /// Test-only fault injection: how many more bytes the "disk" takes (`None`: unlimited).
    #[cfg(test)]
    space_left: Option<u64>,
}

impl JsonLinesAuditSink {
    /// Opens (or creates, mode 0600 on Unix) `path` for appending, and reads the chain heads
    /// of the records already in it. Refuses an empty path and a path that is no regular file.
    /// Lines that are no chained record (from before the chain) are kept and chain nothing;
    /// [`verify_audit_file`](crate::verify_audit_file) reports them. Every error keeps the
    /// I/O error's kind and says "cannot open the audit file PATH: why", so that callers
    /// need no wording of their own.
    pub fn open(path: impl AsRef<Path>) -> std::io::Result<JsonLinesAuditSink> {
        let path = path.as_ref();
        let state = FileState::open(path).map_err(|error| {
            std::io::Error::new(
                error.kind(),
                format!("cannot open the audit file {}: {error}", path.display()),
            )
        })?;
        Ok(JsonLinesAuditSink {
            state: Mutex::new(state),
            path: path.to_owned(),
        })
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    #[cfg(test)]
    fn set_space_left(&self, space_left: Option<u64>) {
        self.lock().space_left = space_left;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, FileState> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl FileState {
    fn open(path: &Path) -> std::io::Result<FileState> {
        use std::io::ErrorKind;
        if path.as_os_str().is_empty() {
            return Err(std::io::Error::new(
                ErrorKind::InvalidInput,
                "the path is empty",
            ));
        }
        let not_regular = || {
            std::io::Error::new(
                ErrorKind::InvalidInput,
                "not a regular file (a FIFO, device or directory); the audit trail must be a regular file",
            )
        };
        // Checked before opening too: opening a FIFO for writing would wait for a reader.
        match std::fs::metadata(path) {
            Ok(metadata) if !metadata.is_file() => return Err(not_regular()),
            _ => {}
        }
        let mut options = std::fs::OpenOptions::new();
        options.read(true).append(true).create(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let file = options.open(path)?;
        let metadata = file.metadata()?;
        if !metadata.is_file() {
            return Err(not_regular());
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            if metadata.permissions().mode() & 0o077 != 0 {
                file.set_permissions(std::fs::Permissions::from_mode(0o600))
                    .map_err(|error| {
                        std::io::Error::new(
                            error.kind(),
                            format!(
                                "group or others may access it, and it cannot be tightened to 0600: {error}"
                            ),
                        )
                    })?;
            }
        }
        let mut state = FileState {
            file,
            good_len: 0,
            heads: ChainHeads::default(),
            cut_pending: false,
            #[cfg(test)]
            space_left: None,
        };
        state.read_heads()?;
        Ok(state)
    }

    /// Reads the chain heads of every agent from the file, and cuts off a torn last line.
    fn read_heads(&mut self) -> std::io::Result<()> {
        use std::io::BufRead;
        #[cfg(test)]
        HEAD_READS.with(|reads| reads.set(reads.get() + 1));
        self.file.seek(std::io::SeekFrom::Start(0))?;
        let mut reader = std::io::BufReader::new(&self.file);
        // Lines that are no chained record (written before the chain existed, or foreign)
        // are kept as they are and chain nothing; the verifier reports the first of them.
        let mut heads = ChainHeads::default();
        let mut whole = 0u64;
        let mut line = Vec::with_capacity(256);
        loop {
            line.clear();
            let read = reader.read_until(b'\n', &mut line)?;
            if read == 0 || line.last() != Some(&b'\n') {
                break;
            }
            whole += read as u64;
            let record = core::str::from_utf8(&line[..read - 1])
                .ok()
                .and_then(|line| AuditRecord::parse(line).ok())
                .and_then(|record| {
                    parse_audit_chain_hex(&record.chain).map(|hash| (record.agent_id, hash))
                });
            if let Some((agent_id, hash)) = record {
                heads.heads.insert(agent_id, hash);
            }
        }
        if self.file.metadata()?.len() > whole {
            // A torn last line (a crash mid-write): no issued code's record, cut off.
            self.file.set_len(whole)?;
            self.file.sync_data()?;
        }
        self.heads = heads;
        self.good_len = whole;
        Ok(())
    }

    /// Appends `bytes`: through the test's fault injection, or straight to the file.
    fn append(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        #[cfg(test)]
        if let Some(space_left) = self.space_left {
            let fits = usize::try_from(space_left)
                .unwrap_or(usize::MAX)
                .min(bytes.len());
            self.file.write_all(&bytes[..fits])?;
            self.space_left = Some(space_left - fits as u64);
            if fits < bytes.len() {
                return Err(std::io::Error::from_raw_os_error(28));
            }
            return Ok(());
        }
        self.file.write_all(bytes)
    }

    /// Whether `path` still names the open file (not deleted or renamed away; elsewhere than
    /// on Unix: whether a file is there).
    fn still_at(&self, path: &Path) -> std::io::Result<bool> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let open = self.file.metadata()?;
            Ok(std::fs::metadata(path)
                .is_ok_and(|named| (named.dev(), named.ino()) == (open.dev(), open.ino())))
        }
        #[cfg(not(unix))]
        {
            Ok(path.exists())
        }
    }
}

impl AuditSink for JsonLinesAuditSink {
    fn record(&self, events: &[IssuanceEvent<'_>]) -> Result<(), AuditError> {
        // Lines go out EVENTS_PER_WRITE at a time, so that a large batch needs no batch-sized
        // buffer; one fsync covers the batch.
        const EVENTS_PER_WRITE: usize = 256;
        let failed = |error: std::io::Error| {
            AuditError::new(format!("writing {}: {error}", self.path.display()))
        };
        let mut state = self.lock();
        if !state.still_at(&self.path).map_err(failed)? {
            *state = FileState::open(&self.path).map_err(failed)?;
        }
        if state.cut_pending {
            let good_len = state.good_len;
            state.file.set_len(good_len).map_err(failed)?;
            state.cut_pending = false;
        }
        let len = state.file.metadata().map_err(failed)?.len();
        if len != state.good_len {
            // Another writer appended: read the chain heads again.
            state.read_heads().map_err(failed)?;
        }
        let chained = state.heads.chain(events);
        let mut lines = Vec::with_capacity(events.len().min(EVENTS_PER_WRITE) * 260);
        let mut writer = LineWriter::default();
        let mut written = 0u64;
        let result = events
            .chunks(EVENTS_PER_WRITE)
            .zip(chained.chunks(EVENTS_PER_WRITE))
            .try_for_each(|(chunk, hashes)| {
                lines.clear();
                for (event, (_, hash)) in chunk.iter().zip(hashes) {
                    writer.write(*event, hash, &mut lines);
                }
                state.append(&lines)?;
                written += lines.len() as u64;
                Ok(())
            })
            .and_then(|()| state.file.sync_data());
        match result {
            Ok(()) => {
                state.good_len += written;
                state.heads.commit(&chained);
                Ok(())
            }
            Err(error) => {
                // Cut back to the last whole line before this call (lines of this call that
                // did reach the file belong to codes never issued); if even that fails, the
                // next call cuts back first.
                let good_len = state.good_len;
                state.cut_pending = state
                    .file
                    .set_len(good_len)
                    .and_then(|()| state.file.sync_data())
                    .is_err();
                Err(failed(error))
            }
        }
    }
}

/// Keeps events as chained JSON lines in memory; for tests and for callers that forward them.
#[derive(Debug, Default)]
pub struct MemoryAuditSink {
    state: Mutex<MemoryState>,
}

#[derive(Debug, Default)]
struct MemoryState {
    lines: Vec<String>,
    heads: ChainHeads,
}

impl MemoryAuditSink {
    /// An empty sink.
    pub fn new() -> MemoryAuditSink {
        MemoryAuditSink::default()
    }

    /// The JSON lines recorded so far (without newlines).
    pub fn lines(&self) -> Vec<String> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .lines
            .clone()
    }
}

impl AuditSink for MemoryAuditSink {
    fn record(&self, events: &[IssuanceEvent<'_>]) -> Result<(), AuditError> {
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let chained = state.heads.chain(events);
        for (event, (_, hash)) in events.iter().zip(&chained) {
            let mut line = Vec::with_capacity(260);
            event.write_chained_json_line(hash, &mut line);
            line.pop();
            // The line is the event's UTF-8 strings with ASCII around and between them.
            state
                .lines
                .push(String::from_utf8(line).unwrap_or_default());
        }
        state.heads.commit(&chained);
        Ok(())
    }
}

#[cfg(test)]
thread_local! {
    /// How often this thread read an audit file's chain heads: lets a unit test see that a
    /// sink reads the file again only when another writer appended to it.
    static HEAD_READS: core::cell::Cell<u64> = const { core::cell::Cell::new(0) };
}

#[cfg(test)]
mod tests {
    use super::{AuditSink, HEAD_READS, JsonLinesAuditSink, push_decimal};
    use crate::{IssueRequest, Issuer, IssuerConfig, MasterKey, verify_audit_file};
    use std::sync::Arc;

    /// Fault injection at the sink's write layer: a "disk" that takes only so many more bytes,
    /// then fails a write halfway with ENOSPC, as a full file system does. After every failed
    /// write the file holds only whole, chained lines, and every issued code has its line;
    /// once space is free again the sink carries on.
    #[test]
    #[allow(clippy::similar_names)]
    fn a_full_disk_never_leaves_a_torn_line_or_an_issued_code_without_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let sink = Arc::new(JsonLinesAuditSink::open(&path).unwrap());
        let config = IssuerConfig {
            rate_limit: None,
            ..IssuerConfig::default()
        };
        let issuer = Issuer::new(
            MasterKey::from_bytes(&[9; 32]).unwrap(),
            config,
            Arc::clone(&sink) as Arc<dyn AuditSink>,
        )
        .unwrap();
        let mut issued = Vec::new();
        let mut failures = 0;
        let batch: Vec<String> = (0..300).map(|n| format!("batch-{n}")).collect();
        for round in 0..120u64 {
            // 0 to 400 bytes of space: sometimes none, sometimes part of a line, sometimes a
            // few lines; every tenth round a batch whose first write (256 lines) fits and whose
            // second does not.
            sink.set_space_left(Some((round * 37) % 401));
            let account = format!("customer-{round}");
            let request = IssueRequest {
                account_id: &account,
                agent_id: if round % 2 == 0 { "agent-7" } else { "agent-8" },
                ticket: "T-1",
            };
            let result = if round % 10 == 9 {
                sink.set_space_left(Some(50_000 + round));
                let batch_result =
                    issuer
                        .issue_many("agent-9", "notice", &batch, round)
                        .map(|codes| {
                            issued.extend(batch.iter().cloned());
                            codes.len()
                        });
                assert!(
                    batch_result.is_err(),
                    "round {round}: the second write fitted"
                );
                batch_result
            } else {
                issuer.issue(&request, round).map(|_| {
                    issued.push(account.clone());
                    1
                })
            };
            if let Err(error) = result {
                assert_eq!(
                    error.kind(),
                    crate::error_kind::ErrorKind::AuditFailed,
                    "{error}"
                );
                failures += 1;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(
                text.is_empty() || text.ends_with('\n'),
                "round {round}: torn line"
            );
            let report = verify_audit_file(&path).unwrap();
            assert!(
                report.is_intact(),
                "round {round}: {:?}",
                report.first_break
            );
            let accounts: Vec<String> = text
                .lines()
                .map(|line| {
                    crate::audit_chain::AuditRecord::parse(line)
                        .unwrap()
                        .account_id
                })
                .collect();
            assert_eq!(
                accounts, issued,
                "round {round}: lines and issued codes differ"
            );
        }
        assert!(
            failures > 20 && issued.len() > 20,
            "{failures} {}",
            issued.len()
        );
        // Space freed: the sink is usable again.
        sink.set_space_left(None);
        issuer
            .issue(
                &IssueRequest {
                    account_id: "after",
                    agent_id: "agent-7",
                    ticket: "T-1",
                },
                500,
            )
            .unwrap();
        assert!(verify_audit_file(&path).unwrap().is_intact());
    }

    /// A sink reads its file's chain heads when it opens the file, and again only when another
    /// writer has appended to it: then it must, or its next line would chain from a stale head.
    /// Two sinks on one file, one agent, taking turns: one chain, intact.
    #[test]
    fn a_sink_reads_the_file_again_only_after_another_writer_appended() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let issuer = |sink: JsonLinesAuditSink| {
            let config = IssuerConfig {
                rate_limit: None,
                ..IssuerConfig::default()
            };
            let sink: Arc<dyn AuditSink> = Arc::new(sink);
            Issuer::new(MasterKey::from_bytes(&[9; 32]).unwrap(), config, sink).unwrap()
        };
        let reads = || HEAD_READS.with(std::cell::Cell::get);
        let first = issuer(JsonLinesAuditSink::open(&path).unwrap());
        let second = issuer(JsonLinesAuditSink::open(&path).unwrap());
        let issue = |issuer: &Issuer, time: u64| {
            let request = IssueRequest {
                account_id: "customer-1",
                agent_id: "agent-7",
                ticket: "T-1",
            };
            issuer.issue(&request, time).unwrap();
        };
        let opened = reads();
        for time in 0..3 {
            issue(&first, time);
        }
        assert_eq!(reads(), opened, "the sink's own lines need no reading");
        issue(&second, 3);
        assert_eq!(
            reads(),
            opened + 1,
            "the second sink reads the first one's lines"
        );
        issue(&first, 4);
        issue(&first, 5);
        assert_eq!(
            reads(),
            opened + 2,
            "the first sink reads the second one's line, once"
        );
        let report = verify_audit_file(&path).unwrap();
        assert!(report.is_intact(), "{:?}", report.first_break);
        assert_eq!(std::fs::read_to_string(&path).unwrap().lines().count(), 6);
    }

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

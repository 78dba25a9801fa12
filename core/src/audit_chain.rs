//! The tamper-evident audit chain: each record carries a SHA-256 hash over its fields and the
//! hash of the previous record of the same agent (one chain per agent), and a verifier that
//! walks a JSON-lines audit file and reports the first broken link.
//!
//! The format is in docs/protocol.md ("Audit chain"); what the chain proves and what it does
//! not is in docs/threat-model.md.

use crate::audit::{AuditOutcome, IssuanceEvent};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::BufRead;

/// The length of a chain hash in bytes (SHA-256).
pub const AUDIT_CHAIN_LEN: usize = 32;

/// The chain value before an agent's first record: 32 zero bytes.
pub const AUDIT_CHAIN_START: [u8; AUDIT_CHAIN_LEN] = [0; AUDIT_CHAIN_LEN];

/// The domain separation prefix of every chain hash.
const CHAIN_DOMAIN: &[u8] = b"callsign-audit-chain-v1\0";

/// The chain hash of `event`, the record that follows `previous` in its agent's chain
/// ([`AUDIT_CHAIN_START`] for the agent's first record):
///
/// `SHA-256("callsign-audit-chain-v1" 0x00 || previous || u64be(time) || lp(outcome) ||
/// lp(account_id) || lp(agent_id) || lp(ticket) || u64be(step) || u32be(epoch))`, where
/// `lp(x)` is `u32be(len(x)) || x` and `outcome` is [`AuditOutcome::as_str`].
///
/// Sinks and ledgers that store events call this with the last hash they stored for the
/// agent, and store the result with the event.
pub fn audit_chain_hash(
    previous: &[u8; AUDIT_CHAIN_LEN],
    event: &IssuanceEvent<'_>,
) -> [u8; AUDIT_CHAIN_LEN] {
    let mut hash = Sha256::new();
    hash.update(CHAIN_DOMAIN);
    hash.update(previous);
    hash.update(event.time.to_be_bytes());
    for text in [
        event.outcome.as_str(),
        event.account_id,
        event.agent_id,
        event.ticket,
    ] {
        // Every field is bounded far below 4 GiB (the issuer checks them); a longer one
        // would still be framed unambiguously by saturating, as no real field reaches it.
        let len = u32::try_from(text.len()).unwrap_or(u32::MAX);
        hash.update(len.to_be_bytes());
        hash.update(text.as_bytes());
    }
    hash.update(event.step.to_be_bytes());
    hash.update(event.epoch.to_be_bytes());
    hash.finalize().into()
}

/// The chain hash of each event of a batch, in order: each event is chained onto the hash
/// before it of the same agent, which is the one computed earlier in this batch or, for an
/// agent's first event in the batch, `head(agent_id)` (the last hash stored for the agent,
/// [`AUDIT_CHAIN_START`] when none). Every sink and ledger chains its records through this
/// function, inside whatever keeps an agent's records in order (a lock, a transaction).
pub fn audit_chain_batch<E>(
    events: &[IssuanceEvent<'_>],
    mut head: impl FnMut(&str) -> Result<[u8; AUDIT_CHAIN_LEN], E>,
) -> Result<Vec<[u8; AUDIT_CHAIN_LEN]>, E> {
    let mut moved: Vec<(&str, [u8; AUDIT_CHAIN_LEN])> = Vec::new();
    let mut chains = Vec::with_capacity(events.len());
    for event in events {
        let index =
            if let Some(index) = moved.iter().position(|(agent, _)| *agent == event.agent_id) {
                index
            } else {
                moved.push((event.agent_id, head(event.agent_id)?));
                moved.len() - 1
            };
        let hash = audit_chain_hash(&moved[index].1, event);
        moved[index].1 = hash;
        chains.push(hash);
    }
    Ok(chains)
}

/// Lowercase hex of a chain hash, as it appears in the `chain` field of a JSON line.
pub fn audit_chain_hex(hash: &[u8; AUDIT_CHAIN_LEN]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(2 * AUDIT_CHAIN_LEN);
    for byte in hash {
        text.push(char::from(HEX[usize::from(byte >> 4)]));
        text.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    text
}

/// A chain hash from its lowercase hex form; `None` unless exactly 64 lowercase hex digits.
pub fn parse_audit_chain_hex(text: &str) -> Option<[u8; AUDIT_CHAIN_LEN]> {
    fn nibble(digit: u8) -> Option<u8> {
        match digit {
            b'0'..=b'9' => Some(digit - b'0'),
            b'a'..=b'f' => Some(digit - b'a' + 10),
            _ => None,
        }
    }
    let digits = text.as_bytes();
    if digits.len() != 2 * AUDIT_CHAIN_LEN {
        return None;
    }
    let mut hash = [0u8; AUDIT_CHAIN_LEN];
    for (byte, pair) in hash.iter_mut().zip(digits.chunks_exact(2)) {
        *byte = (nibble(pair[0])? << 4) | nibble(pair[1])?;
    }
    Some(hash)
}

/// One audit record as read back: a line of a JSON-lines audit file, or a row of a
/// [`Ledger`](crate::Ledger) ([`LedgerRecord`](crate::LedgerRecord) is this type), each with
/// the chain hash stored with it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct AuditRecord {
    /// Unix time of the request, in seconds.
    pub time: u64,
    /// Issued or refused.
    pub outcome: AuditOutcome,
    /// The customer's account id.
    pub account_id: String,
    /// The agent (canonical id) who asked for the code.
    pub agent_id: String,
    /// The ticket or reason.
    pub ticket: String,
    /// The time step of the code.
    pub step: u64,
    /// The key epoch.
    pub epoch: u32,
    /// The chain hash, 64 lowercase hex digits (empty for a ledger row stored without one).
    pub chain: String,
}

impl AuditRecord {
    /// The record of `event` stored with chain hash `chain`.
    pub fn new(event: &IssuanceEvent<'_>, chain: &[u8; AUDIT_CHAIN_LEN]) -> AuditRecord {
        AuditRecord {
            time: event.time,
            outcome: event.outcome,
            account_id: event.account_id.to_owned(),
            agent_id: event.agent_id.to_owned(),
            ticket: event.ticket.to_owned(),
            step: event.step,
            epoch: event.epoch,
            chain: audit_chain_hex(chain),
        }
    }

    /// Parses one line (without its newline).
    pub fn parse(line: &str) -> Result<AuditRecord, String> {
        serde_json::from_str(line).map_err(|error| error.to_string())
    }

    /// The event this record describes.
    pub fn event(&self) -> IssuanceEvent<'_> {
        IssuanceEvent {
            time: self.time,
            outcome: self.outcome,
            account_id: &self.account_id,
            agent_id: &self.agent_id,
            ticket: &self.ticket,
            step: self.step,
            epoch: self.epoch,
        }
    }
}

/// The first place where an audit file's chain does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditChainBreak {
    /// Where the first record that does not verify is: its line number (1-based) in a file,
    /// its row id in a ledger.
    pub line: u64,
    /// The agent whose chain breaks there, when the line could be read.
    pub agent_id: Option<String>,
    /// Why: a record deleted, altered or moved before it, or a line that is no record.
    pub reason: String,
}

impl core::fmt::Display for AuditChainBreak {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match &self.agent_id {
            Some(agent) => write!(f, "line {} (agent {agent:?}): {}", self.line, self.reason),
            None => write!(f, "line {}: {}", self.line, self.reason),
        }
    }
}

/// The last record of one agent's chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditChainHead {
    /// How many records the agent's chain holds.
    pub records: u64,
    /// The chain hash of the agent's last record: anchor it elsewhere to detect a rewrite.
    pub hash: [u8; AUDIT_CHAIN_LEN],
}

/// What [`verify_audit_chain`] found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuditChainReport {
    /// Records that verified (all of them when there is no break; those before it otherwise).
    pub records: u64,
    /// The head of every agent's chain, by agent id, up to the break.
    pub heads: BTreeMap<String, AuditChainHead>,
    /// The first broken link, if any.
    pub first_break: Option<AuditChainBreak>,
}

impl AuditChainReport {
    /// Whether every record verified.
    pub fn is_intact(&self) -> bool {
        self.first_break.is_none()
    }
}

/// Checks records in the order they were stored, one at a time: the verifier behind
/// [`verify_audit_chain`], for ledgers that read rows from a database instead of lines from a
/// file. Feed each row's event and stored chain hash with [`AuditChainVerifier::check`] (or
/// report an unreadable row with [`AuditChainVerifier::unreadable`]); after the first break,
/// further rows are ignored. [`AuditChainVerifier::finish`] gives the report.
#[derive(Debug, Default)]
pub struct AuditChainVerifier {
    report: AuditChainReport,
    position: u64,
}

impl AuditChainVerifier {
    /// A verifier before the first record.
    pub fn new() -> AuditChainVerifier {
        AuditChainVerifier::default()
    }

    /// Checks the next record (`chain` as stored with it); false once the chain is broken.
    pub fn check(&mut self, event: &IssuanceEvent<'_>, chain: &[u8; AUDIT_CHAIN_LEN]) -> bool {
        self.position += 1;
        self.check_here(event, chain)
    }

    /// Checks the next record as read back (its `chain` field parsed here), naming it by
    /// `position` (a ledger's row id) instead of its count when a break is reported; false
    /// once the chain is broken.
    pub fn check_record(&mut self, record: &AuditRecord, position: Option<u64>) -> bool {
        self.position = position.unwrap_or(self.position + 1);
        if let Some(chain) = parse_audit_chain_hex(&record.chain) {
            self.check_here(&record.event(), &chain)
        } else {
            self.broken(
                Some(record.agent_id.clone()),
                if record.chain.is_empty() {
                    "the record has no chain hash".to_owned()
                } else {
                    "the chain field is not 64 lowercase hex digits".to_owned()
                },
            );
            false
        }
    }

    fn check_here(&mut self, event: &IssuanceEvent<'_>, chain: &[u8; AUDIT_CHAIN_LEN]) -> bool {
        if self.report.first_break.is_some() {
            return false;
        }
        let head = self.report.heads.get(event.agent_id);
        let previous = head.map_or(AUDIT_CHAIN_START, |head| head.hash);
        if audit_chain_hash(&previous, event) != *chain {
            let records = head.map_or(0, |head| head.records);
            self.report.first_break = Some(AuditChainBreak {
                line: self.position,
                agent_id: Some(event.agent_id.to_owned()),
                reason: format!(
                    "the chain hash does not follow the agent's record {records} before it: \
                     a record of this agent was deleted, altered or moved"
                ),
            });
            return false;
        }
        match self.report.heads.get_mut(event.agent_id) {
            Some(head) => {
                head.records += 1;
                head.hash = *chain;
            }
            None => {
                self.report.heads.insert(
                    event.agent_id.to_owned(),
                    AuditChainHead {
                        records: 1,
                        hash: *chain,
                    },
                );
            }
        }
        self.report.records += 1;
        true
    }

    /// Reports the next record as unreadable (a break, unless one came before).
    pub fn unreadable(&mut self, agent_id: Option<String>, reason: String) {
        self.position += 1;
        self.broken(agent_id, reason);
    }

    /// Reports the record at `position` (a ledger's row id) as unreadable (a break, unless one
    /// came before).
    pub fn unreadable_at(&mut self, position: u64, agent_id: Option<String>, reason: String) {
        self.position = position;
        self.broken(agent_id, reason);
    }

    fn broken(&mut self, agent_id: Option<String>, reason: String) {
        if self.report.first_break.is_none() {
            self.report.first_break = Some(AuditChainBreak {
                line: self.position,
                agent_id,
                reason,
            });
        }
    }

    /// Whether a break was found.
    pub fn is_broken(&self) -> bool {
        self.report.first_break.is_some()
    }

    /// The report on the records seen.
    pub fn finish(self) -> AuditChainReport {
        self.report
    }
}

/// Walks a JSON-lines audit trail and checks every record's chain hash against the previous
/// record of the same agent; stops at the first broken link. A deleted, altered or reordered
/// record of an agent breaks that agent's chain at the next record (or at the record itself);
/// what the chain cannot show (a truncated tail, a rewrite of every later hash) is in the
/// threat model. Errors are only those of reading.
pub fn verify_audit_chain(reader: impl BufRead) -> std::io::Result<AuditChainReport> {
    let mut verifier = AuditChainVerifier::new();
    for line in reader.split(b'\n') {
        let line = line?;
        let record = match core::str::from_utf8(&line)
            .map_err(|_| "the line is not UTF-8".to_owned())
            .and_then(AuditRecord::parse)
        {
            Ok(record) => record,
            Err(reason) => {
                verifier.unreadable(None, format!("not an audit record: {reason}"));
                break;
            }
        };
        if !verifier.check_record(&record, None) {
            break;
        }
    }
    Ok(verifier.finish())
}

/// [`verify_audit_chain`] over the file at `path`.
pub fn verify_audit_file(path: impl AsRef<std::path::Path>) -> std::io::Result<AuditChainReport> {
    let file = std::fs::File::open(path.as_ref())?;
    verify_audit_chain(std::io::BufReader::new(file))
}

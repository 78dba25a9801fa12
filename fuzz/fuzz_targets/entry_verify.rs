//! The customer's verifier in entry mode, driven by a sequence of entries, clock changes and
//! state imports, and checked against a model of protocol v1:
//! - during a lock every entry gets `LockedOut`;
//! - locks and failures are judged at the latest time seen (a clock moved back neither ends a
//!   lock nor forgets a failure), and a time after `MAX_DEVICE_TIME` is an overflow error that
//!   changes nothing;
//! - a malformed entry is the same error as `Code::parse_entry` and changes nothing;
//! - a well-formed entry is genuine iff it is the code of a step in the window after the last
//!   accepted one, already used if at or before it, and otherwise a counted failure;
//! - an exported state restores to the same status and the same blob;
//! - `import_state` rejects any blob the verifier did not export (arbitrary bytes, altered
//!   exports, exports of other enrollments) and then leaves the state unchanged.
#![no_main]

use arbitrary::Arbitrary;
use callsign::{
    Code, Enrollment, ErrorKind, MAX_DEVICE_TIME, MAX_FAILURES_LIMIT, MAX_LOCKOUT_SECONDS,
    ProfileParams, Secret, Totp, Verdict, Verifier, VerifierConfig, Window, agent_totp,
};
use libfuzzer_sys::fuzz_target;

const ISSUER: &str = "ACME Support";
const ACCOUNT: &str = "customer-0001";
const SECRET: [u8; 32] = *b"callsign fuzz secret, 32 bytes!!";
const OTHER_SECRET: [u8; 32] = *b"another fuzz secret of 32 bytes!";
/// Exported blobs remembered per run (older ones are dropped).
const MAX_REMEMBERED: usize = 16;

#[derive(Debug, Arbitrary)]
struct Input {
    digits: u8,
    period: u16,
    behind: u8,
    ahead: u8,
    max_failures: u8,
    lockout: u32,
    start: u64,
    steps: Vec<(TimeChange, Action)>,
}

#[derive(Debug, Arbitrary)]
enum TimeChange {
    Advance(u16),
    Jump(u64),
}

#[derive(Debug, Arbitrary)]
enum Action {
    /// Types arbitrary text.
    Check(String),
    /// Types the genuine code of the step `offset` steps from the current one.
    CheckCode { offset: i8, form: CodeForm },
    /// Exports the state and restores it into a fresh verifier.
    Export,
    /// Imports arbitrary bytes.
    Import(Vec<u8>),
    /// Imports an altered copy of an earlier export.
    ImportAltered { which: u8, alteration: Alteration },
    /// Imports the export of a verifier of another enrollment.
    ImportForeign(Foreign),
}

#[derive(Debug, Arbitrary)]
enum CodeForm {
    Plain,
    Grouped,
    Dashed,
    Padded,
}

#[derive(Debug, Arbitrary)]
enum Alteration {
    Flip { index: u16, mask: u8 },
    Truncate(u16),
    Append(Vec<u8>),
}

#[derive(Debug, Arbitrary)]
enum Foreign {
    /// Same secret, another account id.
    Account,
    /// Same issuer and account, another secret.
    Secret,
    /// Same issuer, account and secret, another epoch.
    Epoch,
    /// Same issuer, account, secret and epoch, another period.
    Period,
}

struct Harness {
    params: ProfileParams,
    config: VerifierConfig,
    enrollment: Enrollment,
    verifier: Verifier,
    totp: Totp,
    /// Earlier exports, each with the latest time seen when it was made.
    exported: Vec<(Vec<u8>, u64)>,
    /// The latest time the verifier has seen (the model's copy).
    latest: u64,
}

fuzz_target!(|input: Input| {
    let params = ProfileParams::new(
        6 + u32::from(input.digits % 3),
        10 + u64::from(input.period % 291),
    )
    .expect("digits and period in range");
    let config = VerifierConfig {
        window: Window::new(u64::from(input.behind % 4), u64::from(input.ahead % 4))
            .expect("small window"),
        max_failures: 1 + u32::from(input.max_failures) % MAX_FAILURES_LIMIT,
        lockout_seconds: 1 + u64::from(input.lockout) % MAX_LOCKOUT_SECONDS,
    };
    let enrollment = enrollment(ACCOUNT, &SECRET, 0, params);
    let mut harness = Harness {
        verifier: Verifier::new(&enrollment, config).expect("valid configuration"),
        totp: agent_totp(enrollment.secret(), params).expect("valid parameters"),
        params,
        config,
        enrollment,
        exported: Vec::new(),
        latest: 0,
    };
    let mut now = input.start;
    for (change, action) in input.steps {
        now = match change {
            TimeChange::Advance(seconds) => now.saturating_add(u64::from(seconds)),
            TimeChange::Jump(time) => time,
        };
        harness.act(action, now);
    }
});

fn enrollment(account: &str, secret: &[u8], epoch: u32, params: ProfileParams) -> Enrollment {
    let secret = Secret::from_bytes(secret).expect("valid secret");
    Enrollment::new(ISSUER, account, secret, epoch, params).expect("valid enrollment")
}

impl Harness {
    fn act(&mut self, action: Action, now: u64) {
        match action {
            Action::Check(entry) => self.check(&entry, now),
            Action::CheckCode { offset, form } => {
                let current = now / self.params.period();
                let Some(step) = current.checked_add_signed(i64::from(offset)) else {
                    return;
                };
                let code = self.totp.code_for_step(step);
                let entry = match form {
                    CodeForm::Plain => code.as_str().to_owned(),
                    CodeForm::Grouped => code.grouped().as_str().to_owned(),
                    CodeForm::Dashed => code.grouped().as_str().replace(' ', "-"),
                    CodeForm::Padded => format!("  {}  ", code.grouped().as_str()),
                };
                self.check(&entry, now);
            }
            Action::Export => self.export(now),
            Action::Import(blob) => self.import(&blob, now),
            Action::ImportAltered { which, alteration } => {
                if self.exported.is_empty() {
                    return;
                }
                let mut blob = self.exported[usize::from(which) % self.exported.len()]
                    .0
                    .clone();
                match alteration {
                    Alteration::Flip { index, mask } => {
                        if let Some(byte) = blob.get_mut(usize::from(index)) {
                            *byte ^= mask;
                        }
                    }
                    Alteration::Truncate(len) => blob.truncate(usize::from(len)),
                    Alteration::Append(tail) => blob.extend_from_slice(&tail),
                }
                self.import(&blob, now);
            }
            Action::ImportForeign(foreign) => {
                let other = match foreign {
                    Foreign::Account => enrollment("customer-0002", &SECRET, 0, self.params),
                    Foreign::Secret => enrollment(ACCOUNT, &OTHER_SECRET, 0, self.params),
                    Foreign::Epoch => enrollment(ACCOUNT, &SECRET, 1, self.params),
                    Foreign::Period => {
                        let period = 10 + (self.params.period() - 10 + 1) % 291;
                        let other = ProfileParams::new(self.params.digits(), period)
                            .expect("period in range");
                        enrollment(ACCOUNT, &SECRET, 0, other)
                    }
                };
                let blob = Verifier::new(&other, self.config)
                    .expect("valid configuration")
                    .export_state();
                let before = self.verifier.export_state();
                let error = self
                    .verifier
                    .import_state(&blob)
                    .expect_err("foreign state");
                assert_eq!(error.kind(), ErrorKind::InvalidState);
                assert_eq!(self.verifier.export_state(), before);
            }
        }
    }

    fn check(&mut self, entry: &str, now: u64) {
        let before = self.verifier.status(now);
        let blob_before = self.verifier.export_state();
        let result = self.verifier.check(entry, now);
        if now > MAX_DEVICE_TIME {
            assert_eq!(
                result.map_err(|error| error.kind()),
                Err(ErrorKind::Overflow)
            );
            assert_eq!(
                self.verifier.export_state(),
                blob_before,
                "a refused time changed the state"
            );
            return;
        }
        self.latest = self.latest.max(now);
        let after = self.verifier.status(now);
        if let Some(until) = before.locked_until {
            assert_eq!(result, Ok(Verdict::LockedOut { until }));
            assert_eq!(after, before);
            return;
        }
        let entered = match Code::parse_entry(entry, self.params.digits()) {
            Ok(code) => code,
            Err(error) => {
                assert_eq!(error.kind(), ErrorKind::InvalidCode);
                assert_eq!(result, Err(error), "malformed entry {entry:?}");
                assert_eq!(after, before, "a malformed entry changed the state");
                return;
            }
        };
        let verdict = result.unwrap_or_else(|error| panic!("{entry:?} at {now}: {error}"));
        let window = self.config.window;
        let current = now / self.params.period();
        let matched = (current.saturating_sub(window.behind)
            ..=current.saturating_add(window.ahead))
            .find(|&step| self.totp.code_for_step(step).as_str() == entered.as_str());
        match matched {
            Some(step) if before.last_accepted_step.is_some_and(|last| step <= last) => {
                assert_eq!(verdict, Verdict::AlreadyUsed { step });
                assert_eq!(after, before);
            }
            Some(step) => {
                let drift =
                    i64::try_from(i128::from(step) - i128::from(current)).expect("small drift");
                assert_eq!(verdict, Verdict::Genuine { step, drift });
                assert_eq!(after.last_accepted_step, Some(step));
                assert_eq!(after.locked_until, None);
                assert_eq!(after.attempts_left, self.config.max_failures);
            }
            None => {
                assert!(before.attempts_left >= 1, "{before:?} while not locked");
                if before.attempts_left == 1 {
                    let until = self.latest + self.config.lockout_seconds;
                    assert_eq!(verdict, Verdict::LockedOut { until });
                    assert_eq!(
                        after.locked_until,
                        Some(until),
                        "lock not in force at {now}"
                    );
                } else {
                    let attempts_left = before.attempts_left - 1;
                    assert_eq!(verdict, Verdict::NotGenuine { attempts_left });
                    assert_eq!(after.attempts_left, attempts_left, "failure not counted");
                }
                assert_eq!(after.last_accepted_step, before.last_accepted_step);
            }
        }
    }

    fn export(&mut self, now: u64) {
        let blob = self.verifier.export_state();
        let restored = Verifier::with_state(&self.enrollment, self.config, &blob)
            .expect("an exported state imports");
        assert_eq!(restored.status(now), self.verifier.status(now));
        assert_eq!(restored.export_state(), blob);
        self.verifier
            .import_state(&blob)
            .expect("an exported state imports");
        assert_eq!(self.verifier.export_state(), blob);
        if self.exported.len() == MAX_REMEMBERED {
            self.exported.remove(0);
        }
        self.exported.push((blob, self.latest));
    }

    fn import(&mut self, blob: &[u8], now: u64) {
        let before = self.verifier.export_state();
        let status = self.verifier.status(now);
        match self.verifier.import_state(blob) {
            Ok(()) => {
                let Some((_, latest)) = self.exported.iter().find(|(exported, _)| exported == blob)
                else {
                    panic!("accepted a state it never exported: {blob:02x?}");
                };
                self.latest = *latest;
            }
            Err(error) => {
                assert_eq!(error.kind(), ErrorKind::InvalidState);
                assert!(
                    !self.exported.iter().any(|(exported, _)| exported == blob),
                    "rejected its own export: {error}"
                );
                assert_eq!(self.verifier.export_state(), before);
                assert_eq!(self.verifier.status(now), status);
            }
        }
    }
}

//! `callsign demo`: the whole story in one run, told by each party, on a temporary master key,
//! a temporary SQLite ledger and a simulated clock that starts now: the vendor calling the
//! customer, and the customer calling the vendor, with codes that carry a check digit.

use crate::cli::DemoArgs;
use crate::error::CliError;
use crate::inbound;
use crate::output::{now_or, print_json, print_line, utc};
use crate::verify::{VerdictReport, describe};
use callsign::{
    AuditQuery, CustomerVerdict, Enrollment, EnrollmentTrust, IssueRequest, Issuer, IssuerConfig,
    Ledger, MasterKey, MemoryAuditSink, ProfileParams, RateLimit, SigningKey, TimedCode, Totp,
    Verdict, Verifier, VerifierConfig, Window,
};
use serde::Serialize;
use std::path::PathBuf;
use std::sync::Arc;

const VENDOR: &str = "Acme Support";
const ACCOUNT: &str = "customer-0001";
const AGENT: &str = "agent-alice";
const TICKET: &str = "T-1042";
/// The agents a scammer posing as the customer reaches, one call each.
const OTHER_AGENTS: [&str; 3] = ["agent-bob", "agent-carol", "agent-dave"];
/// The ticket of the customer's own call to the vendor.
const INBOUND_TICKET: &str = "T-2077";
/// What the scammers try (with the check digit, which anyone can compute); any that happens
/// to be a valid code in the window is skipped.
const SCAMMER_GUESSES: [&str; 6] = ["123456", "654321", "111111", "000000", "424242", "987654"];
/// Base32 characters of the secret left visible in the printed URI.
const SECRET_SHOWN: usize = 4;
/// What the agent asks the backend for in every call of the story.
const REQUEST: IssueRequest<'static> = IssueRequest {
    account_id: ACCOUNT,
    agent_id: AGENT,
    ticket: TICKET,
};
/// The agent's rate limit in the demo: the story's three codes, one more after the restart of
/// the agent's tool, then a refusal.
const DEMO_LIMIT: RateLimit = RateLimit {
    max_codes: 4,
    window_seconds: 3600,
};

/// One line of the story.
#[derive(Serialize)]
struct Event {
    scene: usize,
    time: u64,
    party: &'static str,
    says: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    verdict: Option<VerdictReport>,
    /// The vendor's verdict on a customer calling in.
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_verdict: Option<&'static str>,
}

/// The JSON of `callsign demo`.
#[derive(Serialize)]
struct DemoReport {
    enrollment_uri: String,
    audit: Vec<serde_json::Value>,
    events: Vec<Event>,
    forged_link_refused: bool,
    lock_survived_restart: bool,
    limit_survived_restart: bool,
}

/// The demo's temporary directory (the ledger file), removed when the demo ends.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Result<TempDir, CliError> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| since.as_nanos());
        let path =
            std::env::temp_dir().join(format!("callsign-demo-{}-{nanos}", std::process::id()));
        std::fs::create_dir(&path).map_err(failure)?;
        Ok(TempDir(path))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        // Best effort: a leftover temporary directory harms no one.
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The story as it unfolds, printed scene by scene or gathered into one JSON object, with
/// its cast: the vendor's issuer and audit log, and the customer's enrollment.
struct Story {
    json: bool,
    scene: usize,
    events: Vec<Event>,
    issuer: Issuer,
    master_key: MasterKey,
    ledger_location: String,
    /// The enrollment as the customer's app parsed it from the URI.
    enrollment: Enrollment,
    /// The vendor's public enrollment key, built into the customer's app.
    trust: EnrollmentTrust,
    config: VerifierConfig,
}

impl Story {
    /// Scene 1: the vendor makes a master key and enrolls the customer. Returns the story, the
    /// printed (redacted) URI and the customer's app.
    fn enroll(
        json: bool,
        start: u64,
        dir: &TempDir,
    ) -> Result<(Story, String, Verifier), CliError> {
        let master_key = MasterKey::generate().map_err(failure)?;
        let ledger_location = format!("sqlite:{}", dir.0.join("ledger.db").display());
        let issuer = demo_issuer(&master_key, &ledger_location)?;
        let signing_key = SigningKey::generate().map_err(failure)?;
        let trust = EnrollmentTrust::pinned([signing_key.public_key()]).map_err(failure)?;
        let handed_out = issuer
            .enrollment(VENDOR, ACCOUNT)
            .and_then(|enrollment| enrollment.signed(&signing_key))
            .map_err(failure)?;
        let uri = handed_out.to_uri_string();
        let shown_uri = redact_secret(&uri, &handed_out.secret().to_base32());
        let enrollment = Enrollment::from_uri(&uri, &trust).map_err(failure)?;
        let config = VerifierConfig::default();
        let app = Verifier::new(&enrollment, config).map_err(failure)?;
        let mut story = Story {
            json,
            scene: 0,
            events: Vec::new(),
            issuer,
            master_key,
            ledger_location,
            enrollment,
            trust,
            config,
        };
        story.scene("Enrollment, once, when the customer sets up the app", start)?;
        story.say(
            start,
            "vendor",
            "a new 32-byte master key; it never leaves the backend".into(),
            None,
        )?;
        story.say(
            start,
            "vendor",
            format!(
                "a separate Ed25519 key signs enrollments; its public key is built into the app: {}",
                crate::keyfile::public_key_hex(&signing_key.public_key())
            ),
            None,
        )?;
        story.say(
            start,
            "vendor",
            format!("enrolls account {ACCOUNT} and hands the app (secret redacted here):"),
            None,
        )?;
        story.say(start, "vendor", shown_uri.clone(), None)?;
        story.say(
            start,
            "customer app",
            "checks the vendor's signature, stores the enrollment; entry mode: it never shows a \
             code anyone could read out; every code ends in a check digit"
                .into(),
            None,
        )?;
        Ok((story, shown_uri, app))
    }

    /// Scene 2: a scammer sends a look-alike link (same vendor name, the customer's real
    /// account id, the scammer's own keys); the app refuses it. Returns whether it did.
    fn forged_link(&mut self, time: u64) -> Result<bool, CliError> {
        self.scene(
            "A scammer sends a look-alike enrollment link to take over the verdict",
            time,
        )?;
        let forger_issuer = Issuer::new(
            MasterKey::generate().map_err(failure)?,
            IssuerConfig::default(),
            Arc::new(MemoryAuditSink::new()),
        )
        .map_err(failure)?;
        let forger_key = SigningKey::generate().map_err(failure)?;
        let forged = forger_issuer.enrollment(VENDOR, ACCOUNT).map_err(failure)?;
        let mut refused = true;
        for (what, link) in [
            (
                "signed with the scammer's own key",
                forged.clone().signed(&forger_key).map_err(failure)?,
            ),
            ("not signed at all", forged),
        ] {
            self.say(
                time,
                "scammer",
                format!("sends a link for \"{VENDOR}\", account {ACCOUNT}, {what}"),
                None,
            )?;
            let answer = match Enrollment::from_uri(&link.to_uri_string(), &self.trust) {
                Ok(_) => {
                    refused = false;
                    "ACCEPTED a forged link".to_owned()
                }
                Err(error) => format!("REFUSED: {error}"),
            };
            self.say(time, "customer app", answer, None)?;
        }
        Ok(refused)
    }

    /// Scene 2: the agent's code is genuine once, read out after a roll-over, and a replay is
    /// refused.
    fn genuine_call(&mut self, app: &Verifier, start: u64) -> Result<(), CliError> {
        self.scene("A genuine support call", start)?;
        let code = self.issue(start)?;
        let heard = code.grouped().as_str().to_owned();
        let misheard_at = code.valid_until - 1;
        let misheard = mishear(&heard);
        self.say(
            misheard_at,
            "customer",
            format!("mishears one digit and types \"{misheard}\""),
            None,
        )?;
        self.check(app, &misheard, misheard_at)?;
        let typed_at = code.valid_until + 5;
        self.say(
            typed_at,
            "customer",
            format!(
                "types \"{heard}\" {} s later, after the code rolled over",
                typed_at - start
            ),
            None,
        )?;
        self.check(app, &heard, typed_at)?;
        self.say(
            typed_at,
            "customer",
            "types the same code again".into(),
            None,
        )?;
        self.check(app, &heard, typed_at)?;
        Ok(())
    }

    /// Scene 3: a scammer guesses until the app locks. Returns the state blob the app saves.
    fn scammer_calls(&mut self, app: &Verifier, time: u64) -> Result<Vec<u8>, CliError> {
        self.scene(
            "A scammer calls, with the customer's leaked name and ticket number",
            time,
        )?;
        let agent_totp = callsign::agent_totp(self.enrollment.secret(), self.enrollment.params())
            .map_err(failure)?;
        let valid_now = window_codes(&agent_totp, time, self.config.window)?;
        let guesses = SCAMMER_GUESSES
            .iter()
            .filter(|guess| !valid_now.iter().any(|code| code == *guess))
            .map(|guess| with_check_digit(guess));
        let mut locked_at = None;
        for (attempt, guess) in (0u64..).zip(guesses) {
            let at = time + 10 * attempt;
            self.say(
                at,
                "scammer",
                format!("\"This is Acme Support, your code is {guess}\""),
                None,
            )?;
            if let Verdict::LockedOut { .. } = self.check(app, &guess, at)? {
                locked_at = Some(at);
                break;
            }
        }
        let locked_at = locked_at.ok_or_else(|| failure("the scammer was never locked out"))?;
        let blob = app.export_state();
        self.say(
            locked_at,
            "customer app",
            format!("saves its state: a {}-byte blob", blob.len()),
            None,
        )?;
        Ok(blob)
    }

    /// Scene 4: a new call after an app restart; the restored lock holds for every code.
    /// Returns the restarted app and whether the lock held.
    fn restart(&mut self, blob: &[u8], time: u64) -> Result<(Verifier, bool), CliError> {
        self.scene(
            "New call: the customer restarts the app, the scammer calls back",
            time,
        )?;
        let app = Verifier::with_state(&self.enrollment, self.config, blob).map_err(failure)?;
        self.say(
            time,
            "customer app",
            "restarts and restores its state from the blob".into(),
            None,
        )?;
        let guess = with_check_digit(SCAMMER_GUESSES[SCAMMER_GUESSES.len() - 1]);
        self.say(
            time,
            "scammer",
            format!("\"Sorry, the line dropped. The code is {guess}\""),
            None,
        )?;
        let verdict = self.check(&app, &guess, time)?;
        self.say(
            time,
            "agent",
            "even the genuine agent's code waits for the lock: it tells a guesser nothing".into(),
            None,
        )?;
        let real = self.issue(time)?;
        self.check(&app, real.grouped().as_str(), time)?;
        Ok((app, matches!(verdict, Verdict::LockedOut { .. })))
    }

    /// Scene 5: after the lock, the genuine agent's code is genuine again.
    fn after_lock(&mut self, app: &Verifier, time: u64) -> Result<(), CliError> {
        self.scene("After the lock ends, the genuine agent calls again", time)?;
        let fresh = self.issue(time)?;
        self.check(app, fresh.grouped().as_str(), time)?;
        Ok(())
    }

    /// Scene 6: the agent's tool restarts; the rate limit kept in the ledger still counts the
    /// codes issued before. Returns whether the limit held.
    fn tool_restart(&mut self, time: u64) -> Result<bool, CliError> {
        self.scene(
            "The agent's tool restarts: the ledger keeps the rate limit",
            time,
        )?;
        self.issuer = demo_issuer(&self.master_key, &self.ledger_location)?;
        self.say(
            time,
            "agent",
            format!(
                "restarts the tool; the limit is {} codes an hour, kept in the SQLite ledger",
                DEMO_LIMIT.max_codes
            ),
            None,
        )?;
        self.issue(time)?;
        let refused = self.issuer.issue(&REQUEST, time).err();
        let held = matches!(refused, Some(callsign::Error::RateLimited { .. }));
        let line = self.last_audit_line()?;
        self.say(time, "audit log", line, None)?;
        if let Some(error) = refused {
            self.say(time, "agent", format!("is refused: {error}"), None)?;
        }
        Ok(held)
    }

    /// Scene 7: the customer calls the vendor and reads the customer code from the app.
    fn customer_calls_in(&mut self, app: &Verifier, time: u64) -> Result<(), CliError> {
        self.scene(
            "The customer calls Acme (inbound) and reads the code the app shows on request",
            time,
        )?;
        self.say(
            time,
            "customer",
            "opens the app and taps \"I am calling Acme Support\"".into(),
            None,
        )?;
        let code = app.customer_code(time).map_err(failure)?;
        self.say(
            time,
            "customer app",
            format!(
                "shows \"{}\" ({} s left); never in answer to an incoming call",
                code.grouped().as_str(),
                code.seconds_remaining
            ),
            None,
        )?;
        let typed_at = time + 4;
        self.say(
            typed_at,
            "agent",
            format!(
                "types what the caller reads: \"{}\"",
                code.grouped().as_str()
            ),
            None,
        )?;
        self.verify_customer(AGENT, code.grouped().as_str(), typed_at)?;
        Ok(())
    }

    /// Scene 8: a scammer posing as the customer calls three agents; a misheard entry costs no
    /// attempt, three wrong codes lock the account for every agent, the real customer too.
    fn scammer_poses_as_customer(&mut self, app: &Verifier, time: u64) -> Result<(), CliError> {
        self.scene(
            "A scammer calls Acme posing as the customer, with the leaked data",
            time,
        )?;
        let customer_totp =
            callsign::customer_totp(self.enrollment.secret(), self.enrollment.params())
                .map_err(failure)?;
        let valid_now = window_codes(&customer_totp, time, Window::default())?;
        let mut guesses = SCAMMER_GUESSES
            .iter()
            .filter(|guess| !valid_now.iter().any(|code| code == *guess))
            .map(|guess| with_check_digit(guess));
        let first = guesses.next().ok_or_else(|| failure("no guess left"))?;
        self.say(
            time,
            "scammer",
            format!("to {}: \"My code is {first}\"", OTHER_AGENTS[0]),
            None,
        )?;
        let misheard = mishear(&first);
        self.say(time, "agent", format!("types \"{misheard}\""), None)?;
        self.verify_customer(OTHER_AGENTS[0], &misheard, time)?;
        self.say(
            time + 5,
            "agent",
            format!("asks the caller to repeat, types \"{first}\""),
            None,
        )?;
        self.verify_customer(OTHER_AGENTS[0], &first, time + 5)?;
        for ((agent, guess), at) in OTHER_AGENTS[1..].iter().zip(guesses).zip([60, 120]) {
            self.say(
                time + at,
                "scammer",
                format!("calls again, to {agent}: \"My code is {guess}\""),
                None,
            )?;
            self.verify_customer(agent, &guess, time + at)?;
        }
        let later = time + 180;
        let code = app.customer_code(later).map_err(failure)?;
        self.say(
            later,
            "customer",
            format!(
                "calls {AGENT} and reads the app's code \"{}\"",
                code.grouped().as_str()
            ),
            None,
        )?;
        self.verify_customer(AGENT, code.grouped().as_str(), later)?;
        Ok(())
    }

    /// The vendor checks a customer code that `agent` typed, and the agent's tool says the
    /// verdict; the audit line follows.
    fn verify_customer(
        &mut self,
        agent: &str,
        entry: &str,
        time: u64,
    ) -> Result<CustomerVerdict, CliError> {
        let verdict = self
            .issuer
            .verify_customer(
                &IssueRequest {
                    account_id: ACCOUNT,
                    agent_id: agent,
                    ticket: INBOUND_TICKET,
                },
                entry,
                time,
            )
            .map_err(failure)?;
        if !self.json {
            print_line(&format!(
                "  {:<13}| {}",
                "agent tool",
                inbound::describe(verdict)
            ))?;
        }
        self.events.push(Event {
            scene: self.scene,
            time,
            party: "agent tool",
            says: inbound::describe(verdict),
            verdict: None,
            customer_verdict: Some(verdict.as_str()),
        });
        let line = self.last_audit_line()?;
        self.say(time, "audit log", line, None)?;
        Ok(verdict)
    }

    /// The newest `limit` audit records of the ledger, as JSON lines, oldest first (the
    /// story's order).
    fn audit_lines(&self, limit: usize) -> Result<Vec<String>, CliError> {
        Ok(self
            .issuer
            .audit_events(&AuditQuery {
                limit,
                ..AuditQuery::default()
            })
            .map_err(failure)?
            .iter()
            .rev()
            .map(|record| record.event().to_json())
            .collect())
    }

    fn last_audit_line(&self) -> Result<String, CliError> {
        Ok(self.audit_lines(1)?.pop().unwrap_or_default())
    }

    fn scene(&mut self, title: &str, time: u64) -> Result<(), CliError> {
        self.scene += 1;
        if self.json {
            return Ok(());
        }
        print_line("")?;
        print_line(&format!("== {}. {title} ({})", self.scene, utc(time)))
    }

    fn say(
        &mut self,
        time: u64,
        party: &'static str,
        says: String,
        verdict: Option<Verdict>,
    ) -> Result<(), CliError> {
        if !self.json {
            print_line(&format!("  {party:<13}| {says}"))?;
        }
        self.events.push(Event {
            scene: self.scene,
            time,
            party,
            says,
            verdict: verdict.map(VerdictReport::from),
            customer_verdict: None,
        });
        Ok(())
    }

    /// The customer's app checks what it heard, and says the verdict.
    fn check(&mut self, app: &Verifier, entry: &str, time: u64) -> Result<Verdict, CliError> {
        let verdict = app.check(entry, time).map_err(failure)?;
        self.say(time, "customer app", describe(&verdict), Some(verdict))?;
        Ok(verdict)
    }

    /// The agent asks the backend for a code: the audit line, and what the agent reads out.
    fn issue(&mut self, time: u64) -> Result<TimedCode, CliError> {
        self.say(
            time,
            "agent",
            format!("asks the backend for the code of {ACCOUNT}, ticket {TICKET}"),
            None,
        )?;
        let code = self.issuer.issue(&REQUEST, time).map_err(failure)?;
        let line = self.last_audit_line()?;
        self.say(time, "audit log", line, None)?;
        self.say(
            time,
            "agent",
            format!(
                "reads out \"{}\" (valid for {} s more)",
                code.grouped().as_str(),
                code.seconds_remaining
            ),
            None,
        )?;
        Ok(code)
    }
}

/// Plays the story.
pub fn demo(args: &DemoArgs) -> Result<(), CliError> {
    let start = now_or(None)?;
    if !args.output.json {
        print_line("callsign demo: a customer tells a genuine support call from a scam.")?;
        print_line(&format!(
            "A temporary master key and SQLite ledger live for this run only; the clock is simulated from {}.",
            utc(start)
        ))?;
    }
    let dir = TempDir::new()?;
    let (mut story, shown_uri, app) = Story::enroll(args.output.json, start, &dir)?;
    let forged_link_refused = story.forged_link(start)?;
    story.genuine_call(&app, start)?;
    let scam_start = start + 120;
    let blob = story.scammer_calls(&app, scam_start)?;
    let (restarted, lock_survived_restart) = story.restart(&blob, scam_start + 300)?;
    let lock_ends = restarted
        .status(scam_start + 300)
        .locked_until
        .ok_or_else(|| failure("the app was not locked"))?;
    story.after_lock(&restarted, lock_ends + 30)?;
    let limit_survived_restart = story.tool_restart(lock_ends + 60)?;
    story.customer_calls_in(&restarted, lock_ends + 120)?;
    story.scammer_poses_as_customer(&restarted, lock_ends + 300)?;

    if story.json {
        return print_json(&DemoReport {
            enrollment_uri: shown_uri,
            audit: story
                .audit_lines(AuditQuery::default().limit)?
                .iter()
                .map(|line| serde_json::from_str(line).unwrap_or(serde_json::Value::Null))
                .collect(),
            events: story.events,
            forged_link_refused,
            lock_survived_restart,
            limit_survived_restart,
        });
    }
    print_line("")?;
    print_line(&format!(
        "Summary: forged link {}; genuine call GENUINE; misheard digit MISHEARD (no attempt); \
         replay ALREADY USED; scammer LOCKED after {} guesses; lock {} the app restart; rate \
         limit {} the tool restart.",
        if forged_link_refused {
            "REFUSED"
        } else {
            "ACCEPTED"
        },
        story.config.max_failures,
        if lock_survived_restart {
            "survived"
        } else {
            "did NOT survive"
        },
        if limit_survived_restart {
            "survived"
        } else {
            "did NOT survive"
        }
    ))?;
    print_line(&format!(
        "Inbound: customer VERIFIED; misheard entry MISHEARD (no attempt); scammer posing as the \
         customer LOCKED the account for every agent after {} wrong codes.",
        callsign::CUSTOMER_MAX_FAILURES
    ))
}

/// The demo's issuer: `master_key` on the SQLite ledger at `location`, with [`DEMO_LIMIT`].
fn demo_issuer(master_key: &MasterKey, location: &str) -> Result<Issuer, CliError> {
    let ledger: Arc<dyn Ledger> = crate::ledger::open(location)?;
    let config = IssuerConfig {
        params: ProfileParams::default().with_check_digit(true),
        rate_limit: Some(DEMO_LIMIT),
        ..IssuerConfig::default()
    };
    Issuer::with_ledger(master_key.clone(), config, ledger).map_err(failure)
}

/// A guess with its check digit, as a scammer who knows the scheme would say it.
fn with_check_digit(digits: &str) -> String {
    let check = callsign::damm::check_digit(digits).unwrap_or(0);
    format!("{digits}{check}")
}

/// The code with its last digit changed, as if misheard: the check digit no longer fits.
fn mishear(code: &str) -> String {
    let mut text = code.to_owned();
    if let Some(last) = text.pop() {
        let digit = last.to_digit(10).unwrap_or(0);
        text.push(char::from_digit((digit + 5) % 10, 10).unwrap_or('0'));
    }
    text
}

/// Every code (without its check digit) of `totp` accepted at `time` within `window`, so that
/// the scammers' guesses are honest misses.
fn window_codes(totp: &Totp, time: u64, window: Window) -> Result<Vec<String>, CliError> {
    let step = totp.step_at(time).map_err(failure)?;
    Ok(
        (step.saturating_sub(window.behind)..=step.saturating_add(window.ahead))
            .map(|step| totp.code_for_step(step).as_str().to_owned())
            .collect(),
    )
}

/// The URI with all but the first few characters of its secret replaced.
fn redact_secret(uri: &str, secret: &str) -> String {
    let shown: String = secret.chars().take(SECRET_SHOWN).collect();
    uri.replace(secret, &format!("{shown}...[redacted]"))
}

fn failure(error: impl std::fmt::Display) -> CliError {
    CliError::Failure(format!("demo: {error}"))
}

"""The agent desk in a real browser: headless Chromium through Selenium, against uvicorn."""

import re
import subprocess
import sys
import time
from typing import List

import callsign
import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver

from agent_desk.app import utc

from conftest import ISSUER_NAME, PASSWORD, RATE_LIMIT, Desk
from pages import (
    CustomerPage,
    CustomersPage,
    EnrollmentPage,
    InboundPage,
    OutboundPage,
    Page,
    ProblemPage,
    SignInPage,
    SupervisorPage,
)

PERIOD = 30


def sign_in(browser: WebDriver, desk: Desk, user: str) -> CustomersPage:
    page = SignInPage(browser, desk.base_url).open()
    page.sign_in(user, PASSWORD)
    customers = CustomersPage(browser, desk.base_url)
    assert customers.heading() == "Customers"
    return customers


def expected_agent_code(desk: Desk, account: str, step: int, epoch: int = 0, check: bool = True) -> str:
    secret = callsign.account_secret(desk.master_key, account, epoch)
    return callsign.agent_code(secret, step * PERIOD, check_digit=check)


def customer_code(desk: Desk, account: str, check: bool, epoch: int = 0) -> str:
    secret = callsign.account_secret(desk.master_key, account, epoch)
    return callsign.customer_code(secret, desk.now(), check_digit=check)


def audit_size(desk: Desk) -> int:
    return len(desk.audit(since=0, limit=100000))


def test_sign_in_and_sign_out(browser: WebDriver, desk: Desk) -> None:
    signin = SignInPage(browser, desk.base_url).open()
    signin.screenshot(desk.artifact("signin.png"))
    cookie_flags = browser.execute_script("return document.cookie")
    assert "desk_session" not in cookie_flags  # HttpOnly: scripts cannot read the session
    customers = sign_in(browser, desk, "alice")
    assert "Ada Lovelace" in customers.names()
    customers.search("mustermann")
    assert customers.names() == ["Erika Mustermann"]
    customers.open()
    customers.screenshot(desk.artifact("customers.png"))
    cookie = browser.get_cookie("desk_session")
    assert cookie is not None and cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert cookie["secure"]
    customers.sign_out()
    assert SignInPage(browser, desk.base_url).note() == "You are signed out."
    browser.get(desk.base_url + "/customers")
    assert SignInPage(browser, desk.base_url).heading() == "Sign in"


def test_wrong_password_and_lockout(browser: WebDriver, desk: Desk) -> None:
    before = audit_size(desk)
    page = SignInPage(browser, desk.base_url).open()
    page.sign_in("alice", "not the password")
    assert page.error() == "Wrong user name or password."
    page.sign_in("nobody", "not the password")
    assert page.error() == "Wrong user name or password."
    for _ in range(5):
        page.sign_in("lockme", "guess " + str(_))
    page.sign_in("lockme", PASSWORD)
    assert "locked for 15 more minute(s)" in page.error()
    desk.advance(16 * 60)
    sign_in(browser, desk, "lockme")
    assert audit_size(desk) == before


def test_missing_csrf_token_is_refused(browser: WebDriver, desk: Desk) -> None:
    before = audit_size(desk)
    page = SignInPage(browser, desk.base_url).open()
    page.drop_csrf("#signin-form")
    page.sign_in("alice", PASSWORD)
    assert ProblemPage(browser, desk.base_url).title() == "Form refused"
    sign_in(browser, desk, "alice")
    customer = CustomerPage(browser, desk.base_url).open("customer-0001")
    customer.drop_csrf("#outbound-form")
    customer.start_call("T-CSRF")
    problem = ProblemPage(browser, desk.base_url)
    assert problem.title() == "Form refused"
    assert "security token" in problem.message()
    assert audit_size(desk) == before


def test_an_agent_cannot_open_the_supervisor_view(browser: WebDriver, desk: Desk) -> None:
    customers = sign_in(browser, desk, "alice")
    assert not customers.all("a[href='/supervisor']")
    SupervisorPage(browser, desk.base_url).open()
    assert ProblemPage(browser, desk.base_url).title() == "Supervisors only"
    before = audit_size(desk)
    page = Page(browser, desk.base_url)
    token = page.find("input[name=csrf_token]").get_attribute("value")
    body = f"csrf_token={token}&account_id=customer-0001&reason=insider".encode()
    answer = page.post_raw("/supervisor/revoke", list(body))
    assert answer["status"] == 403 and "Supervisors only" in str(answer["text"])
    assert audit_size(desk) == before


def test_outbound_code_agrees_with_the_binding_counts_down_and_renews(
    browser: WebDriver, desk: Desk
) -> None:
    sign_in(browser, desk, "alice")
    # Move the desk's clock to 5 seconds before the end of a step, so that renewal comes soon.
    desk.advance((PERIOD - 5 - desk.now() % PERIOD) % PERIOD)
    call = CustomerPage(browser, desk.base_url).open("customer-0001").start_call("T-1042")
    first_step = call.step()
    code = call.code()
    desk.shown_codes.append(code)
    assert code == expected_agent_code(desk, "customer-0001", first_step)
    assert len(code) == 7 and call.grouped() == f"{code[:3]} {code[3:6]} {code[6]}"
    assert call.spoken() == f"{' '.join(code[:3])}, {' '.join(code[3:6])}, check digit {code[6]}"
    call.screenshot(desk.artifact("outbound.png"))
    seen = {call.remaining()}
    assert max(seen) <= 6
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            if call.step() != first_step:
                break
            seen.add(call.remaining())
        except Exception:  # the page is being replaced by the renewed one
            pass
        time.sleep(0.3)
    assert len(seen) >= 2, f"the countdown did not move: {seen}"
    renewed = OutboundPage(browser, desk.base_url)
    assert renewed.step() == first_step + 1
    assert renewed.code() == expected_agent_code(desk, "customer-0001", first_step + 1)
    desk.shown_codes.append(renewed.code())
    issued = [e for e in desk.audit(agent_id="alice", since=0) if e["outcome"] == "issued"]
    assert [e["ticket"] for e in issued][-2:] == ["T-1042", "T-1042"]
    assert [e["step"] for e in issued][-2:] == [first_step, first_step + 1]
    # A customer without a check digit gets six digits.
    plain = CustomerPage(browser, desk.base_url).open("customer-0003").start_call("T-1043")
    assert plain.code() == expected_agent_code(desk, "customer-0003", plain.step(), check=False)
    assert len(plain.code()) == 6


def test_rate_limit_shows_its_message(browser: WebDriver, desk: Desk) -> None:
    sign_in(browser, desk, "rita")
    call = CustomerPage(browser, desk.base_url).open("customer-0005").start_call("T-3000")
    for _ in range(RATE_LIMIT - 1):
        call.code()
        call.renew_now()
    call.code()
    call.renew_now()
    problem = ProblemPage(browser, desk.base_url)
    assert problem.title() == "Rate limit reached"
    assert f"{RATE_LIMIT} per 60 minutes" in problem.message()
    problem.screenshot(desk.artifact("rate-limit.png"))
    events = desk.audit(agent_id="rita", since=0)
    assert [e["outcome"] for e in events] == ["issued"] * RATE_LIMIT + ["refused_rate_limited"]
    # When the agent may go on: the ledger's retry time, the oldest code in the window plus the hour.
    retry_at = min(e["time"] for e in events if e["outcome"] == "issued") + 3600
    assert f"You can issue the next code at {utc(retry_at)}" in problem.message()


def test_inbound_check_through_every_outcome(browser: WebDriver, desk: Desk) -> None:
    sign_in(browser, desk, "ivan")
    customer = CustomerPage(browser, desk.base_url).open("customer-0002")
    customer.screenshot(desk.artifact("customer.png"))
    code = customer_code(desk, "customer-0002", check=True)
    wrong_check = code[:6] + str((int(code[6]) + 1) % 10)
    inbound = customer.check_code("T-2077", f"{wrong_check[:3]} {wrong_check[3:]}")
    assert inbound.status() == "misheard"
    assert "No attempt was counted" in inbound.message()
    inbound.check(code)
    assert inbound.status() == "verified"
    inbound.screenshot(desk.artifact("inbound.png"))
    inbound.check(code)
    assert inbound.status() == "already_used"
    inbound.check(code[:6])  # six digits where the app shows seven
    problem = ProblemPage(browser, desk.base_url)
    assert problem.title() == "Not a whole code" and "7 digits" in problem.message()

    # An account without check digits: wrong codes, then the lock for every agent.
    customer = CustomerPage(browser, desk.base_url).open("customer-0003")
    good = customer_code(desk, "customer-0003", check=False)
    wrong = str((int(good) + 500_000) % 1_000_000).zfill(6)
    inbound = customer.check_code("T-2078", wrong)
    assert inbound.status() == "not_verified"
    assert "2 attempt(s) left" in inbound.message()
    inbound.check(wrong)
    inbound.check(wrong)
    inbound.check(good)
    assert inbound.status() == "locked_out"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", inbound.locked_until())
    inbound.screenshot(desk.artifact("inbound-locked.png"))
    outcomes = [e["outcome"] for e in desk.audit(agent_id="ivan", since=0)]
    assert outcomes[:3] == ["customer_misheard", "customer_verified", "customer_already_used"]
    assert outcomes[3:5] == ["customer_not_verified", "customer_not_verified"]
    assert outcomes[-1] == "customer_locked_out"


def test_revoke_then_reenroll(browser: WebDriver, desk: Desk) -> None:
    sign_in(browser, desk, "sam")
    before = audit_size(desk)
    for action in (SupervisorPage.revoke, SupervisorPage.reenroll):
        action(SupervisorPage(browser, desk.base_url).open(), "customer-9999", "typo")
        problem = ProblemPage(browser, desk.base_url)
        assert problem.title() == "Unknown customer" and "customer-9999" in problem.message()
    assert audit_size(desk) == before
    done = SupervisorPage(browser, desk.base_url).open().revoke("customer-0004", "phone stolen")
    assert done.heading() == "Revoked"
    sign_in(browser, desk, "alice")
    CustomerPage(browser, desk.base_url).open("customer-0004").start_call("T-4000")
    problem = ProblemPage(browser, desk.base_url)
    assert problem.title() == "Account revoked" and "re-enroll" in problem.message()
    sign_in(browser, desk, "sam")
    enrollment = SupervisorPage(browser, desk.base_url).open().reenroll("customer-0004", "new phone")
    assert enrollment.epoch() == 1
    enrollment.screenshot(desk.artifact("enrollment.png"))
    assert enrollment.public_key() == desk.public_key.hex()
    # The QR code, read from the screen like a phone would, is the enrollment of epoch 1 signed
    # with the desk's key: an app pinning that key accepts it and gets the right secret.
    uri = enrollment.qr_text()
    assert uri.startswith("callsign://enroll?") and "&sig=" in uri
    desk.shown_codes.append(re.search(r"[?&]secret=([A-Z2-7]+)", uri).group(1))  # type: ignore[union-attr]
    app = callsign.DeviceVerifier(uri, trusted_keys=[desk.public_key])
    read = callsign.Enrollment.from_uri(uri, trusted_keys=[desk.public_key])
    assert (read.issuer, read.account_id, read.epoch, read.signed) == (ISSUER_NAME, "customer-0004", 1, True)
    expected = callsign.Enrollment(
        ISSUER_NAME,
        "customer-0004",
        callsign.account_secret(desk.master_key, "customer-0004", 1),
        epoch=1,
    )
    assert uri.split("&sig=")[0] == expected.to_uri()
    # An app that pins another key, or none, refuses it.
    other = callsign.SigningKey.generate().public_key()
    with pytest.raises(callsign.UntrustedEnrollmentError, match="no pinned key verifies"):
        callsign.Enrollment.from_uri(uri, trusted_keys=[other])
    with pytest.raises(callsign.UntrustedEnrollmentError):
        callsign.Enrollment.from_uri(uri)
    sign_in(browser, desk, "alice")
    call = CustomerPage(browser, desk.base_url).open("customer-0004").start_call("T-4001")
    assert call.code() == expected_agent_code(desk, "customer-0004", call.step(), epoch=1, check=False)
    assert app.check(call.code(), time=call.step() * PERIOD).genuine
    outcomes = [e["outcome"] for e in desk.audit(account_id="customer-0004", since=0)]
    assert outcomes == ["revoked", "refused_revoked", "reenrolled", "issued"]


def test_supervisor_audit_trail_and_chart(browser: WebDriver, desk: Desk) -> None:
    sign_in(browser, desk, "rita")  # make sure there is a refusal in the last hours
    CustomerPage(browser, desk.base_url).open("customer-0006").start_call("T-5000")
    sign_in(browser, desk, "sam")
    supervisor = SupervisorPage(browser, desk.base_url).open()
    assert supervisor.bars("issued")
    refused = supervisor.bars("refused", agent="rita")
    assert refused and sum(int(str(bar.get_attribute("data-count"))) for bar in refused) >= 1
    assert supervisor.find("#chart svg").size["height"] > 100
    supervisor.screenshot(desk.artifact("supervisor.png"))
    rows = supervisor.rows()
    # Newest first, as the ledger answers: rita's refusal a moment ago heads the trail.
    assert (rows[0].agent, rows[0].outcome) == ("rita", "refused_rate_limited")
    assert any(row.highlighted and row.outcome == "refused_rate_limited" for row in rows)
    assert all(row.highlighted for row in rows if row.outcome.startswith("refused_"))
    only = SupervisorPage(browser, desk.base_url).open(agent="rita", outcome="refused_rate_limited")
    rows = only.rows()
    assert rows and all(r.agent == "rita" and r.outcome == "refused_rate_limited" for r in rows)
    by_account = SupervisorPage(browser, desk.base_url).open(account="customer-0003")
    assert {r.account for r in by_account.rows()} == {"customer-0003"}
    future = SupervisorPage(browser, desk.base_url).open(since="2100-01-01T00:00")
    assert future.rows() == [] and not future.bars("issued")
    SupervisorPage(browser, desk.base_url).open(since="yesterday")
    assert ProblemPage(browser, desk.base_url).title() == "Time not understood"
    browser.get(desk.base_url + "/supervisor?agent=rita%FF")
    assert ProblemPage(browser, desk.base_url).title() == "Form not accepted"
    SupervisorPage(browser, desk.base_url).open(agent="r" * 129)
    assert ProblemPage(browser, desk.base_url).title() == "Filter too long"


def test_bad_input_gets_a_clear_message_and_no_audit(browser: WebDriver, desk: Desk) -> None:
    before = audit_size(desk)
    sign_in(browser, desk, "bert")
    customer = CustomerPage(browser, desk.base_url).open("customer-0001")
    customer.set_hidden("#outbound-form", "ticket", "T" * 500)
    customer.submit("#call")
    problem = ProblemPage(browser, desk.base_url)
    assert problem.title() == "Form not accepted"
    assert problem.message() == "Ticket is too long: at most 64 characters."

    token = problem.find("input[name=csrf_token]").get_attribute("value")
    for raw in (b"%FF%FE", b"\xff\xfe"):
        body = f"csrf_token={token}&account_id=customer-0001&ticket=".encode() + raw
        answer = problem.post_raw("/calls/outbound", list(body))
        assert answer["status"] == 400
        assert "not valid UTF-8 text" in str(answer["text"])
        assert "Traceback" not in str(answer["text"])

    # The GET forms (search, audit filter) too.
    for path in ("/customers?q=%FF%FE", "/customers?q=ada%C3"):
        browser.get(desk.base_url + path)
        problem = ProblemPage(browser, desk.base_url)
        assert problem.title() == "Form not accepted" and "not valid UTF-8" in problem.message()
    browser.get(desk.base_url + "/customers?q=" + "a" * 101)
    assert ProblemPage(browser, desk.base_url).title() == "Search too long"

    customer = CustomerPage(browser, desk.base_url).open("customer-0001")
    customer.set_hidden("#outbound-form", "account_id", "customer-9999")
    customer.start_call("T-6000")
    problem = ProblemPage(browser, desk.base_url)
    assert problem.title() == "Unknown customer" and "customer-9999" in problem.message()
    CustomerPage(browser, desk.base_url).open("nobody-here")
    assert ProblemPage(browser, desk.base_url).title() == "Unknown customer"
    customers = CustomersPage(browser, desk.base_url).open("zzz-nobody")
    assert "No customer matches" in customers.find("p.note").text

    customer = CustomerPage(browser, desk.base_url).open("customer-0001")
    customer.find("#out-ticket").send_keys("T-6001")
    desk.advance(9 * 3600)  # the session (8 hours) expires while the page is open
    customer.submit("#call")
    signin = SignInPage(browser, desk.base_url)
    assert "Your session expired" in signin.note()
    assert audit_size(desk) == before


UNLABELED_CONTROLS = """
return Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea, button'))
  .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
               && !(e.tagName === 'BUTTON' && e.textContent.trim()))
  .map(e => e.outerHTML);
"""


def test_labels_and_focus_order(browser: WebDriver, desk: Desk) -> None:
    sign_in(browser, desk, "sam")
    for path in ("/customers", "/customers/customer-0001", "/supervisor", "/signin"):
        browser.get(desk.base_url + path)
        assert browser.execute_script(UNLABELED_CONTROLS) == [], path
        # No positive tabindex: the tab order is the reading order.
        assert not browser.find_elements(By.CSS_SELECTOR, "[tabindex]:not([tabindex='-1']):not([tabindex='0'])")
    CustomerPage(browser, desk.base_url).open("customer-0001")
    order = []
    for _ in range(9):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        active = browser.switch_to.active_element
        order.append(active.get_attribute("id") or active.text)
    assert order == [
        "Skip to content",
        "Customers",
        "Supervisor",
        "signout",
        "out-ticket",
        "call",
        "in-ticket",
        "in-code",
        "verify",
    ]


def test_unreachable_ledger_is_a_clear_message(browser: WebDriver, desk: Desk) -> None:
    sign_in(browser, desk, "bert")
    customer = CustomerPage(browser, desk.base_url).open("customer-0001")
    # Another process holds the ledger's tables locked (on SQLite, sqlite3 in this process would
    # share this process's POSIX locks with the ledger's own SQLite; see agent_desk/db.py), so the
    # ledger's 2-second timeout ends the issuance.
    script = HOLD_SQLITE if desk.backend == "sqlite" else HOLD_POSTGRES
    target = desk.ledger_url[len("sqlite:///") :] if desk.backend == "sqlite" else desk.ledger_url
    holder = subprocess.Popen(
        [sys.executable, "-c", script, target], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        customer.start_call("T-7000")
        problem = ProblemPage(browser, desk.base_url)
        assert problem.title() == "Ledger unavailable"
        assert "nothing was issued" in problem.message()
    finally:
        holder.communicate("done\n", timeout=10)
    assert not [e for e in desk.audit(agent_id="bert") if e["ticket"] == "T-7000"]


HOLD_SQLITE = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=5)
db.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()
db.rollback()
"""

HOLD_POSTGRES = """
import psycopg, sys
with psycopg.connect(sys.argv[1]) as db:
    tables = [row[0] for row in db.execute(
        "SELECT tablename FROM pg_tables WHERE tablename LIKE 'callsign%' AND schemaname = 'public'")]
    db.execute("LOCK TABLE " + ", ".join(tables) + " IN ACCESS EXCLUSIVE MODE")
    print("locked", flush=True)
    sys.stdin.readline()
    db.rollback()
"""


def test_server_log_holds_no_code_or_secret(desk: Desk) -> None:
    log = desk.log_path.read_text()
    assert "GET /signin" in log  # the log is written at all
    signing_seed = (desk.home / "signing.key").read_bytes().hex()
    secrets: List[str] = [PASSWORD, desk.master_key.hex(), signing_seed] + desk.shown_codes
    assert desk.shown_codes
    for secret in secrets:
        assert secret not in log
    assert "Traceback" not in log

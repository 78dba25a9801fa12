"""The FastAPI application: pages for agents (customers, outbound and inbound calls) and supervisors."""

import datetime
import logging
import secrets
from pathlib import Path
from typing import Any, Dict, Mapping, Optional

import callsign
import segno
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool as blocking
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from agent_desk import auth, chart
from agent_desk.config import Settings
from agent_desk.db import Customer, Database, DatabaseUnavailable
from agent_desk.forms import LIMITS, BadForm, check_query, read_form

HERE = Path(__file__).parent
log = logging.getLogger("agent_desk")

#: The audit rows one supervisor page reads (the ledger answers the newest, newest first, at most this many).
AUDIT_ROWS = 1000

OUTCOMES = [
    "issued",
    "refused_rate_limited",
    "refused_revoked",
    "revoked",
    "reenrolled",
    "customer_verified",
    "customer_not_verified",
    "customer_already_used",
    "customer_locked_out",
    "customer_misheard",
]

LEDGER_DOWN = (
    "The ledger (the audit database) cannot be reached, so nothing was issued or checked. "
    "Try again in a minute. If it keeps failing, tell IT on-call, and do not go on with a call "
    "that needs a code."
)


class Problem(Exception):
    """Something the user must see as a page of its own: a title, what happened, what to do."""

    def __init__(self, status: int, title: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.title = title
        self.message = message


class SignInRequired(Exception):
    def __init__(self, note: str) -> None:
        super().__init__(note)
        self.note = note


def utc(ts: Optional[int]) -> str:
    if ts is None:
        return ""
    return datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def retry_advice(retry_at: Optional[int], now: int) -> str:
    """When the agent may issue again, from the ledger's `retry_at`."""
    if retry_at is None:
        return "Ask a supervisor."
    minutes = max(1, (retry_at - now + 59) // 60)
    return (
        f"You can issue the next code at {utc(retry_at)} (in about {minutes} minute(s)); "
        "until then, ask a supervisor if a call cannot wait."
    )


def spoken(grouped: str) -> str:
    """'723 154 5' -> '7 2 3, 1 5 4, check digit 5' for screen readers (digit by digit)."""
    groups = grouped.split(" ")
    words = [" ".join(group) for group in groups]
    if len(groups) == 3:
        words[2] = "check digit " + words[2]
    return ", ".join(words)


def create_app(settings: Settings) -> FastAPI:
    master_key = callsign.MasterKey(settings.read_secret(settings.master_key_file, "master key"))
    signing_key = settings.signing_key()
    session_secret = settings.read_secret(settings.session_secret_file, "session secret")
    db = Database(settings.ledger_url)
    db.migrate()
    ledger = db.open_ledger()
    now = settings.clock()
    # One issuer per enrollment kind, sharing the ledger (audit, rate limit, epochs, locks).
    # DESK_PERIOD unset: the binding's default period.
    period = {} if settings.period is None else {"period": settings.period}
    issuers = {
        flag: callsign.Issuer(
            master_key, ledger, rate_limit=settings.rate_limit, check_digit=flag, **period
        )
        for flag in (False, True)
    }
    del master_key

    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.state.ledger = ledger
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.filters["utc"] = utc
    templates.env.filters["spoken"] = spoken
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        try:
            response: Response = await call_next(request)
        except Exception as error:  # never a stack trace, in the page or in the log
            log.error("unexpected %s on %s %s", type(error).__name__, request.method, request.url.path)
            response = page(
                request,
                "problem.html",
                500,
                title="Something went wrong",
                message="The desk hit an unexpected error; it was logged without any code or "
                "secret. Try again; if it repeats, tell IT on-call.",
            )
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        if not request.url.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"
        return response

    app.add_middleware(
        SessionMiddleware,
        secret_key=session_secret.hex(),
        session_cookie="desk_session",
        max_age=settings.session_seconds,
        same_site="strict",
        https_only=settings.secure_cookies,
    )

    def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        session = request.session
        context.setdefault("user", session.get("user"))
        context.setdefault("role", session.get("role"))
        context["csrf_token"] = auth.csrf_token(session)
        context["limits"] = LIMITS
        return templates.TemplateResponse(request, name, context, status_code=status)

    def signed_in(request: Request, role: Optional[str] = None) -> Dict[str, str]:
        session = request.session
        user = session.get("user")
        if not isinstance(user, str):
            raise SignInRequired("Sign in to use the desk.")
        since = session.get("since")
        if not isinstance(since, int) or now() - since > settings.session_seconds:
            session.clear()
            raise SignInRequired(
                f"Your session expired after {settings.session_seconds // 60} minutes. "
                "Sign in again; nothing from the last form was sent."
            )
        if role is not None and session.get("role") != role:
            raise Problem(
                403,
                "Supervisors only",
                "This page is for supervisors. Ask a supervisor if you need the audit trail, "
                "a revocation or a re-enrollment.",
            )
        return {"user": user, "role": str(session.get("role"))}

    async def posted(request: Request) -> Dict[str, str]:
        form = await read_form(request)
        if not auth.csrf_ok(request.session, form.get("csrf_token")):
            raise Problem(
                403,
                "Form refused",
                "The form's security token is missing or out of date, so nothing was done. "
                "Reload the page and send the form again.",
            )
        return form

    def customer_for(account_id: str) -> Customer:
        if not account_id:
            raise Problem(400, "No customer given", "Pick a customer from the search first.")
        customer = db.customer(account_id)
        if customer is None:
            raise Problem(
                404,
                "Unknown customer",
                f"There is no customer with account id “{account_id}” in the CRM. Nothing was "
                "issued or recorded. Search the CRM again and pick the customer from the list.",
            )
        return customer

    def shown_digits(customer: Customer) -> int:
        """Digits the customer's app shows: the issuer's, plus the check digit if enrolled with one."""
        return int(issuers[customer.check_digit].digits) + (1 if customer.check_digit else 0)

    def required(form: Mapping[str, str], name: str, label: str) -> str:
        value = form.get(name, "").strip()
        if not value:
            raise Problem(400, f"{label} missing", f"Enter the {label.lower()} and send again.")
        return value

    # Errors as pages, never a stack trace.
    @app.exception_handler(Problem)
    async def on_problem(request: Request, error: Problem) -> Response:
        return page(request, "problem.html", error.status, title=error.title, message=error.message)

    @app.exception_handler(BadForm)
    async def on_bad_form(request: Request, error: BadForm) -> Response:
        return page(request, "problem.html", 400, title="Form not accepted", message=str(error))

    @app.exception_handler(SignInRequired)
    async def on_sign_in(request: Request, error: SignInRequired) -> Response:
        request.session["note"] = error.note
        return RedirectResponse("/signin", status_code=303)

    @app.exception_handler(DatabaseUnavailable)
    async def on_db(request: Request, error: DatabaseUnavailable) -> Response:
        log.warning("database unavailable: %s", error)
        return page(request, "problem.html", 503, title="Database unavailable", message=LEDGER_DOWN)

    @app.exception_handler(callsign.StoreUnavailableError)
    async def on_store(request: Request, error: Exception) -> Response:
        log.warning("ledger unavailable: %s", error)
        return page(request, "problem.html", 503, title="Ledger unavailable", message=LEDGER_DOWN)

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, error: StarletteHTTPException) -> Response:
        title = "Page not found" if error.status_code == 404 else "Request refused"
        message = "There is no such page. Use the menu to go on." if error.status_code == 404 else (
            "The desk cannot handle this request. Go back and try again."
        )
        return page(request, "problem.html", error.status_code, title=title, message=message)

    # Sign-in and sign-out
    @app.get("/", include_in_schema=False)
    async def home(request: Request) -> Response:
        if isinstance(request.session.get("user"), str):
            return RedirectResponse("/customers", status_code=303)
        return RedirectResponse("/signin", status_code=303)

    @app.get("/signin")
    async def signin_form(request: Request) -> Response:
        note = request.session.pop("note", None)
        return page(request, "signin.html", note=note)

    @app.post("/signin")
    async def signin(request: Request) -> Response:
        form = await posted(request)
        username = form.get("username", "").strip()
        try:
            user = await blocking(auth.check_sign_in, db, username, form.get("password", ""), now())
        except auth.SignInRefused as refused:
            return page(request, "signin.html", 401, error=str(refused), username=username)
        request.session.clear()  # a fresh session (and CSRF token) after sign-in
        request.session.update({"user": user.username, "role": user.role, "since": now()})
        log.info("signed in: %s (%s)", user.username, user.role)
        return RedirectResponse("/customers", status_code=303)

    @app.post("/signout")
    async def signout(request: Request) -> Response:
        await posted(request)
        request.session.clear()
        request.session["note"] = "You are signed out."
        return RedirectResponse("/signin", status_code=303)

    # Customers
    @app.get("/customers")
    async def customers(request: Request, q: str = "") -> Response:
        signed_in(request)
        check_query(request)
        if len(q) > LIMITS["q"]:
            raise Problem(400, "Search too long", f"Search for at most {LIMITS['q']} characters.")
        found = await blocking(db.search_customers, q.strip())
        return page(request, "customers.html", q=q, customers=found)

    @app.get("/customers/{account_id}")
    async def customer_page(request: Request, account_id: str) -> Response:
        signed_in(request)
        customer = await blocking(customer_for, account_id[: LIMITS["account_id"] + 1])
        return page(request, "customer.html", customer=customer, digits=shown_digits(customer))

    # Outbound call: the agent reads the code; each renewal is an audited issuance.
    @app.post("/calls/outbound")
    async def outbound(request: Request) -> Response:
        form = await posted(request)
        who = signed_in(request)
        customer = await blocking(customer_for, form.get("account_id", ""))
        ticket = required(form, "ticket", "Ticket")
        issuer = issuers[customer.check_digit]
        try:
            code = await blocking(
                issuer.issue, customer.account_id, agent_id=who["user"], ticket=ticket, time=now()
            )
        except callsign.RateLimitedError as refused:
            limit = settings.rate_limit
            raise Problem(
                429,
                "Rate limit reached",
                f"You have issued the most codes allowed: {limit.max_codes} per "
                f"{limit.window_seconds // 60} minutes per agent. No code was issued (the refusal "
                f"is in the audit trail). {retry_advice(refused.retry_at, now())}",
            ) from None
        except callsign.AccountRevokedError:
            raise Problem(
                409,
                "Account revoked",
                f"{customer.name}'s app was revoked by a supervisor, so no code can be issued. "
                "Do not read any code. Verify the customer another way and ask a supervisor to "
                "re-enroll the customer's new app.",
            ) from None
        except callsign.InvalidIdentifierError as error:
            raise Problem(400, "Ticket not accepted", f"{error}. Correct the ticket and send again.") from None
        return page(
            request,
            "outbound.html",
            customer=customer,
            ticket=ticket,
            code=code,
            period=issuer.period,
        )

    # Inbound call: the agent types the code the customer reads out.
    @app.post("/calls/inbound")
    async def inbound(request: Request) -> Response:
        form = await posted(request)
        who = signed_in(request)
        customer = await blocking(customer_for, form.get("account_id", ""))
        ticket = required(form, "ticket", "Ticket")
        entry = required(form, "code", "Code")
        issuer = issuers[customer.check_digit]
        try:
            verdict = await blocking(
                issuer.verify_customer,
                customer.account_id,
                entry,
                agent_id=who["user"],
                ticket=ticket,
                time=now(),
            )
        except callsign.InvalidCodeError:
            raise Problem(
                400,
                "Not a whole code",
                f"{customer.name}'s app shows {shown_digits(customer)} digits. Ask the caller to read the whole "
                "code again and type every digit. Nothing was counted.",
            ) from None
        except callsign.AccountRevokedError:
            raise Problem(
                409,
                "Account revoked",
                f"{customer.name}'s app was revoked, so its codes prove nothing. Verify the caller "
                "another way and ask a supervisor to re-enroll the customer.",
            ) from None
        except callsign.InvalidIdentifierError as error:
            raise Problem(400, "Ticket not accepted", f"{error}. Correct the ticket and send again.") from None
        return page(
            request,
            "inbound.html",
            customer=customer,
            ticket=ticket,
            verdict=verdict,
            now=now(),
        )

    # Supervisor
    @app.get("/supervisor")
    async def supervisor(
        request: Request,
        agent: str = "",
        account: str = "",
        outcome: str = "",
        since: str = "",
        until: str = "",
    ) -> Response:
        signed_in(request, role="supervisor")
        check_query(request)
        for label, value in (("Agent", agent), ("Account", account), ("Outcome", outcome)):
            if len(value) > 128:
                raise Problem(400, "Filter too long", f"{label} filter: at most 128 characters.")
        if outcome and outcome not in OUTCOMES:
            raise Problem(400, "Unknown outcome", "Pick an outcome from the list.")
        since_ts = _parse_time(since, "From")
        until_ts = _parse_time(until, "Until")
        if since_ts is None and until_ts is None:
            since_ts = now() - 24 * 3600
        events = await blocking(
            issuers[False].audit_events,
            agent_id=agent.strip() or None,
            account_id=account.strip() or None,
            since=since_ts,
            until=until_ts,
            limit=AUDIT_ROWS,
        )
        truncated = len(events) == AUDIT_ROWS
        if outcome:
            events = [event for event in events if event["outcome"] == outcome]
        return page(
            request,
            "supervisor.html",
            events=events,
            chart=chart.svg(events),
            filters={"agent": agent, "account": account, "outcome": outcome, "since": since, "until": until},
            outcomes=OUTCOMES,
            truncated=truncated,
        )

    @app.post("/supervisor/revoke")
    async def revoke(request: Request) -> Response:
        form = await posted(request)
        who = signed_in(request, role="supervisor")
        customer = await blocking(customer_for, form.get("account_id", "").strip())
        reason = required(form, "reason", "Reason")
        await blocking(
            issuers[False].revoke, customer.account_id, agent_id=who["user"], reason=reason, time=now()
        )
        return page(request, "done.html", title="Revoked", customer=customer, action="revoked")

    @app.post("/supervisor/reenroll")
    async def reenroll(request: Request) -> Response:
        form = await posted(request)
        who = signed_in(request, role="supervisor")
        customer = await blocking(customer_for, form.get("account_id", "").strip())
        reason = required(form, "reason", "Reason")
        enrollment = await blocking(
            issuers[customer.check_digit].reenroll,
            settings.issuer_name,
            customer.account_id,
            agent_id=who["user"],
            reason=reason,
            time=now(),
            signing_key=signing_key,
        )
        qr = segno.make(enrollment.to_uri(), error="m").svg_inline(
            scale=5, title="Enrollment QR code for the customer's app", omitsize=False
        )
        return page(
            request,
            "enrollment.html",
            customer=customer,
            enrollment=enrollment,
            qr=qr,
            public_key=signing_key.public_key().hex(),
        )

    return app


def _parse_time(text: str, label: str) -> Optional[int]:
    text = text.strip()
    if not text:
        return None
    try:
        parsed = datetime.datetime.strptime(text[:16], "%Y-%m-%dT%H:%M")
    except ValueError:
        raise Problem(
            400, "Time not understood", f"{label}: use the date picker or YYYY-MM-DDTHH:MM (UTC)."
        ) from None
    return int(parsed.replace(tzinfo=datetime.timezone.utc).timestamp())


def new_secret() -> bytes:
    return secrets.token_bytes(32)

"""support-desk: the tool a support agent runs during an outbound call, or a customer calling in.

The agent names the customer and the ticket; the tool looks the customer up in the CRM (here a
small SQLite database that `seed` creates), issues the agent code through a callsign Issuer on a
SQLite ledger that records every issuance and refusal and keeps the agent's rate limit across
restarts of the tool, and shows the code grouped for reading aloud with a live countdown bar. The customer types what they hear into their app, which
tells them whether the caller is genuine. An agent over the rate limit is refused, clearly.

    python support_desk.py seed
    python support_desk.py customers
    python support_desk.py call --agent agent-7 --ticket T-1042 --customer erika@example.de
    python support_desk.py desk --agent agent-7        # one session, many calls (from stdin:
                                                       # CUSTOMER TICKET per line; see desk --help)
    python support_desk.py inbound --agent agent-7 --ticket T-2077 --customer ada@example.com --code "246 206"

A customer calling in reads the customer code that their app shows on their own request; the
agent types it and the tool checks it (audited in the ledger). Three wrong codes lock the
account's customer checks for every agent, across runs of the tool (the lock is in the ledger);
a misheard digit (with check digits) costs no attempt.

The master key lives in DATA/master.key and the ledger in DATA/ledger.db for this demo; a real
deployment keeps the master key and the issuer in the vendor's backend, and the ledger in a
database all its issuers share (docs/deployment.md).
"""

import argparse
import os
import sqlite3
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, List, Optional, Sequence, TextIO, Tuple

import callsign

DEFAULT_DATA = Path("support-desk-data")
BAR_WIDTH = 30
EXIT_REFUSED = 3
EXIT_BAD_INPUT = 2
EXIT_NOT_VERIFIED = 1

#: What the agent sees for each verdict on a customer calling in.
CUSTOMER_VERDICTS = {
    "verified": "VERIFIED: the caller holds {name}'s enrolled app. Go ahead.",
    "not_verified": "NOT VERIFIED ({attempts_left} attempts left for this account, across all agents). "
    "Ask the caller to read the code again, or verify them another way.",
    "already_used": "NOT VERIFIED: that code was already used. Ask for the code the app shows now.",
    "locked_out": "LOCKED for every agent until {locked_until}: too many wrong codes. "
    "Do not make changes on this call; verify the caller another way.",
    "misheard": "MISHEARD: the last digit does not fit. Ask the caller to repeat the code "
    "(no attempt counted).",
}

SAMPLE_CUSTOMERS: List[Tuple[str, str, str, str, bool]] = [
    ("customer-0001", "Ada Lovelace", "ada@example.com", "+44 20 7946 0001", True),
    ("customer-0002", "Erika Mustermann", "erika@example.de", "+49 30 901820", True),
    ("customer-0003", "Juan Pérez", "juan@example.es", "+34 91 123 4567", True),
    ("customer-0004", "Kari Nordmann", "kari@example.no", "+47 22 12 34 56", False),
]


class DeskError(Exception):
    """A refusal or a problem the agent must see; its message says what to do."""

    def __init__(self, message: str, exit_code: int = EXIT_BAD_INPUT) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True)
class Customer:
    """A CRM record."""

    account_id: str
    name: str
    email: str
    phone: str
    enrolled: bool


@dataclass(frozen=True)
class Paths:
    """Where the demo keeps its state."""

    data: Path

    @property
    def crm(self) -> Path:
        return self.data / "crm.sqlite3"

    @property
    def master_key(self) -> Path:
        return self.data / "master.key"

    @property
    def ledger(self) -> Path:
        return self.data / "ledger.db"


def seed(paths: Paths) -> int:
    """Creates the CRM with sample customers and a master key (kept if they exist)."""
    paths.data.mkdir(parents=True, exist_ok=True)
    if not paths.master_key.exists():
        descriptor = os.open(paths.master_key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(callsign.MasterKey.generate().to_bytes().hex() + "\n")
    with sqlite3.connect(paths.crm) as db:
        db.execute(
            "CREATE TABLE IF NOT EXISTS customers (account_id TEXT PRIMARY KEY, name TEXT NOT NULL,"
            " email TEXT NOT NULL UNIQUE, phone TEXT NOT NULL UNIQUE, enrolled INTEGER NOT NULL)"
        )
        db.executemany(
            "INSERT OR IGNORE INTO customers VALUES (?, ?, ?, ?, ?)", SAMPLE_CUSTOMERS
        )
        count: int = db.execute("SELECT COUNT(*) FROM customers").fetchone()[0]
    db.close()
    return count


def load_master_key(paths: Paths) -> callsign.MasterKey:
    """The vendor's master key (demo key store)."""
    try:
        text = paths.master_key.read_text().strip()
    except FileNotFoundError:
        raise DeskError(f"no master key in {paths.data}; run `support_desk.py seed` first") from None
    try:
        return callsign.MasterKey(bytes.fromhex(text))
    except (ValueError, callsign.InvalidMasterKeyError) as error:
        raise DeskError(f"{paths.master_key} does not hold a valid master key: {error}") from None


def find_customer(paths: Paths, query: str) -> Customer:
    """The one customer whose account id, email or phone number is `query`."""
    if not paths.crm.exists():
        raise DeskError(f"no CRM in {paths.data}; run `support_desk.py seed` first")
    db = sqlite3.connect(paths.crm)
    try:
        rows = db.execute(
            "SELECT account_id, name, email, phone, enrolled FROM customers"
            " WHERE account_id = ? OR lower(email) = lower(?) OR replace(phone, ' ', '') = ?",
            (query.strip(), query.strip(), query.replace(" ", "")),
        ).fetchall()
    finally:
        db.close()
    if not rows:
        raise DeskError(f"no customer matches {query!r}: use an account id, email or phone number")
    if len(rows) > 1:
        raise DeskError(f"{query!r} matches {len(rows)} customers: use the account id")
    account_id, name, email, phone, enrolled = rows[0]
    return Customer(account_id, name, email, phone, bool(enrolled))


def list_customers(paths: Paths) -> List[Customer]:
    """Every customer in the CRM."""
    db = sqlite3.connect(paths.crm)
    try:
        rows = db.execute(
            "SELECT account_id, name, email, phone, enrolled FROM customers ORDER BY account_id"
        ).fetchall()
    finally:
        db.close()
    return [Customer(a, n, e, p, bool(enrolled)) for a, n, e, p, enrolled in rows]


def countdown_bar(seconds_remaining: int, period: int, width: int = BAR_WIDTH) -> str:
    """A bar that empties as the code nears its end: `[#########.....]  9 s left`."""
    filled = round(width * max(0, min(seconds_remaining, period)) / period)
    return f"[{'#' * filled}{'.' * (width - filled)}] {seconds_remaining:2d} s left"


class Desk:
    """One agent's session: an issuer on the data directory's ledger, and the output."""

    def __init__(
        self,
        paths: Paths,
        agent_id: str,
        out: TextIO,
        rate_limit: callsign.RateLimit,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        check_digit: bool = False,
    ) -> None:
        if not agent_id.strip():
            raise DeskError("an agent id is required (--agent)")
        self.paths = paths
        self.agent_id = agent_id
        self.out = out
        self.clock = clock
        self.sleep = sleep
        self.issuer = callsign.Issuer(
            load_master_key(paths),
            callsign.SqliteLedger(paths.ledger),
            rate_limit=rate_limit,
            check_digit=check_digit,
        )

    def call(self, customer_query: str, ticket: str, live: bool) -> callsign.TimedCode:
        """Issues and shows the code for one call; `live` keeps the countdown running."""
        ticket = ticket.strip()
        if not ticket:
            raise DeskError("a ticket is required (--ticket): the audit must say why you call")
        customer = find_customer(self.paths, customer_query)
        if not customer.enrolled:
            raise DeskError(
                f"{customer.name} ({customer.account_id}) has no enrolled app, so no code can "
                "prove this call; verify the customer another way"
            )
        now = int(self.clock())
        try:
            code = self.issuer.issue(
                customer.account_id, agent_id=self.agent_id, ticket=ticket, time=now
            )
        except callsign.RateLimitedError as error:
            raise DeskError(
                f"REFUSED: {error}. The refusal is in the audit log; ask your team lead if this "
                "call is urgent.",
                EXIT_REFUSED,
            ) from None
        except callsign.InvalidIdentifierError as error:
            raise DeskError(f"cannot issue a code: {error}") from None
        self.out.write(
            f"Calling {customer.name} ({customer.account_id}), ticket {ticket}, "
            f"agent {self.agent_id}\n"
            f"Read this code to the customer:  {code.grouped}\n"
        )
        self.show_countdown(code, live)
        return code

    def customer_calling_in(
        self, customer_query: str, ticket: str, entry: str
    ) -> callsign.CustomerVerdict:
        """Checks the code a customer calling in read from their app, and says the verdict."""
        ticket = ticket.strip()
        if not ticket:
            raise DeskError("a ticket is required (--ticket): the audit must say why you check")
        customer = find_customer(self.paths, customer_query)
        if not customer.enrolled:
            raise DeskError(
                f"{customer.name} ({customer.account_id}) has no enrolled app, so no code can "
                "prove who is calling; verify the caller another way"
            )
        try:
            verdict = self.issuer.verify_customer(
                customer.account_id,
                entry,
                agent_id=self.agent_id,
                ticket=ticket,
                time=int(self.clock()),
            )
        except callsign.InvalidCodeError as error:
            raise DeskError(f"not a code: {error}. Nothing was counted; ask again.") from None
        self.out.write(
            f"Caller says they are {customer.name} ({customer.account_id}), ticket {ticket}\n"
            + CUSTOMER_VERDICTS[verdict.status].format(
                name=customer.name,
                attempts_left=verdict.attempts_left,
                locked_until=verdict.locked_until,
            )
            + "\n"
        )
        return verdict

    def show_countdown(self, code: callsign.TimedCode, live: bool) -> None:
        """The countdown bar, refreshed every second until the code expires when `live`."""
        period = self.issuer.period
        remaining = code.seconds_remaining
        if not live:
            self.out.write(countdown_bar(remaining, period) + "\n")
            return
        while remaining > 0:
            self.out.write("\r" + countdown_bar(remaining, period))
            self.out.flush()
            self.sleep(1)
            remaining = code.valid_until - int(self.clock())
        self.out.write("\r" + countdown_bar(0, period) + "\nCode expired. Issue a new one if the "
                       "customer has not entered it yet.\n")


DESK_FORMAT = """\
Reads one call per line from stdin:

    CUSTOMER TICKET

CUSTOMER is the customer's account id, email or phone number (write a phone number without
spaces: +4930901820); TICKET is the ticket the call is about, written to the audit trail. The
two are separated by spaces or tabs. Blank lines and lines starting with # are skipped; a line
with more or fewer fields is answered with the expected format and skipped. Each call prints
its code like `call` does. The exit status is 0 when every call got a code, 3 when any was
refused (unknown customer, no app, over the rate limit).

Example:

    customer-0001 T-1042
    erika@example.de T-1043
"""


def run_desk(desk: Desk, lines: TextIO, live: bool) -> int:
    """A session: each input line is `CUSTOMER TICKET`; returns the number of refusals."""
    refusals = 0
    for line in lines:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split()
        if len(parts) != 2:
            desk.out.write("usage per line: CUSTOMER TICKET (see `support_desk.py desk --help`)\n")
            continue
        try:
            desk.call(parts[0], parts[1], live)
        except DeskError as error:
            refusals += 1
            desk.out.write(f"{error}\n")
    return refusals


def parse_rate_limit(text: str) -> callsign.RateLimit:
    """`MAX/SECONDS`, for example `30/3600`."""
    try:
        max_codes, window = (int(part) for part in text.split("/"))
    except ValueError:
        raise argparse.ArgumentTypeError("rate limit must look like 30/3600") from None
    return callsign.RateLimit(max_codes, window)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="support_desk.py", description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="state directory")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("seed", help="create the demo CRM and master key")
    commands.add_parser("customers", help="list the CRM's customers")
    for name, help_text in (("call", "issue the code for one call"), ("desk", "a session of calls read from stdin")):
        command = commands.add_parser(
            name,
            help=help_text,
            description=f"{help_text}.\n\n{DESK_FORMAT}" if name == "desk" else f"{help_text}.",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        command.add_argument("--agent", required=True, help="your agent id (audited)")
        command.add_argument(
            "--rate-limit", type=parse_rate_limit, default=callsign.RateLimit(), help="MAX/SECONDS per agent"
        )
        command.add_argument("--no-wait", action="store_true", help="print once, no live countdown")
    call = commands.choices["call"]
    call.add_argument("--ticket", required=True, help="the ticket this call is about (audited)")
    call.add_argument("--customer", required=True, help="account id, email or phone number")
    inbound = commands.add_parser("inbound", help="check the code of a customer calling in")
    inbound.add_argument("--agent", required=True, help="your agent id (audited)")
    inbound.add_argument("--ticket", required=True, help="the ticket of this call (audited)")
    inbound.add_argument("--customer", required=True, help="who the caller says they are")
    inbound.add_argument("--code", required=True, help="the code the caller read from the app")
    inbound.add_argument("--check-digit", action="store_true", help="codes carry a check digit")
    return parser


def main(argv: Optional[Sequence[str]] = None, out: TextIO = sys.stdout) -> int:
    args = build_parser().parse_args(argv)
    paths = Paths(args.data)
    try:
        if args.command == "seed":
            count = seed(paths)
            out.write(f"CRM with {count} customers and a master key in {paths.data}\n")
            return 0
        if args.command == "customers":
            for customer in list_customers(paths):
                state = "enrolled" if customer.enrolled else "no app"
                out.write(f"{customer.account_id}  {customer.name:<18} {customer.email:<18} {customer.phone:<17} {state}\n")
            return 0
        if args.command == "inbound":
            desk = Desk(paths, args.agent, out, callsign.RateLimit(), check_digit=args.check_digit)
            verdict = desk.customer_calling_in(args.customer, args.ticket, args.code)
            return 0 if verdict.verified else EXIT_NOT_VERIFIED
        desk = Desk(paths, args.agent, out, args.rate_limit)
        live = not args.no_wait and out.isatty()
        if args.command == "call":
            desk.call(args.customer, args.ticket, live)
            return 0
        return EXIT_REFUSED if run_desk(desk, sys.stdin, live) else 0
    except DeskError as error:
        sys.stderr.write(f"support-desk: {error}\n")
        return error.exit_code


if __name__ == "__main__":
    sys.exit(main())

"""The CRM and the desk's users, next to the callsign ledger.

DESK_LEDGER_URL is `sqlite:///PATH` (the default) or `postgres://...`. On PostgreSQL the desk's
tables (prefixed `desk_`) live in the ledger's database. On SQLite they live in a sibling file,
PATH with `-desk` before its suffix: this process holds two copies of SQLite (Python's `sqlite3`
and the one inside callsign), and SQLite's POSIX locks are per process, so when one copy closes a
connection to a file the other copy has open, it drops that copy's locks and may checkpoint and
delete the write-ahead log under it, losing the ledger's writes (SQLite's "How to corrupt",
section 2.2.1; tests/test_desk.py shows every issuance in the audit). The ledger's own tables
belong to callsign and are never touched here.
"""

import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator, List, Optional, Sequence, Tuple

import callsign

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS desk_customers (
        account_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        email TEXT NOT NULL,
        phone TEXT NOT NULL,
        check_digit BOOLEAN NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS desk_users (
        username TEXT PRIMARY KEY,
        password_hash TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('agent', 'supervisor')),
        failed_signins INTEGER NOT NULL DEFAULT 0,
        locked_until BIGINT NOT NULL DEFAULT 0
    )""",
]

SAMPLE_CUSTOMERS: List[Tuple[str, str, str, str, bool]] = [
    ("customer-0001", "Ada Lovelace", "ada@example.com", "+44 20 7946 0001", True),
    ("customer-0002", "Erika Mustermann", "erika@example.de", "+49 30 901820", True),
    ("customer-0003", "Juan Pérez", "juan@example.es", "+34 91 123 4567", False),
    ("customer-0004", "Kari Nordmann", "kari@example.no", "+47 22 12 34 56", False),
    ("customer-0005", "Mario Rossi", "mario@example.it", "+39 06 1234 5678", True),
    ("customer-0006", "Chidi Okafor", "chidi@example.ng", "+234 1 234 5678", True),
]


class DatabaseUnavailable(Exception):
    """The database could not be reached or did not answer in time."""


@dataclass(frozen=True)
class Customer:
    account_id: str
    name: str
    email: str
    phone: str
    check_digit: bool


@dataclass(frozen=True)
class User:
    username: str
    password_hash: str
    role: str
    failed_signins: int
    locked_until: int


class Database:
    """One short connection per unit of work; `?` placeholders on both backends."""

    def __init__(self, url: str) -> None:
        self.url = url
        if url.startswith("sqlite:///"):
            self.kind = "sqlite"
            self.ledger_path = url[len("sqlite:///") :]
            stem, dot, suffix = self.ledger_path.rpartition(".")
            self.path = f"{stem}-desk.{suffix}" if dot and "/" not in suffix else self.ledger_path + "-desk"
        elif url.startswith(("postgres://", "postgresql://")):
            self.kind = "postgres"
            self.path = self.ledger_path = ""
        else:
            raise ValueError("DESK_LEDGER_URL must start with sqlite:/// or postgres://")

    def open_ledger(self) -> Any:
        if self.kind == "sqlite":
            return callsign.SqliteLedger(self.ledger_path)
        return callsign.PostgresLedger(self.url, timeout_seconds=2.0)

    @contextmanager
    def cursor(self) -> Iterator[Any]:
        try:
            if self.kind == "sqlite":
                conn: Any = sqlite3.connect(self.path, timeout=5)
            else:
                import psycopg

                conn = psycopg.connect(self.url, connect_timeout=2)
        except Exception as error:  # sqlite3.Error, psycopg.OperationalError
            raise DatabaseUnavailable(str(error).splitlines()[0] if str(error) else "no answer") from None
        try:
            with conn:
                cur = conn.cursor()
                yield _Cursor(cur, self.kind)
        except Exception as error:
            if type(error).__name__ == "OperationalError":  # sqlite3 or psycopg: not reachable
                raise DatabaseUnavailable(str(error).splitlines()[0]) from None
            raise
        finally:
            conn.close()

    def migrate(self) -> None:
        with self.cursor() as cur:
            for statement in SCHEMA:
                cur.execute(statement)

    # CRM
    def seed_customers(self) -> int:
        with self.cursor() as cur:
            for row in SAMPLE_CUSTOMERS:
                cur.execute(
                    "INSERT INTO desk_customers (account_id, name, email, phone, check_digit) "
                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (account_id) DO NOTHING",
                    row,
                )
        return len(SAMPLE_CUSTOMERS)

    def customer(self, account_id: str) -> Optional[Customer]:
        with self.cursor() as cur:
            cur.execute(
                "SELECT account_id, name, email, phone, check_digit FROM desk_customers "
                "WHERE account_id = ?",
                (account_id,),
            )
            row = cur.fetchone()
        return Customer(row[0], row[1], row[2], row[3], bool(row[4])) if row else None

    def search_customers(self, query: str) -> List[Customer]:
        pattern = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        with self.cursor() as cur:
            cur.execute(
                "SELECT account_id, name, email, phone, check_digit FROM desk_customers "
                "WHERE lower(name) LIKE lower(?) ESCAPE '\\' OR lower(email) LIKE lower(?) ESCAPE '\\' "
                "OR account_id LIKE ? ESCAPE '\\' OR phone LIKE ? ESCAPE '\\' "
                "ORDER BY account_id LIMIT 50",
                (pattern, pattern, pattern, pattern),
            )
            rows = cur.fetchall()
        return [Customer(r[0], r[1], r[2], r[3], bool(r[4])) for r in rows]

    # Users
    def put_user(self, username: str, password_hash: str, role: str) -> None:
        with self.cursor() as cur:
            cur.execute(
                "INSERT INTO desk_users (username, password_hash, role) VALUES (?, ?, ?) "
                "ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash, "
                "role = excluded.role, failed_signins = 0, locked_until = 0",
                (username, password_hash, role),
            )

    def user(self, username: str) -> Optional[User]:
        with self.cursor() as cur:
            cur.execute(
                "SELECT username, password_hash, role, failed_signins, locked_until "
                "FROM desk_users WHERE username = ?",
                (username,),
            )
            row = cur.fetchone()
        return User(row[0], row[1], row[2], int(row[3]), int(row[4])) if row else None

    def record_signin(self, username: str, ok: bool, lock_after: int, lock_until: int) -> None:
        with self.cursor() as cur:
            if ok:
                cur.execute(
                    "UPDATE desk_users SET failed_signins = 0, locked_until = 0 WHERE username = ?",
                    (username,),
                )
            else:
                cur.execute(
                    "UPDATE desk_users SET locked_until = "
                    "CASE WHEN failed_signins + 1 >= ? THEN ? ELSE locked_until END, "
                    "failed_signins = CASE WHEN failed_signins + 1 >= ? THEN 0 "
                    "ELSE failed_signins + 1 END WHERE username = ?",
                    (lock_after, lock_until, lock_after, username),
                )

    def update_hash(self, username: str, password_hash: str) -> None:
        with self.cursor() as cur:
            cur.execute(
                "UPDATE desk_users SET password_hash = ? WHERE username = ?", (password_hash, username)
            )


class _Cursor:
    def __init__(self, cur: Any, kind: str) -> None:
        self._cur = cur
        self._kind = kind

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        if self._kind == "postgres":
            sql = sql.replace("%", "%%").replace("?", "%s")
        self._cur.execute(sql, tuple(params))

    def fetchone(self) -> Any:
        return self._cur.fetchone()

    def fetchall(self) -> List[Any]:
        return list(self._cur.fetchall())

"""python -m agent_desk init | seed | create-user NAME --role ROLE | serve [--host H] [--port P]"""

import argparse
import getpass
import logging
import os
import sys
from pathlib import Path
from typing import List, Optional

import callsign

from agent_desk import auth
from agent_desk.config import ConfigError, Settings
from agent_desk.db import Database, DatabaseUnavailable


def _write_secret(path: Path) -> bool:
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(os.urandom(32))
    return True


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m agent_desk", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser(
        "init",
        help="create the master key, enrollment signing key and session secret files (if missing); "
        "print the signing key's public key for the customer app to pin",
    )
    sub.add_parser("seed", help="create the tables and the sample customers")
    user = sub.add_parser("create-user", help="create a user or reset their password (read from stdin)")
    user.add_argument("username")
    user.add_argument("--role", choices=["agent", "supervisor"], required=True)
    serve = sub.add_parser("serve", help="serve the desk with uvicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
        if args.command == "init":
            for path, what in (
                (settings.master_key_file, "master key"),
                (settings.signing_key_file, "enrollment signing key"),
                (settings.session_secret_file, "session secret"),
            ):
                print(f"{what}: {path} ({'created' if _write_secret(path) else 'kept'})")
            public_key = settings.signing_key().public_key().hex()
            print(f"enrollment public key (pin it in the customer app): {public_key}")
            return 0
        db = Database(settings.ledger_url)
        if args.command == "seed":
            db.migrate()
            print(f"{db.seed_customers()} sample customers in {db.kind} CRM")
            return 0
        if args.command == "create-user":
            if sys.stdin.isatty():
                password = getpass.getpass(f"password for {args.username}: ")
            else:
                password = sys.stdin.readline().rstrip("\n")
            if len(password) < 12 or len(password) > 256:
                print("the password must have 12 to 256 characters", file=sys.stderr)
                return 2
            if not args.username or len(args.username) > 64:
                print("the user name must have 1 to 64 characters", file=sys.stderr)
                return 2
            db.migrate()
            db.put_user(args.username, auth.hash_password(password), args.role)
            print(f"user {args.username} ({args.role}) saved")
            return 0
        import uvicorn

        from agent_desk.app import create_app

        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
        app = create_app(settings)
        uvicorn.run(app, host=args.host, port=args.port, log_level="info", server_header=False)
        return 0
    except (ConfigError, DatabaseUnavailable, ValueError, callsign.CallsignError) as error:
        print(f"agent_desk: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

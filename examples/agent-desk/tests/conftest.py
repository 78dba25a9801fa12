"""Fixtures: the desk served by uvicorn on a free loopback port (SQLite, and PostgreSQL when
DESK_TEST_POSTGRES names an empty database), and one headless Chromium driven by Selenium."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import callsign
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

APP_DIR = Path(__file__).resolve().parents[1]
ROOT = APP_DIR.parents[1]
ARTIFACTS = Path(os.environ.get("DESK_TEST_ARTIFACTS", ROOT / "target" / "desk" / "artifacts"))
PASSWORD = "correct horse battery staple"
USERS = {
    "alice": "agent",  # outbound calls, countdown
    "ivan": "agent",  # inbound calls
    "rita": "agent",  # the rate limit
    "bert": "agent",  # bad input
    "lockme": "agent",  # sign-in lockout
    "sam": "supervisor",
}
RATE_LIMIT = 6
ISSUER_NAME = "ACME Support"


def pytest_configure(config: pytest.Config) -> None:
    """SIGTERM ends the run like Ctrl-C, so that the fixtures below still stop the server."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, interrupt)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Desk:
    """The running desk, its clock and its ledger, as the tests see them."""

    backend: str
    base_url: str
    home: Path
    ledger_url: str
    master_key: bytes
    public_key: bytes
    log_path: Path
    clock_file: Path
    shown_codes: List[str] = field(default_factory=list)
    _issuer: Optional[Any] = None

    def offset(self) -> int:
        return int(self.clock_file.read_text())

    def now(self) -> int:
        return int(time.time()) + self.offset()

    def advance(self, seconds: int) -> None:
        self.clock_file.write_text(str(self.offset() + seconds))

    def issuer(self, check_digit: bool = False) -> Any:
        """A second issuer on the desk's ledger: reads the same audit trail and epochs."""
        if self.backend == "sqlite":
            ledger: Any = callsign.SqliteLedger(self.ledger_url[len("sqlite:///") :])
        else:
            ledger = callsign.PostgresLedger(self.ledger_url)
        return callsign.Issuer(callsign.MasterKey(self.master_key), ledger, check_digit=check_digit)

    def audit(self, **filters: Any) -> List[Any]:
        filters.setdefault("since", 0)
        filters.setdefault("limit", 100_000)
        # Oldest first, the order the tests read (the ledger answers newest first).
        return list(reversed(self.issuer().audit_events(**filters)))

    def artifact(self, name: str) -> Path:
        path = ARTIFACTS / self.backend / name
        path.parent.mkdir(parents=True, exist_ok=True)
        return path


def _backends() -> List[Any]:
    postgres = os.environ.get("DESK_TEST_POSTGRES")
    return [
        "sqlite",
        pytest.param(
            "postgres",
            marks=pytest.mark.skipif(not postgres, reason="DESK_TEST_POSTGRES is not set"),
        ),
    ]


def _run(args: List[str], env: Dict[str, str], stdin: str = "") -> None:
    subprocess.run(
        [sys.executable, "-m", "agent_desk", *args],
        cwd=APP_DIR,
        env=env,
        input=stdin,
        text=True,
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="session", params=_backends())
def desk(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    backend = request.param
    home = tmp_path_factory.mktemp(f"desk-{backend}")
    clock_file = home / "clock"
    clock_file.write_text("0")
    ledger_url = (
        f"sqlite:///{home / 'ledger.db'}" if backend == "sqlite" else os.environ["DESK_TEST_POSTGRES"]
    )
    port = free_port()
    env = {
        **os.environ,
        "DESK_HOME": str(home),
        "DESK_LEDGER_URL": ledger_url,
        "DESK_CLOCK_FILE": str(clock_file),
        "DESK_RATE_LIMIT": f"{RATE_LIMIT}/3600",
        "DESK_ISSUER_NAME": ISSUER_NAME,
        "PYTHONUNBUFFERED": "1",
    }
    _run(["init"], env)
    _run(["seed"], env)
    for user, role in USERS.items():
        _run(["create-user", user, "--role", role], env, stdin=PASSWORD + "\n")
    log_path = home / "server.log"
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "agent_desk", "serve", "--port", str(port)],
            cwd=APP_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        base_url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base_url + "/signin", timeout=1).read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the desk did not start:\n" + log_path.read_text()) from None
                time.sleep(0.2)
        yield Desk(
            backend=backend,
            base_url=base_url,
            home=home,
            ledger_url=ledger_url,
            master_key=(home / "master.key").read_bytes(),
            public_key=callsign.SigningKey((home / "signing.key").read_bytes()).public_key(),
            log_path=log_path,
            clock_file=clock_file,
        )
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(log_path, ARTIFACTS / f"server-{backend}.log")


@pytest.fixture(scope="session")
def chrome() -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("DESK_CHROMIUM", "/usr/bin/chromium")
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,1000",
                "--disable-dev-shm-usage", "--lang=en-US"):
        options.add_argument(arg)
    driver = webdriver.Chrome(
        service=Service(os.environ.get("DESK_CHROMEDRIVER", "/usr/bin/chromedriver")), options=options
    )
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def browser(chrome: webdriver.Chrome, desk: Desk) -> webdriver.Chrome:
    """The shared browser with no cookies (no session) and on the desk's origin."""
    chrome.get(desk.base_url + "/static/desk.css")
    chrome.delete_all_cookies()
    return chrome

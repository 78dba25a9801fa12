"""Shared fixtures: the conformance vectors, and a guard that the installed wheel is tested."""

import json
import sysconfig
from pathlib import Path
from typing import Any, Dict

import callsign

REPO_ROOT = Path(__file__).resolve().parents[3]
VECTORS_PATH = REPO_ROOT / "tests" / "vectors" / "callsign-v1.json"


def load_vectors() -> Dict[str, Any]:
    """The shared conformance vectors (tests/vectors/callsign-v1.json)."""
    with VECTORS_PATH.open(encoding="utf-8") as file:
        vectors: Dict[str, Any] = json.load(file)
    return vectors


def pytest_report_header() -> str:
    return f"callsign {callsign.__version__} from {Path(callsign.__file__).parent}"


def pytest_sessionstart() -> None:
    installed = Path(sysconfig.get_paths()["purelib"]).resolve()
    package = Path(callsign.__file__).resolve()
    if installed not in package.parents:
        raise RuntimeError(f"testing {package}, not the wheel installed in {installed}")

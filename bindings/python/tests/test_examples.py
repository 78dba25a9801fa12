"""The typed usage example runs as documented."""

import runpy
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "typed_usage.py"


def test_typed_usage_example_runs() -> None:
    result = runpy.run_path(str(EXAMPLE))["main"]()
    assert result == {"verdict": "genuine", "audited": ["issued"]}

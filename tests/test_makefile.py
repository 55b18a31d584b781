"""What `make demo` and `make test` would run (`make -n`, nothing executed)."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _dry_run(target: str) -> str:
    proc = subprocess.run(
        ["make", "-n", "-C", str(ROOT), target], capture_output=True, text=True, check=True
    )
    return proc.stdout


def test_demo_shows_a_history_and_needs_no_browser() -> None:
    """A newcomer's site should show lines over commits, not one dot per graph: the cheap,
    deterministic counts of the last commits, then HEAD with both metrics."""
    demo = _dry_run("demo")
    history, head = (line for line in demo.splitlines() if "dashbench nightly" in line)
    assert "--metric instructions --range HEAD~4..HEAD" in history
    assert "--range HEAD~1..HEAD" in head and "--metric" not in head
    assert "chromium" not in demo
    assert "chromium chromium-driver" in _dry_run("test")

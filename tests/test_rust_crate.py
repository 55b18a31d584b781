"""The reference crate's own tests (engine behaviour, and the suite's graphs against WORKLOADS.md)
run with the tests: the Rust side of every pair is only as trustworthy as this engine."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from rust_bridge.cargo import cargo_config_args

pytestmark = pytest.mark.slow

CRATE = Path(__file__).resolve().parents[1] / "rust"


def test_cargo_test_passes() -> None:
    # --release shares the dependency builds cargo bench makes (bench inherits release).
    proc = subprocess.run(
        ["cargo", *cargo_config_args(), "test", "--release"],
        cwd=CRATE,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    passed = sum(int(n) for n in re.findall(r"test result: ok\. (\d+) passed", proc.stdout))
    assert passed >= 29, proc.stdout[-2000:]

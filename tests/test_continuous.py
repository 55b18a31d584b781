"""`dashbench continuous` measures a pull request's base and head with interleaved rounds.

A toy asv project (one tiny benchmark, nothing to install) in a real git repository, measured by
a real `asv run` in a small virtualenv: the order in which asv reports the rounds is the proof.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from asv_config import asv_config

pytestmark = pytest.mark.slow  # creates an asv virtualenv (~20 s)

BENCH = """\
class Toy:
    rounds = 2
    repeat = 1
    number = 1

    def time_sum(self):
        sum(range(1000))
"""


def _git(repo: Path, *args: str) -> str:
    cmd = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", *args]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip()


def test_base_and_head_rounds_alternate(tmp_path: Path) -> None:
    repo = tmp_path / "toy"
    (repo / "benchmarks").mkdir(parents=True)
    (repo / "benchmarks" / "__init__.py").write_text("")
    (repo / "benchmarks" / "bench.py").write_text(BENCH)
    conf = asv_config(
        "toy",
        pythons=[f"{sys.version_info.major}.{sys.version_info.minor}"],
        build_command=[],
        install_command=["in-dir={env_dir} python -c pass"],
        uninstall_command=[],
    )
    (repo / "asv.conf.json").write_text(json.dumps(conf))
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "base")
    (repo / "NOTES").write_text("head\n")
    _git(repo, "add", "NOTES")
    _git(repo, "commit", "-qm", "head")
    base, head = _git(repo, "rev-parse", "HEAD~1"), _git(repo, "rev-parse", "HEAD")

    proc = subprocess.run(
        [sys.executable, "-m", "dashbench", "continuous", base, head, "--machine", "toy",
         "--metric", "time", "--no-wait"],
        cwd=repo, env={**os.environ, "HOME": str(tmp_path)}, capture_output=True, text=True,
    )  # fmt: skip
    out = proc.stdout + proc.stderr
    assert proc.returncode in (0, 1), out
    rounds = re.findall(r"For toy commit (\w{8}) \S+ \(round (\d)/2\)", out)
    # Each round measures both commits, the second in the other order: drift hits both alike.
    assert rounds == [(head[:8], "1"), (base[:8], "1"), (base[:8], "2"), (head[:8], "2")], out
    assert "rounds interleaved: done" in out
    assert f"against `{base[:8]}` (base)" in out and "bench.Toy.time_sum" in out

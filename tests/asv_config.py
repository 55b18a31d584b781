"""The asv.conf.json the tests' throwaway projects start from (asv's layout under ``.asv/``),
and asv's CLI run on such a project."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def asv_config(project: str, **extra: object) -> dict[str, object]:
    return {
        "version": 1,
        "project": project,
        "repo": ".",
        "branches": ["main"],
        "environment_type": "virtualenv",
        "benchmark_dir": "benchmarks",
        "results_dir": ".asv/results",
        "html_dir": ".asv/html",
        "env_dir": ".asv/env",
        **extra,
    }


def run_asv(
    conf_dir: Path,
    home: Path,
    *args: str,
    commit: str | None = None,
    timeout: float = 300,
    **extra_env: str,
) -> subprocess.CompletedProcess[str]:
    """``asv ARGS`` on ``conf_dir/asv.conf.json`` with its machine file in a private ``home``
    and Criterion's autorun off: the tests fill the stores themselves."""
    env = {**os.environ, **extra_env, "HOME": str(home), "DASHBENCH_CRITERION_AUTORUN": "0"}
    if commit is not None:
        env["DASHBENCH_COMMIT"] = commit  # existing environments get no ASV_COMMIT
    return subprocess.run(
        [sys.executable, "-m", "asv", *args, "--config", str(conf_dir / "asv.conf.json")],
        cwd=conf_dir,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )

"""After the commits: publish the site, write the report, run the regression gate.

The report and the gate are their own subcommands (`dashbench report`, `dashbench regressions`);
they are called through the CLI here so the nightly behaves exactly as a person running them.
"""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from dashbench import cli
from dashbench.errors import DashbenchError
from dashbench.gate.project import Project, asv_thresholds
from dashbench.pipeline.asvjob import derived_config
from dashbench.pipeline.progress import Progress


@dataclass(frozen=True)
class Outcome:
    gate: int  # dashbench regressions' exit code: 0 clean, 1 regressions, 2 error
    regressions_md: str
    report_md: str


def _dashbench(argv: list[str]) -> tuple[int, str]:
    """Run a dashbench subcommand in-process, returning its exit code and what it printed."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = cli.main(argv)
    return code, out.getvalue()


def asv_publish(project: Project, progress: Progress) -> None:
    """``asv publish``, with the calibrated thresholds folded into asv's own table so that the
    site's Regressions page applies the same thresholds as the gate. The folded config is a
    temporary file beside asv.conf.json, so its relative paths keep their meaning."""
    folded = {"regressions_thresholds": asv_thresholds(project)} if project.calibrated else {}
    with progress.stage("asv publish"), derived_config(project, **folded) as config:
        cmd = [sys.executable, "-m", "asv", "publish", "--config", str(config)]
        code = subprocess.run(cmd, cwd=project.root, check=False).returncode
        if code != 0:
            raise DashbenchError(f"`asv publish` exited {code}")


def publish_and_gate(project: Project, range_spec: str | None, progress: Progress) -> Outcome:
    config = str(project.config_path)
    asv_publish(project, progress)
    with progress.stage("report"), tempfile.TemporaryDirectory() as tmp:
        md_path = Path(tmp) / "report.md"
        code, _ = _dashbench(["report", "--config", config, "--markdown", str(md_path)])
        if code != 0:
            raise DashbenchError(f"`dashbench report` exited {code}")
        report_md = md_path.read_text(encoding="utf-8")
    with progress.stage("regressions"):
        argv = ["regressions", "--config", config, "--format", "md"]
        gate, regressions_md = _dashbench([*argv, *(["--range", range_spec] if range_spec else [])])
    progress.say(f"regression gate: exit {gate} ({GATE_VERDICTS.get(gate, 'error')})")
    return Outcome(gate, regressions_md, report_md)


GATE_VERDICTS = {0: "no regressions", 1: "regressions found", 2: "error"}


def summary_markdown(title: str, commits: list[str], outcome: Outcome) -> str:
    done = ", ".join(f"`{c[:8]}`" for c in commits) or "none (everything was benchmarked already)"
    return (
        f"# {title}\n\nCommits benchmarked in this run: {done}\n\n"
        f"Regression gate: **{GATE_VERDICTS.get(outcome.gate, 'error')}** (exit {outcome.gate})\n\n"
        f"{outcome.regressions_md.strip()}\n\n{outcome.report_md.strip()}\n"
    )

"""After the commits: publish the site, write the report, run the regression gate.

The gate runs once; its verdict goes both to the job's summary and to the report page, through
the same typed functions `dashbench regressions` and `dashbench report` wrap.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass

from dashbench.errors import DashbenchError
from dashbench.gate.project import Project, asv_thresholds
from dashbench.gate.regressions import EXIT_OK, EXIT_REGRESSION, gate, to_markdown
from dashbench.pipeline.asvjob import derived_config
from dashbench.pipeline.progress import Progress
from dashbench.report.run import ReportOptions, write_report


@dataclass(frozen=True)
class Outcome:
    gate: int  # dashbench regressions' exit code: 0 clean, 1 regressions, 2 error
    regressions_md: str
    report_md: str


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
    """Publish, gate once, and write the report with that verdict; an unreadable site or
    damaged results stop here as errors (the gate fails closed)."""
    asv_publish(project, progress)
    with progress.stage("regressions"):
        verdict = gate(project, range_spec)
        code = EXIT_REGRESSION if verdict.failed else EXIT_OK
    with progress.stage("report"):
        report = write_report(project, verdict, ReportOptions(commit_range=range_spec))
    progress.say(f"regression gate: exit {code} ({GATE_VERDICTS.get(code, 'error')})")
    return Outcome(code, to_markdown(verdict, range_spec or "last published run"), report.markdown)


GATE_VERDICTS = {0: "no regressions", 1: "regressions found", 2: "error"}


def summary_markdown(title: str, commits: list[str], outcome: Outcome) -> str:
    done = ", ".join(f"`{c[:8]}`" for c in commits) or "none (everything was benchmarked already)"
    return (
        f"# {title}\n\nCommits benchmarked in this run: {done}\n\n"
        f"Regression gate: **{GATE_VERDICTS.get(outcome.gate, 'error')}** (exit {outcome.gate})\n\n"
        f"{outcome.regressions_md.strip()}\n\n{outcome.report_md.strip()}\n"
    )

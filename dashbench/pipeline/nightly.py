"""`dashbench nightly`: the main job, the same locally (`make demo`) and in CI.

Find the commits not benchmarked yet, measure each (Rust into the Criterion and count stores,
then one ``asv run`` for both languages), publish the site, write the report and exit as the
regression gate says. Everything runs under the results directory's lock, and the ledger
(asv's own results files) makes a rerun after an interruption pick up exactly where the last
one stopped.
"""

from __future__ import annotations

import argparse
import datetime
import json
from pathlib import Path
from typing import Any

from dashbench.errors import DashbenchError
from dashbench.gate.project import Project
from dashbench.pipeline import ledger
from dashbench.pipeline.asvjob import METRICS, open_job, open_project
from dashbench.pipeline.lock import results_lock
from dashbench.pipeline.progress import Progress
from dashbench.pipeline.publish import GATE_VERDICTS, Outcome, publish_and_gate, summary_markdown
from dashbench.pipeline.stages import CommitOptions, benchmark_commits
from dashbench.revisions import check_range
from rust_bridge.fs import write_json_atomically, write_text_atomically
from rust_bridge.options import Handler, add_command, add_machine, add_wait

# `dashbench nightly --help`
SUMMARY = "benchmark new commits in both languages, publish, report, gate"
DESCRIPTION = __doc__.split("\n\n")[1]

LAST_NIGHTLY = "last-nightly.json"

EPILOG = """\
exit codes (those of the regression gate, `dashbench regressions`):
  0  no regression
  1  regressions found (the results and the site are still complete)
  2  error, or the results directory is locked and --no-wait was given

Without --range the commits benchmarked are those on the configured branches after the newest
one with complete results; on a first run, the branch head only. A rerun after an interruption
redoes only the commits whose results are missing, corrupt or incomplete.
"""


def add_job_command(
    subparsers: argparse._SubParsersAction,
    name: str,
    handler: Handler,
    summary: str,
    **parser_options: Any,
) -> argparse.ArgumentParser:
    """A command that measures commits (nightly, continuous): the options they share."""
    parser = add_command(subparsers, name, handler, summary, **parser_options)
    add_machine(parser, "asv machine name (default: this host's); one per CI shard")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: asv --quick, Criterion quick; always recorded under its own machine, "
        "MACHINE-quick (default <host>-quick), never in a full series",
    )
    parser.add_argument(
        "--bench",
        action="append",
        metavar="REGEX",
        help="only asv benchmarks matching (repeatable)",
    )
    parser.add_argument(
        "--rust-filter", metavar="REGEX", help="only Criterion ids matching (Criterion's filter)"
    )
    parser.add_argument(
        "--metric",
        choices=METRICS,
        default="all",
        help="time: wall time (asv, Criterion); instructions: callgrind counts of the same "
        "timed regions, both languages, deterministic and fast; all: both (default)",
    )
    add_wait(parser)
    return parser


def last_nightly_path(project: Project) -> Path:
    """Beside asv's results directory, not in it: asv reads every JSON file there as results."""
    return project.results_dir.parent / LAST_NIGHTLY


def record_nightly(
    project: Project, machine: str | None, commits: list[str], outcome: Outcome
) -> None:
    """What `dashbench status` shows of the last nightly: when, where, what, and the verdict."""
    write_json_atomically(
        last_nightly_path(project),
        {
            "finished": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "machine": machine,
            "commits": commits,
            "gate": outcome.gate,
            "verdict": GATE_VERDICTS.get(outcome.gate, "error"),
        },
        indent=1,
    )


def read_last_nightly(project: Project) -> dict[str, Any] | None:
    """The record, or None when no nightly finished here (or its record cannot be read)."""
    try:
        data = json.loads(last_nightly_path(project).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_job_command(
        subparsers, "nightly", run, SUMMARY, description=DESCRIPTION, epilog=EPILOG
    )
    parser.add_argument("--range", metavar="A..B", help="benchmark this git range instead")
    parser.add_argument(
        "--publish-only", action="store_true",
        help="benchmark nothing: publish, report and gate the results already there "
        "(the merge job of a multi-machine run)",
    )  # fmt: skip
    parser.add_argument("--summary", type=Path, metavar="FILE", help="write a Markdown summary")
    parser.add_argument("--timings", type=Path, metavar="FILE", help="write stage times as JSON")


def run(args: argparse.Namespace) -> int:
    if args.range is not None:
        check_range(args.range)  # before any asv or git command, or any file, is touched
    progress = Progress("nightly")
    commits: list[str] = []
    if args.publish_only:
        project = open_project(args.config)
        what = "dashbench nightly --publish-only"
    else:
        job = open_job(args.config, args.machine, args.bench, quick=args.quick, metric=args.metric)
        project = job.project
        what = f"dashbench nightly on machine {job.machine}"
    with results_lock(project.results_dir, wait=args.wait, what=what):
        if not args.publish_only:
            progress.say(f"machine {job.machine}, environment {job.env_name}")
            with progress.stage("select commits"):
                commits = ledger.select_commits(job, args.range, ledger.load_expected(job))
            progress.say(
                f"{len(commits)} commit(s) to benchmark: {' '.join(c[:8] for c in commits)}"
                if commits
                else "nothing new to benchmark"
            )
            options = CommitOptions(args.quick, args.rust_filter, args.metric)
            benchmark_commits(job, commits, options, progress)
        outcome = publish_and_gate(project, args.range, progress)
        record_nightly(project, None if args.publish_only else job.machine, commits, outcome)
    if args.summary:
        write_text_atomically(args.summary, summary_markdown("dashbench nightly", commits, outcome))
    if args.timings:
        progress.write_timings(args.timings)
    html = project.html_dir
    progress.say(
        f"site in {html}; to view it: python -m http.server --bind 127.0.0.1 -d {html} 8080 "
        "and open http://127.0.0.1:8080/"
    )
    if outcome.gate not in (0, 1):
        raise DashbenchError("the regression gate failed (see above)")
    return outcome.gate

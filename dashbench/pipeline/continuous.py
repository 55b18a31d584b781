"""`dashbench continuous BASE HEAD`: a pull request's head against its base, both languages.

It measures the two commits with the nightly's own stages (so a benchmark that fails at one of
them is recorded, and the comparison still covers the rest; plain ``asv continuous`` gives up on
the comparison when any benchmark fails), then compares them with asv's own table and
significance test (``asv compare``'s ``print_table``) and writes the table as Markdown for the
pull-request comment.

Exit codes: 0 no significant slowdown, 1 a benchmark got worse, 2 error.
"""

from __future__ import annotations

import argparse
import contextlib
import io
from pathlib import Path

import git
from asv.commands.compare import Compare
from asv.util import UserError

from dashbench.errors import DashbenchError
from dashbench.pipeline import ledger
from dashbench.pipeline.asvjob import AsvJob, open_job
from dashbench.pipeline.lock import results_lock
from dashbench.pipeline.nightly import add_common_arguments
from dashbench.pipeline.progress import Progress
from dashbench.pipeline.stages import CommitOptions, benchmark_commits


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "continuous",
        help="benchmark BASE and HEAD in both languages and compare them (pull requests)",
        description=__doc__.split("\n\n")[1],
        epilog="exit codes: 0 no significant slowdown, 1 a benchmark got worse, 2 error",
    )
    parser.add_argument("base", metavar="BASE", help="the commit to compare against")
    parser.add_argument("head", metavar="HEAD", help="the commit under review")
    add_common_arguments(parser)
    parser.add_argument(
        "--factor", type=float, default=1.1,
        help="asv's ratio threshold for a change to count (default: %(default)s)",
    )  # fmt: skip
    parser.add_argument("--comment", type=Path, metavar="FILE", help="write the Markdown here")
    parser.set_defaults(handler=run)


def _resolve(job: AsvJob, rev: str) -> git.Commit:
    try:
        return job.project.repo().commit(rev)
    except (git.BadName, ValueError) as exc:
        raise DashbenchError(f"{rev!r} is not a commit of {job.conf.repo}") from exc


def compare(job: AsvJob, base: git.Commit, head: git.Commit, factor: float) -> tuple[bool, str]:
    """asv's comparison table of the two commits (GitHub Markdown) and whether one got worse."""
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            worsened, _ = Compare.print_table(
                job.conf,
                base.hexsha,
                head.hexsha,
                factor=factor,
                split=True,
                machine=job.machine,
                env_names=[job.env_name],
                sort="ratio",
                commit_names={base.hexsha: "base", head.hexsha: "head"},
            )
    except UserError as exc:
        raise DashbenchError(f"asv compare: {exc}") from exc
    return bool(worsened), out.getvalue()


def comment_markdown(base: git.Commit, head: git.Commit, worsened: bool, table: str) -> str:
    verdict = (
        "**Performance decreased**: at least one benchmark is significantly slower."
        if worsened
        else "No benchmark is significantly slower."
    )
    return (
        f"## Benchmarks: `{head.hexsha[:8]}` (head) against `{base.hexsha[:8]}` (base)\n\n"
        f"{verdict} Python benchmarks are LangGraph workloads; `criterion.*` rows are the Rust "
        "suite's Criterion results. A change counts when the ratio passes the factor and asv's "
        "significance test on the recorded samples.\n\n"
        f"{table.strip()}\n"
    )


def run(args: argparse.Namespace) -> int:
    job = open_job(args.config, args.machine, args.bench, quick=args.quick)
    base, head = _resolve(job, args.base), _resolve(job, args.head)
    progress = Progress("continuous")
    options = CommitOptions(quick=args.quick, rust_filter=args.rust_filter)
    with results_lock(job.results_dir, wait=args.wait, what="dashbench continuous"):
        expected = ledger.load_expected(job)
        todo = [
            c.hexsha
            for c in (base, head)
            if ledger.status(job, c.hexsha, expected) is not ledger.Status.COMPLETE
        ]
        benchmark_commits(job, todo, options, progress)
        with progress.stage("compare"):
            worsened, table = compare(job, base, head, args.factor)
    markdown = comment_markdown(base, head, worsened, table)
    print(markdown)
    if args.comment:
        args.comment.write_text(markdown, encoding="utf-8")
    return 1 if worsened else 0

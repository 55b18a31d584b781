"""`dashbench continuous BASE HEAD`: a pull request's head against its base, both languages.

It measures the two commits with the nightly's own stages (so a benchmark that fails at one of
them is recorded, and the comparison still covers the rest; plain ``asv continuous`` gives up on
the comparison when any benchmark fails). The verdict comes from the instruction counts: an id
whose count at HEAD exceeds BASE's by more than its calibrated threshold (asv.conf.json's
``regressions_thresholds``) fails the check. Counts repeat to a fraction of a percent, so one
measurement of each commit is enough, where two noisy wall-time runs could only show large
steps. asv's own comparison table of the wall times (``asv compare``'s ``print_table``) is
shown beside it for information; with ``--metric time`` it is the verdict, as before. Its
Python rounds alternate between the two commits (one ``asv run --interleave-rounds`` of both),
so a shared machine's drift during the job hits base and head alike.

Exit codes: 0 no slowdown, 1 a benchmark got worse, 2 error.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import math
from dataclasses import dataclass
from pathlib import Path

import git
from asv.commands.compare import Compare
from asv.results import iter_results_for_machine_and_hash
from asv.util import UserError

from dashbench.errors import DashbenchError
from dashbench.escape import md_code
from dashbench.gate.project import language_of, pair_ids
from dashbench.pairs import COUNT_PREFIX
from dashbench.pipeline import ledger
from dashbench.pipeline.asvjob import AsvJob, open_job
from dashbench.pipeline.lock import results_lock
from dashbench.pipeline.nightly import add_job_command
from dashbench.pipeline.progress import Progress
from dashbench.pipeline.stages import CommitOptions, benchmark_commits
from dashbench.revisions import option_safe, resolve_commit
from rust_bridge.fs import write_text_atomically

# `dashbench continuous --help`
SUMMARY = "benchmark BASE and HEAD in both languages and compare them (pull requests)"
DESCRIPTION = __doc__.split("\n\n")[1]
EXIT_CODES = "exit codes: 0 no significant slowdown, 1 a benchmark got worse, 2 error"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_job_command(
        subparsers, "continuous", run, SUMMARY, description=DESCRIPTION, epilog=EXIT_CODES
    )
    parser.add_argument("base", metavar="BASE", help="the commit to compare against")
    parser.add_argument("head", metavar="HEAD", help="the commit under review")
    parser.add_argument(
        "--factor", type=float, default=1.1,
        help="asv's ratio threshold for a change to count (default: %(default)s)",
    )  # fmt: skip
    parser.add_argument("--comment", type=Path, metavar="FILE", help="write the Markdown here")


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


@dataclass(frozen=True)
class CountChange:
    """One instruction series at BASE and HEAD."""

    benchmark: str
    criterion_id: str
    language: str
    base: float | None
    head: float | None
    threshold: float

    @property
    def ratio(self) -> float | None:
        if self.base is None or self.head is None or self.base <= 0:
            return None
        return self.head / self.base

    @property
    def worse(self) -> bool:
        return self.ratio is not None and self.ratio > 1.0 + self.threshold


def _count_values(job: AsvJob, commit: str) -> dict[str, float]:
    """The instruction counts asv recorded for ``commit`` in the job's environment."""
    values: dict[str, float] = {}
    results_dir = str(job.results_dir)
    for results in iter_results_for_machine_and_hash(results_dir, job.machine, commit):
        if results.env_name != job.env_name:
            continue
        for name in results.get_all_result_keys():
            if name.startswith(COUNT_PREFIX):
                value = results.get_result_value(name, [])[0]
                if value is not None and math.isfinite(value):
                    values[name] = float(value)
    return values


def count_changes(job: AsvJob, base: git.Commit, head: git.Commit) -> list[CountChange]:
    """Every instruction series either commit has, with its threshold; none is an error."""
    before, after = _count_values(job, base.hexsha), _count_values(job, head.hexsha)
    if not before or not after:
        missing = "base" if not before else "head"
        raise DashbenchError(
            f"no instruction counts recorded for the {missing} commit on machine "
            f"{job.machine}; is valgrind installed? (`dashbench counts run` says why)"
        )
    ids = pair_ids(job.project.pairs())
    return [
        CountChange(
            name,
            ids.get(name, name),
            language_of(name),
            before.get(name),
            after.get(name),
            job.project.threshold(name),
        )
        for name in sorted(before.keys() | after.keys())
    ]


def counts_markdown(changes: list[CountChange]) -> str:
    rows = [
        "| | id | language | base | head | ratio | threshold |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    order = sorted(changes, key=lambda c: -(c.ratio or 0.0))
    for c in order:
        mark = "❌" if c.worse else ("n/a" if c.ratio is None else "")
        rows.append(
            f"| {mark} | {md_code(c.criterion_id)} | {c.language} | {_count(c.base)} | "
            f"{_count(c.head)} | {_ratio(c.ratio)} | {c.threshold:.1%} |"
        )
    return "\n".join(rows)


def _count(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f}"


def _ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4f}"


def comment_markdown(
    base: git.Commit,
    head: git.Commit,
    worsened: bool,
    table: str,
    changes: list[CountChange] | None,
) -> str:
    title = f"## Benchmarks: `{head.hexsha[:8]}` (head) against `{base.hexsha[:8]}` (base)\n\n"
    if changes is None:
        verdict = (
            "**Performance decreased**: at least one benchmark is significantly slower."
            if worsened
            else "No benchmark is significantly slower."
        )
        return (
            f"{title}{verdict} Python benchmarks are LangGraph workloads; `criterion.*` rows are "
            "the Rust suite's Criterion results. A change counts when the ratio passes the factor "
            "and asv's significance test on the recorded samples.\n\n"
            f"{table.strip()}\n"
        )
    worse = [c for c in changes if c.worse]
    verdict = (
        f"**Performance decreased**: {len(worse)} instruction count(s) grew past their threshold."
        if worse
        else f"No instruction count grew past its threshold ({len(changes)} compared)."
    )
    wall = (
        f"\n\n### Wall time (for information)\n\nTwo runs on a shared machine; only large "
        f"changes are real here.\n\n{table.strip()}"
        if table.strip()
        else ""
    )
    return (
        f"{title}{verdict} Instruction counts of the timed regions under callgrind, both "
        "languages: deterministic to a fraction of a percent, so they carry the verdict.\n\n"
        f"{counts_markdown(changes)}{wall}\n"
    )


def run(args: argparse.Namespace) -> int:
    option_safe(args.base, "BASE")  # before the job records its machine
    option_safe(args.head, "HEAD")
    job = open_job(args.config, args.machine, args.bench, quick=args.quick, metric=args.metric)
    repo = job.project.repo()
    base, head = resolve_commit(repo, args.base, "BASE"), resolve_commit(repo, args.head, "HEAD")
    progress = Progress("continuous")
    options = CommitOptions(args.quick, args.rust_filter, args.metric)
    with results_lock(job.results_dir, wait=args.wait, what="dashbench continuous"):
        expected = ledger.load_expected(job)
        todo = [
            c.hexsha
            for c in (base, head)
            if ledger.status(job, c.hexsha, expected) is not ledger.Status.COMPLETE
        ]
        benchmark_commits(job, todo, options, progress, interleave=True)
        with progress.stage("compare"):
            changes = count_changes(job, base, head) if options.instructions else None
            worsened, table = compare(job, base, head, args.factor) if options.time else (False, "")
    markdown = comment_markdown(base, head, worsened, table, changes)
    print(markdown)
    if args.comment:
        write_text_atomically(args.comment, markdown)
    if changes is not None:
        return 1 if any(c.worse for c in changes) else 0
    return 1 if worsened else 0

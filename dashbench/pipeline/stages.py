"""The per-commit stages shared by `dashbench nightly` and `dashbench continuous`.

Rust first: the Criterion runner fills its store for the commit (wall time) and the counting
binary the count store (instructions), then one ``asv run`` measures the Python suite, the
Python counts and the bridges' ``track_`` benchmarks (which read those entries) together, so
both languages and both metrics land in the same asv results file.
"""

from __future__ import annotations

import contextlib
import re
import sys
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from asv.util import UserError

from callgrind_bridge.manifest import load_manifest as load_manifest_of_counts
from callgrind_bridge.passes import PassOptions, rust_pass, wanted_ids
from callgrind_bridge.store import CountStore
from callgrind_bridge.track import count_filter
from dashbench.errors import DashbenchError
from dashbench.pipeline import ledger
from dashbench.pipeline.asvjob import AsvJob
from dashbench.pipeline.progress import Progress
from dashbench.revisions import check_regex, option_safe
from rust_bridge.errors import BridgeError
from rust_bridge.manifest import load_manifest
from rust_bridge.rounds import run_interleaved
from rust_bridge.runner import RunOptions, run_commit
from rust_bridge.store import CriterionStore

# Rounds of a pull request's base and head on the Rust side: asv's default rounds, which
# `asv run --interleave-rounds` alternates on the Python side.
INTERLEAVED_ROUNDS = 2


@dataclass(frozen=True)
class CommitOptions:
    quick: bool = False
    rust_filter: str | None = None  # Criterion filter on full ids; None runs every id
    metric: str = "all"  # time: Criterion + asv; instructions: counts + asv; all: both

    def __post_init__(self) -> None:
        if self.rust_filter is not None:  # it reaches the Criterion binary's argv
            option_safe(self.rust_filter, "--rust-filter")
            check_regex(self.rust_filter, "--rust-filter")

    @property
    def time(self) -> bool:
        return self.metric in ("time", "all")

    @property
    def instructions(self) -> bool:
        return self.metric in ("instructions", "all")

    @property
    def criterion(self) -> RunOptions:
        """How the Criterion runner measures these commits."""
        return RunOptions(filter=self.rust_filter, quick=self.quick)


def _rust_done(job: AsvJob, commit: str, options: CommitOptions) -> bool:
    """The store already holds this commit: every wanted id measured or failed, or a runner pass
    over them already ran (a crate that does not build at a commit is not retried forever)."""
    settings = job.project.site.bridge
    try:
        entry = CriterionStore(settings.store).get(commit)
        wanted = {e.criterion_id for e in load_manifest(settings.manifest)}
    except BridgeError as exc:
        print(f"warning: {exc}; measuring again", file=sys.stderr)
        return False
    if entry is None:
        return False
    if options.rust_filter:
        wanted = {i for i in wanted if re.search(options.rust_filter, i)}
    # A smoke run's 1-second samples never stand in for a full run's: a full run redoes them.
    usable = {n for n, run in enumerate(entry.runs) if options.quick or not run.get("quick")}
    covered = {i for i, n in entry.record_run.items() if n in usable} | set(entry.failures)
    if wanted <= covered:
        return True
    return any(
        n in usable
        and run.get("producer") == "runner"
        and run.get("filter") in (None, options.rust_filter)
        for n, run in enumerate(entry.runs)
    )


def _log(line: str) -> None:
    """A tool's own output line, passed through as it comes."""
    print(line, file=sys.stderr, flush=True)


@contextlib.contextmanager
def _rust_failure_warns(what: str, commits: list[str]) -> Iterator[None]:
    """A Rust failure is a warning: the Python side and the other commits still run."""
    try:
        yield
    except BridgeError as exc:
        where = " ".join(c[:8] for c in commits)
        print(f"warning: {what} at {where}: {exc}", file=sys.stderr)


def _warn_failed(what: str, failures: Mapping[str, str]) -> None:
    for cid, why in sorted(failures.items()):
        first_line = why.partition("\n")[0]
        print(f"warning: {what} {cid} failed: {first_line}", file=sys.stderr)


def rust_stage(job: AsvJob, commit: str, options: CommitOptions, progress: Progress) -> None:
    """Fill the Criterion store for ``commit``; a Rust failure never stops the Python side."""
    if _rust_done(job, commit, options):
        progress.say(f"rust {commit[:8]}: already in the Criterion store, skipped")
        return
    with _rust_failure_warns("Rust suite", [commit]):
        entry = run_commit(job.project.site.bridge, commit, options.criterion, progress=_log)
        progress.say(
            f"rust {commit[:8]}: {len(entry.records)} measured, {len(entry.failures)} failed, "
            f"{len(entry.problems)} problem(s)"
        )
        _warn_failed("Rust benchmark", {i: f.reason for i, f in entry.failures.items()})


def rust_rounds_stage(
    job: AsvJob, commits: list[str], options: CommitOptions, progress: Progress
) -> None:
    """The Criterion store for ``commits`` from rounds that take turns (a pull request's base
    and head), as `asv_stage` interleaves the Python side; a Rust failure never stops it."""
    todo = [c for c in commits if not _rust_done(job, c, options)]
    for commit in sorted(set(commits) - set(todo)):
        progress.say(f"rust {commit[:8]}: already in the Criterion store, skipped")
    if not todo:
        return
    with _rust_failure_warns("Rust suite", todo):
        entries = run_interleaved(
            job.project.site.bridge, todo, INTERLEAVED_ROUNDS, options.criterion, progress=_log
        )
        for commit, entry in entries.items():
            progress.say(
                f"rust {commit[:8]}: {len(entry.records)} measured in {INTERLEAVED_ROUNDS} "
                f"interleaved rounds, {len(entry.failures)} failed"
            )
            _warn_failed("Rust benchmark", {i: f.reason for i, f in entry.failures.items()})


def rust_count_stage(job: AsvJob, commit: str, progress: Progress) -> None:
    """Fill the Rust instruction counts for ``commit``; a failure never stops the rest.

    The Python counts need asv's environment for the commit, so the ``asv run`` after this
    stage makes them (its first Python ``instructions.*`` benchmark counts every Python id).
    """
    settings = job.project.site.bridge
    items = load_manifest_of_counts(settings.count_manifest)
    options = PassOptions(filter=count_filter())
    with _rust_failure_warns("Rust counts", [commit]):
        if not wanted_ids(items, options, CountStore(settings.count_store).get(commit, "rust")):
            progress.say(f"rust counts {commit[:8]}: already in the count store, skipped")
            return
        entry = rust_pass(settings, commit, items, options=options, progress=_log)
        progress.say(
            f"rust counts {commit[:8]}: {len(entry.counts)} counted, "
            f"{len(entry.failures)} failed, {len(entry.skipped)} n/a"
        )
        _warn_failed("Rust count of", entry.failures)


def asv_stage(
    job: AsvJob, commits: list[str], options: CommitOptions, *, interleave: bool = False
) -> None:
    """One ``asv run`` of ``commits``; it must leave a complete results file for each.

    By default rounds are not interleaved, so asv saves a commit's file once, when the commit is
    finished (an interleaved run saves after every round, and a run killed between rounds would
    leave a file that looks complete with half its samples): the nightly resumes from that.
    ``interleave`` (a pull request's base and head) alternates the commits round by round, in
    reversed order every other round, so a shared machine's drift hits both sides alike.
    Benchmarks that already have a result are skipped, so a commit left incomplete is filled in
    rather than measured twice. asv exits 2 when a benchmark failed; the failure is recorded in
    the file and the job goes on.
    """
    with tempfile.TemporaryDirectory(prefix="dashbench-commits-") as tmp:
        hashfile = Path(tmp) / "commits"
        hashfile.write_text("".join(f"{c}\n" for c in commits), encoding="utf-8")
        args = [
            f"--machine={job.machine}",
            f"--environment={job.env_name}",
            "--record-samples",
            "--interleave-rounds" if interleave else "--no-interleave-rounds",
            "--skip-existing-successful",
            *job.bench_args(),
            *(["--quick"] if options.quick else []),
            f"HASHFILE:{hashfile}",
        ]  # fmt: skip
        code = job.asv("run", *args)
    expected = ledger.expected_benchmarks(job)
    for commit in commits:
        state = ledger.status(job, commit, expected)
        if state is not ledger.Status.COMPLETE:
            raise DashbenchError(
                f"`asv run` of {commit[:8]} exited {code} and left {state.value} results in "
                f"{ledger.results_path(job, commit)}"
            )
    if code != 0:
        print(
            f"warning: `asv run` of {' '.join(c[:8] for c in commits)} exited {code}: some "
            "benchmarks failed (recorded as failed; the others are measured)",
            file=sys.stderr,
        )


def benchmark_commits(
    job: AsvJob,
    commits: list[str],
    options: CommitOptions,
    progress: Progress,
    *,
    interleave: bool = False,
) -> None:
    """Rust stages, then asv, commit by commit. With ``interleave`` (a pull request) the Rust
    suite runs first in rounds that take turns between the commits (`rust_rounds_stage`), the
    counts commit by commit, then one ``asv run`` of them all with interleaved rounds."""
    expected = ledger.expected_benchmarks(job)
    ledger.repair(job, commits, expected)
    if interleave and options.time:
        with progress.stage(f"rust, {len(commits)} commit(s), rounds interleaved"):
            rust_rounds_stage(job, commits, options, progress)
    for i, commit in enumerate(commits, 1):
        position = f"commit {i}/{len(commits)}"
        if options.time and not interleave:
            with progress.stage("rust", commit, position):
                rust_stage(job, commit, options, progress)
        if options.instructions:
            with progress.stage("rust counts", commit, position):
                rust_count_stage(job, commit, progress)
        if not interleave:
            with progress.stage("asv run", commit, position):
                _asv_stage(job, [commit], options)
    if interleave and commits:
        with progress.stage(f"asv run, {len(commits)} commit(s), rounds interleaved"):
            _asv_stage(job, commits, options, interleave=True)


def _asv_stage(
    job: AsvJob, commits: list[str], options: CommitOptions, *, interleave: bool = False
) -> None:
    try:
        asv_stage(job, commits, options, interleave=interleave)
    except UserError as exc:
        raise DashbenchError(str(exc)) from exc

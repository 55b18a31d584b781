"""What has been benchmarked: asv's own results files are the ledger, so there is no second
record to drift from them.

asv writes a results file in place (``open(path, "w")``, not temp + rename) once per commit and
environment when ``asv run`` finishes it (rounds are not interleaved, see ``stages``). A run
killed before that leaves no file; one killed during the write leaves a truncated file. So a
commit is *complete* when its file loads and holds every selected benchmark (a failed benchmark
is recorded as null and counts as measured); a corrupt file is moved aside and the commit redone.
"""

from __future__ import annotations

import enum
import shutil
import sys
import time
from pathlib import Path

from asv.benchmarks import Benchmarks
from asv.repo import get_repo
from asv.results import Results, get_filename
from asv.util import ProcessError, UserError

from dashbench.errors import DashbenchError
from dashbench.pipeline.asvjob import AsvJob
from dashbench.revisions import check_range


class Status(enum.Enum):
    COMPLETE = "complete"
    INCOMPLETE = "incomplete"
    CORRUPT = "corrupt"
    MISSING = "missing"


def results_path(job: AsvJob, commit: str) -> Path:
    return job.results_dir / get_filename(job.machine, commit, job.env_name)


def expected_benchmarks(job: AsvJob) -> set[str] | None:
    """The selected benchmarks of the last discovery, or None when benchmarks.json is unusable."""
    try:
        return set(Benchmarks.load(job.conf, regex=list(job.bench) or None))
    except UserError:
        return None


def status(job: AsvJob, commit: str, expected: set[str] | None) -> Status:
    """``expected`` None (no usable benchmarks.json) counts any loadable file as complete."""
    path = results_path(job, commit)
    if not path.exists():
        return Status.MISSING
    try:
        results = Results.load(str(path), machine_name=job.machine)
    except UserError:
        return Status.CORRUPT
    if expected is None or expected <= set(results.get_all_result_keys()):
        return Status.COMPLETE
    return Status.INCOMPLETE


def quarantine(job: AsvJob, path: Path) -> Path:
    """Move a corrupt file out of asv's way (asv cannot load over it), keeping it for a look."""
    target = job.results_dir.parent / "quarantine" / time.strftime("%Y%m%dT%H%M%S")
    target = target / path.relative_to(job.results_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(path), target)
    print(f"warning: {path} was corrupt (interrupted write?); moved to {target}", file=sys.stderr)
    return target


def load_expected(job: AsvJob) -> set[str] | None:
    """benchmarks.json is also written in place; a corrupt one is moved aside (the next
    ``asv run`` rediscovers the suite) and the selection is then unknown (None)."""
    expected = expected_benchmarks(job)
    path = job.results_dir / "benchmarks.json"
    if expected is None and path.exists():
        quarantine(job, path)
    return expected


def select_commits(job: AsvJob, range_spec: str | None, expected: set[str] | None) -> list[str]:
    """The commits to benchmark, oldest first.

    With a range: every first-parent commit in it that is not complete. Without: the commits on
    the configured branches after the newest complete one; on a first run (nothing complete yet)
    only each branch's head, so a new project does not benchmark its whole history by surprise.
    """
    repo = get_repo(job.conf)
    if range_spec:
        check_range(range_spec)
        try:
            candidates = repo.get_hashes_from_range(range_spec)
        except (UserError, ProcessError) as exc:
            raise DashbenchError(f"--range {range_spec!r}: git cannot list it ({exc})") from exc
        todo = [c for c in candidates if status(job, c, expected) is not Status.COMPLETE]
        return todo[::-1]
    todo: list[str] = []
    for branch in job.conf.branches or [None]:
        commits = repo.get_branch_commits(branch)
        new = []
        for commit in commits:
            if status(job, commit, expected) is Status.COMPLETE:
                break
            new.append(commit)
        else:
            new = commits[:1]  # first run
        todo += [c for c in reversed(new) if c not in todo]
    return todo


def repair(job: AsvJob, commits: list[str], expected: set[str] | None) -> None:
    """Move aside the corrupt results of the commits about to be (re)done."""
    for commit in commits:
        if status(job, commit, expected) is Status.CORRUPT:
            quarantine(job, results_path(job, commit))

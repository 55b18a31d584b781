"""`dashbench regressions`: the gate CI can trust, over the series asv's publish wrote.

For every benchmark and every machine/environment graph of the published site (asv's own
series, one value per commit), :mod:`dashbench.gate.steps` fits the levels and asv's
``detect_regressions`` keeps the upward steps above the ``regressions_thresholds`` of
asv.conf.json (``regressions_first_commits`` is honoured as asv does). This command maps
revisions to commits, keeps the steps inside the requested range, names language and pair, and
turns the verdict into an exit code. Speedup drops come from :mod:`dashbench.gate.speedup_drops`.
The site's own regressions page is asv's CI-weighted fit, which misses steps the gate catches
(see :mod:`dashbench.gate.steps`); the gate's list is the one the report, the nightly summary
and its issue carry.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import git
from asv.graph import Graph

from dashbench.errors import DashbenchError
from dashbench.escape import md_code, md_text
from dashbench.gate.project import (
    Project,
    gap_start,
    language_of,
    load_project,
    metric_of,
    pair_ids,
)
from dashbench.gate.speedup_drops import SpeedupDrop, find_speedup_drops
from dashbench.gate.steps import find_steps_up
from dashbench.revisions import check_range
from dashbench.site import machine_names, read_json
from rust_bridge.options import add_command
from rust_bridge.output import format_seconds

# `dashbench regressions --help`
SUMMARY = "list regressions asv's step detection found (both languages); exit 1 if any"
DESCRIPTION = """\
List the regressions in the published asv site, in Python and Rust benchmarks,
and drops of paired speedups."""

EXIT_OK = 0
EXIT_REGRESSION = 1

HELP_EPILOG = """\
exit codes:
  0  no regression in the range
  1  at least one regression (benchmark step or speedup drop) in the range
  2  error: missing or corrupt site, bad config, bad range, ...; never reported as 1

Without --range the command reports every regression in the series of the last `asv publish`
(as asv does, only steps whose worse level is still the latest value). With --range A..B it
keeps the steps whose commit (the first benchmarked commit after the step) is in
`git rev-list A..B`.
"""


@dataclass(frozen=True)
class Regression:
    """One upward step asv found, located at a commit."""

    benchmark: str
    language: str
    pair_id: str | None
    where: dict[str, str]  # graph parameters that tell machines/environments apart
    commit: str  # first benchmarked commit showing the slower level
    subject: str
    last_good: (
        str | None
    )  # last benchmarked commit before it, when commits in between are unmeasured
    before: float
    after: float
    ratio: float
    threshold: float


def commits_in_range(repo: git.Repo, spec: str) -> set[str]:
    """Full hashes of ``git rev-list SPEC``; a spec git rejects is a user error."""
    check_range(spec)
    try:
        return set(repo.git.rev_list(spec).split())
    except git.GitCommandError as exc:
        raise DashbenchError(f"--range {spec!r}: {exc.stderr.strip() or exc}") from exc


def _subject(repo: git.Repo, sha: str) -> str:
    try:
        return repo.commit(sha).summary
    except (ValueError, git.BadName):
        return "(commit not in repository)"


def _entries(name: str, meta: dict[str, Any]) -> list[str]:
    """asv's names for a benchmark's series: one per parameter combination."""
    params = meta.get("params") or []
    if not params:
        return [name]
    return [f"{name}({', '.join(combo)})" for combo in itertools.product(*params)]


def _before_first_commit(
    project: Project, entry: str, branch: str | None, ancestors: dict[str, set[str]]
) -> set[str] | None:
    """Commits ``regressions_first_commits`` excludes for ``entry``; None: detection is off.

    ``ancestors`` caches each start commit's strict ancestors across series.
    """
    first_commits = getattr(project.site.conf, "regressions_first_commits", None) or {}
    suffix = f"@{branch}" if branch else ""
    for regex, start in first_commits.items():
        if re.match(regex, entry + suffix):
            if start is None:
                return None
            if start not in ancestors:
                try:
                    ancestors[start] = set(project.repo().git.rev_list(f"{start}^@").split())
                except git.GitCommandError as exc:
                    raise DashbenchError(
                        f"{project.config_path}: regressions_first_commits {start!r}: "
                        f"{exc.stderr.strip() or exc}"
                    ) from exc
            return ancestors[start]
    return set()


@dataclass(frozen=True)
class _Series:
    name: str  # benchmark
    entry: str  # benchmark, with its parameter combination when it has one
    params: dict[str, Any]  # the graph's machine/environment parameters
    commits: list[str]  # oldest first, as asv orders revisions
    values: list[float | None]


@dataclass(frozen=True)
class Verdict:
    """What the gate found, and the graph values it had to leave out (said, never hidden)."""

    regressions: list[Regression]
    drops: list[SpeedupDrop]
    left_out: list[str]  # "<graph file>: N value(s) ..." for NaN, infinite, non-positive values

    @property
    def failed(self) -> bool:
        return bool(self.regressions or self.drops)


def _graph_rows(
    path: Path, points: Any, rev_to_hash: dict[int, str], width: int, left_out: list[str]
) -> tuple[list[str], list[list[float | None]]]:
    """A graph file's commits and rows of ``width`` values. null stays n/a; anything that is
    not a number is damage; NaN, infinite or non-positive values (no timing or count can be
    one) are left out and noted in ``left_out``."""
    if not isinstance(points, list):
        raise DashbenchError(f"{path}: unexpected graph data (not a list of points)")
    commits, rows, bad = [], [], 0
    for point in points:
        if not (isinstance(point, list) and len(point) == 2):
            raise DashbenchError(f"{path}: unexpected graph data (point {point!r})")
        revision, value = point
        if not isinstance(revision, int) or revision not in rev_to_hash:
            raise DashbenchError(f"{path}: unexpected graph data (revision {revision!r})")
        row = [value] if width == 1 else value or [None] * width
        if not (isinstance(row, list) and len(row) == width):
            raise DashbenchError(f"{path}: unexpected graph data (value {value!r})")
        for j, v in enumerate(row):
            if v is not None and (not isinstance(v, (int, float)) or isinstance(v, bool)):
                raise DashbenchError(f"{path}: unexpected graph data (value {v!r})")
            if v is not None and (not math.isfinite(v) or v <= 0):
                row[j], bad = None, bad + 1
        commits.append(rev_to_hash[revision])
        rows.append(row)
    if bad:
        left_out.append(f"{path}: {bad} value(s) NaN, infinite or not positive, left out")
    return commits, rows


def _published_series(html_dir: Path, left_out: list[str]) -> Iterator[tuple[_Series, set[str]]]:
    """Every series of the published graphs, with the graph parameters that vary in the site."""
    index = read_json(html_dir / "index.json", "index.json")
    try:
        rev_to_hash = {int(k): str(v) for k, v in index["revision_to_hash"].items()}
        benchmarks: dict[str, dict[str, Any]] = dict(index["benchmarks"])
        graphs: list[dict[str, Any]] = [dict(params) for params in index["graph_param_list"]]
        varying = {k for k, values in index["params"].items() if len(values) > 1}
        entries = {name: _entries(name, meta) for name, meta in sorted(benchmarks.items())}
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        where = html_dir / "index.json"
        raise DashbenchError(f"{where}: unexpected site layout ({exc!r})") from exc
    for name, names in entries.items():
        for params in graphs:
            path = html_dir / f"{Graph.get_file_path(params, name)}.json"
            if not os.path.lexists(path):
                continue  # this machine/environment never ran the benchmark
            points = read_json(path, "graph data")
            commits, rows = _graph_rows(path, points, rev_to_hash, len(names), left_out)
            for j, entry in enumerate(names):
                values = [row[j] for row in rows]
                yield _Series(name, entry, params, commits, values), varying


def _check_not_stale(project: Project, published: list[_Series]) -> None:
    """Every machine the published site shows must still have results: a site published
    before its results were removed would otherwise gate data that is gone."""
    have = set(machine_names(project.results_dir))
    for series in published:
        machine = series.params.get("machine")
        if machine is not None and str(machine) not in have:
            raise DashbenchError(
                f"{project.html_dir}: the published site shows machine {machine!r}, which has "
                f"no results in {project.results_dir}; the site is stale (run `asv publish`)"
            )


def load_regressions(project: Project, left_out: list[str]) -> list[Regression]:
    """Every upward step in every published series, located at a commit; graph values left
    out are noted in ``left_out``."""
    published = list(_published_series(project.html_dir, left_out))  # a broken site fails first
    _check_not_stale(project, [series for series, _ in published])
    repo = project.repo()
    pairs = pair_ids(project.pairs())
    found = []
    ancestors: dict[str, set[str]] = {}
    for series, varying in published:
        branch = series.params.get("branch")
        excluded = _before_first_commit(project, series.entry, branch, ancestors)
        if excluded is None:
            continue
        values = [
            None if sha in excluded else value
            for sha, value in zip(series.commits, series.values, strict=True)
        ]
        threshold = project.threshold(series.entry)
        for i_before, i_after, before, after in find_steps_up(values, threshold):
            commit = series.commits[i_after]
            found.append(
                Regression(
                    benchmark=series.entry,
                    language=language_of(series.name),
                    pair_id=pairs.get(series.name),
                    where={str(k): str(v) for k, v in series.params.items() if k in varying},
                    commit=commit,
                    subject=_subject(repo, commit),
                    last_good=gap_start(repo, series.commits[i_before], commit),
                    before=before,
                    after=after,
                    ratio=after / before if before else math.inf,
                    threshold=threshold,
                )
            )
    return found


def _value(value: float, benchmark: str) -> str:
    """A value in its benchmark's unit: instructions, bytes (peakmem) or seconds."""
    metric = metric_of(benchmark)
    if metric == "instructions":
        return f"{value:,.0f} instructions"
    if metric == "peakmem":
        return f"{value / 1e6:,.1f} MB"
    return format_seconds(value)


def to_markdown(verdict: Verdict, scope: str) -> str:
    """The verdict for a job summary, an issue or the report page. Every untrusted string
    (names, subjects) is escaped, so a link or HTML in a commit subject stays inert text."""
    lines = [f"## Benchmark regressions ({md_text(scope)})", ""]
    if verdict.regressions:
        lines += [
            "| benchmark | lang | pair id | commit | subject | before | after | ratio |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for r in verdict.regressions:
            where = " ".join(f"{k}={v}" for k, v in r.where.items())
            commit = (
                r.commit[:10] if r.last_good is None else f"{r.last_good[:10]}..{r.commit[:10]}"
            )
            lines.append(
                f"| {md_code(r.benchmark)} {md_text(where)} | {r.language}"
                f" | {md_text(r.pair_id or '-')}"
                f" | {commit} | {md_text(r.subject)}"
                f" | {_value(r.before, r.benchmark)} | {_value(r.after, r.benchmark)}"
                f" | {r.ratio:.3f}x |"
            )
    else:
        lines.append("No benchmark regressions.")
    lines += ["", f"## Speedup drops ({md_text(scope)})", ""]
    if verdict.drops:
        lines += [
            "| pair id | commit | subject | speedup before | speedup after | ratio |",
            "|---|---|---|---|---|---|",
        ]
        for d in verdict.drops:
            lines.append(
                f"| {md_text(d.pair_id)} {md_text(d.where)} | {d.commit[:10]}"
                f" | {md_text(d.subject)} | {d.before:.3g}x | {d.after:.3g}x"
                f" | {d.after / d.before:.2f} |"
            )
    else:
        lines.append("No speedup drops.")
    if verdict.left_out:
        lines += ["", "## Graph values left out", ""]
        lines += [f"- {md_text(note)}" for note in verdict.left_out]
    return "\n".join(lines) + "\n"


def gate(project: Project, spec: str | None) -> Verdict:
    """The regressions and speedup drops in scope: all published ones, or those in ``spec``."""
    if spec is not None:
        check_range(spec)  # before any git command sees it
    left_out: list[str] = []
    regressions = load_regressions(project, left_out)
    drops = find_speedup_drops(project)
    if spec is not None:
        in_range = commits_in_range(project.repo(), spec)
        regressions = [r for r in regressions if r.commit in in_range]
        drops = [d for d in drops if d.commit in in_range]
    for note in left_out:
        print(f"warning: {note}", file=sys.stderr)
    return Verdict(regressions, drops, left_out)


def run(args: argparse.Namespace) -> int:
    project = load_project(args.config)
    verdict = gate(project, args.range)
    scope = args.range or "last published run"
    if args.format == "json":
        document: dict[str, Any] = {
            "scope": scope,
            "regressions": [asdict(r) for r in verdict.regressions],
            "speedup_drops": [asdict(d) for d in verdict.drops],
            "left_out": verdict.left_out,
        }
        print(json.dumps(document, indent=2))
    else:
        print(to_markdown(verdict, scope), end="")
    return EXIT_REGRESSION if verdict.failed else EXIT_OK


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(
        subparsers, "regressions", run, SUMMARY, description=DESCRIPTION, epilog=HELP_EPILOG
    )
    parser.add_argument("--range", metavar="A..B", help="only steps at commits in git's A..B")
    parser.add_argument(
        "--format", choices=("md", "json"), default="md",
        help="md: a Markdown table for people (default); json: one object per finding",
    )  # fmt: skip

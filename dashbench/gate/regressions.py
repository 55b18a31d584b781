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
import html
import itertools
import json
import math
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import git
from asv.graph import Graph

from dashbench.errors import DashbenchError
from dashbench.gate.project import (
    Project,
    gap_start,
    language_of,
    load_project,
    metric_of,
    pair_ids,
    read_json,
)
from dashbench.gate.speedup_drops import SpeedupDrop, find_speedup_drops
from dashbench.gate.steps import find_steps_up
from rust_bridge.options import add_config

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
    if ".." not in spec:
        raise DashbenchError(f"--range {spec!r}: expected A..B")
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


def _published_series(html_dir: Path) -> Iterator[tuple[_Series, set[str]]]:
    """Every series of the published graphs, with the graph parameters that vary in the site."""
    index = read_json(html_dir / "index.json", "index.json")
    try:
        rev_to_hash = {int(k): v for k, v in index["revision_to_hash"].items()}
        benchmarks: dict[str, dict[str, Any]] = index["benchmarks"]
        graphs: list[dict[str, Any]] = index["graph_param_list"]
        varying = {k for k, values in index["params"].items() if len(values) > 1}
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        where = html_dir / "index.json"
        raise DashbenchError(f"{where}: unexpected site layout ({exc!r})") from exc
    for name, meta in sorted(benchmarks.items()):
        entries = _entries(name, meta)
        for params in graphs:
            path = html_dir / f"{Graph.get_file_path(params, name)}.json"
            if not path.is_file():
                continue  # this machine/environment never ran the benchmark
            points = read_json(path, "graph data")
            try:
                commits = [rev_to_hash[int(rev)] for rev, _ in points]
                rows = [[v] if len(entries) == 1 else v or [None] * len(entries) for _, v in points]
                for j, entry in enumerate(entries):
                    values = [row[j] for row in rows]
                    yield _Series(name, entry, params, commits, values), varying
            except (TypeError, ValueError, KeyError, IndexError) as exc:
                raise DashbenchError(f"{path}: unexpected graph data ({exc!r})") from exc


def load_regressions(project: Project) -> list[Regression]:
    """Every upward step in every published series, located at a commit."""
    published = list(_published_series(project.html_dir))  # a broken site fails first
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


def _cell(text: str) -> str:
    """Markdown table cell from untrusted text: no HTML, no column breaks, no line breaks."""
    return html.escape(" ".join(text.split())).replace("|", "\\|")


def _value(value: float, benchmark: str) -> str:
    """A value in its benchmark's unit: instructions, bytes (peakmem) or seconds."""
    metric = metric_of(benchmark)
    if metric == "instructions":
        return f"{value:,.0f} instructions"
    if metric == "peakmem":
        return f"{value / 1e6:,.1f} MB"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if abs(value) >= scale:
            return f"{value / scale:.3g} {unit}"
    return f"{value:.3g} s"


def to_markdown(regressions: list[Regression], drops: list[SpeedupDrop], scope: str) -> str:
    lines = [f"## Benchmark regressions ({_cell(scope)})", ""]
    if regressions:
        lines += [
            "| benchmark | lang | pair id | commit | subject | before | after | ratio |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for r in regressions:
            where = " ".join(f"{k}={v}" for k, v in r.where.items())
            commit = (
                r.commit[:10] if r.last_good is None else f"{r.last_good[:10]}..{r.commit[:10]}"
            )
            lines.append(
                f"| `{_cell(r.benchmark)}` {_cell(where)} | {r.language}"
                f" | {_cell(r.pair_id or '-')}"
                f" | {commit} | {_cell(r.subject)}"
                f" | {_value(r.before, r.benchmark)} | {_value(r.after, r.benchmark)}"
                f" | {r.ratio:.3f}x |"
            )
    else:
        lines.append("No benchmark regressions.")
    lines += ["", f"## Speedup drops ({_cell(scope)})", ""]
    if drops:
        lines += [
            "| pair id | commit | subject | speedup before | speedup after | ratio |",
            "|---|---|---|---|---|---|",
        ]
        for d in drops:
            lines.append(
                f"| {_cell(d.pair_id)} {_cell(d.where)} | {d.commit[:10]} | {_cell(d.subject)}"
                f" | {d.before:.3g}x | {d.after:.3g}x | {d.after / d.before:.2f} |"
            )
    else:
        lines.append("No speedup drops.")
    return "\n".join(lines) + "\n"


def gate(project: Project, spec: str | None) -> tuple[list[Regression], list[SpeedupDrop]]:
    """The regressions and speedup drops in scope: all published ones, or those in ``spec``."""
    regressions = load_regressions(project)
    drops = find_speedup_drops(project)
    if spec is not None:
        in_range = commits_in_range(project.repo(), spec)
        regressions = [r for r in regressions if r.commit in in_range]
        drops = [d for d in drops if d.commit in in_range]
    return regressions, drops


def run(args: argparse.Namespace) -> int:
    project = load_project(args.config)
    regressions, drops = gate(project, args.range)
    scope = args.range or "last published run"
    if args.format == "json":
        document: dict[str, Any] = {
            "scope": scope,
            "regressions": [asdict(r) for r in regressions],
            "speedup_drops": [asdict(d) for d in drops],
        }
        print(json.dumps(document, indent=2))
    else:
        print(to_markdown(regressions, drops, scope), end="")
    return EXIT_REGRESSION if regressions or drops else EXIT_OK


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "regressions",
        help="list regressions asv's step detection found (both languages); exit 1 if any",
        description="List the regressions in the published asv site, in Python and Rust "
        "benchmarks, and drops of paired speedups.",
        epilog=HELP_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_config(parser)
    parser.add_argument("--range", metavar="A..B", help="only steps at commits in git's A..B")
    parser.add_argument(
        "--format", choices=("md", "json"), default="md",
        help="md: a Markdown table for people (default); json: one object per finding",
    )  # fmt: skip
    parser.set_defaults(handler=run)

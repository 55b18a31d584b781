"""From asv's results files to speedup series: one per machine and environment, oldest first.

Everything is read through asv's public API (config, ``Results``, ``Benchmarks``, the repo
plugin), so the report sees exactly what ``asv publish`` sees, including its rule that a result
recorded under another benchmark version is not shown.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import git
from asv import util
from asv.benchmarks import Benchmarks
from asv.config import Config
from asv.repo import get_repo
from asv.results import Results, iter_results_for_machine

from dashbench import speedup as sp
from dashbench.errors import DashbenchError
from dashbench.pairs import LANGUAGES, Pair, load_pairs

DEFAULT_PAIRS = "dashbench/pairs.json"
DEFAULT_THRESHOLDS = "calibration/thresholds.json"


@dataclass(frozen=True)
class Site:
    """The paths and repository one asv.conf.json describes, resolved against its directory."""

    conf: Config
    root: Path
    results_dir: Path
    html_dir: Path
    pairs_path: Path
    thresholds_path: Path  # calibrated thresholds, one row per benchmark (dashbench calibrate)


@dataclass(frozen=True)
class Commit:
    sha: str
    subject: str
    date: int | None  # JavaScript timestamp, as asv stores it


@dataclass(frozen=True)
class Side:
    """One benchmark's result at one commit: asv's median and the samples it was taken from."""

    median: float | None
    samples: list[float] | None


@dataclass(frozen=True)
class PairResult:
    pair: Pair
    python: Side
    rust: Side
    speedup: sp.Speedup | None
    change: float | None  # relative to the previous reported commit; None when either is n/a
    python_instructions: float | None = None  # callgrind counts of one run of each timed body
    rust_instructions: float | None = None

    @property
    def work_ratio(self) -> float | None:
        """Python instructions / Rust instructions: the speedup's deterministic counterpart."""
        if not self.python_instructions or not self.rust_instructions:
            return None
        return self.python_instructions / self.rust_instructions


@dataclass
class CommitReport:
    commit: Commit
    rows: list[PairResult]
    groups: dict[str, sp.GeoMean] = field(default_factory=dict)  # exact pairs only
    overall: sp.GeoMean = field(default_factory=lambda: sp.GeoMean(None, 0, 0))  # exact only
    work: sp.GeoMean = field(default_factory=lambda: sp.GeoMean(None, 0, 0))  # exact only


@dataclass
class Series:
    machine: str
    env: str
    commits: list[CommitReport]  # oldest first


def load_site(conf_path: Path | str) -> Site:
    conf_path = Path(conf_path)
    try:
        conf = Config.load(str(conf_path))
    except util.UserError as exc:
        raise DashbenchError(f"{conf_path}: {exc}") from exc
    root = conf_path.resolve().parent
    if not os.path.isabs(conf.repo) and (root / conf.repo).is_dir():
        conf.repo = str(root / conf.repo)  # asv resolves it against its working directory
    own = getattr(conf, "dashbench", None) or {}
    if not isinstance(own, dict):
        raise DashbenchError(f"{conf_path}: the 'dashbench' key must be an object")
    return Site(
        conf=conf,
        root=root,
        results_dir=root / conf.results_dir,
        html_dir=root / conf.html_dir,
        pairs_path=root / own.get("pairs", DEFAULT_PAIRS),
        thresholds_path=root / own.get("thresholds", DEFAULT_THRESHOLDS),
    )


def _repo_path(site: Site) -> Path:
    if os.path.isdir(site.conf.repo):
        return Path(site.conf.repo)
    return site.root / site.conf.project  # asv's mirror of a remote repository


def _benchmark_versions(site: Site) -> Benchmarks | None:
    """benchmarks.json as asv publish reads it; None if no run has written it yet."""
    site.conf.results_dir = str(site.results_dir)
    try:
        return Benchmarks.load(site.conf)
    except util.UserError:
        return None


def _side(results: Results, name: str, current: set[str] | None) -> Side | None:
    if name not in results.get_all_result_keys():
        return None
    if current is not None and name not in current:
        return None  # recorded under another benchmark version: publish hides it too
    params = results.get_result_params(name)
    value = results.get_result_value(name, params)[0]
    samples = results.get_result_samples(name, params)[0]
    median = float(value) if value is not None and not util.is_na(value) else None
    return Side(median, list(samples) if samples else None)


_MISSING = Side(None, None)


def _select(
    hashes: set[str], site: Site, commits: int | None, commit_range: str | None
) -> list[str]:
    """Result commits in history order (oldest first), narrowed by --range and --commits."""
    repo = get_repo(site.conf)
    if commit_range is not None:
        try:
            wanted = set(repo.get_hashes_from_range(commit_range))
        except util.ProcessError as exc:
            raise DashbenchError(f"--range {commit_range!r}: git cannot resolve it") from exc
        hashes = hashes & wanted
    revisions = repo.get_revisions(hashes)
    ordered = sorted((h for h in hashes if h in revisions), key=revisions.__getitem__)
    if commits is not None:
        ordered = ordered[-commits:] if commits > 0 else []
    return ordered


def _commits(site: Site, shas: list[str], dates: dict[str, int | None]) -> dict[str, Commit]:
    repo = git.Repo(_repo_path(site))
    found = {}
    for sha in shas:
        try:
            subject = repo.commit(sha).summary
        except (ValueError, git.BadName):
            subject = ""
        found[sha] = Commit(sha, str(subject), dates.get(sha))
    return found


def _report_commit(
    commit: Commit,
    pairs: list[Pair],
    sides: dict[str, Side],
    previous: CommitReport | None,
    intervals: bool,
) -> CommitReport:
    before = {r.pair.criterion_id: r.speedup for r in previous.rows} if previous else {}
    rows = []
    for pair in pairs:
        py, rs = sides.get(pair.python, _MISSING), sides.get(pair.rust, _MISSING)
        if intervals:
            ratio = sp.speedup(py.median, rs.median, py.samples, rs.samples)
        else:
            ratio = sp.speedup(py.median, rs.median)
        prior = before.get(pair.criterion_id)
        change = sp.relative_change(ratio.value if ratio else None, prior.value if prior else None)
        counts = [sides.get(pair.count(lang), _MISSING).median for lang in LANGUAGES]
        rows.append(PairResult(pair, py, rs, ratio, change, *counts))
    report = CommitReport(commit, rows)
    by_group: dict[str, list[float | None]] = defaultdict(list)
    for row in rows:
        if row.pair.exact:
            by_group[row.pair.group].append(row.speedup.value if row.speedup else None)
    report.groups = {g: sp.geomean(v) for g, v in by_group.items()}
    report.overall = sp.geomean(v for values in by_group.values() for v in values)
    report.work = sp.geomean(r.work_ratio for r in rows if r.pair.exact)
    return report


def load_series(
    site: Site,
    machine: str | None = None,
    env: str | None = None,
    commits: int | None = None,
    commit_range: str | None = None,
    pairs: list[Pair] | None = None,
    intervals: str = "all",
) -> list[Series]:
    """Speedup series for every machine/environment with Python results, filtered as asked.

    ``intervals="latest"`` bootstraps only each series' newest commit (all the report shows);
    older commits then carry point speedups, which is all changes and geomeans need.

    Rust results are looked up in the same environment first; when the bridge recorded them in
    an environment of their own, the one for the same machine and commit is used.
    """
    pairs = load_pairs(site.pairs_path) if pairs is None else pairs
    if not site.results_dir.is_dir():
        raise DashbenchError(f"{site.results_dir}: no asv results directory")
    machines = sorted(p.name for p in site.results_dir.iterdir() if (p / "machine.json").is_file())
    if machine is not None:
        if machine not in machines:
            raise DashbenchError(f"--machine {machine!r}: no results (have: {', '.join(machines)})")
        machines = [machine]
    benchmarks = _benchmark_versions(site)
    # A series exists where the Python side has either metric (an instructions-only nightly
    # still reports its work ratios).
    python_names = {p.python for p in pairs} | {p.count("python") for p in pairs}
    rust_names = {p.rust for p in pairs} | {p.count("rust") for p in pairs}
    series = []
    for name in machines:
        # commit -> env -> benchmark name -> side
        table: dict[str, dict[str, dict[str, Side]]] = defaultdict(dict)
        dates: dict[str, Any] = {}
        for results in iter_results_for_machine(str(site.results_dir), name):
            sides = {}
            current = None if benchmarks is None else results.get_result_keys(benchmarks)
            for bench in python_names | rust_names:
                side = _side(results, bench, current)
                if side is not None:
                    sides[bench] = side
            table[results.commit_hash][results.env_name] = sides
            dates[results.commit_hash] = results.date
        envs = sorted(
            {e for per_env in table.values() for e, s in per_env.items() if python_names & set(s)}
        )
        if env is not None:
            envs = [e for e in envs if e == env]
        shas = _select(set(table), site, commits, commit_range)
        info = _commits(site, shas, dates)
        for env_name in envs:
            reports: list[CommitReport] = []
            measured = [s for s in shas if python_names & set(table[s].get(env_name, {}))]
            for sha in measured:
                per_env = table[sha]
                sides: dict[str, Side] = {}
                for other in sorted(set(per_env) - {env_name}):
                    sides.update({k: v for k, v in per_env[other].items() if k in rust_names})
                sides.update(per_env[env_name])  # this environment's own results win
                previous = reports[-1] if reports else None
                with_intervals = intervals == "all" or sha == measured[-1]
                reports.append(_report_commit(info[sha], pairs, sides, previous, with_intervals))
            series.append(Series(name, env_name, reports))
    if env is not None and not series:
        raise DashbenchError(f"--env {env!r}: no Python results in that environment")
    return series

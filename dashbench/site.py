"""The asv project both the gate and the report read: its config, loaded once, and its
results as speedup series, one per machine and environment, oldest first.

Everything is read through asv's public API (config, ``Results``, ``Benchmarks``, the repo
plugin), so the report sees exactly what ``asv publish`` sees, including its rule that a result
recorded under another benchmark version is not shown. Where asv is lenient the reading here
fails closed: asv logs a results file it cannot parse and skips it, which would turn damaged
data into "no regression"; here every file is checked and a damaged one is an error naming it.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import git
from asv import util
from asv.benchmarks import Benchmarks
from asv.config import Config
from asv.machine import Machine
from asv.repo import get_repo
from asv.results import Results

from dashbench import speedup as sp
from dashbench.errors import DashbenchError
from dashbench.pairs import LANGUAGES, Pair, load_pairs
from dashbench.revisions import check_range
from rust_bridge.settings import Settings, settings_from_config

DEFAULT_PAIRS = "dashbench/pairs.json"
DEFAULT_THRESHOLDS = "calibration/thresholds.json"


@dataclass(frozen=True)
class Site:
    """Everything one asv.conf.json says, loaded and checked once: asv's config, dashbench's
    paths resolved against its directory, and the bridges' settings from the same load."""

    conf: Config
    root: Path
    results_dir: Path
    html_dir: Path
    pairs_path: Path
    thresholds_path: Path  # calibrated thresholds, one row per benchmark (dashbench calibrate)
    bridge: Settings  # the Criterion and count stores, manifests and crate


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


def read_json(path: Path, what: str) -> Any:
    """Load a JSON file; a missing, special or corrupt one is a user error naming the file."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError as exc:
        raise DashbenchError(f"{path}: {what} not found; run `asv publish` first") from exc
    except OSError as exc:
        raise DashbenchError(f"{path}: cannot read {what}: {exc}") from exc
    if not stat.S_ISREG(mode):  # a FIFO would block the read for ever
        raise DashbenchError(f"{path}: cannot read {what}: not a regular file")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError) as exc:
        raise DashbenchError(f"{path}: cannot read {what}: {exc}") from exc


def load_config(path: Path) -> Config:
    """asv's config, with a one-line error for a file asv would trip over with a traceback."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise DashbenchError(f"{path}: asv config not found") from exc
    if not stat.S_ISREG(mode):
        raise DashbenchError(f"{path}: asv config is not a regular file")
    try:
        return Config.load(str(path))
    except util.UserError as exc:
        raise DashbenchError(f"{path}: {exc}") from exc
    except (OSError, ValueError, TypeError, AttributeError, RecursionError) as exc:
        # json5 syntax errors, non-UTF-8 bytes, or JSON that is not an object
        raise DashbenchError(f"{path}: cannot read asv config: {exc}") from exc


def _check_regex_table(conf: Config, path: Path, key: str, value_ok: Any, expected: str) -> None:
    """A ``{regex: value}`` key of asv's config: valid regexes, values as ``value_ok`` says."""
    table = getattr(conf, key, None)
    if table is None:
        return
    if not isinstance(table, dict):
        raise DashbenchError(f"{path}: {key} must be an object of {{regex: {expected}}}")
    for regex, value in table.items():
        try:
            re.compile(regex)
        except re.error as exc:
            raise DashbenchError(
                f"{path}: {key} {regex!r}: not a regular expression: {exc}"
            ) from exc
        if not value_ok(value):
            raise DashbenchError(f"{path}: {key} {regex!r}: expected {expected}, got {value!r}")


def _fraction(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value < 100


def load_site(conf_path: Path | str) -> Site:
    """The one place asv.conf.json is read for dashbench's commands."""
    conf_path = Path(conf_path).absolute()
    conf = load_config(conf_path)
    root = conf_path.resolve().parent
    if not isinstance(conf.repo, str):
        raise DashbenchError(f"{conf_path}: 'repo' must be a string")
    if not os.path.isabs(conf.repo) and (root / conf.repo).is_dir():
        conf.repo = str(root / conf.repo)  # asv resolves it against its working directory
    own = getattr(conf, "dashbench", None) or {}
    if not isinstance(own, dict):
        raise DashbenchError(f"{conf_path}: the 'dashbench' key must be an object")
    for key in ("pairs", "thresholds"):
        if not isinstance(own.get(key, ""), str):
            raise DashbenchError(f"{conf_path}: dashbench.{key} must be a path (a string)")
    for key in ("results_dir", "html_dir", "benchmark_dir"):
        if not isinstance(getattr(conf, key, None), str):
            raise DashbenchError(f"{conf_path}: {key!r} must be a path (a string)")
    _check_regex_table(conf, conf_path, "regressions_thresholds", _fraction, "a fraction")
    _check_regex_table(
        conf,
        conf_path,
        "regressions_first_commits",
        lambda v: v is None or isinstance(v, str),
        "a commit or null",
    )
    return Site(
        conf=conf,
        root=root,
        results_dir=root / conf.results_dir,
        html_dir=root / conf.html_dir,
        pairs_path=root / own.get("pairs", DEFAULT_PAIRS),
        thresholds_path=root / own.get("thresholds", DEFAULT_THRESHOLDS),
        bridge=settings_from_config(conf, conf_path.resolve()),
    )


def _repo_path(site: Site) -> Path:
    if os.path.isdir(site.conf.repo):
        return Path(site.conf.repo)
    return site.root / site.conf.project  # asv's mirror of a remote repository


def _benchmark_versions(site: Site) -> Benchmarks | None:
    """benchmarks.json as asv publish reads it; None if no run has written it yet. A damaged
    one is an error: without it, results of stale benchmark versions would be shown."""
    site.conf.results_dir = str(site.results_dir)
    path = Path(Benchmarks.get_benchmark_file_path(site.conf.results_dir))
    if not path.exists():
        return None
    read_json(path, "asv benchmark list")  # names the file for a damage asv would hide
    try:
        return Benchmarks.load(site.conf)
    except (util.UserError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise DashbenchError(f"{path}: cannot read asv benchmark list: {exc}") from exc


_COMMIT_HASH = re.compile(r"[0-9a-f]{7,64}")
_READ_ERRORS = (util.UserError, ValueError, TypeError, KeyError, IndexError, AttributeError)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def machine_names(results_dir: Path) -> list[str]:
    """The machines with results, each with a machine.json asv can read (asv skips the results
    of a machine whose machine.json it cannot read, saying only a warning)."""
    if not results_dir.is_dir():
        raise DashbenchError(f"{results_dir}: no asv results directory")
    names = []
    for directory in sorted(p for p in results_dir.iterdir() if p.is_dir()):
        path = directory / "machine.json"
        if not path.exists():
            continue
        info = read_json(path, "asv machine file")
        if not isinstance(info, dict) or info.get("machine") != directory.name:
            raise DashbenchError(f"{path}: expected the description of machine {directory.name!r}")
        if info.get("version") != Machine.api_version:
            raise DashbenchError(f"{path}: not an asv machine file (version {Machine.api_version})")
        names.append(directory.name)
    return names


def results_files(results_dir: Path, machine: str) -> Iterator[tuple[Path, Results]]:
    """Every results file of ``machine``, loaded; one that cannot be read is an error naming it.

    asv's own ``iter_results`` logs such a file and skips it, so a truncated file would make
    a regression vanish or move to another commit.
    """
    for path in sorted((results_dir / machine).glob("*.json")):
        if path.name in ("machine.json", "benchmarks.json"):
            continue
        read_json(path, "asv results file")  # a regular file of valid JSON, else named
        try:
            results = Results.load(str(path), machine_name=machine)
        except (*_READ_ERRORS, OSError, RecursionError) as exc:
            raise DashbenchError(f"{path}: cannot read asv results file: {exc}") from exc
        if not isinstance(results.commit_hash, str) or not _COMMIT_HASH.fullmatch(
            results.commit_hash
        ):
            raise DashbenchError(f"{path}: commit_hash {results.commit_hash!r} is not a hash")
        if not isinstance(results.env_name, str) or not (
            results.date is None or _number(results.date)
        ):
            raise DashbenchError(f"{path}: env_name or date of the wrong type")
        yield path, results


def _side(results: Results, name: str, current: set[str] | None) -> Side | None:
    """One benchmark's result; asv's n/a (null, NaN) is a missing median, anything else that is
    not a number is damage."""
    if name not in results.get_all_result_keys():
        return None
    if current is not None and name not in current:
        return None  # recorded under another benchmark version: publish hides it too
    params = results.get_result_params(name)
    value = results.get_result_value(name, params)[0]
    samples = results.get_result_samples(name, params)[0]
    if value is not None and not _number(value):
        raise ValueError(f"{name}: result {value!r} is not a number")
    if samples is not None and not (
        isinstance(samples, list) and all(_number(x) and math.isfinite(x) for x in samples)
    ):
        raise ValueError(f"{name}: samples are not a list of finite numbers")
    median = float(value) if value is not None and not util.is_na(value) else None
    return Side(median, list(samples) if samples else None)


_MISSING = Side(None, None)


def _select(
    hashes: set[str], site: Site, commits: int | None, commit_range: str | None
) -> list[str]:
    """Result commits in history order (oldest first), narrowed by --range and --commits."""
    repo = get_repo(site.conf)
    if commit_range is not None:
        check_range(commit_range)
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
    machines = machine_names(site.results_dir)
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
        for path, results in results_files(site.results_dir, name):
            sides = {}
            try:
                current = None if benchmarks is None else results.get_result_keys(benchmarks)
                for bench in python_names | rust_names:
                    side = _side(results, bench, current)
                    if side is not None:
                        sides[bench] = side
            except _READ_ERRORS as exc:
                raise DashbenchError(f"{path}: unexpected asv results data: {exc}") from exc
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

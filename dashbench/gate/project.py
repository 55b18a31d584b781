"""The asv project as the gate, bisect and calibrate commands see it: E's resolved site plus
the config file's path (for `asv --config`), the git repo, thresholds and the pairing table."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import git

from dashbench.errors import DashbenchError
from dashbench.pairs import COUNT_PREFIX, LANGUAGES, Pair, load_pairs
from dashbench.site import Site, load_site, read_json

DEFAULT_THRESHOLD = 0.05  # asv's own default when no regressions_thresholds regex matches


@dataclass(frozen=True)
class Project:
    config_path: Path
    site: Site

    @property
    def root(self) -> Path:
        return self.site.root

    @property
    def html_dir(self) -> Path:
        return self.site.html_dir

    @property
    def results_dir(self) -> Path:
        return self.site.results_dir

    def repo(self) -> git.Repo:
        try:
            return git.Repo(self.site.conf.repo)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError) as exc:
            raise DashbenchError(
                f"{self.config_path}: 'repo' {self.site.conf.repo!r} is not a git repository"
            ) from exc

    def pairs(self) -> list[Pair]:
        return load_pairs(self.site.pairs_path)

    @functools.cached_property
    def calibrated(self) -> dict[str, float]:
        """Calibrated thresholds by benchmark name (``dashbench calibrate --write``)."""
        return load_thresholds(self.site.thresholds_path)

    def threshold(self, name: str) -> float:
        """``name``'s calibrated threshold, else asv's rule over ``regressions_thresholds``:
        the largest matching regex, else asv's default."""
        if name in self.calibrated:
            return self.calibrated[name]
        matches = [
            float(value)
            for regex, value in getattr(self.site.conf, "regressions_thresholds", {}).items()
            if re.match(regex, name)
        ]
        return max(matches) if matches else DEFAULT_THRESHOLD


def load_thresholds(path: Path) -> dict[str, float]:
    """The calibrated rows; a missing file means none, a damaged one is an error naming it."""
    if not path.exists():
        return {}
    data = read_json(path, "thresholds file")
    rows = data.get("thresholds") if isinstance(data, dict) else None
    if not isinstance(rows, dict) or not all(
        isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v < 100
        for v in rows.values()
    ):
        raise DashbenchError(f"{path}: expected {{'thresholds': {{benchmark: fraction}}}}")
    return {str(k): float(v) for k, v in rows.items()}


def asv_thresholds(project: Project) -> dict[str, float]:
    """The ``regressions_thresholds`` table asv's publish needs for the same thresholds.

    asv applies the largest threshold of every matching regex, so each default is made to
    skip the calibrated names (which would otherwise get the larger of the two), and each
    calibrated name gets an exact row.
    """
    defaults = getattr(project.site.conf, "regressions_thresholds", {}) or {}
    names = sorted(project.calibrated)
    if not names:
        return dict(defaults)
    skip = "(?!(?:" + "|".join(re.escape(n) for n in names) + ")$)"
    table = {f"{skip}(?:{regex})": value for regex, value in defaults.items()}
    table.update({f"^{re.escape(n)}$": project.calibrated[n] for n in names})
    return table


def load_project(config: str | Path) -> Project:
    path = Path(config).resolve()
    return Project(path, load_site(path))


def language_of(benchmark: str) -> str:
    """Rust benchmarks are the bridge's ``criterion.*`` tracks and the Rust instruction counts
    (``instructions.rust.*``); everything else is Python."""
    if benchmark.startswith(("criterion.", f"{COUNT_PREFIX}rust.")):
        return "rust"
    return "python"


def metric_of(benchmark: str) -> str:
    """``instructions`` for the callgrind counts, ``time`` (or ``peakmem``) for the rest."""
    if benchmark.startswith(COUNT_PREFIX):
        return "instructions"
    return "peakmem" if ".peakmem_" in benchmark else "time"


def pair_ids(pairs: list[Pair]) -> dict[str, str]:
    """asv name (either side, either metric) -> Criterion id."""
    names = {name: p.criterion_id for p in pairs for name in (p.python, p.rust)}
    names.update({p.count(lang): p.criterion_id for p in pairs for lang in LANGUAGES})
    return names


def gap_start(repo: git.Repo, before: str, after: str) -> str | None:
    """``before`` when unmeasured commits lie between the two, else None (a one-commit step)."""
    try:
        between = repo.git.rev_list(f"{before}..{after}").split()
    except git.GitCommandError:
        return before  # not both in this repository: say where the gap starts
    return None if len(between) == 1 else before


def pair_sides(pairs: list[Pair], criterion_id: str) -> dict[str, str]:
    """{"python": asv name, "rust": asv name} of a pair id; an unknown id is a user error."""
    for p in pairs:
        if p.criterion_id == criterion_id:
            return {"python": p.python, "rust": p.rust}
    raise DashbenchError(f"{criterion_id!r} is not a pair id in the pairing table")

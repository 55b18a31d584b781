"""Drops of a pair's speedup, located where one of its sides changes level.

Rule: a speedup (Python median / Rust median) can only change where one of its two sides
changes level. The candidate commits are found side by side:
- when both sides are counted at every commit, where either side's instruction count steps
  past its threshold: these series repeat to 0.1% or better, so the location does not depend
  on the machine's load. Wall-time fits are not added then: under load (median load average
  10) one put a level change one commit early and made a second, false drop. A change counts
  cannot see (waiting, I/O) still shows as that side's own wall-time regression;
- otherwise, where either side's wall-time series changes level in its own fit, the fit the
  gate uses for benchmarks (:mod:`dashbench.gate.steps`).
At each candidate the speedup before it (the commits from the previous candidate) is compared
with the speedup after it (up to the next); a fall past the pair's threshold is a drop. Each
side's level is its median wall time, and a side that did not step at the candidate has one
level across it: its median is taken over both stretches, so its own drift cannot pass for a
change of the speedup. Under load (median load average 6, 8 commits) the Python side of a
pair drifted 1.7x between neighbouring commits and hid a 1.75x Rust step from the per-commit
speedups' medians; pooled, the drop is the Rust step alone.

Why not fit the speedup series itself: it carries both sides' noise, measured minutes apart on
a shared machine. With eight or so commits that noise hid a 2x drop under load that both sides'
own fits found, and in simulation (``tools/measure_step_fit.py --speedups``) the ratio fit
finds a 2x drop at its commit half as often as the sides' fits, and the counts' cuts find it
every time with no false drop (5+3 commits, 20% noise). The pair's threshold is the two sides'
thresholds combined in quadrature on the log scale, as independent noise adds.
"""

from __future__ import annotations

import itertools
import math
import statistics
from dataclasses import dataclass

from dashbench.gate.project import Project, gap_start
from dashbench.gate.steps import fit_steps
from dashbench.pairs import Pair, count_name
from dashbench.site import PairResult, load_series


@dataclass(frozen=True)
class SpeedupDrop:
    pair_id: str
    where: str  # machine / environment the series belongs to
    commit: str  # first commit with the lower speedup
    subject: str
    last_good: str | None  # previous measured commit, when commits between are unmeasured
    before: float  # median speedup before it
    after: float  # median speedup after it
    threshold: float


def pair_threshold(python: float, rust: float) -> float:
    """The threshold of a ratio of two series with these thresholds (noise in quadrature)."""
    return math.expm1(math.hypot(math.log1p(python), math.log1p(rust)))


def _usable(value: float | None) -> bool:
    return value is not None and math.isfinite(value) and value > 0


def level_changes(values: list[float | None], threshold: float = 0.0) -> set[int]:
    """Indices where a series' fitted level moves by more than ``threshold`` (the first index
    of each new level); missing and non-positive values are skipped."""
    index = [i for i, v in enumerate(values) if _usable(v)]
    steps = fit_steps([v for v in values if _usable(v)])
    return {
        index[left]
        for (_, _, before, _, _), (left, _, after, _, _) in itertools.pairwise(steps)
        if abs(after / before - 1.0) > threshold
    }


Cuts = dict[int, frozenset[str]]  # index of a new level -> the sides that step there


def side_cuts(python: set[int], rust: set[int]) -> Cuts:
    """Each side's level changes, merged: where a change is, and which sides it is on."""
    return {
        at: frozenset(side for side, cuts in (("python", python), ("rust", rust)) if at in cuts)
        for at in python | rust
    }


def drops_in(
    python: list[float], rust: list[float], cuts: Cuts, threshold: float
) -> list[tuple[int, float, float]]:
    """(index of the first commit after a drop, speedup before, speedup after)."""
    bounds = [0, *sorted(c for c in cuts if 0 < c < len(python)), len(python)]
    found = []
    for start, at, end in zip(bounds, bounds[1:-1], bounds[2:], strict=False):
        levels = {}
        for side, values in (("python", python), ("rust", rust)):
            stepped = side in cuts[at]
            levels[side] = (
                statistics.median(values[start:at] if stepped else values[start:end]),
                statistics.median(values[at:end] if stepped else values[start:end]),
            )
        before = levels["python"][0] / levels["rust"][0]
        after = levels["python"][1] / levels["rust"][1]
        if before / after - 1.0 > threshold:
            found.append((at, before, after))
    return found


def candidates(project: Project, pair: Pair, rows: list[PairResult]) -> Cuts:
    """Where a side changes level: its instruction count past the count's threshold when both
    sides are counted at every commit, else its wall time in its own fit."""
    python = [r.python_instructions for r in rows]
    rust = [r.rust_instructions for r in rows]
    if None in python or None in rust:
        return side_cuts(
            level_changes([r.python.median for r in rows]),
            level_changes([r.rust.median for r in rows]),
        )
    return side_cuts(
        level_changes(python, project.threshold(count_name(pair.criterion_id, "python"))),
        level_changes(rust, project.threshold(count_name(pair.criterion_id, "rust"))),
    )


def find_speedup_drops(project: Project) -> list[SpeedupDrop]:
    """Every speedup drop in every machine/environment series of the asv results."""
    pairs = project.pairs()
    repo = project.repo()
    drops = []
    for series in load_series(project.site, pairs=pairs):
        where = f"{series.machine}/{series.env}"
        for k, pair in enumerate(pairs):
            measured = [
                (report.commit, row)
                for report in series.commits
                if (row := report.rows[k]).speedup is not None and _usable(row.speedup.value)
            ]
            if len(measured) < 2:
                continue
            rows = [row for _, row in measured]
            python, rust = [r.python.median for r in rows], [r.rust.median for r in rows]
            threshold = pair_threshold(project.threshold(pair.python), project.threshold(pair.rust))
            cuts = candidates(project, pair, rows)
            for at, before, after in drops_in(python, rust, cuts, threshold):
                last_good, commit = measured[at - 1][0], measured[at][0]
                drops.append(
                    SpeedupDrop(
                        pair_id=pair.criterion_id,
                        where=where,
                        commit=commit.sha,
                        subject=commit.subject,
                        last_good=gap_start(repo, last_good.sha, commit.sha),
                        before=before,
                        after=after,
                        threshold=threshold,
                    )
                )
    return drops

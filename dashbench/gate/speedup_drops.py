"""Drops of a pair's speedup, found with the same step fit asv's publish uses for benchmarks.

Rule: for each pair and each machine/environment, take the speedup series over commits
(Python median / Rust median, with its confidence interval) and look at its inverse, the Rust
time as a fraction of the Python time, so that "worse" is "up" as asv expects. Feed it to
``asv.step_detect.detect_steps`` weighted like asv weights benchmarks (2 / CI width) and keep the
upward steps ``detect_regressions`` reports above the pair's threshold: the larger of the
``regressions_thresholds`` that apply to its two sides, since the ratio carries both sides' noise.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from asv.step_detect import detect_regressions, detect_steps

from dashbench.gate.project import Project
from dashbench.report.data import load_series


@dataclass(frozen=True)
class SpeedupPoint:
    commit: str
    speedup: float
    low: float  # confidence interval of the speedup
    high: float


@dataclass(frozen=True)
class SpeedupDrop:
    pair_id: str
    where: str  # machine / environment the series belongs to
    commit: str  # first commit with the lower speedup
    subject: str
    last_good: str | None  # previous measured commit, when commits between are unmeasured
    before: float  # speedup before the step
    after: float  # best speedup after it
    threshold: float


def _weight(point: SpeedupPoint) -> float | None:
    """asv's weight for a point, computed on the inverse speedup's interval."""
    if not (point.low > 0 and point.high > 0):
        return None
    width = abs(1.0 / point.low - 1.0 / point.high)
    return 2.0 / width if width > 0 and math.isfinite(width) else None


def detect_drops(
    points: Sequence[SpeedupPoint], threshold: float
) -> list[tuple[int, int, float, float]]:
    """Steps down in the speedup as (index before, index after, speedup before, speedup after).

    Indices point into ``points`` (ordered oldest first); before/after are speedups.
    """
    usable = [p for p in points if p.speedup > 0 and math.isfinite(p.speedup)]
    if len(usable) < 2:
        return []
    y = [1.0 / p.speedup for p in usable]
    w = [_weight(p) for p in usable]
    steps = detect_steps(y, w)
    _last, _best, jumps = detect_regressions(steps, threshold)
    index = {id(p): i for i, p in enumerate(points)}
    drops = []
    for pos_before, pos_after, inv_before, inv_after in jumps or []:
        i_before = index[id(usable[pos_before])]
        i_after = index[id(usable[pos_after])]
        drops.append((i_before, i_after, 1.0 / inv_before, 1.0 / inv_after))
    return drops


def find_speedup_drops(project: Project) -> list[SpeedupDrop]:
    """Every speedup drop in every machine/environment series of the asv results."""
    pairs = project.pairs()
    repo = project.repo()
    drops = []
    for series in load_series(project.site, pairs=pairs):
        where = f"{series.machine}/{series.env}"
        for k, pair in enumerate(pairs):
            points, subjects = [], []
            for report in series.commits:
                s = report.rows[k].speedup
                if s is not None:
                    low, high = (s.low, s.high) if s.has_interval else (s.value, s.value)
                    points.append(SpeedupPoint(report.commit.sha, s.value, low, high))
                    subjects.append(report.commit.subject)
            threshold = max(project.threshold(pair.python), project.threshold(pair.rust))
            for i_before, i_after, before, after in detect_drops(points, threshold):
                last_good, commit = points[i_before].commit, points[i_after].commit
                adjacent = len(repo.git.rev_list(f"{last_good}..{commit}").split()) == 1
                drops.append(
                    SpeedupDrop(
                        pair_id=pair.criterion_id,
                        where=where,
                        commit=commit,
                        subject=subjects[i_after],
                        last_good=None if adjacent else last_good,
                        before=before,
                        after=after,
                        threshold=threshold,
                    )
                )
    return drops

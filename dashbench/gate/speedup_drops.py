"""Drops of a pair's speedup, found with the same step fit the gate uses for benchmarks.

Rule: for each pair and each machine/environment, take the speedup series over commits
(Python median / Rust median) and look at its inverse, the Rust time as a fraction of the
Python time, so that "worse" is "up" as asv expects. Fit it like the benchmarks'
series (:mod:`dashbench.gate.steps`) and keep the upward steps above the pair's threshold. The
ratio carries both sides' noise, and independent noise adds in quadrature on the log scale, so
the pair's threshold is the two sides' ``regressions_thresholds`` combined that way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from dashbench.gate.project import Project, gap_start
from dashbench.gate.steps import find_steps_up
from dashbench.site import load_series


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


def pair_threshold(python: float, rust: float) -> float:
    """The threshold of a ratio of two series with these thresholds (noise in quadrature)."""
    return math.expm1(math.hypot(math.log1p(python), math.log1p(rust)))


def find_speedup_drops(project: Project) -> list[SpeedupDrop]:
    """Every speedup drop in every machine/environment series of the asv results."""
    pairs = project.pairs()
    repo = project.repo()
    drops = []
    for series in load_series(project.site, pairs=pairs):
        where = f"{series.machine}/{series.env}"
        for k, pair in enumerate(pairs):
            measured = [
                (report.commit, speedup.value)
                for report in series.commits
                if (speedup := report.rows[k].speedup) is not None and speedup.value > 0
            ]
            threshold = pair_threshold(project.threshold(pair.python), project.threshold(pair.rust))
            inverse = [1.0 / value for _, value in measured]
            for i_before, i_after, slow_before, slow_after in find_steps_up(inverse, threshold):
                last_good, commit = measured[i_before][0], measured[i_after][0]
                drops.append(
                    SpeedupDrop(
                        pair_id=pair.criterion_id,
                        where=where,
                        commit=commit.sha,
                        subject=commit.subject,
                        last_good=gap_start(repo, last_good.sha, commit.sha),
                        before=1.0 / slow_before,
                        after=1.0 / slow_after,
                        threshold=threshold,
                    )
                )
    return drops

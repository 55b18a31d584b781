"""The step fit behind the gate: asv's Potts solver and regression rule, with a robust penalty.

asv's publish picks the Potts penalty itself (``solve_potts_autogamma``: an AR(1) noise fit plus
a BIC term) and weights every point by 2 / (99% CI width). On this kind of machine both fail
the same way: a commit's CI comes from samples taken within seconds, while the level moves
10-30% between runs minutes apart, and with eight or so commits the AR(1) fit explains a clear
step as correlated noise. Measured on the end-to-end history (2.0x to 3.8x steps, three
post-step commits), publish reported neither step in any of 6 runs; in simulation (8+8 commits, 10%
lognormal noise) autogamma finds a 30% step 5% of the time and this fit 62%
(``tools/measure_step_fit.py``).

Here the series is fitted in log space (slowdowns are ratios, and the noise scales with the
level) with equal weights, by ``asv.step_detect.solve_potts_approx``, at a penalty of
``PENALTY`` noise units. The noise unit is the median absolute difference between neighbouring
commits (scaled to a standard deviation), which a handful of steps cannot inflate. Which steps
count as regressions is asv's own ``detect_regressions`` with the ``regressions_thresholds``
of asv.conf.json, so thresholds keep meaning what they mean for asv.
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Sequence

from asv.step_detect import detect_regressions, solve_potts_approx

PENALTY = 6.0  # noise units a new level must save in L1 cost; see tools/measure_step_fit.py
NOISE_FLOOR = 1e-3  # log units (0.1%): a series with identical values still gets a finite fit
MAD_TO_SIGMA = 1.0 / (0.6745 * math.sqrt(2.0))  # |x_i - x_j| of two N(0, s) draws -> s

Step = tuple[int, int, float, float, float]  # as asv.step_detect.detect_steps: l, r, v, min, err


def noise_scale(logs: Sequence[float]) -> float:
    """Standard deviation of the commit-to-commit noise, from neighbouring differences."""
    diffs = [abs(b - a) for a, b in itertools.pairwise(logs)]
    if not diffs:
        return NOISE_FLOOR
    return max(NOISE_FLOOR, statistics.median(diffs) * MAD_TO_SIGMA)


def fit_steps(values: Sequence[float]) -> list[Step]:
    """Piecewise-constant fit of positive values, in the shape ``detect_regressions`` takes."""
    logs = [math.log(v) for v in values]
    if not logs:
        return []
    right, levels, dists = solve_potts_approx(
        logs, [1.0] * len(logs), gamma=PENALTY * noise_scale(logs)
    )
    steps, left = [], 0
    for r, level, dist in zip(right, levels, dists, strict=True):
        value = math.exp(level)
        spread = math.exp(abs(dist) / (r - left)) - 1.0  # mean |log deviation| as a ratio
        steps.append((left, r, value, min(values[left:r]), value * spread))
        left = r
    return steps


def find_steps_up(
    values: Sequence[float | None], threshold: float
) -> list[tuple[int, int, float, float]]:
    """Upward steps above ``threshold``: (index before, index after, value before, best after).

    Indices point into ``values``; missing, non-finite or non-positive values are skipped.
    """
    index = [i for i, v in enumerate(values) if v is not None and math.isfinite(v) and v > 0]
    if len(index) < 2:
        return []
    _last, _best, jumps = detect_regressions(fit_steps([values[i] for i in index]), threshold)
    return [(index[a], index[b], before, after) for a, b, before, after in jumps or []]

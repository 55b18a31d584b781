"""Speedup arithmetic for Python/Rust pairs: ratios of medians, bootstrap intervals, geomeans.

Pure functions on numbers, so the report and the regression gate share one definition of
"speedup" and neither can drift from the other.

The interval is a percentile bootstrap of the ratio of the two medians, each side resampled
independently. The resampling plan (which sample positions each replicate draws) depends only
on the sample count and a fixed seed, so the same data always gives the same interval, and a
report over thousands of pairs costs one small array lookup per pair instead of a fresh
resampling: with the samples sorted, the median of a resample is read off the sorted samples
at the resample's middle positions.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

CONFIDENCE = 0.95
RESAMPLES = 2000  # Efron and Tibshirani: 1000-2000 resamples for percentile intervals
# Fewer samples than this on either side give an interval that only reflects the gaps
# between a handful of values; report no interval rather than a falsely narrow one.
MIN_SAMPLES = 3
_SEED = 20240613


@dataclass(frozen=True)
class Speedup:
    """Python median / Rust median; low/high bound the interval, None when samples are missing."""

    value: float
    low: float | None = None
    high: float | None = None

    @property
    def has_interval(self) -> bool:
        return self.low is not None and self.high is not None


@dataclass(frozen=True)
class GeoMean:
    """Geometric mean of the speedups that had data, and how many that was out of how many."""

    value: float | None
    count: int
    total: int


def _usable(value: float | None) -> bool:
    return value is not None and math.isfinite(value) and value > 0


@functools.lru_cache(maxsize=64)
def _median_positions(n: int, stream: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions (in sorted order) of the two middle values of each resample of n samples."""
    rng = np.random.default_rng([_SEED, n, stream])
    draws = np.sort(rng.integers(0, n, size=(RESAMPLES, n)), axis=1)
    return draws[:, (n - 1) // 2], draws[:, n // 2]


def bootstrap_medians(samples: Sequence[float], stream: int) -> np.ndarray | None:
    """Medians of RESAMPLES bootstrap resamples (numpy's median: mean of the middle pair)."""
    values = np.asarray(samples, dtype=float)
    values = np.sort(values[np.isfinite(values) & (values > 0)])
    if values.size < MIN_SAMPLES:
        return None
    low, high = _median_positions(values.size, stream)
    return (values[low] + values[high]) / 2.0


def ratio_interval(
    numerator: Sequence[float] | None,
    denominator: Sequence[float] | None,
    confidence: float = CONFIDENCE,
) -> tuple[float, float] | None:
    """Percentile bootstrap interval of median(numerator) / median(denominator)."""
    if not numerator or not denominator:
        return None
    top = bootstrap_medians(numerator, stream=0)
    bottom = bootstrap_medians(denominator, stream=1)
    if top is None or bottom is None:
        return None
    # Order statistics at the tail ranks: np.quantile's interpolation buys nothing at
    # thousands of replicates and costs more than the rest of the bootstrap.
    ranks = _tail_ranks(confidence)
    low, high = np.partition(top / bottom, ranks)[list(ranks)]
    return float(low), float(high)


@functools.lru_cache(maxsize=8)
def _tail_ranks(confidence: float) -> tuple[int, int]:
    tail = (1.0 - confidence) / 2.0
    return round(tail * (RESAMPLES - 1)), round((1.0 - tail) * (RESAMPLES - 1))


def speedup(
    python_median: float | None,
    rust_median: float | None,
    python_samples: Sequence[float] | None = None,
    rust_samples: Sequence[float] | None = None,
    confidence: float = CONFIDENCE,
) -> Speedup | None:
    """How many times faster Rust is; None when either median is missing, NaN or not positive."""
    if not (_usable(python_median) and _usable(rust_median)):
        return None
    interval = ratio_interval(python_samples, rust_samples, confidence)
    value = python_median / rust_median
    if interval is None:
        return Speedup(value)
    return Speedup(value, *interval)


def geomean(values: Iterable[float | None]) -> GeoMean:
    """Geometric mean over the usable values; missing ones are counted, never invented."""
    items = list(values)
    usable = [v for v in items if _usable(v)]
    if not usable:
        return GeoMean(None, 0, len(items))
    return GeoMean(float(np.exp(np.mean(np.log(usable)))), len(usable), len(items))


def relative_change(current: float | None, previous: float | None) -> float | None:
    """current / previous - 1 (e.g. -0.2 = 20% lower), None unless both are usable."""
    if not (_usable(current) and _usable(previous)):
        return None
    return current / previous - 1.0


def intervals_disjoint(current: Speedup | None, previous: Speedup | None) -> bool | None:
    """Whether two speedups' intervals do not overlap; None when either lacks an interval."""
    if current is None or previous is None or not (current.has_interval and previous.has_interval):
        return None
    return current.high < previous.low or previous.high < current.low

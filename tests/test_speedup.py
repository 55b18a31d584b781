"""dashbench.speedup: the numbers every report and gate row is built from."""

from __future__ import annotations

import math

import numpy as np
import pytest

from dashbench import speedup as sp


def _lognormal(median: float, n: int, seed: int) -> list[float]:
    rng = np.random.default_rng(seed)
    return list(median * rng.lognormal(0.0, 0.1, size=n))


def test_speedup_is_python_median_over_rust_median_with_an_interval_around_it() -> None:
    py, rs = _lognormal(2e-3, 20, 1), _lognormal(1e-4, 100, 2)
    result = sp.speedup(float(np.median(py)), float(np.median(rs)), py, rs)
    assert result is not None
    assert result.value == pytest.approx(np.median(py) / np.median(rs))
    assert result.low < result.value < result.high
    assert result.low > 15 and result.high < 25


def test_interval_matches_a_plain_numpy_bootstrap() -> None:
    """The sorted-position shortcut must give what resampling with np.median gives."""
    py, rs = _lognormal(3e-3, 15, 3), _lognormal(2e-4, 60, 4)
    rng = np.random.default_rng(7)
    top = np.median(rng.choice(py, size=(20000, len(py))), axis=1)
    bottom = np.median(rng.choice(rs, size=(20000, len(rs))), axis=1)
    plain = np.quantile(top / bottom, [0.025, 0.975])
    low, high = sp.ratio_interval(py, rs)
    width = plain[1] - plain[0]
    assert low == pytest.approx(plain[0], abs=0.1 * width)
    assert high == pytest.approx(plain[1], abs=0.1 * width)


def test_interval_is_reproducible_and_widens_with_noise() -> None:
    py, rs = _lognormal(1.0, 20, 5), _lognormal(1.0, 20, 6)
    assert sp.ratio_interval(py, rs) == sp.ratio_interval(py, rs)
    noisy = list(np.asarray(py) * np.random.default_rng(8).lognormal(0, 0.5, size=20))
    quiet_width = np.subtract(*reversed(sp.ratio_interval(py, rs)))
    noisy_width = np.subtract(*reversed(sp.ratio_interval(noisy, rs)))
    assert noisy_width > quiet_width


@pytest.mark.parametrize(
    ("python_median", "rust_median"),
    [(None, 1.0), (1.0, None), (math.nan, 1.0), (1.0, math.nan), (1.0, 0.0), (-1.0, 1.0)],
)
def test_missing_or_unusable_medians_give_no_speedup(python_median, rust_median) -> None:
    assert sp.speedup(python_median, rust_median, [1.0] * 5, [1.0] * 5) is None


def test_too_few_samples_give_a_point_without_an_interval() -> None:
    result = sp.speedup(2.0, 1.0, [2.0, 2.1], [1.0, 1.1, 0.9, 1.0])
    assert result == sp.Speedup(2.0)
    assert not result.has_interval
    assert sp.speedup(2.0, 1.0, None, [1.0] * 5) == sp.Speedup(2.0)
    # NaN samples are dropped, not propagated into the interval.
    nan_padded = sp.speedup(2.0, 1.0, [2.0, math.nan, 2.0, 2.0], [1.0, 1.0, 1.0])
    assert nan_padded.low == pytest.approx(2.0) and nan_padded.high == pytest.approx(2.0)


def test_geomean_skips_missing_values_and_counts_them() -> None:
    result = sp.geomean([2.0, 8.0, None, math.nan])
    assert result.value == pytest.approx(4.0)
    assert (result.count, result.total) == (2, 4)
    assert sp.geomean([None]) == sp.GeoMean(None, 0, 1)
    assert sp.geomean([]) == sp.GeoMean(None, 0, 0)


def test_relative_change_and_interval_overlap() -> None:
    assert sp.relative_change(8.0, 10.0) == pytest.approx(-0.2)
    assert sp.relative_change(8.0, None) is None
    assert sp.relative_change(None, 10.0) is None
    a, b = sp.Speedup(10.0, 9.0, 11.0), sp.Speedup(5.0, 4.0, 6.0)
    assert sp.intervals_disjoint(a, b) is True
    assert sp.intervals_disjoint(a, sp.Speedup(10.5, 10.2, 12.0)) is False
    assert sp.intervals_disjoint(a, sp.Speedup(5.0)) is None
    assert sp.intervals_disjoint(a, None) is None

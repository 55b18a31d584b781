"""Where a speedup drops: candidates from each side's level changes, verdict on the speedup."""

from __future__ import annotations

import statistics

import pytest

from dashbench.gate.speedup_drops import drops_in, level_changes, pair_threshold, side_cuts

THRESHOLD = pair_threshold(0.10, 0.05)  # the two sides' default time thresholds: 11.2%
# Wall time as a busy machine gives it: +-25% from commit to commit on both sides.
PYTHON = [1.00, 1.28, 0.80, 1.22, 0.83, 1.25, 0.79, 1.18]
NOISE = [0.81, 1.24, 1.05, 0.78, 1.26, 1.20, 0.82, 0.77]
CULPRIT = 5
RUST = [n * (2.0 if i >= CULPRIT else 1.0) for i, n in enumerate(NOISE)]  # 2x slower at 5
# Instruction counts of the same commits: a 2% spread at most, and Rust's +100% at the culprit.
PY_COUNTS = [4.56e6, 4.57e6, 4.56e6, 4.56e6, 4.57e6, 4.56e6, 4.56e6, 4.57e6]
RUST_COUNTS = [16_647.0] * CULPRIT + [33_300.0] * (8 - CULPRIT)


def test_noisy_wall_time_alone_does_not_locate_this_drop() -> None:
    """The series above is one where neither the sides' fits nor the ratio pin the culprit."""
    assert CULPRIT not in level_changes(PYTHON) | level_changes(RUST)


def test_the_count_step_locates_the_drop_at_the_culprit() -> None:
    cuts = side_cuts(level_changes(PY_COUNTS, 0.01), level_changes(RUST_COUNTS, 0.01))
    assert cuts == {CULPRIT: {"rust"}}
    [(at, before, after)] = drops_in(PYTHON, RUST, cuts, THRESHOLD)
    assert at == CULPRIT
    assert before / after == pytest.approx(2.0, rel=0.35)


def test_the_side_that_did_not_step_is_one_level_across_the_cut() -> None:
    """A nightly measured at load average 6 (ms and us): Python drifted 1.7x between neighbours
    while Rust's count stepped at the culprit and its time went 1.75x. The medians of the
    per-commit speedups move 1.28x, under the pair's calibrated 29%; with Python's one level
    pooled across the cut, the drop is Rust's step."""
    python = [2.37, 2.76, 3.38, 2.44, 3.33, 3.95, 2.41, 3.87]
    rust = [2.81, 2.43, 2.20, 2.63, 2.36, 3.84, 4.25, 4.38]
    calibrated = 0.293
    speedups = [p / r for p, r in zip(python, rust, strict=True)]
    per_commit = statistics.median(speedups[:CULPRIT]) / statistics.median(speedups[CULPRIT:])
    assert per_commit - 1.0 < calibrated
    [(at, before, after)] = drops_in(python, rust, {CULPRIT: frozenset({"rust"})}, calibrated)
    assert at == CULPRIT
    assert before / after == pytest.approx(
        statistics.median(rust[CULPRIT:]) / statistics.median(rust[:CULPRIT])
    )


def test_count_moves_under_their_threshold_are_not_candidates() -> None:
    assert level_changes([100.0, 100.0, 100.0, 100.4, 100.4, 100.4], 0.01) == set()
    assert level_changes([100.0, 100.0, 100.0, 103.0, 103.0, 103.0], 0.01) == {3}
    assert level_changes([100.0, None, 100.0, 0.0, 103.0, 103.0], 0.01) == {4}  # gaps skipped


def test_a_count_step_without_a_speedup_change_is_no_drop() -> None:
    """Both sides slowed alike at the candidate: the speedup holds, so nothing is reported."""
    python = [v * (1.5 if i >= CULPRIT else 1.0) for i, v in enumerate(PYTHON)]
    rust = [v * (1.5 if i >= CULPRIT else 1.0) for i, v in enumerate(NOISE)]
    assert drops_in(python, rust, {CULPRIT: frozenset({"python", "rust"})}, THRESHOLD) == []


def test_a_python_speedup_is_a_drop_too() -> None:
    """Python getting 2x faster halves the speedup as surely as Rust getting slower."""
    python, rust = [100.0, 104.0, 97.0, 50.0, 52.0, 49.0], [1.0, 1.02, 0.98, 1.01, 0.99, 1.0]
    cuts = {3: frozenset({"python"})}
    assert [at for at, _, _ in drops_in(python, rust, cuts, THRESHOLD)] == [3]
    assert drops_in(python[::-1], rust, cuts, THRESHOLD) == []  # a rise is not a drop

"""Where a speedup drops: candidates from each side's level changes, verdict on the speedup."""

from __future__ import annotations

import pytest

from dashbench.gate.speedup_drops import drops_in, level_changes, pair_threshold

THRESHOLD = pair_threshold(0.10, 0.05)  # the two sides' default time thresholds: 11.2%
# Wall time as a busy machine gives it: +-25% from commit to commit on both sides.
PYTHON = [1.00, 1.28, 0.80, 1.22, 0.83, 1.25, 0.79, 1.18]
NOISE = [0.81, 1.24, 1.05, 0.78, 1.26, 1.20, 0.82, 0.77]
CULPRIT = 5
RUST = [n * (2.0 if i >= CULPRIT else 1.0) for i, n in enumerate(NOISE)]  # 2x slower at 5
SPEEDUPS = [p / r for p, r in zip(PYTHON, RUST, strict=True)]
# Instruction counts of the same commits: a 2% spread at most, and Rust's +100% at the culprit.
PY_COUNTS = [4.56e6, 4.57e6, 4.56e6, 4.56e6, 4.57e6, 4.56e6, 4.56e6, 4.57e6]
RUST_COUNTS = [16_647.0] * CULPRIT + [33_300.0] * (8 - CULPRIT)


def test_noisy_wall_time_alone_does_not_locate_this_drop() -> None:
    """The series above is one where neither the sides' fits nor the ratio pin the culprit."""
    assert CULPRIT not in level_changes(PYTHON) | level_changes(RUST)


def test_the_count_step_locates_the_drop_at_the_culprit() -> None:
    cuts = level_changes(PY_COUNTS, 0.01) | level_changes(RUST_COUNTS, 0.01)
    assert cuts == {CULPRIT}
    [(at, before, after)] = drops_in(SPEEDUPS, cuts, THRESHOLD)
    assert at == CULPRIT
    assert before / after == pytest.approx(2.0, rel=0.35)


def test_count_moves_under_their_threshold_are_not_candidates() -> None:
    assert level_changes([100.0, 100.0, 100.0, 100.4, 100.4, 100.4], 0.01) == set()
    assert level_changes([100.0, 100.0, 100.0, 103.0, 103.0, 103.0], 0.01) == {3}
    assert level_changes([100.0, None, 100.0, 0.0, 103.0, 103.0], 0.01) == {4}  # gaps skipped


def test_a_count_step_without_a_speedup_change_is_no_drop() -> None:
    """Both sides slowed alike at the candidate: the speedup holds, so nothing is reported."""
    flat = [2.0, 2.1, 1.9, 2.0, 2.05, 1.95, 2.0, 2.02]
    assert drops_in(flat, {CULPRIT}, THRESHOLD) == []


def test_a_python_speedup_is_a_drop_too() -> None:
    """Python getting 2x faster halves the speedup as surely as Rust getting slower."""
    speedups = [100.0, 104.0, 97.0, 50.0, 52.0, 49.0]
    assert [at for at, _, _ in drops_in(speedups, {3}, THRESHOLD)] == [3]
    assert drops_in(list(reversed(speedups)), {3}, THRESHOLD) == []  # a rise is not a drop

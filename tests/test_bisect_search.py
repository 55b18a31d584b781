"""The bisection's search on measurements with a burst of load in them (no asv, no cargo).

The measure below is the machine as the wall-time probes see it: a level per commit (2x from
the culprit on) times a load factor that is the same for the commits measured together
(interleaved rounds) but changes between measurements, and whose bursts can swamp the step.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dashbench.errors import DashbenchError
from dashbench.pipeline.bisect import ATTEMPTS, Target, search

COMMITS = [f"{i:040x}" for i in range(8)]  # GOOD, then 7 commits to BAD
CULPRIT = 5
TARGET = Target("criterion.sequential_execution.track_5_nodes_complex", "seconds", 0.05)


class Machine:
    """Each call is one interleaved measurement: one load factor for all its commits, and in a
    burst each commit also gets its own large factor, as a swamped triple does."""

    def __init__(
        self, loads: Iterator[float], bursts: set[int], lifts: dict[int, float] | None = None
    ) -> None:
        self.loads, self.bursts, self.calls = loads, bursts, 0
        self.lifts = lifts or {}  # call -> a factor on the probed commit alone

    def __call__(self, commits: list[str]) -> dict[str, float]:
        self.calls += 1
        load = next(self.loads)
        values = {}
        for n, c in enumerate(commits):
            level = 2.0e-6 if COMMITS.index(c) >= CULPRIT else 1.0e-6
            swamp = (3.0, 1.2, 1.5)[n] if self.calls in self.bursts else 1.0
            lift = self.lifts.get(self.calls, 1.0) if n == 1 else 1.0
            values[c] = level * load * swamp * lift
        return values


def steady(factor: float = 1.0) -> Iterator[float]:
    while True:
        yield factor


def test_a_steady_machine_finds_the_culprit_in_three_probes() -> None:
    said: list[str] = []
    machine = Machine(steady(2.5), set())
    culprit, before, after = search(COMMITS, machine, TARGET, said.append)
    assert culprit == CULPRIT and after / before == pytest.approx(2.0)
    assert machine.calls == 4  # the ends, then one measurement per probe
    assert [line.rsplit(": ", 1)[1] for line in said if line.startswith("probe ")] == [
        "good", "bad", "good"
    ]  # fmt: skip


def test_a_swamped_probe_is_measured_again_not_judged() -> None:
    """The burst of the third call would have judged commit 5 good (its ends read 3x and 1.5x
    the good level): with the re-measurement the culprit stays right."""
    said: list[str] = []
    machine = Machine(steady(), {3})
    culprit, _, _ = search(COMMITS, machine, TARGET, said.append)
    assert culprit == CULPRIT
    assert machine.calls == 5
    assert any("measuring again (1/3)" in line for line in said), said


def test_a_probe_between_its_ends_is_measured_again_not_guessed() -> None:
    """Commit 3 has the good code, but its first measurement reads 1.45x (just past the
    midpoint of a 2x step, as seen at load 6): judged at once, it would have been bad."""
    said: list[str] = []
    machine = Machine(steady(), set(), lifts={2: 1.45})
    culprit, _, _ = search(COMMITS, machine, TARGET, said.append)
    assert culprit == CULPRIT
    assert machine.calls == 5
    assert any("0.54 of the way from its good end" in line for line in said), said


def test_a_machine_that_never_settles_is_an_error_not_a_guess() -> None:
    machine = Machine(steady(), set(range(2, 2 + ATTEMPTS)))
    with pytest.raises(DashbenchError, match="load swamped the step"):
        search(COMMITS, machine, TARGET, lambda line: None)


def test_counts_are_judged_as_measured() -> None:
    """Deterministic values need no second look (and a count series has no bursts)."""
    machine = Machine(steady(), set())
    assert search(COMMITS, machine, TARGET, lambda line: None, exact=True)[0] == CULPRIT


def test_no_step_between_good_and_bad_is_an_error() -> None:
    flat = {c: 1.0e-6 for c in COMMITS}
    with pytest.raises(DashbenchError, match="no step to bisect"):
        search(COMMITS, lambda commits: {c: flat[c] for c in commits}, TARGET, print)

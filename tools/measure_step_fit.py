"""How often asv's publish fit and the gate's fit find a step, and how often they invent one.

Usage: python tools/measure_step_fit.py [--trials 300] [--seed 1] [--results DIR --machine M]
       python tools/measure_step_fit.py --speedups [--trials 300] [--seed 1]

Simulation: ``before`` commits at level 1 and ``after`` commits at level ``step``, each value
multiplied by lognormal noise of the given sigma (the commit-to-commit wander measured here).
A hit is a regression reported at the first slow commit; a false alarm is any other one.
Both fits end in asv's ``detect_regressions`` at the same threshold; they differ only in the
fit: asv's ``detect_steps`` (autogamma, equal weights: asv's CI weights can only do worse when
the CIs are narrower than the wander) against :func:`dashbench.gate.steps.find_steps_up`.

With --speedups, a pair's speedup instead: Python and Rust wall time with independent noise,
Rust slower by ``step`` from the culprit on. Three ways to find the drop: the old fit of the
speedup series itself, the gate's candidates from each side's own wall-time fit, and the gate's
candidates when counts exist: the counts' step alone (counts repeat, so it is always located).

With --results, the same comparison on a real asv results directory: for every benchmark of
machine M, the commits in git order of the results' repository (the current directory), with
asv's own CI weights for the publish fit.
"""

from __future__ import annotations

import argparse
import math
import random
from collections.abc import Sequence

from asv import _stats
from asv.results import iter_results_for_machine
from asv.step_detect import detect_regressions, detect_steps

from dashbench.gate.speedup_drops import drops_in, level_changes, pair_threshold, side_cuts
from dashbench.gate.steps import find_steps_up

SIGMAS = (0.03, 0.1, 0.2)
STEPS = (1.0, 1.1, 1.3, 2.5)
SHAPES = ((5, 3), (8, 8), (30, 5))
THRESHOLD = 0.05


def asv_fit(values: Sequence[float], weights: Sequence[float | None] | None) -> list[int]:
    """Commit indices where asv's publish would report a regression."""
    _last, _best, jumps = detect_regressions(detect_steps(values, weights), THRESHOLD)
    return [after for _before, after, _v, _best_after in jumps or []]


def gate_fit(values: Sequence[float]) -> list[int]:
    return [after for _before, after, _v, _a in find_steps_up(values, THRESHOLD)]


def _cell(hits: int, false: int, trials: int) -> str:
    return f"{100 * hits / trials:5.0f}%/{100 * false / trials:3.0f}%"


def simulate(trials: int, rng: random.Random) -> None:
    print(f"{'before+after':>12} {'sigma':>5} {'step':>5} {'asv hit/false':>14} {'gate':>15}")
    for before, after in SHAPES:
        for sigma in SIGMAS:
            for step in STEPS:
                counts = {"asv": [0, 0], "gate": [0, 0]}
                for _ in range(trials):
                    values = [rng.lognormvariate(0.0, sigma) for _ in range(before + after)]
                    values[before:] = [v * step for v in values[before:]]
                    for name, found in (("asv", asv_fit(values, None)), ("gate", gate_fit(values))):
                        counts[name][0] += before in found and step > 1.0
                        counts[name][1] += any(i != before for i in found)
                asv, gate = (_cell(h, f, trials) for h, f in counts.values())
                print(f"{before:>6}+{after:<5} {sigma:5.2f} {step:5.2f} {asv:>14} {gate:>15}")


def simulate_speedups(trials: int, rng: random.Random) -> None:
    threshold = pair_threshold(0.10, 0.05)  # the default time thresholds of the two sides
    columns = ("ratio fit", "sides", "+counts")
    print(f"{'before+after':>12} {'sigma':>5} {'step':>5} " + " ".join(f"{c:>10}" for c in columns))
    for before, after in SHAPES[:2]:
        for sigma in SIGMAS:
            for step in (1.0, 1.5, 2.0, 3.0):
                counts = {"ratio": [0, 0], "sides": [0, 0], "counts": [0, 0]}
                for _ in range(trials):
                    n = before + after
                    python = [rng.lognormvariate(0.0, sigma) for _ in range(n)]
                    rust = [
                        rng.lognormvariate(0.0, sigma) * (step if i >= before else 1.0)
                        for i in range(n)
                    ]
                    speedups = [p / r for p, r in zip(python, rust, strict=True)]
                    sides = side_cuts(level_changes(python), level_changes(rust))
                    counted = side_cuts(set(), {before} if step > 1.0 else set())
                    found = {
                        "ratio": [
                            a
                            for _b, a, _v, _w in find_steps_up([1 / s for s in speedups], threshold)
                        ],
                        "sides": [at for at, _, _ in drops_in(python, rust, sides, threshold)],
                        "counts": [at for at, _, _ in drops_in(python, rust, counted, threshold)],
                    }
                    for name, where in found.items():
                        counts[name][0] += before in where and step > 1.0
                        counts[name][1] += any(i != before for i in where)
                cells = (_cell(h, f, trials) for h, f in counts.values())
                print(
                    f"{before:>6}+{after:<5} {sigma:5.2f} {step:5.2f} "
                    + " ".join(f"{c:>10}" for c in cells)
                )


def real(results_dir: str, machine: str) -> None:
    import git

    order = {sha: i for i, sha in enumerate(reversed(git.Repo(".").git.rev_list("HEAD").split()))}
    series: dict[str, dict[int, tuple[float, float | None]]] = {}
    for results in iter_results_for_machine(results_dir, machine):
        if results.commit_hash not in order:
            continue
        for name in results.get_all_result_keys():
            value = results.get_result_value(name, [])[0]
            stats = results.get_result_stats(name, [])[0]
            if value is not None and math.isfinite(value) and value > 0:
                point = (value, _stats.get_weight(stats) if stats else None)
                series.setdefault(name, {})[order[results.commit_hash]] = point
    for name, points in sorted(series.items()):
        ranks = sorted(points)
        values = [points[r][0] for r in ranks]
        weights = [points[r][1] for r in ranks]
        print(f"{name}: asv at {asv_fit(values, weights)}, gate at {gate_fit(values)}")
        print(f"    levels / first: {[round(v / values[0], 2) for v in values]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--results", help="an asv results directory to compare on")
    parser.add_argument("--machine", help="with --results: the machine name")
    parser.add_argument("--speedups", action="store_true", help="simulate speedup drops instead")
    args = parser.parse_args()
    if args.speedups:
        simulate_speedups(args.trials, random.Random(args.seed))
    elif args.results:
        real(args.results, args.machine)
    else:
        simulate(args.trials, random.Random(args.seed))


if __name__ == "__main__":
    main()

"""Each conditional_branching benchmark run once through its asv class
(docs/workloads.md §conditional_branching).

The path routed is read back from an ``updates`` stream of the benchmark's own compiled graph.
"""

from __future__ import annotations

from benchmarks import conditional_branching as bench
from dashbench.workloads.states import make_complex


def routed_path(instance) -> list[str]:
    chunks = instance.app.stream(make_complex(), instance.config, stream_mode="updates")
    return [next(iter(chunk)) for chunk in chunks]


def test_binary_conditional_takes_the_odd_path(run_benchmark):
    instance, state = run_benchmark(bench.BinaryConditional, "time_binary_conditional")
    assert state["counter"] == 1
    assert state["next"] == "odd"
    assert state["messages"] == ["Initial message", "Odd path"]
    assert routed_path(instance) == ["start", "odd"]


def test_loop_with_exit_condition_runs_5_times(run_benchmark):
    instance, state = run_benchmark(bench.LoopWithExitCondition, "time_loop_with_exit_condition")
    assert state["counter"] == 5
    assert state["messages"] == ["Initial message", *(f"Iteration {n}" for n in range(1, 6))]
    assert state["next"] == "end"
    assert routed_path(instance) == ["processor"] * 5


def test_multi_branch_4_routes_takes_route_b(run_benchmark):
    instance, state = run_benchmark(bench.MultiBranch4Routes, "time_multi_branch_4_routes")
    assert state["counter"] == 1
    assert state["messages"] == ["Initial message", "Processed by route_b"]
    assert routed_path(instance) == ["router", "route_b"]

"""Each stress_tests benchmark run once through its asv class, checked against
docs/workloads.md §stress_tests."""

from __future__ import annotations

import pytest
from langgraph.errors import GraphRecursionError

from benchmarks import stress_tests as bench
from dashbench.workloads.states import make_complex
from dashbench.workloads.stress_tests import STRESS_RECURSION_LIMIT


def test_large_graph_100_nodes(run_benchmark):
    instance, state = run_benchmark(bench.LargeGraph100Nodes, "time_large_graph_100_nodes")
    assert state["counter"] == 100
    assert state["messages"] == ["Initial message", *(f"Node {i}" for i in range(100))]
    assert instance.config["recursion_limit"] == STRESS_RECURSION_LIMIT


def test_deep_nesting_10_levels(run_benchmark):
    _, state = run_benchmark(bench.DeepNesting10Levels, "time_deep_nesting_10_levels")
    assert state["counter"] == 10
    assert state["messages"][1:] == [f"Level {level}" for level in range(10)]
    assert state["next"] == "end"


def test_wide_fanout_50_parallel_branches(run_benchmark):
    instance, state = run_benchmark(
        bench.WideFanout50ParallelBranches, "time_wide_fanout_50_parallel_branches"
    )
    workers = {f"worker{i}" for i in range(50)}  # named as in Rust, worker0..49
    assert workers | {"start", "collect"} == set(instance.app.builder.nodes)
    assert state["status"] == "collected"
    assert state["counter"] == 52  # user, session and 50 worker keys
    assert {f"worker{i}" for i in range(50)} <= state["metadata"].keys()
    assert state["messages"] == ["Initial message"]


def test_long_running_100_iterations(run_benchmark):
    instance, state = run_benchmark(
        bench.LongRunning100Iterations, "time_long_running_100_iterations"
    )
    assert state["counter"] == 100
    assert len(state["messages"]) == 101
    assert state["messages"][-1] == "Iteration 100"
    assert instance.config["recursion_limit"] == STRESS_RECURSION_LIMIT


def test_100_steps_fail_under_dashflows_default_limit(run_benchmark):
    """The explicit limit matters: at DashFlow's 25 steps the loop cannot finish."""
    instance, _ = run_benchmark(bench.LongRunning100Iterations, "time_long_running_100_iterations")
    with pytest.raises(GraphRecursionError):
        instance.app.invoke(make_complex(), {**instance.config, "recursion_limit": 25})

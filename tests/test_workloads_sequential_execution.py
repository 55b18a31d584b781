"""Each sequential_execution benchmark run once through its asv class
(docs/workloads.md §sequential_execution)."""

from __future__ import annotations

from benchmarks import sequential_execution as bench
from dashbench.workloads.common import MAX_CONCURRENCY, RECURSION_LIMIT


def test_3_nodes_simple(run_benchmark):
    instance, state = run_benchmark(bench.ThreeNodesSimple, "time_3_nodes_simple")
    assert state == {"counter": 3, "data": "node1 node2 node3 "}
    assert instance.config == {
        "recursion_limit": RECURSION_LIMIT,
        "max_concurrency": MAX_CONCURRENCY,
    }


def test_5_nodes_complex(run_benchmark):
    _, state = run_benchmark(bench.FiveNodesComplex, "time_5_nodes_complex")
    assert state["counter"] == 5
    assert state["messages"] == ["Initial message", *(f"Processed by node{i}" for i in range(5))]
    assert len(state["metadata"]) == 7
    assert [state["metadata"][f"step{i}"] for i in range(5)] == ["completed"] * 5


def test_10_nodes_stress(run_benchmark):
    _, state = run_benchmark(bench.TenNodesStress, "time_10_nodes_stress")
    assert state["counter"] == 10
    assert state["messages"][1:] == [f"Node {i} processing" for i in range(10)]
    assert len(state["messages"]) == 11
    assert len(state["metadata"]) == 102
    assert state["metadata"]["node9_item9"] == "value"

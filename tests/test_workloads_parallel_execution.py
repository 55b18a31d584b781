"""Each parallel_execution benchmark run once through its asv class
(docs/workloads.md §parallel_execution).

LangGraph's final states differ from Rust's (no duplicated initial message); the node runs,
read from an ``updates`` stream, show that every join node runs exactly once.
"""

from __future__ import annotations

from collections import Counter

from benchmarks import parallel_execution as bench
from dashbench.workloads.states import make_complex


def node_runs(instance) -> Counter[str]:
    chunks = instance.app.stream(make_complex(), instance.config, stream_mode="updates")
    return Counter(name for chunk in chunks for name in chunk)


def test_fanout_3_workers(run_benchmark):
    instance, state = run_benchmark(bench.Fanout3Workers, "time_fanout_3_workers")
    assert state["messages"][0] == "Initial message"
    assert sorted(state["messages"][1:]) == [f"Worker {i} processing" for i in (1, 2, 3)]
    assert len(state["metadata"]) == 5
    assert state["counter"] == 5
    assert state["status"] == "collected"
    assert node_runs(instance) == Counter(start=1, worker1=1, worker2=1, worker3=1, collect=1)


def test_fanout_5_workers_heavy(run_benchmark):
    instance, state = run_benchmark(bench.Fanout5WorkersHeavy, "time_fanout_5_workers_heavy")
    assert len(state["messages"]) == 11
    assert state["counter"] == 11
    assert len(state["metadata"]) == 102
    assert state["metadata"]["worker5_item19"] == "result_19"
    assert state["status"] == "aggregated"
    assert node_runs(instance)["aggregator"] == 1


def test_two_stage_parallel(run_benchmark):
    instance, state = run_benchmark(bench.TwoStageParallel, "time_two_stage_parallel")
    stage_keys = {f"stage{s}_{i}" for s in (1, 2) for i in (1, 2, 3)}
    assert stage_keys <= state["metadata"].keys()
    assert len(state["metadata"]) == 8
    assert state["status"] == "complete"
    runs = node_runs(instance)
    assert sum(runs.values()) == 9
    assert runs["stage2_start"] == runs["final"] == 1

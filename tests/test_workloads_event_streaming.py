"""Each event_streaming benchmark run once through its asv class
(docs/workloads.md §event_streaming).

The timed body returns how many chunks it drained; an unsupported mode would yield 0.
"""

from __future__ import annotations

import pytest

from benchmarks import event_streaming as bench
from dashbench.workloads.common import require_stream_mode
from dashbench.workloads.states import make_complex

CASES = [
    # class, method, chunks drained, approximate?
    (bench.StreamValues5Nodes, "time_stream_values_5_nodes", 6, False),  # input + 5 nodes
    (bench.StreamEvents5Nodes, "time_stream_events_5_nodes", 10, True),  # task + result x 5
    (bench.StreamUpdates3NodesComplex, "time_stream_updates_3_nodes_complex", 3, True),
    (bench.StreamParallel3Workers, "time_stream_parallel_3_workers", 4, True),
]


@pytest.mark.parametrize(("cls", "method", "chunks", "approximate"), CASES)
def test_chunks_streamed(run_benchmark, cls, method, chunks, approximate):
    _, count = run_benchmark(cls, method)
    assert count == chunks
    assert bool(getattr(cls, method).approximate) is approximate


def test_values_are_the_input_then_the_state_after_each_node(run_benchmark):
    instance, _ = run_benchmark(bench.StreamValues5Nodes, "time_stream_values_5_nodes")
    values = list(instance.app.stream(make_complex(), instance.config, stream_mode="values"))
    assert [v["counter"] for v in values] == [0, 1, 2, 3, 4, 5]
    assert values[-1]["messages"] == ["Initial message"] + [f"Node {i}" for i in range(1, 6)]
    assert all(set(v) == {"messages", "metadata", "counter", "status", "next"} for v in values)
    assert all(len(v["metadata"]) == 2 and v["status"] == "initialized" for v in values)


def test_events_are_task_starts_and_results_per_node(run_benchmark):
    instance, _ = run_benchmark(bench.StreamEvents5Nodes, "time_stream_events_5_nodes")
    events = list(instance.app.stream(make_complex(), instance.config, stream_mode="debug"))
    assert [e["type"] for e in events] == ["task", "task_result"] * 5
    assert [e["payload"]["name"] for e in events[::2]] == [f"node{i}" for i in range(1, 6)]
    # A task carries the node's input state; its result, the two channels the node wrote.
    assert [e["payload"]["input"]["counter"] for e in events[::2]] == [0, 1, 2, 3, 4]
    results = [dict(e["payload"]["result"]) for e in events[1::2]]
    assert [sorted(r) for r in results] == [["counter", "messages"]] * 5
    assert results[-1]["messages"][-1] == "Node 5" and results[-1]["counter"] == 5


def test_updates_carry_each_nodes_delta(run_benchmark):
    instance, _ = run_benchmark(
        bench.StreamUpdates3NodesComplex, "time_stream_updates_3_nodes_complex"
    )
    chunks = list(instance.app.stream(make_complex(), instance.config, stream_mode="updates"))
    assert [next(iter(c)) for c in chunks] == ["node1", "node2", "node3"]
    assert chunks[-1]["node3"]["counter"] == 3
    assert len(chunks[-1]["node3"]["metadata"]) == 32


def test_parallel_values_end_with_all_workers_collected(run_benchmark):
    instance, _ = run_benchmark(bench.StreamParallel3Workers, "time_stream_parallel_3_workers")
    values = list(instance.app.stream(make_complex(), instance.config, stream_mode="values"))
    assert [v["status"] for v in values] == ["initialized", "started", "started", "collected"]
    assert sorted(values[-1]["messages"][1:]) == ["Worker 1", "Worker 2", "Worker 3"]


def test_an_unknown_stream_mode_is_reported_not_silently_empty():
    with pytest.raises(NotImplementedError, match="'events'"):
        require_stream_mode("events")

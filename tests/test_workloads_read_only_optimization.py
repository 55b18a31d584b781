"""Each read_only_optimization benchmark run once, checked against
docs/workloads.md §read_only_optimization."""

from __future__ import annotations

import pytest

from benchmarks import read_only_optimization as bench
from dashbench.workloads.states import make_complex, make_large

# LangGraph 0.2.x also reports its internal writers to callbacks (28 events for 5 nodes);
# the graph and node events are the same on every line.
INTERNAL = ("__start__", "ChannelWrite")


def names(events, kind):
    return [name for event, name, _ in events if event == kind and not name.startswith(INTERNAL)]


@pytest.mark.parametrize(
    ("cls", "method", "nodes"),
    [
        (bench.FiveReadOnlyNodesWithCallbacks, "time_5_read_only_nodes_with_callbacks", 5),
        (bench.FiveMutatingNodesWithCallbacks, "time_5_mutating_nodes_with_callbacks", 5),
        (bench.ThreeReadOnlyNodesLargeState, "time_3_read_only_nodes_large_state", 3),
        (bench.ThreeMutatingNodesLargeState, "time_3_mutating_nodes_large_state", 3),
    ],
)
def test_handler_collects_graph_and_node_events(run_benchmark, cls, method, nodes):
    instance, _ = run_benchmark(cls, method)
    events = instance.handler.events
    before = len(events)
    getattr(instance, method)()
    call = events[before:]
    assert len(names(call, "start") + names(call, "end")) == 2 + 2 * nodes  # 12 / 8
    expected = ["LangGraph", *(f"node{i}" for i in range(1, nodes + 1))]
    assert names(call, "start") == expected
    assert sorted(names(call, "end")) == sorted(expected)
    assert before and before % len(call) == 0  # the priming call's events are kept
    assert getattr(cls, method).approximate


def test_handler_is_created_per_sample(run_benchmark):
    instance, _ = run_benchmark(
        bench.FiveReadOnlyNodesWithCallbacks, "time_5_read_only_nodes_with_callbacks"
    )
    old = instance.handler
    instance.setup()
    assert instance.handler is not old
    assert len(instance.handler.events) < len(old.events)


def test_read_only_nodes_leave_the_state_as_it_came(run_benchmark):
    _, state = run_benchmark(
        bench.FiveReadOnlyNodesWithCallbacks, "time_5_read_only_nodes_with_callbacks"
    )
    assert state == make_complex()
    _, large = run_benchmark(
        bench.ThreeReadOnlyNodesLargeState, "time_3_read_only_nodes_large_state"
    )
    assert large == make_large()


def test_mutating_nodes(run_benchmark):
    _, state = run_benchmark(
        bench.FiveMutatingNodesWithCallbacks, "time_5_mutating_nodes_with_callbacks"
    )
    assert state["counter"] == 5
    assert state["messages"] == ["Initial message", *["Mutated"] * 5]
    _, large = run_benchmark(
        bench.ThreeMutatingNodesLargeState, "time_3_mutating_nodes_large_state"
    )
    assert len(large["messages"]) == 1003
    assert large["messages"][-3:] == [f"Node {i} processed" for i in (1, 2, 3)]

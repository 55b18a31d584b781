"""event_streaming: graphs whose output is consumed as a stream of chunks.

DashFlow's ``StreamMode::Events`` (NodeStart + NodeEnd per node) has no LangGraph mode of
that name; ``debug`` emits the nearest sequence (a task and a task_result per node) and
exists on every LangGraph line the suite supports, unlike ``tasks``.

See docs/workloads.md §event_streaming.
"""

from __future__ import annotations

from typing import Any

from langgraph.graph.state import CompiledStateGraph

from dashbench.workloads.common import complex_step, linear_graph
from dashbench.workloads.parallel_execution import Node, fanout_graph, set_status
from dashbench.workloads.states import ComplexFanoutState, ComplexState

EVENTS_MODE = "debug"
UPDATE_ITEM_KEYS = 10


def build_stream_5_nodes() -> CompiledStateGraph:
    """node1..5: counter + 1 and ``Node {i}`` (the values and the events ids share it)."""
    steps = [(f"node{i}", complex_step(i, "Node {}")) for i in range(1, 6)]
    return linear_graph(ComplexState, steps).compile()


def build_stream_updates_3_nodes() -> CompiledStateGraph:
    steps = [
        (f"node{i}", complex_step(i, "Node {}", item_keys=UPDATE_ITEM_KEYS)) for i in range(1, 4)
    ]
    return linear_graph(ComplexState, steps).compile()


def worker_message(i: int) -> Node:
    def node(_state: ComplexFanoutState) -> dict[str, Any]:
        return {"messages": [f"Worker {i}"]}

    return node


def build_stream_parallel_3_workers() -> CompiledStateGraph:
    workers = [worker_message(i) for i in range(1, 4)]
    start = ("start", set_status("started"))
    return fanout_graph(start, workers, ("collect", set_status("collected"))).compile()

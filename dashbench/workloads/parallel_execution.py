"""parallel_execution: fan-out/fan-in over ComplexFanoutState.

DashFlow's ``add_parallel_edges`` + ``compile_with_merge`` becomes one edge from the source
to every worker and one from every worker to the join node (``common.fan_out``). Workers
return only their new messages and metadata keys, which the add and dict-merge reducers
fold in; LangGraph then runs the join node once, in the next superstep.

See docs/workloads.md §parallel_execution.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from langgraph.graph import END, StateGraph
from langgraph.graph.state import CompiledStateGraph

from dashbench.workloads.common import fan_out
from dashbench.workloads.states import ComplexFanoutState

HEAVY_WORKERS = 5
HEAVY_ITEMS = 20
STAGE_WIDTH = 3

Node = Callable[[ComplexFanoutState], dict[str, Any]]


def set_status(status: str, *, reset_counter: bool = False) -> Node:
    """A node that sets ``status`` (and zeroes ``counter`` where the Rust node does)."""
    update: dict[str, Any] = {"status": status}
    if reset_counter:
        update["counter"] = 0

    def node(_state: ComplexFanoutState) -> dict[str, Any]:
        return dict(update)

    return node


def fanout_graph(
    source: tuple[str, Node], workers: Sequence[Node], join: tuple[str, Node], *, first: int = 1
) -> StateGraph:
    """The named source fans out to ``worker<first>..``, which all feed the named join, which
    ends. The Rust twins number their workers from 1, but for the 50-wide one, from 0."""
    (source_name, source_node), (join_name, join_node) = source, join
    graph = StateGraph(ComplexFanoutState)
    graph.add_node(source_name, source_node)
    graph.add_node(join_name, join_node)
    worker_names = [f"worker{i}" for i in range(first, first + len(workers))]
    for name, action in zip(worker_names, workers, strict=True):
        graph.add_node(name, action)
    fan_out(graph, source_name, worker_names, join_name)
    graph.add_edge(join_name, END)
    graph.set_entry_point(source_name)
    return graph


# --- fanout_3_workers -------------------------------------------------------------------


def light_worker(i: int) -> Node:
    def node(_state: ComplexFanoutState) -> dict[str, Any]:
        return {
            "messages": [f"Worker {i} processing"],
            "metadata": {f"worker{i}_result": "completed"},
        }

    return node


def collect(state: ComplexFanoutState) -> dict[str, Any]:
    return {"status": "collected", "counter": len(state["metadata"])}


def build_fanout_3_workers() -> CompiledStateGraph:
    workers = [light_worker(i) for i in range(1, 4)]
    start = set_status("distributing", reset_counter=True)
    return fanout_graph(("start", start), workers, ("collect", collect)).compile()


# --- fanout_5_workers_heavy -------------------------------------------------------------


def heavy_worker(i: int) -> Node:
    """Two messages around 20 metadata keys, formatted per call as the Rust worker does."""

    def node(_state: ComplexFanoutState) -> dict[str, Any]:
        return {
            "messages": [f"Worker {i} started", f"Worker {i} completed"],
            "metadata": {f"worker{i}_item{j}": f"result_{j}" for j in range(HEAVY_ITEMS)},
        }

    return node


def aggregate(state: ComplexFanoutState) -> dict[str, Any]:
    return {"status": "aggregated", "counter": len(state["messages"])}


def build_fanout_5_workers_heavy() -> CompiledStateGraph:
    workers = [heavy_worker(i) for i in range(1, HEAVY_WORKERS + 1)]
    dispatcher = set_status("dispatching", reset_counter=True)
    return fanout_graph(("dispatcher", dispatcher), workers, ("aggregator", aggregate)).compile()


# --- two_stage_parallel -----------------------------------------------------------------


def mark_done(stage: int, i: int) -> Node:
    def node(_state: ComplexFanoutState) -> dict[str, Any]:
        return {"metadata": {f"stage{stage}_{i}": "done"}}

    return node


def build_two_stage_parallel() -> CompiledStateGraph:
    """stage1_start fans out to 3 processors, whose join (stage2_start) fans out again."""
    graph = StateGraph(ComplexFanoutState)
    graph.add_node("stage1_start", set_status("stage1"))
    graph.add_node("stage2_start", set_status("stage2"))
    graph.add_node("final", set_status("complete"))
    stages = (("stage1_start", "stage2_start"), ("stage2_start", "final"))
    for stage, (source, join) in enumerate(stages, start=1):
        procs = [f"stage{stage}_proc{i}" for i in range(1, STAGE_WIDTH + 1)]
        for i, name in enumerate(procs, start=1):
            graph.add_node(name, mark_done(stage, i))
        fan_out(graph, source, procs, join)
    graph.add_edge("final", END)
    graph.set_entry_point("stage1_start")
    return graph.compile()

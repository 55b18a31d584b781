"""tracing_overhead: plain runs with no observer attached.

On the Rust side these time ``tracing`` spans compiled in with no subscriber. The LangGraph
analogue needs no emulation: no callback handlers and LangSmith tracing left off. The
checkpointed id reuses ``checkpointing.build_checkpoint_3_nodes``: DashFlow runs the same graph.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from langgraph.graph import END, StateGraph
from langgraph.graph.state import CompiledStateGraph

from dashbench.workloads.common import complex_step, fan_out, linear_graph
from dashbench.workloads.states import ComplexFanoutState, ComplexState

WORKER_ITEMS = 20


def build_5_nodes() -> CompiledStateGraph:
    steps = [(f"node{i}", complex_step(i, "Node {} completed", item_keys=10)) for i in range(1, 6)]
    return linear_graph(ComplexState, steps).compile()


def start(_state: ComplexFanoutState) -> dict[str, Any]:
    return {"status": "started"}


def worker(i: int) -> Callable[[ComplexFanoutState], dict[str, Any]]:
    def node(_state: ComplexFanoutState) -> dict[str, Any]:
        return {
            "messages": [f"Worker {i} processing"],
            "metadata": {f"worker{i}_item{j}": f"result_{j}" for j in range(WORKER_ITEMS)},
        }

    return node


def collect(_state: ComplexFanoutState) -> dict[str, Any]:
    return {"status": "collected"}


def build_parallel_3_workers() -> CompiledStateGraph:
    graph = StateGraph(ComplexFanoutState)
    graph.add_node("start", start)
    graph.add_node("collect", collect)
    workers = [f"worker{i}" for i in range(1, 4)]
    for i, name in enumerate(workers, start=1):
        graph.add_node(name, worker(i))
    fan_out(graph, "start", workers, "collect")
    graph.set_entry_point("start")
    graph.add_edge("collect", END)
    return graph.compile()

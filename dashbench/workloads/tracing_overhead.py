"""tracing_overhead: plain runs with no observer attached.

On the Rust side these time ``tracing`` spans compiled in with no subscriber. The LangGraph
analogue needs no emulation: no callback handlers and LangSmith tracing left off. The
checkpointed id reuses ``checkpointing.build_checkpoint_3_nodes`` and the fan-out is built
like parallel_execution's: DashFlow runs the same shapes there.

See docs/workloads.md §tracing_overhead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from langgraph.graph.state import CompiledStateGraph

from dashbench.workloads.common import complex_step, linear_graph
from dashbench.workloads.parallel_execution import fanout_graph, set_status
from dashbench.workloads.states import ComplexFanoutState, ComplexState

WORKER_ITEMS = 20


def build_5_nodes() -> CompiledStateGraph:
    steps = [(f"node{i}", complex_step(i, "Node {} completed", item_keys=10)) for i in range(1, 6)]
    return linear_graph(ComplexState, steps).compile()


def worker(i: int) -> Callable[[ComplexFanoutState], dict[str, Any]]:
    def node(_state: ComplexFanoutState) -> dict[str, Any]:
        return {
            "messages": [f"Worker {i} processing"],
            "metadata": {f"worker{i}_item{j}": f"result_{j}" for j in range(WORKER_ITEMS)},
        }

    return node


def build_parallel_3_workers() -> CompiledStateGraph:
    start = ("start", set_status("started"))
    collect = ("collect", set_status("collected"))
    return fanout_graph(start, [worker(i) for i in range(1, 4)], collect).compile()

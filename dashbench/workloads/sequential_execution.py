"""sequential_execution: linear chains of 3, 5 and 10 nodes on plain (reducer-free) states.

See docs/workloads.md §sequential_execution.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from langgraph.graph.state import CompiledStateGraph

from dashbench.workloads.common import complex_step, linear_graph
from dashbench.workloads.states import ComplexState, SimpleState

STRESS_ITEM_KEYS = 10


def append_data(name: str) -> Callable[[SimpleState], dict[str, Any]]:
    """counter + 1 and ``"<name> "`` appended to ``data``, like Rust's ``push_str``."""
    suffix = f"{name} "

    def node(state: SimpleState) -> dict[str, Any]:
        return {"counter": state["counter"] + 1, "data": state["data"] + suffix}

    return node


def build_3_nodes_simple() -> CompiledStateGraph:
    names = [f"node{i}" for i in range(1, 4)]
    return linear_graph(SimpleState, [(name, append_data(name)) for name in names]).compile()


def mark_step(index: int) -> Callable[[ComplexState], dict[str, Any]]:
    """counter + 1, message ``Processed by node{i}`` and metadata ``step{i} = completed``."""

    def node(state: ComplexState) -> dict[str, Any]:
        return {
            "counter": state["counter"] + 1,
            "messages": [*state["messages"], f"Processed by node{index}"],
            "metadata": {**state["metadata"], f"step{index}": "completed"},
        }

    return node


def build_5_nodes_complex() -> CompiledStateGraph:
    return linear_graph(ComplexState, [(f"node{i}", mark_step(i)) for i in range(5)]).compile()


def build_10_nodes_stress() -> CompiledStateGraph:
    steps = [
        (f"node{i}", complex_step(i, "Node {} processing", item_keys=STRESS_ITEM_KEYS))
        for i in range(10)
    ]
    return linear_graph(ComplexState, steps).compile()

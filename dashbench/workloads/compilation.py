"""compilation: graph construction plus ``compile()``, the whole of Criterion's timed body.

Each builder declares its nodes, edges and entry point and compiles without a checkpointer.
The node functions are defined by the graphs but never executed while timing.

See docs/workloads.md §compilation.
"""

from __future__ import annotations

from typing import Any

from langgraph.graph import END, StateGraph
from langgraph.graph.state import CompiledStateGraph

from dashbench.workloads.common import complex_step, linear_graph, route_on_next
from dashbench.workloads.states import ComplexState, SimpleState

CONDITIONAL_ROUNDS = 3


def increment(state: SimpleState) -> dict[str, Any]:
    return {"counter": state["counter"] + 1}


def build_simple_graph_3_nodes() -> CompiledStateGraph:
    return linear_graph(SimpleState, [(f"node{i}", increment) for i in range(1, 4)]).compile()


def build_complex_graph_10_nodes() -> CompiledStateGraph:
    steps = [(f"node{i}", complex_step(i, "Processed by node{}")) for i in range(10)]
    return linear_graph(ComplexState, steps).compile()


def reset(_state: ComplexState) -> dict[str, Any]:
    return {"counter": 0, "next": "process"}


def process(state: ComplexState) -> dict[str, Any]:
    counter = state["counter"] + 1
    return {"counter": counter, "next": "end" if counter >= CONDITIONAL_ROUNDS else "continue"}


def build_graph_with_conditionals() -> CompiledStateGraph:
    """start -> process, which loops on itself until ``counter`` reaches 3 (a legal cycle)."""
    graph = StateGraph(ComplexState)
    graph.add_node("start", reset)
    graph.add_node("process", process)
    graph.add_edge("start", "process")
    graph.add_conditional_edges("process", route_on_next, {"continue": "process", "end": END})
    graph.set_entry_point("start")
    return graph.compile()

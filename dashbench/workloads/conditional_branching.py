"""conditional_branching: routing on ``next`` through path maps, including a self-loop.

See docs/workloads.md §conditional_branching.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from langgraph.graph import END, StateGraph
from langgraph.graph.state import CompiledStateGraph

from dashbench.workloads.common import counting_loop, route_on_next
from dashbench.workloads.states import ComplexState

LOOP_ITERATIONS = 5
ROUTES = ("route_a", "route_b", "route_c", "route_d")


def parity(state: ComplexState) -> dict[str, Any]:
    counter = state["counter"] + 1
    return {"counter": counter, "next": "even" if counter % 2 == 0 else "odd"}


def say(message: str) -> Callable[[ComplexState], dict[str, Any]]:
    """A node that only appends ``message``."""

    def node(state: ComplexState) -> dict[str, Any]:
        return {"messages": [*state["messages"], message]}

    return node


def build_binary_conditional() -> CompiledStateGraph:
    """A fresh input always takes start -> odd (counter becomes 1)."""
    graph = StateGraph(ComplexState)
    graph.add_node("start", parity)
    graph.add_node("even", say("Even path"))
    graph.add_node("odd", say("Odd path"))
    graph.add_conditional_edges("start", route_on_next, {"even": "even", "odd": "odd"})
    graph.add_edge("even", END)
    graph.add_edge("odd", END)
    graph.set_entry_point("start")
    return graph.compile()


def build_loop_with_exit_condition() -> CompiledStateGraph:
    """processor runs 5 times on itself (counter 1..5, 6 messages), then ends."""
    return counting_loop(LOOP_ITERATIONS)


def pick_route(state: ComplexState) -> dict[str, Any]:
    counter = state["counter"] + 1
    return {"counter": counter, "next": ROUTES[counter % len(ROUTES)]}


def build_multi_branch_4_routes() -> CompiledStateGraph:
    """A fresh input always takes router -> route_b (counter 1, 1 % 4 = 1)."""
    graph = StateGraph(ComplexState)
    graph.add_node("router", pick_route)
    for route in ROUTES:
        graph.add_node(route, say(f"Processed by {route}"))
        graph.add_edge(route, END)
    graph.add_conditional_edges("router", route_on_next, {route: route for route in ROUTES})
    graph.set_entry_point("router")
    return graph.compile()

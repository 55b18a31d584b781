"""stress_tests: the four large shapes (long chain, deep routing, wide fan-out, long loop).

The 100-step ids need ``recursion_limit`` above LangGraph's old default of 25; callers pass
``STRESS_RECURSION_LIMIT`` through ``run_config``.

See docs/workloads.md §stress_tests.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from langgraph.graph import END, StateGraph
from langgraph.graph.state import CompiledStateGraph

from dashbench.workloads.common import complex_step, counting_loop, linear_graph, route_on_next
from dashbench.workloads.parallel_execution import collect, fanout_graph, set_status
from dashbench.workloads.states import ComplexFanoutState, ComplexState

STRESS_RECURSION_LIMIT = 1000
CHAIN_NODES = 100
NESTING_LEVELS = 10
FANOUT_WIDTH = 50
LOOP_ITERATIONS = 100


def build_large_graph_100_nodes() -> CompiledStateGraph:
    """node0 -> ... -> node99: counter 100 and 101 messages."""
    steps = [(f"node{i}", complex_step(i, "Node {}")) for i in range(CHAIN_NODES)]
    return linear_graph(ComplexState, steps).compile()


# --- deep_nesting_10_levels -------------------------------------------------------------


def level_step(level: int) -> Callable[[ComplexState], dict[str, Any]]:
    following = f"level{level + 1}" if level < NESTING_LEVELS - 1 else "end"

    def node(state: ComplexState) -> dict[str, Any]:
        return {
            "counter": state["counter"] + 1,
            "messages": [*state["messages"], f"Level {level}"],
            "next": following,
        }

    return node


def build_deep_nesting_10_levels() -> CompiledStateGraph:
    """Every level routes on ``next`` through a one-entry path map, as DashFlow's route maps."""
    graph = StateGraph(ComplexState)
    for level in range(NESTING_LEVELS):
        name = f"level{level}"
        graph.add_node(name, level_step(level))
        last = level == NESTING_LEVELS - 1
        routes = {"end": END} if last else {f"level{level + 1}": f"level{level + 1}"}
        graph.add_conditional_edges(name, route_on_next, routes)
    graph.set_entry_point("level0")
    return graph.compile()


# --- wide_fanout_50_parallel_branches ---------------------------------------------------


def fanout_worker(i: int) -> Callable[[ComplexFanoutState], dict[str, Any]]:
    def node(_state: ComplexFanoutState) -> dict[str, Any]:
        return {"metadata": {f"worker{i}": "done"}}

    return node


def build_wide_fanout_50_parallel_branches() -> CompiledStateGraph:
    """parallel_execution's fan-out shape, 50 wide: nodes worker0..worker49 (as in Rust), each
    writing its own key."""
    start = ("start", set_status("distributing"))
    workers = [fanout_worker(i) for i in range(FANOUT_WIDTH)]
    return fanout_graph(start, workers, ("collect", collect), first=0).compile()


# --- long_running_100_iterations --------------------------------------------------------


def build_long_running_100_iterations() -> CompiledStateGraph:
    """processor loops on itself 100 times: counter 100 and 101 messages."""
    return counting_loop(LOOP_ITERATIONS)

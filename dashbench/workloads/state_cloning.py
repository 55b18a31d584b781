"""state_cloning: copying and serializing the three state sizes, and running them through graphs.

Clone twin: ``copy.deepcopy``, Python's generic full copy. It is approximate to a derived Rust
``Clone``: Python shares immutable strings instead of duplicating their bytes, and deepcopy
pays for its memo dict. Large-state blocks are bytearrays, so deepcopy really copies them.

Serialization twins: compact ``json.dumps`` writes byte-for-byte the same document as
``serde_json::to_string`` (42 / 2,196 / 228,533 B); pickle (protocol 5) stands in for
bincode, a different binary format of similar purpose (62 / 2,127 / 126,243 B).

See docs/workloads.md §state_cloning.
"""

from __future__ import annotations

import copy
import json
import pickle
from collections.abc import Callable
from typing import Any, TypeVar

from langgraph.graph import END, StateGraph
from langgraph.graph.state import CompiledStateGraph

from dashbench.workloads.common import fan_out, linear_graph
from dashbench.workloads.states import (
    LargeState,
    MediumMergeState,
    MediumState,
    SmallState,
)

T = TypeVar("T")

# --- clone and serialize ----------------------------------------------------------------


def clone(state: T) -> T:
    return copy.deepcopy(state)


def to_json(state: object) -> str:
    # default=list turns each bytearray block into the int array serde writes for Vec<u8>.
    return json.dumps(state, separators=(",", ":"), default=list)


def to_pickle(state: object) -> bytes:
    return pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)


# --- nodes ------------------------------------------------------------------------------


def small_step(state: SmallState) -> dict[str, Any]:
    return {"counter": state["counter"] + 1, "value": state["value"] + 1.5}


def medium_step(i: int) -> Callable[[MediumState], dict[str, Any]]:
    def node(state: MediumState) -> dict[str, Any]:
        counters = list(state["counters"])
        counters[i % 100] += 1
        return {"data": [*state["data"], f"Node {i} processed"], "counters": counters}

    return node


def large_step(i: int) -> Callable[[LargeState], dict[str, Any]]:
    def node(state: LargeState) -> dict[str, Any]:
        blocks = list(state["data_blocks"])
        block = bytearray(blocks[i])
        block[0] = i
        blocks[i] = block
        return {"messages": [*state["messages"], f"Node {i} processed"], "data_blocks": blocks}

    return node


def medium_worker(i: int) -> Callable[[MediumState], dict[str, Any]]:
    """Returns its new item and its whole counters copy, as DashFlow's merge extends both."""

    def node(state: MediumState) -> dict[str, Any]:
        counters = list(state["counters"])
        counters[i] += 1
        return {"data": [f"Worker {i} processed"], "counters": counters}

    return node


def pass_through(_state: object) -> None:
    return None


# --- graphs -----------------------------------------------------------------------------


def build_small_3_nodes() -> CompiledStateGraph:
    return linear_graph(SmallState, [(f"node{i}", small_step) for i in range(1, 4)]).compile()


def build_medium_3_nodes() -> CompiledStateGraph:
    return linear_graph(MediumState, [(f"node{i}", medium_step(i)) for i in range(1, 4)]).compile()


def build_large_3_nodes() -> CompiledStateGraph:
    return linear_graph(LargeState, [(f"node{i}", large_step(i)) for i in range(1, 4)]).compile()


def build_medium_parallel_3_workers() -> CompiledStateGraph:
    """LangGraph ends with data 103 and counters 400; DashFlow's whole-state merge gives 303
    and 300. Same topology and node work: the difference is how each framework merges."""
    graph = StateGraph(MediumMergeState)
    graph.add_node("start", pass_through)
    graph.add_node("collect", pass_through)
    workers = [f"worker{i}" for i in range(1, 4)]
    for i, name in enumerate(workers, start=1):
        graph.add_node(name, medium_worker(i))
    fan_out(graph, "start", workers, "collect")
    graph.set_entry_point("start")
    graph.add_edge("collect", END)
    return graph.compile()

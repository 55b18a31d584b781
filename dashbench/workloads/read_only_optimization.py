"""read_only_optimization: linear graphs observed by a collecting callback made per call.

DashFlow's ``CollectingCallback`` keeps every event of its call, each GraphStart, NodeStart,
NodeEnd and GraphEnd with its own clone of the state (Criterion makes a new one per call, as
asv's per-call setup makes a new handler). LangGraph has no read-only node flag and no
state-diff event, so the twin is a
LangChain callback handler that keeps a reference to each chain start/end payload: the graph
run plus one start/end pair per node (12 events for 5 nodes, 8 for 3). Read-only nodes
write nothing (return None); mutating nodes return their delta.

See docs/workloads.md §read_only_optimization.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from langchain_core.callbacks import BaseCallbackHandler
from langgraph.graph.state import CompiledStateGraph

from dashbench.workloads.common import linear_graph
from dashbench.workloads.states import ComplexState, LargeState


class CollectingHandler(BaseCallbackHandler):
    """Keeps ``(event, node name, payload)`` for every chain start and end, never cleared.

    Payloads are kept by reference, not copied: LangGraph hands out fresh values per step,
    and copying them would add work that DashFlow's clone-per-event already pays in Rust.
    """

    def __init__(self) -> None:
        self.events: list[tuple[str, str, Any]] = []
        self._names: dict[UUID, str] = {}

    def on_chain_start(
        self, serialized: dict[str, Any] | None, inputs: Any, *, run_id: UUID, **kwargs: Any
    ) -> None:
        name = kwargs.get("name") or ""
        self._names[run_id] = name
        self.events.append(("start", name, inputs))

    def on_chain_end(self, outputs: Any, *, run_id: UUID, **kwargs: Any) -> None:
        self.events.append(("end", self._names.pop(run_id, ""), outputs))


def read_only(_state: object) -> None:
    """A node that only reads: it writes no channel."""
    return None


def mutate_counter(state: ComplexState) -> dict[str, Any]:
    return {"counter": state["counter"] + 1, "messages": [*state["messages"], "Mutated"]}


def large_processed(i: int):
    def node(state: LargeState) -> dict[str, Any]:
        return {"messages": [*state["messages"], f"Node {i} processed"]}

    return node


def build_read_only_complex() -> CompiledStateGraph:
    return linear_graph(ComplexState, [(f"node{i}", read_only) for i in range(1, 6)]).compile()


def build_mutating_complex() -> CompiledStateGraph:
    return linear_graph(ComplexState, [(f"node{i}", mutate_counter) for i in range(1, 6)]).compile()


def build_read_only_large() -> CompiledStateGraph:
    """DashFlow's side also clones the large state into each of its 8 events a call."""
    return linear_graph(LargeState, [(f"node{i}", read_only) for i in range(1, 4)]).compile()


def build_mutating_large() -> CompiledStateGraph:
    """DashFlow's side also converts the ~229 KB state to JSON values twice a node, to diff it."""
    return linear_graph(
        LargeState, [(f"node{i}", large_processed(i)) for i in range(1, 4)]
    ).compile()

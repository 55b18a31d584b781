"""Building blocks shared by the per-group workload modules.

Everything a benchmark passes to LangGraph at run time goes through ``run_config`` so that
the knobs whose defaults moved between LangGraph lines (recursion limit, thread-pool size)
are pinned the same way on every line the asv matrix installs. Feature checks raise
``NotImplementedError``, which asv records as "n/a" when raised in ``setup``, so an id that
a LangGraph line cannot run leaves a gap instead of breaking the run.
"""

from __future__ import annotations

import inspect
import itertools
import typing
from collections.abc import Callable, Iterable, Sequence
from importlib.metadata import version
from typing import Any

from langgraph.graph import END, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import StreamMode

from dashbench.workloads.states import ComplexState

LANGGRAPH_VERSION = version("langgraph")

# DashFlow's default limit is 25 node-steps; LangGraph's default was 25 up to 0.6 and ~10,000
# from 1.0, so pass DashFlow's value explicitly (ids with longer paths pass their own).
RECURSION_LIMIT = 25

# LangGraph sizes each invoke's thread pool min(32, cpus + 4) unless told otherwise. A fixed
# size keeps results comparable across runners; 8 gives every branch of the suite's small
# fan-outs its own thread, as DashFlow gives each parallel target its own task.
MAX_CONCURRENCY = 8

Node = Callable[[Any], Any]


def run_config(
    thread_id: str | None = None,
    *,
    recursion_limit: int = RECURSION_LIMIT,
    callbacks: list[Any] | None = None,
) -> dict[str, Any]:
    """Config for one ``invoke``/``stream`` call with the version-sensitive knobs pinned.

    ``thread_id`` is required by a compiled graph that has a checkpointer; give every call a
    fresh one (see ``ThreadIds``) so LangGraph never resumes an earlier call's thread.
    """
    config: dict[str, Any] = {
        "recursion_limit": recursion_limit,
        "max_concurrency": MAX_CONCURRENCY,
    }
    if thread_id is not None:
        config["configurable"] = {"thread_id": thread_id}
    if callbacks is not None:
        config["callbacks"] = callbacks
    return config


class ThreadIds:
    """Fresh thread ids ``<prefix>-1``, ``<prefix>-2``, ... for one saver's lifetime.

    DashFlow's ``invoke`` never reads a checkpoint back, whereas LangGraph resumes a reused
    thread and folds the new input into it; a new id per call keeps every call from a fresh
    state, while the prefix keeps DashFlow's thread name readable in the saver.
    """

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self._numbers = itertools.count(1)

    def __call__(self) -> str:
        return f"{self.prefix}-{next(self._numbers)}"


def linear_graph(schema: type, nodes: Sequence[tuple[str, Node]]) -> StateGraph:
    """An uncompiled graph running ``nodes`` in order: the first is the entry, the last ends."""
    builder = StateGraph(schema)
    for name, action in nodes:
        builder.add_node(name, action)
    for (source, _), (target, _) in itertools.pairwise(nodes):
        builder.add_edge(source, target)
    builder.set_entry_point(nodes[0][0])
    builder.add_edge(nodes[-1][0], END)
    return builder


def fan_out(builder: StateGraph, source: str, targets: Sequence[str], join: str) -> None:
    """Wire DashFlow's parallel edges: ``source`` to every target, every target to ``join``.

    LangGraph runs the targets in one superstep and ``join`` once, in the next one.
    """
    for target in targets:
        builder.add_edge(source, target)
        builder.add_edge(target, join)


def complex_step(index: int, message: str, item_keys: int = 0) -> Node:
    """A plain-ComplexState node: counter + 1, append ``message.format(index)``, and insert
    ``node{index}_item{j} = "value"`` for ``j < item_keys``.

    Strings are formatted inside the node because the Rust twin formats them on every call.
    Lists and dicts are rebuilt, never mutated, since LangGraph may still hold the input.
    """

    def node(state: dict[str, Any]) -> dict[str, Any]:
        update = {
            "counter": state["counter"] + 1,
            "messages": [*state["messages"], message.format(index)],
        }
        if item_keys:
            metadata = dict(state["metadata"])
            for j in range(item_keys):
                metadata[f"node{index}_item{j}"] = "value"
            update["metadata"] = metadata
        return update

    return node


def count_chunks(stream: Iterable[Any]) -> int:
    """Drain a stream and return how many chunks it yielded.

    An unknown stream mode yields nothing on some LangGraph lines instead of failing, so a
    benchmark returns this count and its test asserts it.
    """
    return sum(1 for _ in stream)


def stream_modes() -> tuple[str, ...]:
    """The stream modes the installed LangGraph declares (``langgraph.types`` exists from 0.2)."""
    return typing.get_args(StreamMode)


def require_stream_mode(mode: str) -> None:
    """Raise NotImplementedError if the installed LangGraph has no stream mode ``mode``."""
    if mode not in stream_modes():
        raise NotImplementedError(f"langgraph {LANGGRAPH_VERSION} has no stream mode {mode!r}")


def require_node_option(option: str) -> None:
    """Raise NotImplementedError if ``StateGraph.add_node`` lacks keyword ``option`` (defer)."""
    if option not in inspect.signature(StateGraph.add_node).parameters:
        raise NotImplementedError(
            f"langgraph {LANGGRAPH_VERSION} has no add_node({option}=...) option"
        )


def route_on_next(state: dict[str, Any]) -> str:
    """DashFlow's routers read ``state.next`` and look it up in the path map."""
    return state["next"]


def counting_loop(iterations: int, checkpointer: Any = None) -> CompiledStateGraph:
    """Compiled self-loop on ``processor``: counter + 1 and ``"Iteration {counter}"`` per run,
    leaving through ``next == "end"`` once counter reaches ``iterations``.

    DashFlow's loop ids differ only in that bound (5 in conditional_branching and
    checkpointing, 100 in stress_tests), so one builder serves them all.
    """

    def iterate(state: dict[str, Any]) -> dict[str, Any]:
        counter = state["counter"] + 1
        return {
            "counter": counter,
            "messages": [*state["messages"], f"Iteration {counter}"],
            "next": "end" if counter >= iterations else "continue",
        }

    builder = StateGraph(ComplexState)
    builder.add_node("processor", iterate)
    builder.add_conditional_edges("processor", route_on_next, {"continue": "processor", "end": END})
    builder.set_entry_point("processor")
    return builder.compile(checkpointer=checkpointer)

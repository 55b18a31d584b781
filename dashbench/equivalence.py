"""The cross-language equivalence check: what one timed call of each id does, on both sides.

Each side writes a canonical description of one call per Criterion id, the same fields in the
same form (docs/workloads.md §equivalence): ``dashbench-equiv`` (``rust/src/bin``) from the
Criterion bench's own workload tables, and ``describe`` here from ``dashbench/workloads``, with
the graphs, inputs, configs, savers and handlers the asv classes use. ``compare`` then holds an
exact pair to identical descriptions and an approximate pair to differences in exactly the
fields its reason names, so a reason can neither claim a difference nor hide one.

Fields: ``kind``; ``nodes`` (node runs, sorted: a multiset) and ``route`` (one sorted list
per step, a parallel superstep being one step); ``state`` (the final state field by field, a
field over 512 JSON bytes as its item count, size and FNV-1a hash); ``tasks`` (the most
branches run at once); ``checkpoints`` (saved after a step, per call) and ``storage``;
``events`` (count per kind), ``event_fields`` (the state fields events carry) and
``event_state_copies``; ``format`` and ``bytes`` of a serialization; ``shared_strings`` of a
clone.
"""

from __future__ import annotations

import copy
import json
import subprocess
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from langgraph.checkpoint.memory import MemorySaver
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.graph.state import CompiledStateGraph

from dashbench.errors import DashbenchError
from dashbench.pairs import DESCRIPTION_FIELDS, Pair, record_anchor
from dashbench.workloads import checkpointing as cp
from dashbench.workloads import (
    compilation,
    conditional_branching,
    parallel_execution,
    sequential_execution,
)
from dashbench.workloads import event_streaming as ev
from dashbench.workloads import read_only_optimization as ro
from dashbench.workloads import real_world_scenarios as rw
from dashbench.workloads import state_cloning as sc
from dashbench.workloads import stress_tests as st
from dashbench.workloads import tracing_overhead as to
from dashbench.workloads.common import MAX_CONCURRENCY, run_config
from dashbench.workloads.states import (
    make_complex,
    make_large,
    make_medium,
    make_simple,
    make_small,
)

INLINE_LIMIT = 512  # as rust/src/workloads/describe.rs
RUST_BINARY = "dashbench-equiv"

Description = dict[str, Any]


def fnv1a64(data: bytes) -> int:
    """FNV-1a, 64 bits, as the Rust side computes it."""
    value = 0xCBF29CE484222325
    for byte in data:
        value = ((value ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return value


def _json(value: Any) -> str:
    """serde_json's compact form with sorted keys; bytearray blocks as int arrays, as Vec<u8>."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=list
    )


def _payload(value: Any) -> Any:
    text = _json(value)
    size = len(text.encode())
    if size <= INLINE_LIMIT:
        return json.loads(text)
    items = len(value) if isinstance(value, list | dict) else 1
    return {"items": items, "json_bytes": size, "fnv1a64": f"{fnv1a64(text.encode()):016x}"}


def summary(state: dict[str, Any]) -> dict[str, Any]:
    """A state field by field, in the form the Rust side writes."""
    return {key: _payload(value) for key, value in sorted(state.items())}


def _fields(value: Any) -> str:
    return ",".join(sorted(value)) if isinstance(value, dict) else ""


# --- one call ---------------------------------------------------------------------------


def _steps(app: CompiledStateGraph, state: Any, config: dict[str, Any]) -> tuple[list, Any]:
    """Run once, reading the nodes of every superstep from the debug stream, and the final state."""
    steps: dict[int, list[str]] = {}
    final = None
    for mode, chunk in app.stream(state, config, stream_mode=["debug", "values"]):
        if mode == "values":
            final = chunk
        elif chunk["type"] == "task":
            steps.setdefault(chunk["step"], []).append(chunk["payload"]["name"])
    return [sorted(names) for _, names in sorted(steps.items())], final


def invoked(app: CompiledStateGraph, state: Any, config: dict[str, Any]) -> Description:
    route, final = _steps(app, state, config)
    out: Description = {"kind": "invoke", "nodes": sorted(n for step in route for n in step)}
    widths = [len(step) for step in route if len(step) > 1]
    if widths:
        out["tasks"] = min(max(widths), MAX_CONCURRENCY)
    out["route"] = route
    out["state"] = summary(final)
    return out


def checkpointed(app: CompiledStateGraph, saver: Any, thread: str) -> Description:
    """One call with a new saver: checkpoints after a step (LangGraph's step >= 1), and writes."""
    calls: Counter[str] = Counter()
    for method in ("put", "put_writes"):
        original = getattr(saver, method)

        def counted(*args: Any, _name: str = method, _call: Callable = original) -> Any:
            calls[_name] += 1
            return _call(*args)

        setattr(saver, method, counted)
    config = run_config(thread)
    out = invoked(app, make_complex(), config)
    saved = [c for c in saver.list(config) if c.metadata.get("step", -1) >= 1]
    out["checkpoints"] = len(saved)
    if isinstance(saver, SqliteSaver):
        out["storage"] = {
            "format": "sqlite",
            "puts": calls["put"],
            "put_writes": calls["put_writes"],
        }
    return out


def memory_checkpointed(build: Callable[[Any], CompiledStateGraph], thread: str) -> Description:
    saver = MemorySaver()
    return checkpointed(build(saver), saver, thread)


def file_checkpointed(build: Callable[[Any], CompiledStateGraph], thread: str) -> Description:
    storage = cp.SqliteFileSaver()
    try:
        return checkpointed(build(storage.saver), storage.saver, thread)
    finally:
        storage.close()


# The handler's (event, is a node) in the Rust callback's event kinds.
_HANDLER_KINDS = {"start": ("GraphStart", "NodeStart"), "end": ("GraphEnd", "NodeEnd")}


def observed(app: CompiledStateGraph, state: Any) -> Description:
    """One call with a new CollectingHandler: the kinds of the events it kept."""
    handler = ro.CollectingHandler()
    out = invoked(app, state, run_config(callbacks=[handler]))
    nodes = set(out["nodes"])
    kinds = [_HANDLER_KINDS[event][name in nodes] for event, name, _ in handler.events]
    out["events"] = dict(sorted(Counter(kinds).items()))
    out["event_state_copies"] = 0  # the handler keeps LangGraph's payloads by reference
    return out


def _stream_event(mode: str, chunk: Any) -> tuple[str, str | None]:
    """(kind, carried fields) of a chunk, in the Rust side's kinds."""
    if mode == "values":
        return "state", _fields(chunk)
    if mode == "updates":
        return "update", ",".join(sorted(_fields(u) for u in chunk.values()))
    payload = chunk["payload"]
    if chunk["type"] == "task":
        return "node_start", _fields(payload["input"])
    result = payload["result"]
    channels = result if isinstance(result, dict) else dict(result)
    return "node_end", _fields(channels)


def streamed(app: CompiledStateGraph, mode: str) -> Description:
    config = run_config()
    events = [
        _stream_event(mode, chunk) for chunk in app.stream(make_complex(), config, stream_mode=mode)
    ]
    route, final = _steps(app, make_complex(), config)
    return {
        "kind": "stream",
        "nodes": sorted(n for step in route for n in step),
        "route": route,
        "state": summary(final),
        "events": dict(sorted(Counter(kind for kind, _ in events).items())),
        "event_fields": sorted({fields for _, fields in events if fields}),
    }


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def cloned(make: Callable[[], dict[str, Any]]) -> Description:
    """deepcopy, and how many of the copy's strings are the original's objects, not copies."""
    original = make()
    duplicate = copy.deepcopy(original)
    shared = sum(a is b for a, b in zip(_strings(original), _strings(duplicate), strict=True))
    return {"kind": "clone", "state": summary(duplicate), "shared_strings": shared}


def serialized(fmt: str, data: str | bytes) -> Description:
    raw = data.encode() if isinstance(data, str) else data
    return {"kind": "serialize", "format": fmt, "bytes": len(raw)}


def compiled(app: CompiledStateGraph) -> Description:
    return {"kind": "compile", "nodes": sorted(app.builder.nodes)}


def _stress(build: Callable[[], CompiledStateGraph], limit: int | None = None) -> Description:
    config = run_config() if limit is None else run_config(recursion_limit=limit)
    return invoked(build(), make_complex(), config)


def _complex(build: Callable[[], CompiledStateGraph]) -> Callable[[], Description]:
    return lambda: invoked(build(), make_complex(), run_config())


def _invoke(
    build: Callable[[], CompiledStateGraph], make: Callable[[], Any]
) -> Callable[[], Description]:
    return lambda: invoked(build(), make(), run_config())


_SIZES = {"small": make_small, "medium": make_medium, "large": make_large}

DESCRIBERS: dict[str, Callable[[], Description]] = {
    "compilation/simple_graph_3_nodes": lambda: compiled(compilation.build_simple_graph_3_nodes()),
    "compilation/complex_graph_10_nodes": lambda: compiled(
        compilation.build_complex_graph_10_nodes()
    ),
    "compilation/graph_with_conditionals": lambda: compiled(
        compilation.build_graph_with_conditionals()
    ),
    "sequential_execution/3_nodes_simple": _invoke(
        sequential_execution.build_3_nodes_simple, make_simple
    ),
    "sequential_execution/5_nodes_complex": _complex(sequential_execution.build_5_nodes_complex),
    "sequential_execution/10_nodes_stress": _complex(sequential_execution.build_10_nodes_stress),
    "conditional_branching/binary_conditional": _complex(
        conditional_branching.build_binary_conditional
    ),
    "conditional_branching/loop_with_exit_condition": _complex(
        conditional_branching.build_loop_with_exit_condition
    ),
    "conditional_branching/multi_branch_4_routes": _complex(
        conditional_branching.build_multi_branch_4_routes
    ),
    "parallel_execution/fanout_3_workers": _complex(parallel_execution.build_fanout_3_workers),
    "parallel_execution/fanout_5_workers_heavy": _complex(
        parallel_execution.build_fanout_5_workers_heavy
    ),
    "parallel_execution/two_stage_parallel": _complex(parallel_execution.build_two_stage_parallel),
    "checkpointing/memory_checkpoint_3_nodes": lambda: memory_checkpointed(
        cp.build_checkpoint_3_nodes, "bench_thread_1"
    ),
    "checkpointing/memory_checkpoint_5_nodes": lambda: memory_checkpointed(
        cp.build_checkpoint_5_nodes, "bench_thread_2"
    ),
    "checkpointing/memory_checkpoint_loop_5_iterations": lambda: memory_checkpointed(
        cp.build_checkpoint_loop_5_iterations, "bench_thread_3"
    ),
    "checkpointing/file_checkpoint_3_nodes": lambda: file_checkpointed(
        cp.build_checkpoint_3_nodes, "bench_file_thread_1"
    ),
    "checkpointing/file_checkpoint_5_nodes": lambda: file_checkpointed(
        cp.build_checkpoint_5_nodes, "bench_file_thread_2"
    ),
    "event_streaming/stream_values_5_nodes": lambda: streamed(ev.build_stream_5_nodes(), "values"),
    "event_streaming/stream_events_5_nodes": lambda: streamed(
        ev.build_stream_5_nodes(), ev.EVENTS_MODE
    ),
    "event_streaming/stream_updates_3_nodes_complex": lambda: streamed(
        ev.build_stream_updates_3_nodes(), "updates"
    ),
    "event_streaming/stream_parallel_3_workers": lambda: streamed(
        ev.build_stream_parallel_3_workers(), "values"
    ),
    **{
        f"state_cloning/{size}_state_clone": (lambda make=make: cloned(make))
        for size, make in _SIZES.items()
    },
    "state_cloning/small_state_3_nodes": _invoke(sc.build_small_3_nodes, make_small),
    "state_cloning/medium_state_3_nodes": _invoke(sc.build_medium_3_nodes, make_medium),
    "state_cloning/large_state_3_nodes": _invoke(sc.build_large_3_nodes, make_large),
    "state_cloning/medium_state_parallel_3_workers": _invoke(
        sc.build_medium_parallel_3_workers, make_medium
    ),
    **{
        f"state_cloning/{size}_state_json_serialize": (
            lambda make=make: serialized("json", sc.to_json(make()))
        )
        for size, make in _SIZES.items()
    },
    **{
        f"state_cloning/{size}_state_bincode_serialize": (
            lambda make=make: serialized("pickle", sc.to_pickle(make()))
        )
        for size, make in _SIZES.items()
    },
    "stress_tests/large_graph_100_nodes": lambda: _stress(
        st.build_large_graph_100_nodes, st.STRESS_RECURSION_LIMIT
    ),
    "stress_tests/deep_nesting_10_levels": lambda: _stress(st.build_deep_nesting_10_levels),
    "stress_tests/wide_fanout_50_parallel_branches": lambda: _stress(
        st.build_wide_fanout_50_parallel_branches
    ),
    "stress_tests/long_running_100_iterations": lambda: _stress(
        st.build_long_running_100_iterations, st.STRESS_RECURSION_LIMIT
    ),
    "real_world_scenarios/customer_service_router": _complex(rw.build_customer_service_router),
    "real_world_scenarios/batch_processing_pipeline": _complex(rw.build_batch_processing_pipeline),
    "real_world_scenarios/financial_analysis_workflow": _complex(
        rw.build_financial_analysis_workflow
    ),
    "tracing_overhead/5_nodes_no_subscriber": _complex(to.build_5_nodes),
    "tracing_overhead/parallel_3_workers_no_subscriber": _complex(to.build_parallel_3_workers),
    "tracing_overhead/checkpoint_3_nodes_no_subscriber": lambda: memory_checkpointed(
        cp.build_checkpoint_3_nodes, "bench_tracing_overhead"
    ),
    "read_only_optimization/5_read_only_nodes_with_callbacks": lambda: observed(
        ro.build_read_only_complex(), make_complex()
    ),
    "read_only_optimization/5_mutating_nodes_with_callbacks": lambda: observed(
        ro.build_mutating_complex(), make_complex()
    ),
    "read_only_optimization/3_read_only_nodes_large_state": lambda: observed(
        ro.build_read_only_large(), make_large()
    ),
    "read_only_optimization/3_mutating_nodes_large_state": lambda: observed(
        ro.build_mutating_large(), make_large()
    ),
}


def describe(criterion_id: str) -> Description:
    """The Python twin's description, normalised through JSON as the Rust one is."""
    return json.loads(_json(DESCRIBERS[criterion_id]()))


# --- comparing the two sides ----------------------------------------------------------------


def rust_descriptions(binary: Path, ids: Iterable[str] = ()) -> dict[str, Description]:
    """Run ``dashbench-equiv`` for ``ids`` (all when empty): id -> description."""
    ids = list(ids)
    for criterion_id in ids:
        if criterion_id.startswith("-"):
            raise DashbenchError(f"{criterion_id!r}: not a Criterion id")
    done = subprocess.run([str(binary), *ids], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise DashbenchError(f"{binary}: exit {done.returncode}: {done.stderr.strip()}")
    rows = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    return {row["id"]: row["description"] for row in rows}


def differing(python: Description, rust: Description) -> list[str]:
    """The fields whose values differ, a field present on one side only included."""
    return sorted(f for f in python.keys() | rust.keys() if python.get(f) != rust.get(f))


def check(
    pairs: Iterable[Pair], python: dict[str, Description], rust: dict[str, Description]
) -> list[str]:
    """One line per pair that fails: an exact pair must have identical descriptions; an
    approximate pair must differ in exactly the fields its reason tags, no more, no fewer."""
    problems = []
    for pair in pairs:
        cid = pair.criterion_id
        if cid not in python or cid not in rust:
            side = "Python" if cid not in python else "Rust"
            problems.append(f"{cid}: no {side} description")
            continue
        unknown = sorted((python[cid].keys() | rust[cid].keys()) - set(DESCRIPTION_FIELDS))
        if unknown:
            problems.append(f"{cid}: {', '.join(unknown)} not in pairs.DESCRIPTION_FIELDS")
        seen = differing(python[cid], rust[cid])
        declared = sorted(pair.differs)
        if pair.exact and seen:
            problems.append(f"{cid}: exact, but {', '.join(seen)} differ")
        elif not pair.exact and not declared:
            problems.append(f"{cid}: approximate, but its reason tags no [field]")
        elif not pair.exact:
            hidden = [f for f in seen if f not in declared]
            claimed = [f for f in declared if f not in seen]
            if hidden:
                problems.append(f"{cid}: {', '.join(hidden)} differ, undeclared")
            if claimed:
                problems.append(f"{cid}: the reason claims {', '.join(claimed)} differ; equal")
    return problems


# --- the records the report links to ---------------------------------------------------------

RECORDS_HEADER = """# Equivalence records: what one call of each id does, on each side

Generated by `dashbench equivalence --write` from `dashbench-equiv` (Rust) and
`dashbench/equivalence.py` (Python); docs/workloads.md §equivalence says how. Each id shows the
fields both sides agree on once, then each side's value of every field that differs, with the
reason the pairing table gives for it. The check passes only when an exact pair differs in no
field and an approximate pair in exactly the fields its reason names.
"""


def _block(value: Any) -> list[str]:
    return ["```json", json.dumps(value, sort_keys=True), "```", ""]


def records(
    pairs: Iterable[Pair], python: dict[str, Description], rust: dict[str, Description]
) -> str:
    """docs/equivalence.md: one section per pair, in table order."""
    lines = [RECORDS_HEADER]
    for pair in pairs:
        cid = pair.criterion_id
        py, rs = python[cid], rust[cid]
        seen = differing(py, rs)
        lines += [f'## <a id="{record_anchor(cid)}"></a>{cid}', ""]
        lines.append(
            f"**{pair.pairing}**; " + (f"differs in {', '.join(seen)}" if seen else "identical")
        )
        lines += ["", "Both sides:", "", *_block({f: py[f] for f in sorted(py) if f not in seen})]
        for field in seen:
            why = pair.differs.get(field, "not declared")
            lines += [f"`{field}`: {why}", "", "Python:", "", *_block(py.get(field))]
            lines += ["Rust:", "", *_block(rs.get(field))]
    return "\n".join(lines)

"""checkpointing: linear chains and the 5-iteration loop with a checkpointer attached.

DashFlow's ``MemoryCheckpointer`` maps to LangGraph's in-memory saver. The reference crate's
``FileCheckpointer`` (one serde_json file per save, no header: temp file, fsync, rename and a
directory fsync) has no LangGraph twin; the closest honest one is
``SqliteSaver`` on a database file in a fresh temp dir, which commits (and fsyncs) every put.

See docs/workloads.md §checkpointing.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from pathlib import Path

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.graph.state import CompiledStateGraph

from dashbench.workloads.common import complex_step, counting_loop, linear_graph
from dashbench.workloads.conditional_branching import LOOP_ITERATIONS
from dashbench.workloads.states import ComplexState

ITEM_KEYS = 10


def build_checkpoint_3_nodes(checkpointer: BaseCheckpointSaver) -> CompiledStateGraph:
    """node1..3: counter + 1 and ``Node {i} completed``; one checkpoint per superstep."""
    steps = [(f"node{i}", complex_step(i, "Node {} completed")) for i in range(1, 4)]
    return linear_graph(ComplexState, steps).compile(checkpointer=checkpointer)


def build_checkpoint_5_nodes(checkpointer: BaseCheckpointSaver) -> CompiledStateGraph:
    """node1..5: as the 3-node chain, plus 10 metadata keys per node."""
    steps = [
        (f"node{i}", complex_step(i, "Node {} completed", item_keys=ITEM_KEYS)) for i in range(1, 6)
    ]
    return linear_graph(ComplexState, steps).compile(checkpointer=checkpointer)


def build_checkpoint_loop_5_iterations(checkpointer: BaseCheckpointSaver) -> CompiledStateGraph:
    """conditional_branching's 5-iteration loop, checkpointed after each of its runs."""
    return counting_loop(LOOP_ITERATIONS, checkpointer)


class SqliteFileSaver:
    """A ``SqliteSaver`` on a new database file inside its own temp dir.

    Mirrors the per-sample ``$TMPDIR/dashflow_bench_<uuid>`` directory of DashFlow's file
    checkpointer: created (with its tables) before timing, removed by ``close``.
    """

    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="dashflow_bench_"))
        # LangGraph writes checkpoints from its worker threads, hence check_same_thread=False.
        self.connection = sqlite3.connect(
            self.directory / "checkpoints.sqlite", check_same_thread=False
        )
        self.saver = SqliteSaver(self.connection)
        self.saver.setup()

    def close(self) -> None:
        self.connection.close()
        shutil.rmtree(self.directory, ignore_errors=True)

"""checkpointing: invoke with a checkpointer that saves after every superstep.

Per sample, like Criterion's closure, setup creates the saver, compiles the graph with it and
starts a thread-id counter. Every call gets a fresh ``thread_id`` (``<Rust thread id>-<n>``):
LangGraph would resume a reused thread and fold the new input into it, whereas DashFlow's
``invoke`` starts from the given state every time.

See docs/workloads.md §checkpointing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.memory import MemorySaver

from dashbench.workloads import checkpointing as wl
from dashbench.workloads.common import ThreadIds, run_config
from dashbench.workloads.states import make_complex

from .common import Invoked, invoke_table
from .harness import InvokeTiming

FILE_REASON = (
    "[storage] DashFlow's FileCheckpointer writes one serde_json file per save, with no header: "
    "temp file, fsync, rename and an fsync of the directory (3 or 5 saves, 6 or 10 fsyncs a "
    "call). LangGraph's SqliteSaver on a temp-dir database makes 5 or 7 puts and 4 or 6 "
    "put_writes a call, each a SQLite commit of msgpack data. Each call starts with an empty "
    "store on both sides: a new directory, a new database"
)


class Checkpointed(InvokeTiming):
    """Base: ``build`` compiles the graph with the saver; ``thread`` is DashFlow's thread id."""

    build: Callable[[BaseCheckpointSaver], Any]
    thread: str

    def make_saver(self) -> BaseCheckpointSaver:
        return MemorySaver()

    def setup(self) -> None:
        self.app = self.build(self.make_saver())
        self.thread_ids = ThreadIds(self.thread)
        self.prime()

    @property
    def config(self) -> dict[str, Any]:
        """A new thread per call, so no call resumes another's checkpoints."""
        return run_config(self.thread_ids())


class FileCheckpointed(Checkpointed):
    """Base for the file ids: a SQLite database in a temp dir made in setup, removed in teardown.

    A call costs tens of milliseconds (an fsync per put), and setup (a new database) as much
    again, so fewer calls per sample keep the pair within its share of the run's time budget.
    """

    number = 4
    repeat = (6, 12, 6.0)

    def make_saver(self) -> BaseCheckpointSaver:
        self.storage = wl.SqliteFileSaver()
        return self.storage.saver

    def teardown(self) -> None:
        self.storage.close()


def thread(name: str) -> dict[str, str]:
    """The row's class attributes: DashFlow's thread id for the id, which LangGraph's extends."""
    return {"thread": name}


invoke_table(
    globals(),
    Checkpointed,
    [
        Invoked(
            "memory_checkpoint_3_nodes", wl.build_checkpoint_3_nodes, attrs=thread("bench_thread_1")
        ),
        Invoked(
            "memory_checkpoint_5_nodes", wl.build_checkpoint_5_nodes, attrs=thread("bench_thread_2")
        ),
        Invoked(
            "memory_checkpoint_loop_5_iterations",
            wl.build_checkpoint_loop_5_iterations,
            attrs=thread("bench_thread_3"),
        ),
    ],
)
invoke_table(
    globals(),
    FileCheckpointed,
    [
        Invoked(
            "file_checkpoint_3_nodes",
            wl.build_checkpoint_3_nodes,
            make_complex,
            thread("bench_file_thread_1"),
            FILE_REASON,
        ),
        Invoked(
            "file_checkpoint_5_nodes",
            wl.build_checkpoint_5_nodes,
            make_complex,
            thread("bench_file_thread_2"),
            FILE_REASON,
        ),
    ],
)

"""Each checkpointing benchmark run once through its asv class (docs/workloads.md §checkpointing).

LangGraph saves a checkpoint for the input, for the ``__start__`` step and after every node
run, so a 3-node chain writes 5 per call and the 5-node chain and the 5-iteration loop 7.
Every call (the untimed priming call included) must use a thread of its own.
"""

from __future__ import annotations

import sqlite3
from collections import Counter

import pytest

from benchmarks import checkpointing as bench


def checkpoints_per_thread(saver) -> Counter[str]:
    return Counter(c.config["configurable"]["thread_id"] for c in saver.list(None))


def assert_fresh_thread_per_call(instance, state, per_call: int) -> str:
    """Check the saver's threads and return the timed call's thread id."""
    threads = checkpoints_per_thread(instance.app.checkpointer)
    assert len(threads) >= 2  # the priming call and the timed one
    assert set(threads.values()) == {per_call}
    assert all(thread.startswith(f"{instance.thread}-") for thread in threads)
    last = max(threads, key=lambda thread: int(thread.rsplit("-", 1)[1]))
    latest = instance.app.checkpointer.get_tuple({"configurable": {"thread_id": last}})
    assert latest.checkpoint["channel_values"]["messages"] == state["messages"]
    return last


MEMORY_CASES = [
    (bench.MemoryCheckpoint3Nodes, "time_memory_checkpoint_3_nodes", 3, 5),
    (bench.MemoryCheckpoint5Nodes, "time_memory_checkpoint_5_nodes", 5, 7),
    (bench.MemoryCheckpointLoop5Iterations, "time_memory_checkpoint_loop_5_iterations", 5, 7),
]


@pytest.mark.parametrize(("cls", "method", "runs", "per_call"), MEMORY_CASES)
def test_memory_checkpoints(run_benchmark, cls, method, runs, per_call):
    instance, state = run_benchmark(cls, method)
    assert state["counter"] == runs
    assert len(state["messages"]) == runs + 1
    assert_fresh_thread_per_call(instance, state, per_call)


def test_memory_checkpoint_5_nodes_metadata(run_benchmark):
    _, state = run_benchmark(bench.MemoryCheckpoint5Nodes, "time_memory_checkpoint_5_nodes")
    assert state["messages"][1:] == [f"Node {i} completed" for i in range(1, 6)]
    assert len(state["metadata"]) == 52


FILE_CASES = [
    # class, method, node runs, checkpoints per call, metadata keys
    (bench.FileCheckpoint3Nodes, "time_file_checkpoint_3_nodes", 3, 5, 2),
    (bench.FileCheckpoint5Nodes, "time_file_checkpoint_5_nodes", 5, 7, 52),
]


@pytest.mark.parametrize(("cls", "method", "runs", "per_call", "keys"), FILE_CASES)
def test_file_checkpoints_land_in_the_temp_database(cls, method, runs, per_call, keys):
    instance = cls()
    instance.setup()
    try:
        state = getattr(instance, method)()
        assert state["counter"] == runs
        assert state["messages"] == ["Initial message"] + [
            f"Node {i} completed" for i in range(1, runs + 1)
        ]
        assert len(state["metadata"]) == keys
        last = assert_fresh_thread_per_call(instance, state, per_call)
        database = instance.storage.directory / "checkpoints.sqlite"
        with sqlite3.connect(database) as reader:
            rows = dict(reader.execute("SELECT thread_id, COUNT(*) FROM checkpoints GROUP BY 1"))
        assert rows[last] == per_call
    finally:
        instance.teardown()
    assert not instance.storage.directory.exists()


def test_only_the_file_ids_are_approximate():
    marked = {
        getattr(cls, method).criterion_id: getattr(cls, method).approximate
        for cls, method, *_ in MEMORY_CASES + FILE_CASES
    }
    assert {cid for cid, reason in marked.items() if reason} == {
        "checkpointing/file_checkpoint_3_nodes",
        "checkpointing/file_checkpoint_5_nodes",
    }

"""Each state_cloning benchmark run once through its asv class, checked against
docs/workloads.md §state_cloning."""

from __future__ import annotations

import json
import pickle
import resource
import sys

import pytest

from benchmarks import state_cloning as bench
from benchmarks.common import reset_peak_rss
from dashbench.workloads.states import make_large, make_medium, make_small


@pytest.mark.parametrize(
    ("cls", "method", "make"),
    [
        (bench.SmallStateClone, "time_small_state_clone", make_small),
        (bench.MediumStateClone, "time_medium_state_clone", make_medium),
        (bench.LargeStateClone, "time_large_state_clone", make_large),
    ],
)
def test_clone_is_an_equal_independent_copy(run_benchmark, cls, method, make):
    instance, copy = run_benchmark(cls, method)
    assert copy == make() == instance.state
    assert copy is not instance.state
    for key, value in copy.items():
        if isinstance(value, list | dict):
            assert value is not instance.state[key]
    assert getattr(cls, method).approximate


def test_large_clone_copies_the_byte_blocks(run_benchmark):
    instance, copy = run_benchmark(bench.LargeStateClone, "time_large_state_clone")
    assert len(copy["data_blocks"]) == 10
    for mine, theirs in zip(copy["data_blocks"], instance.state["data_blocks"], strict=True):
        assert mine is not theirs and len(mine) == 10_240


@pytest.mark.parametrize(
    ("cls", "method", "size", "decode"),
    [
        # serde_json's compact output, byte for byte: an exact pair.
        (bench.SmallStateJsonSerialize, "time_small_state_json_serialize", 42, json.loads),
        (bench.MediumStateJsonSerialize, "time_medium_state_json_serialize", 2_196, json.loads),
        (bench.LargeStateJsonSerialize, "time_large_state_json_serialize", 228_533, json.loads),
        # pickle for bincode (25 / 3,294 / 136,174 B in Rust): approximate.
        (bench.SmallStateBincodeSerialize, "time_small_state_bincode_serialize", 62, pickle.loads),
        (
            bench.MediumStateBincodeSerialize,
            "time_medium_state_bincode_serialize",
            2_127,
            pickle.loads,
        ),
        (
            bench.LargeStateBincodeSerialize,
            "time_large_state_bincode_serialize",
            126_243,
            pickle.loads,
        ),
    ],
)
def test_serialized_sizes(run_benchmark, cls, method, size, decode):
    instance, output = run_benchmark(cls, method)
    data = output.encode() if isinstance(output, str) else output
    assert len(data) == size
    decoded = decode(data)
    assert decoded.keys() == instance.state.keys()
    reason = getattr(cls, method).approximate
    if decode is json.loads:
        assert reason is None
    else:
        assert "bincode" in reason
        assert decoded == instance.state


def test_large_json_writes_blocks_as_int_arrays(run_benchmark):
    _, text = run_benchmark(bench.LargeStateJsonSerialize, "time_large_state_json_serialize")
    blocks = json.loads(text)["data_blocks"]
    assert [len(block) for block in blocks] == [10_240] * 10
    assert set(blocks[0]) == {0}


def test_small_state_3_nodes(run_benchmark):
    _, state = run_benchmark(bench.SmallState3Nodes, "time_small_state_3_nodes")
    assert state == {"counter": 3, "status": "ready", "value": 4.5}


def test_medium_state_3_nodes(run_benchmark):
    _, state = run_benchmark(bench.MediumState3Nodes, "time_medium_state_3_nodes")
    assert len(state["data"]) == 103
    assert state["data"][-3:] == [f"Node {i} processed" for i in (1, 2, 3)]
    assert state["counters"] == [0, 2, 3, 4, *range(4, 100)]
    assert len(state["metadata"]) == 50


def test_large_state_3_nodes(run_benchmark):
    _, state = run_benchmark(bench.LargeState3Nodes, "time_large_state_3_nodes")
    assert len(state["messages"]) == 1003
    assert state["messages"][-1] == "Node 3 processed"
    assert [block[0] for block in state["data_blocks"]] == [0, 1, 2, 3, 0, 0, 0, 0, 0, 0]
    assert all(len(block) == 10_240 for block in state["data_blocks"])


def test_large_state_3_nodes_leaves_the_input_untouched(run_benchmark):
    """Copy-on-write nodes: the caller's state must come back as it went in."""
    instance, _ = run_benchmark(bench.LargeState3Nodes, "time_large_state_3_nodes")
    state = make_large()
    instance.app.invoke(state, instance.config)
    assert state == make_large()


def test_medium_state_parallel_3_workers(run_benchmark):
    _, state = run_benchmark(
        bench.MediumStateParallel3Workers, "time_medium_state_parallel_3_workers"
    )
    # LangGraph folds item deltas and three whole counters copies: 103 items, 400 counters.
    assert len(state["data"]) == 103
    assert sorted(state["data"][100:]) == [f"Worker {i} processed" for i in (1, 2, 3)]
    assert len(state["counters"]) == 400
    assert sum(state["counters"]) == 4 * sum(range(100)) + 3


@pytest.mark.skipif(sys.platform != "linux", reason="the peak-RSS reset is Linux-only")
def test_reset_peak_rss_forgets_an_earlier_peak():
    """Without the reset, a peakmem twin would report setup's (or priming's) peak, not its own."""
    block = bytearray(200 * 1024 * 1024)
    block[::4096] = b"\1" * (len(block) // 4096)  # touch every page so it is resident
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    del block
    reset_peak_rss()
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss < peak_kib - 150 * 1024

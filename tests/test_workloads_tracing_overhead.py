"""Each tracing_overhead benchmark run once, checked against docs/workloads.md §tracing_overhead."""

from __future__ import annotations

from benchmarks import tracing_overhead as bench


def test_5_nodes_no_subscriber(run_benchmark):
    instance, state = run_benchmark(bench.FiveNodesNoSubscriber, "time_5_nodes_no_subscriber")
    assert state["counter"] == 5
    assert state["messages"][1:] == [f"Node {i} completed" for i in range(1, 6)]
    assert len(state["metadata"]) == 52
    assert state["metadata"]["node5_item9"] == "value"
    assert "callbacks" not in instance.config


def test_parallel_3_workers_no_subscriber(run_benchmark):
    _, state = run_benchmark(
        bench.Parallel3WorkersNoSubscriber, "time_parallel_3_workers_no_subscriber"
    )
    assert sorted(state["messages"][1:]) == [f"Worker {i} processing" for i in (1, 2, 3)]
    assert len(state["metadata"]) == 62
    assert state["metadata"]["worker3_item19"] == "result_19"
    assert state["status"] == "collected"


def test_checkpoint_3_nodes_no_subscriber_uses_a_fresh_thread_per_call(run_benchmark):
    instance, state = run_benchmark(
        bench.Checkpoint3NodesNoSubscriber, "time_checkpoint_3_nodes_no_subscriber"
    )
    assert state["counter"] == 3
    assert state["messages"][1:] == [f"Node {i} completed" for i in (1, 2, 3)]
    # Every call of the sample (priming included) got its own thread, none resumed another.
    assert instance.time_checkpoint_3_nodes_no_subscriber() == state
    saver = instance.app.checkpointer
    threads = {c.config["configurable"]["thread_id"] for c in saver.list(None)}
    assert len(threads) >= 2
    assert all(thread.startswith("bench_tracing_overhead-") for thread in threads)
    for thread in threads:
        latest = saver.get_tuple({"configurable": {"thread_id": thread}})
        assert latest.checkpoint["channel_values"]["counter"] == 3
        assert len(latest.checkpoint["channel_values"]["messages"]) == 4

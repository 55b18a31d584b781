"""The per-commit Criterion store: merging, atomic replacement and the producer lock."""

from __future__ import annotations

import multiprocessing
from dataclasses import replace
from pathlib import Path

import pytest

from rust_bridge.errors import BridgeError
from rust_bridge.reader import Problem, read_tree
from rust_bridge.store import CriterionStore, Failure

EDGE = Path(__file__).parent / "fixtures" / "criterion" / "bridge_edge_cases"
SHA = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture(scope="module")
def records():
    return read_tree(EDGE).records


def test_put_then_get_round_trips(tmp_path: Path, records) -> None:
    store = CriterionStore(tmp_path / "store")
    problem = Problem("x/benchmark.json", "invalid JSON")
    store.put(SHA, records, problems=[problem], provenance={"producer": "test"})
    assert store.entry_path(SHA) == tmp_path / "store" / SHA / "entry.json"
    entry = store.get(SHA)
    assert entry.records == {r.full_id: r for r in records}
    assert entry.samples("fanout_width/2") == list(records[2].samples)
    assert entry.problems == [problem]
    assert entry.runs == [{"producer": "test"}]
    assert store.commits() == [SHA]
    assert store.get("f" * 40) is None


def test_later_runs_replace_results_and_failures_per_id(tmp_path: Path, records) -> None:
    store = CriterionStore(tmp_path)
    first, second = records[0], records[1]
    store.put(SHA, [first, second], provenance={"run": 1})
    # The second run finds `first` panicking and re-measures `second`.
    newer = replace(second, samples=(1.0, 2.0))
    entry = store.put(
        SHA, [newer], failures=[Failure(first.full_id, "Criterion exited 101")], provenance={}
    )
    assert set(entry.records) == {second.full_id}
    assert entry.records[second.full_id].samples == (1.0, 2.0)
    assert entry.record_run[second.full_id] == 1
    assert entry.failures[first.full_id].reason == "Criterion exited 101"
    # A third run that measures `first` again clears its failure.
    entry = store.put(SHA, [first])
    assert first.full_id in entry.records and entry.failures == {}


def test_commits_must_be_full_hashes(tmp_path: Path, records) -> None:
    with pytest.raises(BridgeError, match="full lowercase hashes"):
        CriterionStore(tmp_path).put("0123abc", records)


def test_a_failed_write_leaves_the_previous_entry_whole(
    tmp_path: Path, records, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = CriterionStore(tmp_path)
    store.put(SHA, records[:3])
    before = store.entry_path(SHA).read_bytes()

    def die(fd: int) -> None:
        raise OSError("disk full")

    # The new content is written to the temp file but the flush to disk fails.
    monkeypatch.setattr("rust_bridge.fs.os.fsync", die)
    with pytest.raises(BridgeError, match=r"entry\.json: cannot write \(disk full\)"):
        store.put(SHA, records[3:])
    assert store.entry_path(SHA).read_bytes() == before
    assert [p.name for p in store.entry_path(SHA).parent.iterdir()] == ["entry.json"]


def test_unreadable_entry_names_its_file(tmp_path: Path) -> None:
    store = CriterionStore(tmp_path)
    store.entry_path(SHA).parent.mkdir(parents=True)
    store.entry_path(SHA).write_text('{"commit": ')
    with pytest.raises(BridgeError, match=str(store.entry_path(SHA))):
        store.get(SHA)


def _producer(root: str, worker: int, rounds: int) -> None:
    store = CriterionStore(root)
    template = read_tree(EDGE).records[0]
    for i in range(rounds):
        record = replace(template, full_id=f"w{worker}/id{i}")
        store.put(SHA, [record], provenance={"worker": worker, "round": i})


def test_concurrent_producers_lose_nothing(tmp_path: Path) -> None:
    # Without the lock, read-merge-write from two processes drops the other's ids.
    ctx = multiprocessing.get_context("fork")
    workers = [ctx.Process(target=_producer, args=(str(tmp_path), w, 10)) for w in range(3)]
    for p in workers:
        p.start()
    for p in workers:
        p.join(60)
        assert p.exitcode == 0
    entry = CriterionStore(tmp_path).get(SHA)
    assert set(entry.records) == {f"w{w}/id{i}" for w in range(3) for i in range(10)}
    assert len(entry.runs) == 30

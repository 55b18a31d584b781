"""The count store: whole entries, merged per id, and unreadable entries named, never skipped."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from callgrind_bridge.store import SCHEMA, CountStore
from rust_bridge.errors import BridgeError

SHA = "a" * 40
ENV = "virtualenv-py3.11-PIP_CONSTRAINTconstraints_langgraph-1.2.txt"


def test_round_trip_and_merge_per_id(tmp_path: Path) -> None:
    store = CountStore(tmp_path)
    store.put(SHA, "rust", None, {"g/a": [10, 12, 11], "g/b": [5]}, {}, {}, {"pass": 1})
    entry = store.put(SHA, "rust", None, {"g/b": [7]}, {"g/c": "crashed"}, {}, {"pass": 2})
    assert entry.counts == {"g/a": [10, 12, 11], "g/b": [7]}
    assert entry.instructions("g/a") == 11.0  # the median run
    assert entry.failures == {"g/c": "crashed"}
    assert [r["pass"] for r in entry.runs] == [1, 2]
    again = store.put(SHA, "rust", None, {"g/c": [3]}, {}, {"g/a": "n/a here"}, {})
    assert "g/c" not in again.failures and "g/a" not in again.counts
    assert store.get(SHA, "rust") == again
    assert store.commits() == [SHA]


def test_python_counts_are_kept_per_environment(tmp_path: Path) -> None:
    store = CountStore(tmp_path)
    store.put(SHA, "python", ENV, {"g/a": [1]}, {}, {}, {})
    assert store.get(SHA, "python") is None
    assert store.get(SHA, "python", ENV).counts == {"g/a": [1]}
    with pytest.raises(BridgeError, match="cannot name a store file"):
        store.entry_path(SHA, "python", "../escape")


def test_entries_honour_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        CountStore(tmp_path).put(SHA, "rust", None, {"g/a": [1]}, {}, {}, {})
    finally:
        os.umask(old)
    mode = stat.S_IMODE(CountStore(tmp_path).entry_path(SHA, "rust").stat().st_mode)
    assert mode == 0o644


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"schema": 1, "counts": ', "unreadable count store entry"),
        ("[" * 100_000, "unreadable count store entry"),
        (json.dumps({"schema": SCHEMA + 1, "counts": {}}), "schema 2"),
        (json.dumps({"schema": 1, "language": "rust", "counts": {"g/a": ["x"]}}), "'counts'"),
        (json.dumps({"schema": 1, "language": "rust", "counts": {"g/a": [-5]}}), "'counts'"),
        (json.dumps({"schema": 1, "language": "cobol", "counts": {}}), "malformed"),
        ("5", "not a JSON object"),
        ("null", "holds null"),
    ],
)
def test_a_damaged_entry_is_an_error_naming_its_file(
    tmp_path: Path, content: str, message: str
) -> None:
    store = CountStore(tmp_path)
    path = store.entry_path(SHA, "rust")
    path.parent.mkdir(parents=True)
    path.write_text(content)
    with pytest.raises(BridgeError, match=message) as err:
        store.get(SHA, "rust")
    assert str(path) in str(err.value)
    # A producer refuses to merge into it too, rather than replacing what it cannot read.
    with pytest.raises(BridgeError):
        store.put(SHA, "rust", None, {"g/a": [1]}, {}, {}, {})
    assert path.read_text() == content


def test_bad_commit_and_language_are_refused(tmp_path: Path) -> None:
    store = CountStore(tmp_path)
    with pytest.raises(BridgeError, match="full lowercase hashes"):
        store.entry_path("--output=/tmp/x", "rust")
    with pytest.raises(BridgeError, match="language 'go'"):
        store.entry_path(SHA, "go")

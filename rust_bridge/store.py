"""The per-commit Criterion store: ``<store>/<full commit hash>/entry.json``.

asv's track_ benchmarks read from here, so an entry is only ever replaced whole (temp file +
os.replace) and every producer merges into it under one file lock: a reader sees the old entry
or the new one, never half of either, and two producers never lose each other's results.
An entry is checked against its schema on every read: one that cannot be read, or was written
by a newer dashbench, is an error naming the file, never "no data" and never rewritten.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rust_bridge.errors import BridgeError
from rust_bridge.fs import (
    UnreadableFile,
    file_lock,
    read_json,
    remove_stale_temps,
    write_json_atomically,
)
from rust_bridge.reader import BenchmarkRecord, Problem
from rust_bridge.schema import STORE_ENTRY, violation

ENTRY_NAME = "entry.json"
SCHEMA = 1
_FULL_HASH = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")
_NULL_HASH = re.compile(r"^0+$")  # git's "no commit"; no measurement can belong to it


@dataclass(frozen=True)
class Failure:
    """A Criterion id with no result at this commit (its process panicked or was killed)."""

    full_id: str
    reason: str
    log: str = ""


@dataclass
class StoreEntry:
    commit: str
    records: dict[str, BenchmarkRecord] = field(default_factory=dict)
    failures: dict[str, Failure] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    runs: list[dict[str, Any]] = field(default_factory=list)  # provenance, one per producer run
    record_run: dict[str, int] = field(default_factory=dict)  # full_id -> index into runs

    def samples(self, full_id: str) -> list[float] | None:
        record = self.records.get(full_id)
        return None if record is None else list(record.samples)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "commit": self.commit,
            "records": [self.records[k].to_dict() for k in sorted(self.records)],
            "failures": [asdict(self.failures[k]) for k in sorted(self.failures)],
            "problems": [asdict(p) for p in self.problems],
            "runs": self.runs,
            "record_run": dict(sorted(self.record_run.items())),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StoreEntry:
        records = [BenchmarkRecord.from_dict(r) for r in data["records"]]
        failures = [Failure(**f) for f in data.get("failures", [])]
        return cls(
            commit=data["commit"],
            records={r.full_id: r for r in records},
            failures={f.full_id: f for f in failures},
            problems=[Problem(**p) for p in data.get("problems", [])],
            runs=list(data.get("runs", [])),
            record_run=dict(data.get("record_run", {})),
        )

    def merge(
        self,
        records: Iterable[BenchmarkRecord],
        failures: Iterable[Failure],
        problems: Iterable[Problem],
        provenance: dict[str, Any],
    ) -> None:
        """Fold one producer run in: its results and failures replace older ones per id.

        A run described exactly like one already listed (the same tree imported again) reuses
        that one, so re-importing does not grow the provenance list."""
        try:
            run = self.runs.index(provenance)
        except ValueError:
            run = len(self.runs)
            self.runs.append(provenance)
        for record in records:
            self.records[record.full_id] = record
            self.record_run[record.full_id] = run
            self.failures.pop(record.full_id, None)
        for failure in failures:
            self.failures[failure.full_id] = failure
            self.records.pop(failure.full_id, None)
            self.record_run.pop(failure.full_id, None)
        self.problems.extend(p for p in problems if p not in self.problems)


def check_commit(commit: str) -> str:
    if not _FULL_HASH.match(commit):
        raise BridgeError(f"commit {commit!r}: the store is keyed by full lowercase hashes")
    if _NULL_HASH.match(commit):
        raise BridgeError(f"commit {commit!r} is git's null hash, not a commit")
    return commit


def parse_entry(data: Any, path: Path) -> StoreEntry:
    """A store entry from its JSON, or a BridgeError naming ``path`` and what is wrong."""
    schema = data.get("schema") if isinstance(data, dict) else None
    if isinstance(schema, int) and schema > SCHEMA:
        raise BridgeError(
            f"{path}: store entry schema {schema}; this dashbench reads schema {SCHEMA} "
            "(upgrade dashbench; the entry is left as it is)"
        )
    if problem := violation(data, STORE_ENTRY):
        raise BridgeError(f"{path}: malformed store entry ({problem})")
    entry = StoreEntry.from_dict(data)
    if any(n >= len(entry.runs) for n in entry.record_run.values()):
        raise BridgeError(f"{path}: malformed store entry (record_run names a missing run)")
    return entry


def read_stored(path: Path, what: str) -> Any:
    """A store file's JSON, or None where nothing was stored; an unreadable file is an error."""
    try:
        data = read_json(path)
    except FileNotFoundError:
        return None
    except UnreadableFile as exc:
        raise BridgeError(f"{path}: unreadable {what}: {exc}") from None
    if data is None:  # JSON null is damage, not "nothing stored"
        raise BridgeError(f"{path}: unreadable {what}: it holds null")
    return data


class CriterionStore:
    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    def entry_path(self, commit: str) -> Path:
        return self.root / check_commit(commit) / ENTRY_NAME

    def get(self, commit: str) -> StoreEntry | None:
        """The entry for ``commit`` (a full hash), or None when nothing was stored for it."""
        path = self.entry_path(commit)
        data = read_stored(path, "store entry")
        return None if data is None else parse_entry(data, path)

    def commits(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.parent.name for p in self.root.glob(f"*/{ENTRY_NAME}"))

    def put(
        self,
        commit: str,
        records: Iterable[BenchmarkRecord],
        failures: Iterable[Failure] = (),
        problems: Iterable[Problem] = (),
        provenance: dict[str, Any] | None = None,
    ) -> StoreEntry:
        """Merge one producer run into the commit's entry and replace it atomically."""
        path = self.entry_path(commit)
        with self.lock():
            remove_stale_temps(self.root, f"*/.{ENTRY_NAME}.*")
            entry = self.get(commit) or StoreEntry(commit=commit)
            entry.merge(records, failures, problems, provenance or {})
            write_json_atomically(path, entry.to_dict(), separators=(",", ":"))
        return entry

    def lock(self, name: str = "store") -> contextlib.AbstractContextManager[None]:
        """An exclusive advisory lock on ``<store>/.<name>.lock``; blocks until it is free."""
        return file_lock(self.root / f".{name}.lock")

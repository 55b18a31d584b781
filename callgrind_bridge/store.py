"""The per-commit count store: ``<store>/<commit>/<language>[-<environment>].json``.

Like the Criterion store, an entry is replaced whole (atomic write) and every producer merges
into it under a lock, so asv's track_ benchmarks never read half an entry. Python counts are
kept per asv environment, since another LangGraph line is other work; Rust counts per commit.
An entry that cannot be read is an error naming the file, never "no data": the gate must fail
closed.
"""

from __future__ import annotations

import contextlib
import statistics
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rust_bridge.errors import BridgeError
from rust_bridge.fs import (
    file_lock,
    remove_stale_temps,
    write_json_atomically,
)
from rust_bridge.store import check_commit, read_stored

SCHEMA = 1
LANGUAGES = ("python", "rust")
LOCK_TIMEOUT = 6 * 3600.0  # a pass for a commit can take minutes; a stuck one is named


@dataclass
class CountEntry:
    commit: str
    language: str
    env: str | None = None
    counts: dict[str, list[int]] = field(default_factory=dict)  # id -> instructions per run
    failures: dict[str, str] = field(default_factory=dict)  # id -> why it has no count
    skipped: dict[str, str] = field(default_factory=dict)  # id -> why it cannot run here (n/a)
    runs: list[dict[str, Any]] = field(default_factory=list)  # provenance, one per pass

    def instructions(self, criterion_id: str) -> float | None:
        """Instructions per run of the timed body: the median of the runs."""
        runs = self.counts.get(criterion_id)
        return float(statistics.median(runs)) if runs else None

    def covered(self) -> set[str]:
        return set(self.counts) | set(self.failures) | set(self.skipped)

    def merge(
        self,
        counts: Mapping[str, list[int]],
        failures: Mapping[str, str],
        skipped: Mapping[str, str],
        provenance: dict[str, Any],
    ) -> None:
        """One pass's results replace older ones per id."""
        self.runs.append(provenance)
        for outcome in (counts, failures, skipped):
            for cid in outcome:
                for other in (self.counts, self.failures, self.skipped):
                    other.pop(cid, None)
        self.counts.update({k: list(v) for k, v in counts.items()})
        self.failures.update(failures)
        self.skipped.update(skipped)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "commit": self.commit,
            "language": self.language,
            "env": self.env,
            "counts": dict(sorted(self.counts.items())),
            "failures": dict(sorted(self.failures.items())),
            "skipped": dict(sorted(self.skipped.items())),
            "runs": self.runs,
        }

    @classmethod
    def from_dict(cls, data: Any, path: Path) -> CountEntry:
        if not isinstance(data, dict):
            raise BridgeError(f"{path}: count store entry is not a JSON object")
        schema = data.get("schema")
        if not isinstance(schema, int) or schema > SCHEMA:
            raise BridgeError(
                f"{path}: count store schema {schema!r}; this dashbench reads schema {SCHEMA} "
                "(upgrade dashbench, or remove the entry to measure again)"
            )
        counts = data.get("counts")
        if not isinstance(counts, dict) or not all(
            isinstance(v, list) and v and all(isinstance(n, int) and n >= 0 for n in v)
            for v in counts.values()
        ):
            raise BridgeError(f"{path}: 'counts' must map ids to lists of instruction counts")
        entry = cls(
            commit=data.get("commit", ""),
            language=data.get("language", ""),
            env=data.get("env"),
            counts=counts,
            failures=data.get("failures", {}),
            skipped=data.get("skipped", {}),
            runs=data.get("runs", []),
        )
        if entry.language not in LANGUAGES or not all(
            isinstance(x, dict) for x in (entry.failures, entry.skipped)
        ):
            raise BridgeError(f"{path}: malformed count store entry")
        return entry


class CountStore:
    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    def entry_path(self, commit: str, language: str, env: str | None = None) -> Path:
        if language not in LANGUAGES:
            raise BridgeError(f"language {language!r}: expected one of {', '.join(LANGUAGES)}")
        if env is not None and (not env or "/" in env or env.startswith(".")):
            raise BridgeError(f"environment name {env!r} cannot name a store file")
        name = language if env is None else f"{language}-{env}"
        return self.root / check_commit(commit) / f"{name}.json"

    def get(self, commit: str, language: str, env: str | None = None) -> CountEntry | None:
        path = self.entry_path(commit, language, env)
        data = read_stored(path, "count store entry")
        return None if data is None else CountEntry.from_dict(data, path)

    def put(
        self,
        commit: str,
        language: str,
        env: str | None,
        counts: Mapping[str, list[int]],
        failures: Mapping[str, str],
        skipped: Mapping[str, str],
        provenance: dict[str, Any],
    ) -> CountEntry:
        path = self.entry_path(commit, language, env)
        with self.lock():
            remove_stale_temps(self.root, "*/.*.json.*")
            entry = self.get(commit, language, env) or CountEntry(commit, language, env)
            entry.merge(counts, failures, skipped, provenance)
            write_json_atomically(path, entry.to_dict(), indent=1)
        return entry

    def commits(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted({p.parent.name for p in self.root.glob("*/*.json")})

    def lock(self, name: str = "store") -> contextlib.AbstractContextManager[None]:
        return file_lock(self.root / f".{name}.lock", timeout=LOCK_TIMEOUT)

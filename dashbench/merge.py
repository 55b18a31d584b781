"""`dashbench merge SHARD... --into RESULTS_DIR`: one results directory from several machines.

asv keeps each machine's results apart (``<results>/<machine>/...``), so machines measured on
separate CI runners can be combined into one site (asv#1362), provided nothing is measured
twice with different answers. The merge reads and checks everything first and writes nothing
when a conflict is found; then every file is written to a temporary name and renamed into
place, under the results directory's lock, so a reader never sees half a file and running the
same merge again changes nothing.

A shard is a results directory as ``asv run`` leaves it: machine directories holding
``machine.json`` and results files, and ``benchmarks.json``. Rules:

- results files (machine, commit, environment) are combined benchmark by benchmark; the same
  benchmark with two different successful results is a conflict, a failed result gives way to
  a successful one;
- a machine described differently by two shards is a conflict; a shard's description replaces
  the one already in RESULTS_DIR (runners are re-described every run);
- benchmark definitions must agree between shards, and replace those already in RESULTS_DIR.

A file that cannot be read is reported and skipped, and the sound ones are merged; the command
fails (exit 2) on a conflict, or when nothing at all could be merged.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asv.benchmarks import Benchmarks
from asv.machine import Machine
from asv.results import Results
from asv.util import UserError, load_json

from dashbench.errors import DashbenchError
from dashbench.pipeline.lock import results_lock
from rust_bridge.fs import replace, stage_bytes
from rust_bridge.options import add_command, add_wait

# `dashbench merge --help`
SUMMARY = "combine asv result shards from several machines into one results directory"
DESCRIPTION = __doc__.split("\n\n")[1]
EXIT_CODES = (
    "exit codes: 0 merged (unreadable files are reported and skipped), "
    "2 conflict or nothing mergeable (nothing written)"
)

BENCHMARKS = "benchmarks.json"
MACHINE = "machine.json"
_RESULT_META = ("commit_hash", "env_name", "params", "python", "requirements", "result_columns")


@dataclass
class Merge:
    """Everything the merge will write, keyed by path relative to the results directory."""

    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    origin: dict[str, str] = field(default_factory=dict)  # relative path -> where it came from
    problems: list[str] = field(default_factory=list)  # unreadable inputs, skipped
    conflicts: list[str] = field(default_factory=list)


def _load(path: Path, api_version: int) -> dict[str, Any]:
    """asv's checked load; it drops the format version, which is put back for writing."""
    if not path.is_file():  # a FIFO would block asv's open forever
        raise UserError("not a regular file")
    try:
        data = load_json(str(path), api_version=api_version)
    except RecursionError:
        raise UserError("invalid JSON (nested too deeply to read)") from None
    if not isinstance(data, dict):
        raise UserError(f"{path}: expected a JSON object")
    return {**data, "version": api_version}


def _failed(row: list[Any]) -> bool:
    return not row or row[0] is None or all(v is None for v in row[0])


def _merge_results(
    rel: str, old: dict[str, Any], new: dict[str, Any], sources: tuple[str, str]
) -> tuple[dict[str, Any], list[str]]:
    """Combine two results files of one (machine, commit, environment), benchmark by benchmark."""
    conflicts = [
        f"{rel}: '{key}' differs between {sources[0]} and {sources[1]}"
        for key in _RESULT_META
        if old.get(key) != new.get(key)
    ]
    if conflicts:
        return old, conflicts
    rows = dict(old["results"])
    for name, row in new["results"].items():
        mine = rows.get(name)
        if mine is None or mine == row or _failed(mine):
            rows[name] = row
        elif not _failed(row):
            conflicts.append(
                f"{rel}: benchmark {name} was measured in both {sources[0]} and {sources[1]} "
                "with different results"
            )
    merged = {
        **old,
        "results": rows,
        "durations": {**old.get("durations", {}), **new.get("durations", {})},
    }
    return merged, conflicts


class Merger:
    def __init__(self, into: Path) -> None:
        self.into = into
        self.plan = Merge()
        self._machine_from: dict[str, str] = {}  # machine.json paths set by a shard

    def _existing(self, rel: str, api_version: int) -> dict[str, Any] | None:
        path = self.into / rel
        if not path.exists():
            return None
        try:
            return _load(path, api_version)
        except UserError as exc:
            raise DashbenchError(f"{path}: cannot read the existing file: {exc}") from exc

    def existing_raw(self, rel: str) -> Any:
        """The file now in the target as plain JSON (None if absent), to skip unchanged writes."""
        try:
            return json.loads((self.into / rel).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def _current(self, rel: str, api_version: int) -> tuple[dict[str, Any] | None, str]:
        if rel in self.plan.files:
            return self.plan.files[rel], self.plan.origin[rel]
        return self._existing(rel, api_version), str(self.into)

    def add_shard(self, shard: Path) -> int:
        """Plan the shard's files; return how many were sound."""
        if not shard.is_dir():
            raise DashbenchError(f"{shard}: shard is not a directory")
        machines = sorted(p.parent for p in shard.glob(f"*/{MACHINE}"))
        if not machines:
            raise DashbenchError(f"{shard}: no <machine>/{MACHINE} here; not an asv results dir")
        sound = 0
        for machine_dir in machines:
            sound += self._add_machine(shard, machine_dir)
        if (shard / BENCHMARKS).exists():
            sound += self._add_benchmarks(shard / BENCHMARKS)
        return sound

    def _add_machine(self, shard: Path, machine_dir: Path) -> int:
        rel = f"{machine_dir.name}/{MACHINE}"
        try:
            info = _load(machine_dir / MACHINE, Machine.api_version)
        except UserError as exc:
            self.plan.problems.append(f"{machine_dir / MACHINE}: {exc}; machine skipped")
            return 0
        if info.get("machine") != machine_dir.name:
            self.plan.problems.append(
                f"{machine_dir / MACHINE}: names machine {info.get('machine')!r}, "
                f"not its directory {machine_dir.name!r}; machine skipped"
            )
            return 0
        if rel in self._machine_from and self.plan.files[rel] != info:
            self.plan.conflicts.append(
                f"machine {machine_dir.name} is described differently in "
                f"{self._machine_from[rel]} and {shard}"
            )
        else:
            self.plan.files[rel], self.plan.origin[rel] = info, str(shard)
            self._machine_from[rel] = str(shard)
        sound = 1
        for path in sorted(machine_dir.glob("*.json")):
            if path.name != MACHINE:
                sound += self._add_results(path, f"{machine_dir.name}/{path.name}", shard)
        return sound

    def _add_results(self, path: Path, rel: str, shard: Path) -> int:
        try:
            data = _load(path, Results.api_version)
            Results.load(str(path), machine_name=path.parent.name)
        except UserError as exc:
            self.plan.problems.append(f"{path}: {exc}; skipped")
            return 0
        current, source = self._current(rel, Results.api_version)
        if current is None:
            merged, conflicts = data, []
        else:
            merged, conflicts = _merge_results(rel, current, data, (source, str(shard)))
        self.plan.conflicts += conflicts
        if not conflicts:
            self.plan.files[rel], self.plan.origin[rel] = merged, str(shard)
        return 1

    def _add_benchmarks(self, path: Path) -> int:
        try:
            data = _load(path, Benchmarks.api_version)
        except UserError as exc:
            self.plan.problems.append(f"{path}: {exc}; skipped")
            return 0
        if BENCHMARKS in self.plan.files:
            merged = self.plan.files[BENCHMARKS]
            for name, definition in data.items():
                if name != "version" and name in merged and merged[name] != definition:
                    self.plan.conflicts.append(
                        f"benchmark {name} is defined differently in "
                        f"{self.plan.origin[BENCHMARKS]} and {path.parent}"
                    )
            self.plan.files[BENCHMARKS] = {**merged, **data}
        else:
            existing = self._existing(BENCHMARKS, Benchmarks.api_version) or {}
            self.plan.files[BENCHMARKS] = {**existing, **data}
            self.plan.origin[BENCHMARKS] = str(path.parent)
        return 1


def _write_all(into: Path, files: dict[str, dict[str, Any]]) -> None:
    """Write every file to a temporary name first (with the umask's mode, as asv would), then
    rename them all into place; any failure names the file and leaves no temporary behind."""
    staged: list[tuple[Path, Path]] = []
    try:
        for rel, data in files.items():
            text = json.dumps(data, indent=None if rel != BENCHMARKS else 4, sort_keys=True)
            staged.append((stage_bytes(into / rel, text.encode("utf-8")), into / rel))
        for tmp, target in staged:
            replace(tmp, target)
    finally:
        for tmp, _ in staged:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)


def merge(shards: list[Path], into: Path, *, wait: bool = True) -> Merge:
    """Merge ``shards`` into ``into``; raise DashbenchError (writing nothing) on any conflict."""
    if into.exists() and not into.is_dir():
        raise DashbenchError(f"{into}: --into must be a results directory, and this is a file")
    with results_lock(into, wait=wait, what="dashbench merge"):
        merger = Merger(into)
        sound = sum(merger.add_shard(shard) for shard in shards)
        plan = merger.plan
        if plan.conflicts:
            raise DashbenchError(
                "conflicting results, nothing was merged:\n  " + "\n  ".join(plan.conflicts)
            )
        if sound == 0:
            raise DashbenchError(
                "nothing could be merged:\n  " + "\n  ".join(plan.problems or ["empty shards"])
            )
        changed = {
            rel: data for rel, data in plan.files.items() if merger.existing_raw(rel) != data
        }
        _write_all(into, changed)
        plan.files = changed
        return plan


def run(args: argparse.Namespace) -> int:
    plan = merge([Path(s) for s in args.shards], Path(args.into), wait=args.wait)
    for problem in plan.problems:
        print(f"warning: {problem}", file=sys.stderr)
    print(f"dashbench merge: {len(plan.files)} file(s) written into {args.into}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(
        subparsers, "merge", run, SUMMARY, config=False, description=DESCRIPTION, epilog=EXIT_CODES
    )
    parser.add_argument("shards", nargs="+", metavar="SHARD", help="a results directory")
    parser.add_argument("--into", required=True, metavar="RESULTS_DIR", help="merge target")
    add_wait(parser)

"""Put stored Criterion results of past commits into asv's results, without building anything.

Results go through asv's own ``Results.add_result`` into a results file of their own
(``<machine>/<hash8>-<env name>.json``), under the very name and version asv discovered for
the track_ benchmark, so ``asv publish`` shows them and a later ``asv run`` does not disown them.
"""

from __future__ import annotations

import copy
import datetime
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asv import runner as asv_runner
from asv.benchmarks import Benchmarks
from asv.config import Config
from asv.machine import Machine, MachineCollection
from asv.repo import get_repo
from asv.results import Results
from asv.util import UserError

from rust_bridge.checkout import commits_in_range
from rust_bridge.errors import BridgeError
from rust_bridge.manifest import ManifestEntry, load_manifest
from rust_bridge.runner import RunOptions, run_commit
from rust_bridge.settings import Settings
from rust_bridge.store import CriterionStore, StoreEntry

ENV_PARAM = "criterion"  # marks backfilled rows apart from the Python environments' rows


@dataclass
class BackfillReport:
    imported: dict[str, Path] = field(default_factory=dict)  # commit -> results file
    skipped: dict[str, str] = field(default_factory=dict)  # commit -> why

    def lines(self) -> list[str]:
        out = [f"{c[:8]}: {path}" for c, path in self.imported.items()]
        out += [f"{c[:8]}: skipped ({why})" for c, why in self.skipped.items()]
        out.append(f"{len(self.imported)} commit(s) imported, {len(self.skipped)} skipped")
        return out


def backfill(
    settings: Settings,
    range_spec: str,
    machine: str | None = None,
    env_name: str = "criterion-backfill",
    run_missing: bool = False,
    quick: bool = False,
    progress: Callable[[str], None] | None = None,
) -> BackfillReport:
    if settings.conf_path is None:
        raise BridgeError("backfill needs an asv.conf.json (--config)")
    conf = _config(settings)
    repo = get_repo(conf)
    hashes = commits_in_range(settings.git_dir, range_spec)
    if not hashes:
        raise BridgeError(f"{range_spec!r}: no commits in this range")
    manifest = load_manifest(settings.manifest)
    definitions, rediscovered = discovered_definitions(conf, [m.asv_name for m in manifest])
    host = _machine(machine)
    machine_params = dict(host.__dict__)
    store = CriterionStore(settings.store)
    report = BackfillReport()
    results_dir = Path(conf.results_dir)
    for commit in hashes:
        entry = store.get(commit)
        if entry is None and run_missing:
            entry = run_commit(settings, commit, RunOptions(quick=quick), progress=progress)
        if entry is None:
            report.skipped[commit] = "no Criterion store entry"
            continue
        results = Results(
            {**machine_params, "python": "", ENV_PARAM: "backfill"},
            {},
            commit,
            repo.get_date(commit),
            "",
            env_name,
            {},
        )
        results.load_data(str(results_dir))
        if not add_entry(results, entry, manifest, definitions):
            report.skipped[commit] = "its store entry has no id of the manifest"
            continue
        _save_atomically(results.save, results_dir, results._filename)
        report.imported[commit] = results_dir / results._filename
    if report.imported and rediscovered:
        # What `asv run --bench just-discover` would write; publish needs it.
        _save_atomically(
            lambda d: _save_benchmarks(conf, rediscovered, d), results_dir, "benchmarks.json"
        )
    if report.imported:
        machine_json = Path(host.machine) / "machine.json"
        _save_atomically(host.save, results_dir, machine_json)
    return report


def add_entry(
    results: Results,
    entry: StoreEntry,
    manifest: list[ManifestEntry],
    definitions: dict[str, dict[str, Any]],
) -> int:
    """Add every manifest id the entry has a result or a failure for; return how many."""
    added = 0
    for item in manifest:
        record = entry.records.get(item.criterion_id)
        failure = entry.failures.get(item.criterion_id)
        if record is not None:
            result = asv_runner.BenchmarkResult(
                result=[True],  # asv's marker for "computed from samples"; replaced by the median
                samples=[list(record.samples)],
                number=[1],
                errcode=0,
                stderr="",
                profile=None,
            )
        elif failure is not None:
            result = asv_runner.BenchmarkResult(
                result=[None],
                samples=[None],
                number=[None],
                errcode=1,
                stderr=f"{failure.reason}\n{failure.log}",
                profile=None,
            )
        else:
            continue
        run = entry.runs[entry.record_run[item.criterion_id]] if record is not None else {}
        results.add_result(
            definitions[item.asv_name],
            result,
            started_at=_started_at(run),
            record_samples=True,
        )
        added += 1
    return added


def discovered_definitions(
    conf: Config, names: list[str]
) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]] | None]:
    """asv's own definitions of ``names``: from benchmarks.json if asv has discovered them,
    else from a discovery run of the suite, the same command asv runs. The second item is the
    fresh discovery, if one was needed."""
    found: dict[str, dict[str, Any]] = {}
    rediscovered = None
    try:
        found = {b["name"]: b for b in Benchmarks.load(conf).values()}
    except Exception:  # asv raises UserError when benchmarks.json is missing or stale
        found = {}
    if not all(n in found for n in names):
        rediscovered = _discover(Path(conf.benchmark_dir))
        found = {b["name"]: b for b in rediscovered}
    missing = [n for n in names if n not in found]
    if missing:
        raise BridgeError(
            f"{conf.benchmark_dir}: asv does not discover {', '.join(missing[:5])}"
            + (" ..." if len(missing) > 5 else "")
            + "; regenerate the manifest (dashbench criterion manifest)"
        )
    return found, rediscovered


def _save_benchmarks(conf: Config, discovered: list[dict[str, Any]], results_dir: str) -> None:
    scratch = copy.copy(conf)
    scratch.results_dir = results_dir
    Benchmarks(scratch, discovered).save()


def _discover(benchmark_dir: Path) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "benchmarks.json"
        done = subprocess.run(
            [sys.executable, asv_runner.BENCHMARK_RUN_SCRIPT, "discover", str(benchmark_dir), out],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise BridgeError(f"{benchmark_dir}: asv discovery failed:\n{done.stderr[-2000:]}")
        return json.loads(out.read_text())


def _config(settings: Settings) -> Config:
    """asv's config with its paths made absolute (asv resolves them from its working dir)."""
    conf = Config.load(str(settings.conf_path))
    base = settings.conf_path.parent
    conf.repo = str(settings.git_dir)
    conf.results_dir = str(base / conf.results_dir)
    conf.benchmark_dir = str(base / conf.benchmark_dir)
    return conf


def _machine(name: str | None) -> Machine:
    """asv's machine of that name (default: this host's); an unknown one is described with
    asv's defaults for this host, as `asv machine --yes --machine NAME` would."""
    name = name or Machine.get_unique_machine_name()
    if not name or name.startswith((".", "-")) or os.sep in name:
        raise BridgeError(f"machine name {name!r} cannot name a directory of the results")
    try:
        MachineCollection.load(name)
    except UserError:
        return Machine.load(machine_name=name, **{**Machine.get_defaults(), "machine": name})
    return Machine.load(machine_name=name)


def _started_at(run: dict[str, Any]) -> datetime.datetime | None:
    created = run.get("created")
    return datetime.datetime.fromisoformat(created) if created else None


def _save_atomically(save: Callable[[str], None], results_dir: Path, relative: str | Path) -> None:
    """Let asv write into a scratch dir beside the results (same filesystem, but outside the
    tree that asv publish walks), then move the file in whole."""
    results_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=results_dir.parent, prefix=".backfill-") as scratch:
        save(scratch)
        target = results_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(Path(scratch) / relative, target)

"""asv's view of the store: the track_ classes that benchmarks/criterion.py exposes.

One class per Criterion group and one ``track_`` method per id, all built from the committed
manifest, so the set of benchmarks (and asv's parameter indexing) never depends on the commit
being measured. Each method has its own ``setup`` (asv looks for ``setup`` on the method
first), which raises NotImplementedError when the commit has no result for that id, the way
asv records "n/a". A missing store entry is produced on the spot by running cargo bench for
that commit, once, under a lock, so ``asv run``/``continuous``/``find`` work for Rust ids.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rust_bridge.checkout import resolve_sha
from rust_bridge.manifest import ManifestEntry, load_manifest
from rust_bridge.runner import RunOptions, run_commit
from rust_bridge.settings import Settings, load_settings
from rust_bridge.store import CriterionStore, StoreEntry

VERSION = "criterion-samples-1"  # bump only when the meaning of the values changes
TIMEOUT = 3 * 3600  # the first id of a commit may build the crate and run the whole suite
COMMIT_VARS = ("ASV_COMMIT", "DASHBENCH_COMMIT")  # existing environments get no ASV_* vars
AUTORUN_VAR = "DASHBENCH_CRITERION_AUTORUN"
QUICK_VAR = "DASHBENCH_CRITERION_QUICK"


def measured_commit() -> str | None:
    for name in COMMIT_VARS:
        if value := os.environ.get(name, "").strip():
            return value
    return None


def suite_settings(benchmarks_dir: Path) -> Settings:
    """asv's config dir when asv launched us, else the checkout holding ``benchmarks/``."""
    return load_settings(root=Path(os.environ.get("ASV_CONF_DIR") or benchmarks_dir.parent))


def measured(benchmarks_dir: Path) -> tuple[Settings, str]:
    """The settings and full commit a track_ benchmark reads; no commit to read is "n/a"."""
    commit = measured_commit()
    if commit is None:
        raise NotImplementedError("no commit to read: set ASV_COMMIT or DASHBENCH_COMMIT")
    settings = suite_settings(benchmarks_dir)
    return settings, resolve_sha(settings.git_dir, commit)


def entry_for(settings: Settings, commit: str) -> StoreEntry | None:
    """The store entry for ``commit``; produced by cargo bench first if missing and allowed."""
    store = CriterionStore(settings.store)
    entry = store.get(commit)
    if entry is not None or os.environ.get(AUTORUN_VAR, "1").strip() in ("0", "false", "no"):
        return entry
    with store.lock(f"run-{commit}"):  # parallel benchmark processes wait for one run
        entry = store.get(commit)
        if entry is None:
            env_dir = os.environ.get("ASV_ENV_DIR")
            entry = run_commit(
                settings,
                commit,
                RunOptions(quick=os.environ.get(QUICK_VAR, "") not in ("", "0")),
                checkout=Path(env_dir) / "project" if env_dir else None,
                store=store,
                progress=lambda line: print(line, file=sys.stderr),
            )
    return entry


def build_classes(benchmarks_dir: Path, module: str) -> dict[str, type]:
    """The suite's classes, keyed by class name, built from the committed manifest."""
    classes: dict[str, dict[str, Any]] = {}
    for item in load_manifest(benchmarks_dir / "criterion_manifest.json"):
        classes.setdefault(item.class_name, {})[item.method] = _track(item, benchmarks_dir)
    return {
        name: type(
            name,
            (),
            {
                **methods,
                "__module__": module,
                "version": VERSION,
                "unit": "seconds",
                "timeout": TIMEOUT,
            },
        )
        for name, methods in sorted(classes.items())
    }


def _track(item: ManifestEntry, benchmarks_dir: Path) -> Callable[..., dict[str, Any]]:
    held: dict[str, Any] = {}

    def setup() -> None:
        settings, commit = measured(benchmarks_dir)
        entry = entry_for(settings, commit)
        if entry is None:
            raise NotImplementedError(f"no Criterion store entry for {commit}")
        samples = entry.samples(item.criterion_id)
        if samples is None and item.criterion_id not in entry.failures:
            raise NotImplementedError(f"{item.criterion_id}: no Criterion result at {commit}")
        held["samples"] = samples or []
        held["failure"] = entry.failures.get(item.criterion_id)

    def track(self: object) -> dict[str, Any]:
        if failure := held.get("failure"):
            # A panic at this commit is a failure, not a gap: asv records it as such.
            raise RuntimeError(f"{item.criterion_id} failed: {failure.reason}\n{failure.log}")
        return {"samples": held["samples"], "number": 1}

    track.__name__ = track.__qualname__ = item.method
    track.setup = setup
    track.pretty_name = item.pretty_name
    track.criterion_id = item.criterion_id
    return track

"""asv's view of the count store: the track_ classes of ``benchmarks/instructions/``.

One class per Criterion group and one ``track_<function id>`` per id and language, built from
the committed manifest, so names and versions never depend on the commit measured. A commit
(or an id) missing from the store is measured on the spot, once, under a lock: that is how
``asv run``, ``asv continuous`` and ``asv find`` fill a missing commit. The Python pass runs
with the interpreter asv launched this benchmark with, which has the commit's workloads
installed; the Rust pass builds the commit's crate.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from callgrind_bridge.manifest import CountedId, load_manifest
from callgrind_bridge.passes import PassOptions, python_pass, rust_pass
from callgrind_bridge.store import CountEntry, CountStore
from rust_bridge.settings import Settings
from rust_bridge.track import measured, suite_settings

VERSION = "callgrind-instructions-1"  # bump only when the meaning of the values changes
TIMEOUT = 3 * 3600  # the first id of a commit may build the crate and count every id
AUTORUN_VAR = "DASHBENCH_COUNTS_AUTORUN"  # 1 (default) both languages, 0 none, or one language
FILTER_VAR = "DASHBENCH_COUNTS_FILTER"  # measure only these ids on a miss (bisection)


def environment_name() -> str | None:
    """asv's environment, which fixes the LangGraph line the Python counts belong to."""
    return os.environ.get("ASV_ENV_NAME") or None


def count_filter() -> str | None:
    """$DASHBENCH_COUNTS_FILTER: a regex on Criterion ids, or None for every id."""
    return os.environ.get(FILTER_VAR) or None


def autorun(language: str) -> bool:
    """Whether a missing count of ``language`` may be measured on the spot."""
    value = os.environ.get(AUTORUN_VAR, "1").strip().lower()
    return value in ("1", "yes", "true", language)


def entry_for(
    settings: Settings, commit: str, language: str, item: CountedId, benchmarks_dir: Path
) -> CountEntry | None:
    """The store entry holding ``item``; measured first when missing and allowed."""
    env = environment_name() if language == "python" else None
    store = CountStore(settings.count_store)
    entry = store.get(commit, language, env)
    if (entry is not None and item.criterion_id in entry.covered()) or not autorun(language):
        return entry
    with store.lock(f"run-{commit}-{language}"):  # parallel benchmark processes wait for one
        entry = store.get(commit, language, env)
        if entry is not None and item.criterion_id in entry.covered():
            return entry
        wanted = count_filter()
        if wanted and not re.search(wanted, item.criterion_id):
            wanted = f"^{re.escape(item.criterion_id)}$"
        options = PassOptions(filter=wanted)
        items = load_manifest(settings.count_manifest)
        report = lambda line: print(line, file=sys.stderr)  # noqa: E731
        if language == "python":
            return python_pass(
                settings, commit, items, python=sys.executable, benchmarks_dir=benchmarks_dir,
                env_name=env, options=options, progress=report,
            )  # fmt: skip
        env_dir = os.environ.get("ASV_ENV_DIR")
        checkout = Path(env_dir) / "project" if env_dir else None
        return rust_pass(
            settings, commit, items, checkout=checkout, options=options, progress=report
        )


def build_classes(benchmarks_dir: Path, module: str, language: str) -> dict[str, type]:
    """The classes of one language, keyed by class name (the Criterion group)."""
    settings = suite_settings(benchmarks_dir)
    classes: dict[str, dict[str, Any]] = {}
    for item in load_manifest(settings.count_manifest):
        classes.setdefault(item.group, {})[item.method] = _track(item, language, benchmarks_dir)
    return {
        name: type(
            name,
            (),
            {
                **methods,
                "__module__": module,
                "version": VERSION,
                "unit": "instructions",
                "timeout": TIMEOUT,
            },
        )
        for name, methods in sorted(classes.items())
    }


def _track(item: CountedId, language: str, benchmarks_dir: Path) -> Callable[..., float]:
    held: dict[str, Any] = {}

    def setup() -> None:
        settings, commit = measured(benchmarks_dir)
        entry = entry_for(settings, commit, language, item, benchmarks_dir)
        if entry is None or item.criterion_id in entry.skipped:
            raise NotImplementedError(f"no {language} count for {item.criterion_id} at {commit}")
        held["failure"] = entry.failures.get(item.criterion_id)
        held["value"] = entry.instructions(item.criterion_id)

    def track(self: object) -> float:
        if failure := held.get("failure"):
            raise RuntimeError(f"{item.criterion_id} ({language}) failed: {failure}")
        return held["value"]

    track.__name__ = track.__qualname__ = item.method
    track.setup = setup
    track.pretty_name = f"{item.criterion_id} ({language} instructions)"
    track.criterion_id = item.criterion_id
    return track

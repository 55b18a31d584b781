"""The Rust suite at several commits in interleaved rounds: A B, then B A, and so on.

Why: a pull request's base and head measured one after the other meet a shared machine in two
different moods, and its 20-30% drift over minutes lands on one side only. Taking turns, with
each commit's bench executable built once (through cargo every switch of commit would be a
rebuild), spreads the drift over both. Python's side gets the same from ``asv run
--interleave-rounds``.

A commit's stored record pools its rounds: every round's samples, and for each of Criterion's
estimates the rounds' middle point inside the envelope of their intervals (never narrower than
a single round's). An id that fails in any round is a failure at that commit.
"""

from __future__ import annotations

import dataclasses
import os
import statistics
import time
from collections.abc import Sequence

from rust_bridge.checkout import resolve_sha
from rust_bridge.errors import BridgeError
from rust_bridge.output import Say
from rust_bridge.reader import ESTIMATE_KINDS, BenchmarkRecord, Estimate
from rust_bridge.runner import (
    RunOptions,
    SuiteRun,
    build_executable,
    call,
    executable_cache,
    parse_list,
    provenance_of,
    run_titles,
    with_effort,
)
from rust_bridge.settings import Settings
from rust_bridge.store import CriterionStore, Failure, StoreEntry


def run_interleaved(
    settings: Settings,
    commits: Sequence[str],
    rounds: int,
    options: RunOptions | None = None,
    store: CriterionStore | None = None,
    progress: Say | None = None,
) -> dict[str, StoreEntry]:
    """Measure ``commits`` turn about for ``rounds`` rounds; store and return each entry."""
    if rounds < 1:
        raise ValueError(f"rounds must be at least 1, got {rounds}")
    options = with_effort(settings, options)
    shas = [resolve_sha(settings.git_dir, c) for c in commits]
    store = store or CriterionStore(settings.store)
    env = {**os.environ, "CARGO_TERM_COLOR": "never"}
    started = time.monotonic()
    cache = executable_cache(settings)
    launchers = {c: [str(build_executable(settings, c, cache, progress)), "--bench"] for c in shas}
    titles = {c: _titles(launchers[c], options.filter, env) for c in shas}
    runs: dict[str, list[SuiteRun]] = {c: [] for c in shas}
    for k in range(rounds):
        for c in shas if k % 2 == 0 else shas[::-1]:
            if progress is not None:
                progress(f"criterion round {k + 1}/{rounds} at {c[:8]}")
            runs[c].append(run_titles(launchers[c], titles[c], env, options, progress))
    provenance = provenance_of(settings.crate_dir(), settings, options, settings.cargo_target_dir())
    provenance.update(
        producer="runner",
        checkout="executable",
        rounds=rounds,
        interleaved=list(shas),
        duration_s=round(time.monotonic() - started, 3),
    )
    entries = {}
    for c in shas:
        pooled = pool(runs[c])
        entries[c] = store.put(c, pooled.records, pooled.failures, pooled.problems, provenance)
    return entries


def _titles(launcher: list[str], pattern: str | None, env: dict[str, str]) -> list[str]:
    """The executable's ids in run order, listed once per commit (its ids do not change)."""
    listing = call([*launcher, "--list", *([] if pattern is None else [pattern])], None, env, None)
    if listing.returncode != 0:
        raise BridgeError(f"{launcher[0]} --list failed:\n{listing.tail}")
    return parse_list(listing.output)


def pool(rounds: Sequence[SuiteRun]) -> SuiteRun:
    """One commit's rounds as one run: ids measured in every round, failures of any round."""
    failures: dict[str, Failure] = {}
    by_id: dict[str, list[BenchmarkRecord]] = {}
    pooled = SuiteRun()
    for run in rounds:
        for failure in run.failures:
            failures.setdefault(failure.full_id, failure)
        for record in run.records:
            by_id.setdefault(record.full_id, []).append(record)
        pooled.problems += [p for p in run.problems if p not in pooled.problems]
    for full_id, records in sorted(by_id.items()):
        if full_id in failures:
            continue
        if len(records) != len(rounds):
            reason = f"measured in {len(records)} of {len(rounds)} interleaved rounds"
            failures[full_id] = Failure(full_id, reason)
            continue
        pooled.records.append(pooled_record(records))
    pooled.failures = [failures[i] for i in sorted(failures)]
    return pooled


def pooled_record(records: Sequence[BenchmarkRecord]) -> BenchmarkRecord:
    first = records[0]
    estimates = {kind: [getattr(r, kind) for r in records] for kind in ESTIMATE_KINDS}
    return dataclasses.replace(
        first,
        samples=tuple(s for r in records for s in r.samples),
        # The slope is None in Flat sampling mode: pooled only where every round has one.
        **{k: None if None in e else _envelope(e) for k, e in estimates.items()},
    )


def _envelope(estimates: Sequence[Estimate]) -> Estimate:
    return Estimate(
        point=statistics.median(e.point for e in estimates),
        standard_error=max(e.standard_error for e in estimates),
        lower=min(e.lower for e in estimates),
        upper=max(e.upper for e in estimates),
        confidence_level=min(e.confidence_level for e in estimates),
    )

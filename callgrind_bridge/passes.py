"""One instruction-count pass: every wanted id of one language at one commit, into the store.

One valgrind process measures many ids, so the interpreter's (or the binary's) start-up is
paid once. An id whose harness process dies (a crash under valgrind, a Rust abort) is recorded
as failed, and a new process measures the ids after it.
"""

from __future__ import annotations

import concurrent.futures
import datetime
import os
import platform
import re
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from callgrind_bridge.manifest import CountedId
from callgrind_bridge.shim import build_shim
from callgrind_bridge.store import CountEntry, CountStore
from callgrind_bridge.valgrind import provenance, run_harness, valgrind_version
from rust_bridge.cargo import cargo_config_args, cargo_source
from rust_bridge.errors import BridgeError
from rust_bridge.output import Say
from rust_bridge.runner import call, checkout_of
from rust_bridge.settings import Settings

HARNESS = Path(__file__).with_name("pyharness.py")
RUST_BIN = "dashbench-count"
ITERATIONS_VAR = "DASHBENCH_COUNT_ITERATIONS"
JOBS_VAR = "DASHBENCH_COUNT_JOBS"
DEFAULT_ITERATIONS = {"python": 3, "rust": 5}  # runs per id; each is deterministic


@dataclass(frozen=True)
class PassOptions:
    iterations: int | None = None  # None: $DASHBENCH_COUNT_ITERATIONS, else the default
    filter: str | None = None  # a regex on Criterion ids; None measures every id
    only_missing: bool = True  # skip ids the entry already covers

    def runs(self, language: str) -> int:
        if self.iterations is not None:
            value, source = self.iterations, "--iterations"
        elif text := os.environ.get(ITERATIONS_VAR, "").strip():
            if not text.isdigit():
                raise BridgeError(f"{ITERATIONS_VAR}={text!r}: expected a positive whole number")
            value, source = int(text), ITERATIONS_VAR
        else:
            return DEFAULT_ITERATIONS[language]
        if value < 1:
            raise BridgeError(f"{source} must be at least 1, got {value}")
        return value


@dataclass
class Outcome:
    counts: dict[str, list[int]] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)


def wanted_ids(
    items: list[CountedId], options: PassOptions, entry: CountEntry | None
) -> list[CountedId]:
    try:
        pattern = re.compile(options.filter) if options.filter else None
    except re.error as exc:
        raise BridgeError(f"--filter {options.filter!r}: not a regular expression: {exc}") from exc
    done = entry.covered() if entry is not None and options.only_missing else set()
    return [
        i
        for i in items
        if (pattern is None or pattern.search(i.criterion_id)) and i.criterion_id not in done
    ]


def measure(
    command: Callable[[list[str]], list[str]],
    names: list[str],
    iterations: int,
    *,
    cwd: Path | None = None,
    progress: Say | None = None,
) -> Outcome:
    """Run ``command(names)`` under callgrind until every name has an outcome."""
    outcome = Outcome()
    remaining = list(names)
    while remaining:
        with tempfile.TemporaryDirectory(prefix="dashbench-callgrind-") as tmp:
            run = run_harness(command(remaining), Path(tmp), cwd=cwd, progress=progress)
        for index, name in enumerate(remaining):
            status = run.statuses.get(index)
            if status is None:
                why = f"the harness exited {run.returncode} while measuring it under valgrind"
                outcome.failures[name] = f"{why}\n{run.log_tail}".strip()
                remaining = remaining[index + 1 :]
                break
            _record(outcome, name, status, [run.counts.get((index, i)) for i in range(iterations)])
        else:
            remaining = []
    return outcome


def _record(outcome: Outcome, name: str, status: dict[str, Any], runs: list[int | None]) -> None:
    kind = status.get("status")
    if kind == "ok":
        calls = status.get("calls", 1)
        if None in runs or not isinstance(calls, int) or calls < 1:
            outcome.failures[name] = "callgrind wrote no dump for some runs"
        else:  # per call of the body
            outcome.counts[name] = [round(n / calls) for n in runs]  # type: ignore[operator]
    elif kind == "skipped":
        outcome.skipped[name] = str(status.get("error") or "not available here")
    else:
        outcome.failures[name] = str(status.get("error") or "failed")


def measure_by_group(
    command: Callable[[list[str]], list[str]],
    names: dict[str, str],
    iterations: int,
    *,
    cwd: Path | None = None,
    progress: Say | None = None,
) -> Outcome:
    """``measure`` with one process per Criterion group, ``jobs()`` of them at a time.

    A fresh process per group keeps an id's count from depending on the heap that other
    groups' ids left behind (measured: a pickle id moved 3-7% with the ids run before it,
    0.1% alone), and counts do not depend on how many processes share the cores.
    """
    by_group: dict[str, list[str]] = {}
    for name, criterion_id in names.items():
        by_group.setdefault(criterion_id.split("/", 1)[0], []).append(name)
    outcome = Outcome()
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs()) as pool:
        futures = [
            pool.submit(measure, command, chunk, iterations, cwd=cwd, progress=progress)
            for chunk in by_group.values()
        ]
        for future in futures:
            part = future.result()
            outcome.counts.update(part.counts)
            outcome.failures.update(part.failures)
            outcome.skipped.update(part.skipped)
    return outcome


def jobs() -> int:
    """Valgrind processes at a time: $DASHBENCH_COUNT_JOBS, else one per core."""
    value = os.environ.get(JOBS_VAR, "").strip()
    if value:
        if not value.isdigit() or int(value) < 1:
            raise BridgeError(f"{JOBS_VAR}={value!r}: expected a positive whole number")
        return int(value)
    return max(1, os.cpu_count() or 1)


def _common_provenance(iterations: int, started: float, options: PassOptions) -> dict[str, Any]:
    return {
        **provenance(iterations),
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "host": platform.node(),
        "filter": options.filter,
        "duration_s": round(time.monotonic() - started, 3),
    }


def python_pass(
    settings: Settings,
    commit: str,
    items: list[CountedId],
    *,
    python: str,
    benchmarks_dir: Path,
    env_name: str | None,
    options: PassOptions | None = None,
    progress: Say | None = None,
) -> CountEntry:
    """Count the Python bodies with ``python`` (an interpreter with the commit installed)."""
    valgrind_version()  # before anything else: a missing valgrind is the error to report
    options = options or PassOptions()
    store = CountStore(settings.count_store)
    iterations = options.runs("python")
    started = time.monotonic()
    todo = wanted_ids(items, options, store.get(commit, "python", env_name))
    by_name = {i.python: i.criterion_id for i in todo}
    shim = build_shim()

    def command(names: list[str]) -> list[str]:
        return [
            python, str(HARNESS), "--shim", str(shim), "--benchmarks", str(benchmarks_dir),
            "--iterations", str(iterations), "--", *names,
        ]  # fmt: skip

    outcome = measure_by_group(command, by_name, iterations, progress=progress)
    details = {
        **_common_provenance(iterations, started, options),
        "producer": "python",
        "python": python,
        "python_version": _output([python, "-c", "import sys; print(sys.version)"]),
        "env": env_name,
    }
    return store.put(
        commit,
        "python",
        env_name,
        {by_name[k]: v for k, v in outcome.counts.items()},
        {by_name[k]: v for k, v in outcome.failures.items()},
        {by_name[k]: v for k, v in outcome.skipped.items()},
        details,
    )


def rust_pass(
    settings: Settings,
    commit: str,
    items: list[CountedId],
    *,
    checkout: Path | None = None,
    options: PassOptions | None = None,
    progress: Say | None = None,
) -> CountEntry:
    """Build the crate's counting binary at ``commit`` and count its bodies."""
    valgrind_version()
    options = options or PassOptions()
    store = CountStore(settings.count_store)
    iterations = options.runs("rust")
    started = time.monotonic()
    todo = [i.criterion_id for i in wanted_ids(items, options, store.get(commit, "rust"))]
    target_dir = settings.cargo_target_dir()
    outcome = Outcome()
    with checkout_of(settings, commit, checkout, target_dir) as tree:
        crate = tree / settings.rust_crate
        binary = _build_counter(crate, target_dir, progress)
        if binary is None:
            outcome.skipped = dict.fromkeys(todo, f"no {RUST_BIN} binary in the crate here")
        else:
            listed = set(_output([str(binary), "list"]).splitlines())
            outcome.skipped = {
                i: f"not in {RUST_BIN} at this commit" for i in todo if i not in listed
            }
            names = [i for i in todo if i in listed]

            def command(ids: list[str]) -> list[str]:
                return [str(binary), "run", "--iterations", str(iterations), *ids]

            if names:
                measured = measure_by_group(
                    command, {n: n for n in names}, iterations, cwd=crate, progress=progress
                )
                outcome.counts, outcome.failures = measured.counts, measured.failures
                outcome.skipped.update(measured.skipped)
        rustc = _output(["rustc", "-V"], cwd=crate)
    details = {
        **_common_provenance(iterations, started, options),
        "producer": "rust",
        "crate": settings.rust_crate,
        "binary": RUST_BIN,
        "rustc": rustc,
        "cargo_source": cargo_source(),
    }
    return store.put(
        commit, "rust", None, outcome.counts, outcome.failures, outcome.skipped, details
    )


def _build_counter(crate: Path, target_dir: Path, progress: Say | None) -> Path | None:
    """``cargo build --release --bin dashbench-count``; None when the crate has no such bin."""
    if not (crate / "Cargo.toml").is_file():
        return None
    env = {**os.environ, "CARGO_TERM_COLOR": "never", "CARGO_TARGET_DIR": str(target_dir)}
    cmd = ["cargo", *cargo_config_args(), "build", "--release", "--bin", RUST_BIN]
    done = call(cmd, crate, env, progress)
    if done.returncode != 0:
        if f"no bin target named `{RUST_BIN}`" in done.output:
            return None
        raise BridgeError(f"cargo build of {RUST_BIN} failed in {crate}:\n{done.tail}")
    return target_dir / "release" / RUST_BIN


def _output(cmd: list[str], cwd: Path | None = None) -> str:
    try:
        done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BridgeError(f"cannot run {cmd[0]}: {exc}") from exc
    if done.returncode != 0:
        raise BridgeError(f"`{' '.join(cmd[:2])}` exited {done.returncode}: {done.stderr[-500:]}")
    return done.stdout.strip()

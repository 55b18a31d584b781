"""Fresh measurements of the commits a bisection probes, taken side by side in time.

Why not the published values, or one measurement per probe as ``asv find`` takes: on a shared
machine wall time drifts by 20-30% over minutes, so a probe measured alone, at another time
than the two ends, can land on the wrong side of even a 2x step. A wall-time probe is therefore
measured together with the current good and bad ends, in interleaved rounds (A B C, then C B A,
...), and judged against those fresh values. Instruction counts do not drift: each commit is
counted once and the value reused.

Everything is measured into the bisection's own results directory (and a Criterion run never
enters the store), so the published history is left as it was.
"""

from __future__ import annotations

import functools
import os
import re
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from asv.results import iter_results_for_machine_and_hash

from callgrind_bridge.track import FILTER_VAR as COUNTS_FILTER_VAR
from dashbench.errors import DashbenchError
from dashbench.gate.project import Project, metric_of, pair_ids
from rust_bridge.errors import BridgeError
from rust_bridge.manifest import load_manifest
from rust_bridge.output import Say
from rust_bridge.runner import build_executable, executable_cache, run_executable
from rust_bridge.settings import Settings, load_settings

Measure = Callable[[list[str]], dict[str, float]]
LOG_TAIL = 15


def recorded_value(results_dir: Path, machine: str, sha: str, benchmark: str) -> float | None:
    """The value asv saved for ``benchmark`` at ``sha`` (first environment that has it)."""
    for results in iter_results_for_machine_and_hash(str(results_dir), machine, sha):
        value = results.get_result_value(benchmark, [])
        if value and value[0] is not None:
            return float(value[0])
    return None


@dataclass(frozen=True)
class Workspace:
    """Where a bisection keeps what it measures: a config of its own (asv.conf.json with
    ``results_dir`` moved here), the results and asv's output."""

    project: Project
    root: Path
    config: Path

    @property
    def results_dir(self) -> Path:
        return self.root / "results"

    @property
    def log(self) -> Path:
        return self.root / "asv.log"


@dataclass(frozen=True)
class AsvProbe:
    """One asv benchmark, measured by ``asv run`` over the probed commits."""

    space: Workspace
    benchmark: str
    machine: str
    environment: str | None
    rounds: int  # > 1: asv's --interleave-rounds with this many rounds per commit

    def __call__(self, commits: list[str]) -> dict[str, float]:
        project = self.space.project
        env = dict(os.environ)
        if metric_of(self.benchmark) == "instructions":
            # A missing count is made on the spot: count only this id, not its whole language.
            env[COUNTS_FILTER_VAR] = f"^{re.escape(pair_ids(project.pairs())[self.benchmark])}$"
        with tempfile.NamedTemporaryFile("w", dir=self.space.root, suffix=".hashes") as hashes:
            hashes.write("\n".join(commits) + "\n")
            hashes.flush()
            cmd = [sys.executable, "-m", "asv", "run", "--config", str(self.space.config)]
            cmd += [f"--machine={self.machine}", f"--bench=^{re.escape(self.benchmark)}$"]
            cmd += [f"--environment={self.environment}"] if self.environment else []
            if self.rounds > 1:
                cmd += ["--interleave-rounds", "--attribute", f"rounds={self.rounds}"]
            with open(self.space.log, "a", encoding="utf-8") as log:
                log.write(f"$ {' '.join(cmd)} HASHFILE:{hashes.name}\n")
                log.flush()
                cmd.append(f"HASHFILE:{hashes.name}")
                subprocess.run(cmd, cwd=project.root, env=env, stdout=log, stderr=log, check=False)
        values = {
            c: recorded_value(self.space.results_dir, self.machine, c, self.benchmark)
            for c in commits
        }
        missing = [c[:12] for c, v in values.items() if v is None]
        if missing:
            tail = "\n".join(self.space.log.read_text("utf-8").splitlines()[-LOG_TAIL:])
            raise DashbenchError(
                f"asv recorded no value of {self.benchmark} at {', '.join(missing)} "
                f"(asv's output: {self.space.log}):\n{tail}"
            )
        return {c: v for c, v in values.items() if v is not None}


@dataclass(frozen=True)
class CriterionProbe:
    """One Criterion id, run fresh with each commit's bench executable, alternating commits
    round by round; the value is the median per-iteration time over every round's samples."""

    space: Workspace
    criterion_id: str
    rounds: int
    say: Say

    @functools.cached_property
    def _built(self) -> tuple[Settings, Path]:
        """The settings and the executables' cache, once per bisection (the cache key asks
        rustc for its version)."""
        settings = load_settings(self.space.project.config_path)
        return settings, executable_cache(settings)

    def __call__(self, commits: list[str]) -> dict[str, float]:
        settings, cache = self._built
        try:
            built = {c: build_executable(settings, c, cache, self._log) for c in commits}
            samples: dict[str, list[float]] = {c: [] for c in commits}
            for k in range(self.rounds):
                for c in commits if k % 2 == 0 else commits[::-1]:
                    samples[c] += run_executable(
                        built[c], self.criterion_id, settings.criterion_args
                    )
        except BridgeError as exc:
            raise DashbenchError(str(exc)) from exc
        return {c: statistics.median(v) for c, v in samples.items()}

    def _log(self, line: str) -> None:
        if line.lstrip().startswith(("Compiling", "Finished")):
            self.say(f"  cargo: {line.strip()}")


def once_per_commit(measure: Measure) -> Measure:
    """A deterministic measure needs each commit once."""
    known: dict[str, float] = {}

    def cached(commits: list[str]) -> dict[str, float]:
        if missing := [c for c in commits if c not in known]:
            known.update(measure(missing))
        return {c: known[c] for c in commits}

    return cached


def criterion_id_of(project: Project, benchmark: str) -> str | None:
    """The Criterion id behind a wall-time Rust track, or None for any other benchmark."""
    settings = load_settings(project.config_path)
    if not settings.manifest.is_file():
        return None
    for entry in load_manifest(settings.manifest):
        if entry.asv_name == benchmark:
            return entry.criterion_id
    return None


def probe_for(
    space: Workspace,
    benchmark: str,
    machine: str,
    environment: str | None,
    rounds: int,
    say: Say,
) -> tuple[Measure, bool]:
    """How to measure ``benchmark`` at a set of commits, and whether that is deterministic."""
    if metric_of(benchmark) == "instructions":
        return once_per_commit(AsvProbe(space, benchmark, machine, environment, 1)), True
    criterion_id = criterion_id_of(space.project, benchmark)
    if criterion_id is not None:
        return CriterionProbe(space, criterion_id, rounds, say), False
    return AsvProbe(space, benchmark, machine, environment, rounds), False

"""The asv side of a job: which config, machine, environment and benchmarks, and running asv.

asv is driven through its own command line (``python -m asv ...``), the same commands a person
would type, so its output streams through unchanged and its exit codes keep their meaning
(1 user error, 2 "some benchmarks failed", which still saves every other result).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asv.config import Config
from asv.environment import get_environments
from asv.machine import Machine, MachineCollection
from asv.util import UserError, load_json

from callgrind_bridge.track import AUTORUN_VAR as COUNTS_AUTORUN_VAR
from dashbench.errors import DashbenchError
from dashbench.gate.project import Project, load_project
from dashbench.revisions import check_regex, option_safe
from rust_bridge.track import AUTORUN_VAR

METRICS = ("time", "instructions", "all")
# asv --bench selections of each metric (asv ORs several regexes, and searches each).
METRIC_BENCH: dict[str, tuple[str, ...]] = {
    "time": (r"^(?!instructions\.)",),
    "instructions": (r"^instructions\.",),
    "all": (),
}


@dataclass(frozen=True)
class AsvJob:
    project: Project
    machine: str
    env_name: str
    bench: tuple[str, ...] = field(default=())  # asv --bench regexes; empty means the whole suite
    metric: str = "all"  # which series the job measures: time, instructions or all

    @property
    def results_dir(self) -> Path:
        return self.project.results_dir

    @property
    def conf(self) -> Config:
        return self.project.site.conf

    def asv(self, command: str, *args: str) -> int:
        """Run ``asv COMMAND --config CONF ARGS`` with output streaming; return its exit code.

        The job fills the Criterion store and the Rust counts itself before asv runs, so the
        track_ benchmarks are told not to start cargo on a missing entry (it means the Rust
        stage failed, and every Rust id would retry it). Python counts can only be made inside
        asv's environment for the commit, so those are left to the track_ benchmarks."""
        cmd = [sys.executable, "-m", "asv", command, "--config", str(self.project.config_path)]
        env = {**os.environ, AUTORUN_VAR: "0", COUNTS_AUTORUN_VAR: "python"}
        proc = subprocess.run([*cmd, *args], cwd=self.project.root, env=env, check=False)
        return proc.returncode

    def bench_args(self) -> list[str]:
        """One ``--bench=REGEX`` each: joined, asv cannot read a regex as an option."""
        return [f"--bench={regex}" for regex in self.bench]


def primary_environment(project: Project) -> str:
    """The environment the nightly measures: asv.conf.json's ``dashbench.primary_environment``
    (an asv environment name) if set, else the first one of asv's matrix."""
    conf = project.site.conf
    own = getattr(conf, "dashbench", None) or {}
    try:
        names = [env.name for env in get_environments(conf, None, verbose=False)]
    except UserError as exc:
        raise DashbenchError(f"{project.config_path}: {exc}") from exc
    if not names:
        raise DashbenchError(f"{project.config_path}: asv finds no environment to run in")
    wanted = own.get("primary_environment") if isinstance(own, dict) else None
    if wanted is None:
        return names[0]
    if wanted not in names:
        raise DashbenchError(
            f"{project.config_path}: dashbench.primary_environment {wanted!r} is not one of "
            f"asv's environments: {', '.join(names)}"
        )
    return wanted


def ensure_machine(name: str) -> str:
    """Make sure asv knows the machine without asking anything (CI has no console).

    A machine already described in ~/.asv-machine.json is left as its owner described it. A new
    one is recorded with asv's detected defaults under the requested name; `asv machine --yes
    --machine NAME` would record the other fields as null instead. When the file describes one
    machine only, asv hands that one out for this host's own name, whatever it is called, and
    its results would land under the other name, where the ledger never looks: so a described
    machine counts only under its own name.
    """
    try:
        known = MachineCollection.load(name).get("machine")
    except UserError:
        known = None
    if known != name:
        MachineCollection.save(name, {**Machine.get_defaults(), "machine": name})
    return name


QUICK_SUFFIX = "-quick"


def machine_name(machine: str | None, *, quick: bool) -> str:
    """The asv machine a job records under: a smoke run's few samples must never join (and trip
    the step detection of) a full series, and asv saves ``--quick`` results like any others.

    So ``--quick`` always records under ``<machine>-quick`` (``<host>-quick`` by default), and
    a full run refuses a ``-quick`` machine: the ledger of a real series never sees a smoke run.
    """
    name = machine or Machine.get_unique_machine_name()
    if quick:
        return name if name.endswith(QUICK_SUFFIX) else name + QUICK_SUFFIX
    if name.endswith(QUICK_SUFFIX):
        raise DashbenchError(
            f"--machine {name!r}: the {QUICK_SUFFIX} suffix is kept for smoke runs; "
            "add --quick, or pick another name"
        )
    return name


def open_project(config: str) -> Project:
    """The project, with the config's paths made absolute for asv's in-process API (its own
    command line chdirs to the config's directory first; this process does not)."""
    project = load_project(config)
    conf = project.site.conf
    conf.results_dir, conf.html_dir = str(project.results_dir), str(project.html_dir)
    for key in ("env_dir", "benchmark_dir"):
        setattr(conf, key, str(project.root / getattr(conf, key)))
    return project


def open_job(
    config: str,
    machine: str | None,
    bench: list[str] | None,
    *,
    quick: bool = False,
    metric: str = "all",
) -> AsvJob:
    """``bench`` regexes, when given, replace the metric's own selection of asv benchmarks.
    The machine name says whether a run is a smoke run (see `machine_name`)."""
    if metric not in METRICS:
        raise DashbenchError(f"--metric {metric!r}: expected one of {', '.join(METRICS)}")
    for regex in bench or ():
        option_safe(regex, "--bench")
        check_regex(regex, "--bench")
    if machine is not None:
        option_safe(machine, "--machine")
    machine = machine_name(machine, quick=quick)
    project = open_project(config)
    return AsvJob(
        project,
        ensure_machine(machine),
        primary_environment(project),
        tuple(bench or METRIC_BENCH[metric]),
        metric,
    )


@contextlib.contextmanager
def derived_config(project: Project, **overrides: Any) -> Iterator[Path]:
    """asv.conf.json with some keys replaced, as a temporary file beside it (so its relative
    paths keep their meaning), for the length of one asv command. No overrides: the config."""
    if not overrides:
        yield project.config_path
        return
    conf = load_json(str(project.config_path), js_comments=True)
    conf.update(overrides)
    with tempfile.NamedTemporaryFile(
        "w", dir=project.config_path.parent, prefix=".asv-dashbench-", suffix=".json"
    ) as derived:
        json.dump(conf, derived)
        derived.flush()
        yield Path(derived.name)

"""`dashbench calibrate`: A/A noise runs that set each benchmark's regression threshold.

A/A: the same commit is measured ``--runs`` times, each run as its own asv machine in a private
results directory (and, for Rust, its own Criterion store, so cargo bench really runs again).
Each benchmark's run-to-run spread is the largest relative gap between its run medians.

Threshold: ``margin`` x spread, at least ``floor`` (5%, asv's default: every A/A run times the
same binary, so the code-layout shifts a rebuilt commit brings are not in the spread). With
asv's rule a step must exceed the threshold to be kept, so an A/A wobble no larger than the
spread is never reported.

Detection power: a multiplicative step injected into the *real* A/A values. A history of
WINDOW commits takes the A/A runs in rotation, then WINDOW more take them scaled by 1 + s; it
goes through the gate's step fit (:mod:`dashbench.gate.steps`). The smallest
s reported at the right commit in every rotation is the benchmark's detectable slowdown; a flat
history of the same runs must report nothing (no false alarm). A real code
slowdown per id and per size would cost a full suite run each; scaling real samples keeps the
real noise and the gate's real detector at no cost.

Effort: ids whose detectable slowdown misses the target get the factor by which their samples
would have to grow (noise shrinks about as 1/sqrt(samples)): asv's ``rounds`` / ``repeat`` for
Python, Criterion's measurement time for Rust. More samples only shrink the sampling part of
the A/A spread, so each id also gets ``sampling_share``: the share of the run-to-run variance
its own 99% CIs account for. A low share means the machine drifts between runs and more
samples per run will not buy the target; only a quieter machine (or interleaved runs) will.
``--write`` therefore raises effort only where it can help: Python ids that miss the target
and are mostly sampling-limited get their rounds multiplied (at most EFFORT_CAP times) through
``benchmarks/effort.json``, which ``benchmarks/harness.py`` reads.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from asv.util import load_json

from dashbench.errors import DashbenchError
from dashbench.gate.project import Project, language_of, load_project, metric_of
from dashbench.gate.steps import find_steps_up
from dashbench.revisions import check_regex, option_safe, resolve_commit
from dashbench.site import machine_names, results_files
from rust_bridge.fs import write_json_atomically
from rust_bridge.options import add_command

# `dashbench calibrate --help`
SUMMARY = "A/A noise runs: per-benchmark spread, regression thresholds and detectable slowdown"
DESCRIPTION = (
    "Measure one commit --runs times (A/A), take each benchmark's run-to-run "
    "spread, and derive its regression threshold and the smallest slowdown it can detect. "
    "The method is described in dashbench/gate/calibrate.py."
)

STEPS = tuple(round(0.01 * k, 2) for k in range(1, 101))  # injected slowdowns: 1% .. 100%
Z99 = 2.576  # half-width of a 99% normal interval, in standard errors
EFFORT_CAP = 4.0  # rounds multiply the suite's wall time; past 4x a quieter machine is cheaper
SAMPLING_LIMITED = 0.5  # sampling_share from which more samples are worth buying
WINDOW = 8  # commits before and after the injected step: about a week of nightlies each side


@dataclass(frozen=True)
class Run:
    """One A/A measurement of one benchmark: asv's median and its 99% CI."""

    value: float
    ci_low: float | None
    ci_high: float | None


@dataclass(frozen=True)
class Calibration:
    benchmark: str
    language: str
    runs: int
    medians: list[float]
    spread: float  # largest relative gap between two runs' medians
    threshold: float
    false_alarm: bool  # step detection reported a regression on the A/A series at the threshold
    detectable: float | None  # smallest injected slowdown detected in every run order
    effort: float  # multiple of today's samples (rounds, measurement time) to reach the target
    sampling_share: float | None  # of the A/A variance, what within-run sampling explains


def sampling_share(runs: Sequence[Run]) -> float | None:
    """Within-run variance (from the 99% CIs) over the run-to-run variance of the medians."""
    errors = [
        (r.ci_high - r.ci_low) / (2.0 * Z99 * r.value)
        for r in runs
        if r.ci_low is not None and r.ci_high is not None and r.ci_high >= r.ci_low
    ]
    if not errors or len(runs) < 2:
        return None
    between = statistics.variance([math.log(r.value) for r in runs])
    within = statistics.median(errors) ** 2
    return 1.0 if between <= within else round(within / between, 3)


def _regressed(series: Sequence[tuple[Run, float]], threshold: float) -> list[tuple]:
    """Regressions the gate would report for runs scaled by the given factors."""
    return find_steps_up([r.value * f for r, f in series], threshold)


def _history(order: Sequence[Run], length: int, factor: float) -> list[tuple[Run, float]]:
    """``length`` commits whose values are the A/A runs in rotation, scaled by ``factor``."""
    return [(order[i % len(order)], factor) for i in range(length)]


def false_alarm(runs: Sequence[Run], threshold: float, window: int = WINDOW) -> bool:
    """Any regression reported on a history with no change: the A/A runs in rotation, or the
    worst case, one run's level for ``window`` commits and then another's (a sustained shift
    as large as the run-to-run spread)."""
    flats = [_history(order, 2 * window, 1.0) for order in itertools.permutations(runs)]
    flats += [
        _history([a], window, 1.0) + _history([b], window, 1.0)
        for a, b in itertools.permutations(runs, 2)
    ]
    return any(_regressed(history, threshold) for history in flats)


def detected(runs: Sequence[Run], threshold: float, step: float, window: int = WINDOW) -> bool:
    """A step after ``window`` commits is reported at that commit, in every rotation of runs."""
    for order in itertools.permutations(runs):
        series = _history(order, window, 1.0) + _history(order[::-1], window, 1.0 + step)
        if not any(jump[1] == window for jump in _regressed(series, threshold)):
            return False
    return True


@dataclass(frozen=True)
class Limits:
    """Threshold floor and detection target of one metric."""

    floor: float
    target: float


def calibrate_one(name: str, runs: Sequence[Run], margin: float, limits: Limits) -> Calibration:
    floor, target = limits.floor, limits.target
    medians = [r.value for r in runs]
    spread = max(abs(a / b - 1.0) for a, b in itertools.permutations(medians, 2))
    threshold = round(max(floor, margin * spread), 3)
    detectable = next((s for s in STEPS if detected(runs, threshold, s)), None)
    # Noise shrinks about as 1/sqrt(samples), and the detectable step with it.
    effort = max(1.0, ((detectable or 1.0) / target) ** 2)
    return Calibration(
        benchmark=name,
        language=language_of(name),
        runs=len(runs),
        medians=medians,
        spread=spread,
        threshold=threshold,
        false_alarm=false_alarm(runs, threshold),
        detectable=detectable,
        effort=round(effort, 1),
        sampling_share=sampling_share(runs),
    )


def collect(results_dir: Path, machines: Sequence[str]) -> dict[str, list[Run]]:
    """Per benchmark, one Run per A/A machine that measured it (failures and n/a left out).
    A results file that cannot be read is an error naming it, never a run left out."""
    found: dict[str, list[Run]] = {}
    have = machine_names(results_dir)
    for machine in machines:
        if machine not in have:
            raise DashbenchError(f"--machines {machine!r}: no results in {results_dir}")
        for _path, results in results_files(results_dir, machine):
            for name in results.get_all_result_keys():
                params = results.get_result_params(name)
                if params:
                    continue  # the suite is not parameterized; a parameterized one is skipped
                value = results.get_result_value(name, params)[0]
                if not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
                    continue
                stats = results.get_result_stats(name, params)[0] or {}
                found.setdefault(name, []).append(
                    Run(value, stats.get("ci_99_a"), stats.get("ci_99_b"))
                )
    return found


def _metric(name: str) -> str:
    return "instructions" if metric_of(name) == "instructions" else "time"


def _run_config(project: Project, workdir: Path, index: int) -> Path:
    """A config of our own per run: private results/env, and a Criterion store per run."""
    conf = load_json(str(project.config_path), js_comments=True)
    root = project.root
    run_dir = workdir / f"run-{index}"
    run_dir.mkdir(parents=True, exist_ok=True)
    own = dict(conf.get("dashbench") or {})
    for key in ("criterion_manifest", "pairs", "count_manifest"):
        if key in own:
            own[key] = str(root / own[key])
    own["criterion_store"] = str(run_dir / "criterion")
    own["count_store"] = str(run_dir / "counts")  # every run counts again
    conf.update(
        repo=str(project.site.conf.repo),
        benchmark_dir=str(root / conf.get("benchmark_dir", "benchmarks")),
        results_dir=str(workdir / "results"),
        html_dir=str(workdir / "html"),
        env_dir=str(workdir / "env"),
        dashbench=own,
    )
    for key in ("matrix", "include"):  # constraint files and the like are relative to the root
        if key in conf:
            conf[key] = json.loads(
                json.dumps(conf[key]).replace('"constraints/', f'"{root}/constraints/')
            )
    conf.pop("include", None)  # calibrate the primary environment
    path = run_dir / "asv.conf.json"
    path.write_text(json.dumps(conf, indent=2))
    return path


def run_aa(
    project: Project,
    commit: str,
    runs: int,
    workdir: Path,
    benches: Sequence[str],
    quick_rust: bool,
) -> list[str]:
    """Measure ``commit`` ``runs`` times; returns the machine names the runs were saved under."""
    sha = resolve_commit(project.repo(), commit, "--commit").hexsha
    env = {**os.environ, "DASHBENCH_CRITERION_AUTORUN": "1"}
    env.setdefault("CARGO_TARGET_DIR", str(project.root / "rust" / "target"))
    if quick_rust:
        env["DASHBENCH_CRITERION_QUICK"] = "1"
    machines = []
    for i in range(runs):
        config = _run_config(project, workdir, i)
        machine = f"aa-{i}"
        asv = [sys.executable, "-m", "asv", "--config", str(config)]
        for cmd in (
            [*asv, "machine", "--yes", "--machine", machine],
            [*asv, "run", f"{sha}^!", "--machine", machine, "--show-stderr"]
            + [f"--bench={b}" for b in benches],
        ):
            print(
                f"calibrate: run {i + 1}/{runs}: {' '.join(cmd[3:6])}", file=sys.stderr, flush=True
            )
            proc = subprocess.run(cmd, cwd=config.parent, env=env, check=False)
            if proc.returncode != 0:
                raise DashbenchError(f"A/A run {i + 1}: {' '.join(cmd)} exited {proc.returncode}")
        machines.append(machine)
    return machines


def write_thresholds(project: Project, calibrations: Sequence[Calibration]) -> Path:
    """Merge the calibrated thresholds into the committed thresholds file, one row each.

    asv.conf.json keeps only the hand-set defaults (``regressions_thresholds``), so a
    threshold change is one readable line in a diff; asv's publish gets both through
    :func:`dashbench.gate.project.asv_thresholds`. A calibration of one metric leaves the
    other metric's rows as they were.
    """
    path = project.site.thresholds_path
    rows = {**project.calibrated, **{c.benchmark: c.threshold for c in calibrations}}
    document = {
        "about": "Per-benchmark regression thresholds from A/A calibration "
        "(`dashbench calibrate --write`); benchmarks not listed use asv.conf.json's "
        "regressions_thresholds.",
        "thresholds": dict(sorted(rows.items())),
    }
    write_json_atomically(path, document, indent=1)
    return path


def efforts_for(calibrations: Sequence[Calibration], target: float) -> dict[str, float]:
    """Rounds multipliers for the Python timings that miss ``target`` for want of samples."""
    return {
        c.benchmark: round(min(EFFORT_CAP, c.effort), 1)
        for c in sorted(calibrations, key=lambda c: c.benchmark)
        if c.language == "python"
        and ".time_" in c.benchmark
        and (c.detectable is None or c.detectable > target)
        and (c.sampling_share or 0.0) >= SAMPLING_LIMITED
        and c.effort > 1.0
    }


def write_efforts(project: Project, efforts: dict[str, float]) -> Path:
    path = project.root / project.site.conf.benchmark_dir / "effort.json"
    write_json_atomically(path, efforts, indent=2)
    return path


def summary(calibrations: Sequence[Calibration], target: float) -> str:
    lines = [
        f"{'benchmark':70} {'spread':>7} {'thresh':>7} {'detects':>8} {'false':>5} {'effort':>6}"
        f" {'sampling':>8}"
    ]
    for c in sorted(calibrations, key=lambda c: (c.language, c.benchmark)):
        det = f"{c.detectable:.0%}" if c.detectable is not None else ">100%"
        share = f"{c.sampling_share:.0%}" if c.sampling_share is not None else "-"
        lines.append(
            f"{c.benchmark:70} {c.spread:7.1%} {c.threshold:7.1%} {det:>8} "
            f"{'YES' if c.false_alarm else 'no':>5} {c.effort:6.1f} {share:>8}"
        )
    short = [c for c in calibrations if c.detectable is None or c.detectable > target]
    lines.append(
        f"{len(calibrations) - len(short)}/{len(calibrations)} detect a {target:.0%} slowdown; "
        f"{sum(c.false_alarm for c in calibrations)} false alarms on the A/A series"
    )
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    project = load_project(args.config)
    patterns = [check_regex(option_safe(b, "--bench"), "--bench") for b in args.bench]
    if args.results:
        workdir, machines = Path(args.results).resolve(), args.machines
        results_dir = workdir
        if not machines:
            machines = machine_names(workdir)
    else:
        resolve_commit(project.repo(), args.commit, "--commit")  # before a workdir is made
        workdir = Path(args.workdir or tempfile.mkdtemp(prefix="dashbench-aa-")).resolve()
        machines = run_aa(project, args.commit, args.runs, workdir, args.bench, args.quick_rust)
        results_dir = workdir / "results"
    runs = collect(results_dir, machines)
    if args.bench:
        runs = {k: v for k, v in runs.items() if any(p.search(k) for p in patterns)}
    usable = {k: v for k, v in runs.items() if len(v) >= 2}
    if not usable:
        raise DashbenchError(f"{results_dir}: no benchmark measured in two or more A/A runs")
    limits = {
        "time": Limits(args.floor, args.target),
        "instructions": Limits(args.count_floor, args.count_target),
    }
    calibrations = [
        calibrate_one(name, r, args.margin, limits[_metric(name)]) for name, r in usable.items()
    ]
    for metric, limit in limits.items():
        chosen = [c for c in calibrations if _metric(c.benchmark) == metric]
        if chosen:
            print(summary(chosen, limit.target))
    if args.output:
        write_json_atomically(
            Path(args.output),
            {
                "conditions": {
                    "results": str(results_dir),
                    "machines": list(machines),
                    "margin": args.margin,
                    "floor": args.floor,
                    "target": args.target,
                    "count_floor": args.count_floor,
                    "count_target": args.count_target,
                },
                "calibrations": [asdict(c) for c in calibrations],
            },
            indent=2,
        )
    if args.write:
        path = write_thresholds(project, calibrations)
        print(f"wrote {len(calibrations)} thresholds to {path}")
        timed = [c for c in calibrations if _metric(c.benchmark) == "time"]
        if not timed:
            return 0  # an instructions-only calibration leaves the rounds alone
        efforts = efforts_for(timed, args.target)
        path = write_efforts(project, efforts)
        print(f"wrote {len(efforts)} rounds multipliers to {path}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(subparsers, "calibrate", run, SUMMARY, description=DESCRIPTION)
    parser.add_argument("--commit", default="HEAD", help="commit measured A/A (default: HEAD)")
    parser.add_argument("--runs", type=int, default=3, help="A/A runs (default: %(default)s)")
    parser.add_argument(
        "-b", "--bench", action="append", default=[], help="benchmark regex (repeatable)"
    )
    parser.add_argument("--workdir", help="where runs keep env/results (default: a new temp dir)")
    parser.add_argument(
        "--results", help="skip running: analyse this asv results dir of A/A machines"
    )
    parser.add_argument("--machines", nargs="*", help="with --results: the A/A machine names")
    parser.add_argument("--quick-rust", action="store_true", help="Criterion at quick settings")
    for flag, default, what in (
        ("--margin", 1.5, "threshold = margin x spread"),
        ("--floor", 0.05, "lowest threshold (default 5%%, asv's own: A/A runs of one build "
         "cannot see the code-layout shifts a rebuild brings)"),
        ("--target", 0.10, "slowdown to detect (10%%)"),
        ("--count-floor", 0.005, "lowest threshold of an instruction count (default 0.5%%: "
         "counts repeat to about 0.1%%, and a rebuilt commit may move a Python count a little)"),
        ("--count-target", 0.02, "slowdown an instruction count must detect (2%%)"),
    ):  # fmt: skip
        parser.add_argument(flag, type=float, default=default, help=what)
    parser.add_argument("--output", help="write the calibration as JSON here")
    parser.add_argument(
        "--write",
        action="store_true",
        help="write the thresholds (calibration/thresholds.json) and benchmarks/effort.json's "
        "rounds multipliers",
    )

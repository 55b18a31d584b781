"""Time `dashbench report` on a long history: N commits x every pair (default 100 x 48).

The history is SYNTHESIZED from REAL samples: a real asv results directory (one measured
commit with Python and Rust samples recorded) supplies each benchmark's samples, and every
synthetic commit gets a bootstrap resample of them, written through asv's public
``Results.add_result``/``save`` into a temporary project with N real git commits. Then
``asv publish`` runs once (untimed; it is asv's cost) and ``dashbench report`` is timed as a
user runs it, a fresh process each time, so imports and chart drawing are included.

    .venv/bin/python tools/measure_report.py --samples-from /path/to/.asv/results [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from asv.results import Results, iter_results
from asv.runner import BenchmarkResult

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def real_samples(results_dir: Path) -> tuple[dict, dict[str, list[float]], Path]:
    """Samples per benchmark from the newest measured commit of the first machine found."""
    benchmarks = json.loads((results_dir / "benchmarks.json").read_text())
    best: dict[str, list[float]] = {}
    machine_dir = None
    for results in sorted(iter_results(str(results_dir)), key=lambda r: r.date or 0):
        for name in results.get_all_result_keys():
            if name not in benchmarks:
                continue
            samples = results.get_result_samples(name, results.get_result_params(name))[0]
            if samples and len(samples) >= 3:
                best[name] = list(samples)
        machine_dir = results_dir / results.params["machine"]
    if machine_dir is None:
        sys.exit(f"{results_dir}: no results files")
    return benchmarks, best, machine_dir


def make_history(
    work: Path, commits: int, benchmarks: dict, samples: dict[str, list[float]], machine_dir: Path
) -> Path:
    project = work / "history"
    project.mkdir()
    shutil.copy(ROOT / "dashbench" / "pairs.json", project / "pairs.json")
    conf = {
        "version": 1,
        "project": "history",
        "repo": ".",
        "branches": ["main"],
        "environment_type": "existing",
        "results_dir": "results",
        "html_dir": "html",
        "dashbench": {"pairs": "pairs.json"},
    }
    (project / "asv.conf.json").write_text(json.dumps(conf))
    git = ["git", "-c", "user.name=m", "-c", "user.email=m@example.invalid"]
    subprocess.run([*git, "init", "-q", "-b", "main"], cwd=project, check=True)
    for i in range(commits):
        subprocess.run(
            [*git, "commit", "-q", "--allow-empty", "-m", f"synthetic commit {i}"],
            cwd=project,
            check=True,
        )
    log = subprocess.run(
        ["git", "log", "--reverse", "--format=%H %ct"],
        cwd=project,
        check=True,
        text=True,
        capture_output=True,
    ).stdout.split("\n")
    results_dir = project / "results"
    (results_dir / machine_dir.name).mkdir(parents=True)
    shutil.copy(machine_dir / "machine.json", results_dir / machine_dir.name / "machine.json")
    (results_dir / "benchmarks.json").write_text(json.dumps(benchmarks))
    machine = json.loads((machine_dir / "machine.json").read_text())
    rng = np.random.default_rng(1)
    for line in filter(None, log):
        sha, stamp = line.split()
        results = Results(
            {"machine": machine["machine"]}, {}, sha, int(stamp) * 1000, "3.11", "synthetic", {}
        )
        for name, values in samples.items():
            drawn = list(rng.choice(values, size=len(values)))
            result = BenchmarkResult([float(np.median(drawn))], [drawn], [1], 0, "", None)
            results.add_result(benchmarks[name], result, record_samples=True)
        results.save(str(results_dir))
    return project


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples-from", type=Path, required=True, help="a real asv results dir")
    parser.add_argument("--commits", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    benchmarks, samples, machine_dir = real_samples(args.samples_from)
    pairs = json.loads((ROOT / "dashbench" / "pairs.json").read_text())["pairs"]
    covered = sum(1 for p in pairs if p["python"] in samples and p["rust"] in samples)
    with tempfile.TemporaryDirectory(prefix="measure-report-") as tmp:
        project = make_history(Path(tmp), args.commits, benchmarks, samples, machine_dir)
        subprocess.run([str(BIN / "asv"), "publish"], cwd=project, check=True, capture_output=True)
        times, cpu = [], []
        load_before = os.getloadavg()[0]
        for _ in range(args.runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(
                [str(BIN / "dashbench"), "report", "--config", "asv.conf.json"],
                cwd=project,
                check=True,
                capture_output=True,
            )
            times.append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        load_after = os.getloadavg()[0]
        table = (project / "html" / "dashbench" / "report.md").read_text()
    print(
        f"history: {args.commits} commits x {len(pairs)} pairs "
        f"({covered} pairs with real samples on both sides, from {args.samples_from})"
    )
    median = statistics.median(times)
    print(
        f"dashbench report wall time over {args.runs} runs: median {median:.2f} s, "
        f"min {min(times):.2f} s, max {max(times):.2f} s"
    )
    print(
        f"CPU time (user+sys) per run: median {statistics.median(cpu):.2f} s, "
        f"min {min(cpu):.2f} s, max {max(cpu):.2f} s; "
        f"1-min load average {load_before:.1f} before, {load_after:.1f} after "
        f"on {os.cpu_count()} CPUs"
    )
    print(f"report.md: {len(table.splitlines())} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())

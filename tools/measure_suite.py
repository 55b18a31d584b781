"""Measure one asv run of the Python suite: wall time and each benchmark's spread.

Issue 2's targets: the whole suite for one commit and one environment in under 10 minutes,
with a median spread, (q75 - q25) / median from asv's own stats, under 5%. This clones the
checkout's HEAD into a temporary directory, runs ``asv run`` there against an existing
environment (never the checkout's own ``.asv``), and reads the results through asv's
``Results`` API.

    python tools/measure_suite.py [--python PATH] [--bench REGEX] [--quick]

Report the machine load with the numbers: shared runners inflate both.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import git
from asv.results import Results

ROOT = Path(__file__).resolve().parent.parent
MACHINE = "measure-suite"


def asv(*args: str, cwd: Path) -> None:
    subprocess.run([sys.executable, "-m", "asv", *args], cwd=cwd, check=True)


def spreads(results: Results) -> dict[str, float]:
    """(q75 - q25) / median for every time_ benchmark that produced stats."""
    out = {}
    for key in results.get_all_result_keys():
        if ".time_" not in key:
            continue
        value = results.get_result_value(key, [])
        stats = results.get_result_stats(key, [])
        if value and value[0] and stats and stats[0]:
            out[key] = (stats[0]["q_75"] - stats[0]["q_25"]) / value[0]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default=sys.executable, help="existing environment")
    parser.add_argument("--bench", default=r"^(?!criterion\.)", help="asv --bench regex")
    parser.add_argument("--quick", action="store_true", help="one call per benchmark")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="dashbench-measure-") as tmp:
        work = Path(tmp)
        clone = git.Repo.clone_from(ROOT, work / "repo")
        checkout = Path(clone.working_dir)
        conf = json.loads((checkout / "asv.conf.json").read_text())
        conf.update(
            results_dir=str(work / "results"),
            html_dir=str(work / "html"),
            env_dir=str(work / "env"),
        )
        config = checkout / "asv.measure.json"
        config.write_text(json.dumps(conf))
        asv("machine", "--config", str(config), "--yes", "--machine", MACHINE, cwd=checkout)
        run = ["run", "--config", str(config), "-E", f"existing:{args.python}"]
        run += ["--machine", MACHINE, "--set-commit-hash", clone.head.commit.hexsha]
        run += ["--bench", args.bench] + (["--quick"] if args.quick else [])
        load_before = os.getloadavg()[0]
        started = time.monotonic()
        asv(*run, cwd=checkout)
        wall = time.monotonic() - started
        (path,) = [p for p in (work / "results" / MACHINE).glob("*.json") if p.stem != "machine"]
        by_key = spreads(Results.load(str(path)))

    for key, spread in sorted(by_key.items(), key=lambda item: item[1]):
        print(f"{spread:8.1%}  {key}")
    values = list(by_key.values())
    print(f"\n{len(values)} time_ benchmarks, wall {wall:.0f} s")
    if values:
        print(f"spread: median {statistics.median(values):.1%}, worst {max(values):.1%}")
    print(f"load average: {load_before:.1f} before, {os.getloadavg()[0]:.1f} after")
    return 0


if __name__ == "__main__":
    sys.exit(main())

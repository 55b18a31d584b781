"""A/A of the instruction-count passes: spread per id, smallest slowdown caught, pass time.

    python tools/measure_counts.py [--runs 5] [--load-runs 4,5] [--output FILE] [--write]

Counts HEAD ``--runs`` times, each pass into a store of its own (``dashbench counts run
--again``: both languages, the Python side with this interpreter, whose installed workloads
are the checkout's). During the runs listed in ``--load-runs`` two CPU hogs (stress-ng, or a
shell loop where it is missing) keep both cores busy, to show the counts do not care. Each id
then goes through calibrate's own functions: spread (largest relative gap between runs),
threshold, and the smallest injected slowdown the gate's step fit reports at the right commit
in every run order with no false alarm on the flat series. Prints per-language summaries and
each pass's wall time and load; ``--write`` puts the thresholds in calibration/thresholds.json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashbench.gate.calibrate import Limits, Run, calibrate_one, write_thresholds  # noqa: E402
from dashbench.gate.project import load_project  # noqa: E402
from dashbench.pairs import count_name  # noqa: E402


@contextlib.contextmanager
def cpu_hogs(on: bool) -> Iterator[None]:
    if not on:
        yield
        return
    if shutil.which("stress-ng"):
        procs = [subprocess.Popen(["stress-ng", "--cpu", "2", "--timeout", "3600s"])]
    else:
        procs = [subprocess.Popen(["sh", "-c", "while :; do :; done"]) for _ in range(2)]
    try:
        yield
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait()


def count_once(work: Path, sha: str, index: int, loaded: bool) -> dict:
    """One pass of both languages into its own store; its counts and conditions."""
    store = work / f"store-{index}"
    conf = json.loads((ROOT / "asv.conf.json").read_text())
    conf["dashbench"]["count_store"] = str(store)
    conf["repo"] = str(ROOT)
    conf["benchmark_dir"] = str(ROOT / conf.get("benchmark_dir", "benchmarks"))
    for key in ("count_manifest", "criterion_manifest", "pairs", "thresholds"):
        if key in conf["dashbench"]:
            conf["dashbench"][key] = str(ROOT / conf["dashbench"][key])
    config = work / f"asv-{index}.conf.json"
    config.write_text(json.dumps(conf))
    cmd = [sys.executable, "-m", "dashbench", "counts", "--config", str(config), "run"]
    cmd += ["--again", "--commit", sha]
    load_before = os.getloadavg()[0]
    start = time.monotonic()
    with cpu_hogs(loaded):
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    wall = time.monotonic() - start
    if done.returncode != 0:  # 2: an id failed, and an A/A with holes would flatter the spread
        raise SystemExit(f"{cmd} exited {done.returncode}:\n{done.stderr[-3000:]}")
    counts = {}
    for language in ("python", "rust"):
        entry = json.loads((store / sha / f"{language}.json").read_text())
        for cid, runs in entry["counts"].items():
            counts[count_name(cid, language)] = statistics.median(runs)
    return {
        "run": index,
        "loaded": loaded,
        "wall_s": round(wall, 1),
        "load_before": load_before,
        "load_after": os.getloadavg()[0],
        "counts": counts,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="A/A passes (default 5)")
    parser.add_argument("--load-runs", default="4,5", help="passes run with both cores busy")
    parser.add_argument("--output", type=Path, help="write the measurements as JSON")
    parser.add_argument("--write", action="store_true", help="write calibration/thresholds.json")
    args = parser.parse_args()
    loaded = {int(x) for x in args.load_runs.split(",") if x.strip()}
    project = load_project(ROOT / "asv.conf.json")
    limits = Limits(floor=0.005, target=0.02)
    sha = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="measure-counts-") as tmp:
        passes = []
        for i in range(1, args.runs + 1):
            passes.append(count_once(Path(tmp), sha, i, i in loaded))
            p = passes[-1]
            print(
                f"pass {i}: {p['wall_s']} s wall, load {p['load_before']:.1f} -> "
                f"{p['load_after']:.1f}{' (two CPU hogs beside it)' if p['loaded'] else ''}",
                flush=True,
            )
    names = sorted(set.intersection(*(set(p["counts"]) for p in passes)))
    calibrations = [
        calibrate_one(name, [Run(p["counts"][name], None, None) for p in passes], 1.5, limits)
        for name in names
    ]
    for language in ("python", "rust"):
        mine = [c for c in calibrations if c.language == language]
        spreads = [c.spread for c in mine]
        caught = [c.detectable for c in mine]
        print(f"\n{language}: {len(mine)} ids")
        print(
            f"  spread (max-min)/median: median {statistics.median(spreads):.4%}, "
            f"worst {max(spreads):.4%}"
        )
        print(f"  ids above 0.5%: {[c.benchmark for c in mine if c.spread > 0.005] or 'none'}")
        for level in (0.01, 0.02):
            n = sum(1 for d in caught if d is not None and d <= level)
            print(f"  catch a {level:.0%} slowdown: {n}/{len(mine)}")
        worst = max(caught, key=lambda d: 9.0 if d is None else d)
        print(f"  worst smallest slowdown caught: {'never' if worst is None else f'{worst:.0%}'}")
        print(f"  false alarms on the A/A series: {sum(c.false_alarm for c in mine)}")
    if args.output:
        args.output.write_text(
            json.dumps(
                {
                    "passes": [{k: v for k, v in p.items() if k != "counts"} for p in passes],
                    "calibrations": [c.__dict__ for c in calibrations],
                },
                indent=1,
            )
        )
    if args.write:
        print(
            f"\nwrote {len(calibrations)} thresholds to {write_thresholds(project, calibrations)}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Measure `dashbench nightly` on the embedded default for one new commit, full and --quick.

    python tools/measure_nightly.py [--skip-full] [--keep DIR]

A fresh clone of this repository (HEAD) gets one warm-up run (`dashbench nightly --quick`: it
creates the asv environment and builds the crate, as a first night would), then one new commit
measured by a full `dashbench nightly`, then another new commit by `dashbench nightly --quick`.
The script prints each run's wall time and the time of every stage, from the nightly's own
--timings file, with the machine's conditions. Run it under `nice` on a shared machine and
treat the numbers as noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def git(repo: Path, *args: str) -> str:
    cmd = ["git", "-C", str(repo), "-c", "user.name=measure", "-c", "user.email=m@m", *args]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip()


def new_commit(repo: Path, n: int) -> str:
    (repo / "MEASURE_NOTES").write_text(f"measurement commit {n}\n")
    git(repo, "add", "MEASURE_NOTES")
    git(repo, "commit", "-qm", f"measurement commit {n}")
    return git(repo, "rev-parse", "HEAD")


def run_nightly(repo: Path, key: str, label: str, *flags: str) -> dict:
    timings = repo.parent / f"timings-{key}.json"
    cmd = [sys.executable, "-m", "dashbench", "nightly", "--machine", "measure", "--no-wait"]
    cmd += [*flags, "--timings", str(timings)]
    env = {**os.environ, "CARGO_TARGET_DIR": os.environ.get("CARGO_TARGET_DIR")
           or str(ROOT / "rust" / "target")}  # fmt: skip
    log = repo.parent / f"nightly-{key}.log"
    load_before = os.getloadavg()
    start = time.monotonic()
    with open(log, "w") as out:
        code = subprocess.run(
            cmd, cwd=repo, env=env, stdout=out, stderr=subprocess.STDOUT
        ).returncode
    wall = time.monotonic() - start
    data = json.loads(timings.read_text()) if timings.exists() else {"stages": []}
    return {"label": label, "exit": code, "wall_s": round(wall, 1), "log": str(log),
            "load_before": load_before, "load_after": os.getloadavg(),
            "stages": data["stages"]}  # fmt: skip


def report(run: dict) -> None:
    load = f"load avg before {run['load_before'][0]:.2f}, after {run['load_after'][0]:.2f}"
    print(f"\n## {run['label']}: exit {run['exit']}, wall {run['wall_s']} s ({load})")
    print("| stage | commit | seconds |\n|---|---|---|")
    for s in run["stages"]:
        commit = (s["commit"] or "")[:8]
        print(f"| {s['stage']}{'' if s['ok'] else ' (failed)'} | {commit} | {s['seconds']:.1f} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skip-full", action="store_true", help="measure only --quick")
    parser.add_argument("--keep", type=Path, help="work here and keep it (default: a temp dir)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="measure-nightly-"))
    work.mkdir(parents=True, exist_ok=True)
    repo = work / "project"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(repo)], check=True)
    print(f"# dashbench nightly, measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"clone of {git(ROOT, 'rev-parse', '--short', 'HEAD')} in {repo}; "
          f"{os.cpu_count()} CPUs, {platform.platform()}, Python {platform.python_version()}; "
          "shared machine, other jobs running: numbers are noisy")  # fmt: skip
    runs = [run_nightly(repo, "warmup", "warm-up (first night, --quick)", "--quick")]
    if not args.skip_full:
        new_commit(repo, 1)
        runs.append(run_nightly(repo, "full", "one new commit, full"))
    new_commit(repo, 2)
    runs.append(run_nightly(repo, "quick", "one new commit, --quick", "--quick"))
    for run in runs:
        report(run)
    (work / "measurements.json").write_text(json.dumps(runs, indent=1))
    print(f"\nraw data: {work / 'measurements.json'}")
    return 0 if all(r["exit"] in (0, 1) for r in runs) else 2


if __name__ == "__main__":
    sys.exit(main())

"""Measure `dashbench nightly` on the embedded default, one new commit per measured run.

    python tools/measure_nightly.py [--runs instructions,all,quick] [--keep DIR]

A fresh clone of this repository (HEAD) gets one warm-up run (`dashbench nightly --quick`: it
creates the asv environment and builds the crate, as a first night would). Then each entry of
--runs measures one new commit: `instructions` (`--metric instructions`, the count passes of
both languages), `all` (both metrics, the default nightly), `quick` (`--quick`).
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
    parser.add_argument(
        "--runs",
        default="instructions,all,quick",
        help="comma-separated runs after the warm-up, each on a new commit "
        "(instructions, all, quick; default: %(default)s)",
    )
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
    kinds = {
        "instructions": ("one new commit, --metric instructions", "--metric", "instructions"),
        "all": ("one new commit, both metrics (the default nightly)", "--metric", "all"),
        "quick": ("one new commit, --quick", "--quick"),
    }
    wanted = [k.strip() for k in args.runs.split(",") if k.strip()]
    if unknown := [k for k in wanted if k not in kinds]:
        parser.error(f"--runs: unknown {', '.join(unknown)} (have {', '.join(kinds)})")
    runs = [run_nightly(repo, "warmup", "warm-up (first night, --quick)", "--quick")]
    for n, kind in enumerate(wanted, 1):
        new_commit(repo, n)
        label, *flags = kinds[kind]
        runs.append(run_nightly(repo, kind, label, *flags))
    for run in runs:
        report(run)
    (work / "measurements.json").write_text(json.dumps(runs, indent=1))
    print(f"\nraw data: {work / 'measurements.json'}")
    return 0 if all(r["exit"] in (0, 1) for r in runs) else 2


if __name__ == "__main__":
    sys.exit(main())

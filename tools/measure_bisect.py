"""Wall-time bisection and speedup drops under load, on the end-to-end history with 2x steps.

Usage: python tools/measure_bisect.py [--runs 5] [--load 2] [--rounds 3] [--out FILE]
                                      [--workdir DIR] [--lang python,rust] [--skip-nightly]

Builds ``tests/e2e_history.py``'s history with slowdowns sized for about 2x in wall time, then:

1. ``dashbench nightly --metric all`` over it (the three e2e ids only), and the gate's verdict:
   are both slowdowns found at their commits, and is the Rust one a speedup drop there?
2. ``--runs`` times per language, ``dashbench bisect ID GOOD BAD --metric time``: is the
   culprit right? The Rust bisections run beside the nightly (each has its own cargo target),
   the Python ones after it (they share asv's environment).

The bisections run this checkout's dashbench (with ``--config`` of the history's clone), so a
change to the bisection can be measured again on an existing ``--workdir``, whose history is
reused, with ``--skip-nightly``. With ``--load N``, N ``stress-ng --cpu`` workers run
throughout, as a busy CI runner would have; the load average is sampled every 30 s.
Everything is written to ``--out`` as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import git

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import e2e_history as e2e

# About 2x in wall time on this machine: 3_nodes_simple 1.2 ms per invoke, 5_nodes_complex
# 1.5 us (each measured with and without the edit).
SIZES = e2e.Sizes(python_hashes=1300, rust_spins=400)
MACHINE = "bisect-under-load"
CULPRITS = {
    "python": (e2e.SLOW_PY_ID, e2e.PY_CULPRIT),
    "rust": (e2e.SLOW_RUST_ID, e2e.RUST_CULPRIT),
}


def sample_load(stop: threading.Event, loads: list[float]) -> None:
    while not stop.wait(30.0):
        loads.append(os.getloadavg()[0])


def nightly(root: Path, shas: list[str], env: dict[str, str]) -> dict[str, object]:
    ids = "^(" + "|".join(re.escape(i) for i in e2e.IDS) + ")$"
    names = r"(sequential_execution\.[A-Za-z.]*_(3_nodes_simple|5_nodes_complex)$"
    names += r"|conditional_branching\.[A-Za-z.]*_binary_conditional$)"
    started = time.monotonic()
    proc = e2e.dashbench(
        [
            "nightly", "--config", str(root / "asv.conf.json"),
            "--range", f"{shas[0]}^..{shas[-1]}",
            "--machine", MACHINE, "--metric", "all",
            "--bench", names, "--rust-filter", ids,
        ],
        root,
        {**env, "DASHBENCH_COUNTS_FILTER": ids},
    )  # fmt: skip
    took = time.monotonic() - started
    gate = e2e.dashbench(
        ["regressions", "--config", str(root / "asv.conf.json"), "--format", "json"], root, env
    )
    report = json.loads(gate.stdout) if gate.returncode in (0, 1) else {}
    found = {(r["benchmark"], r["commit"]) for r in report.get("regressions", [])}
    drops = [(d["pair_id"], d["commit"]) for d in report.get("speedup_drops", [])]
    return {
        "exit": proc.returncode,
        "seconds": round(took),
        "gate_exit": gate.returncode,
        "regressions": sorted(found),
        "speedup_drops": drops,
        "rust_drop_at_culprit": (e2e.SLOW_RUST_ID, shas[e2e.RUST_CULPRIT]) in drops,
        "log_tail": "" if proc.returncode in (0, 1) else e2e.tail(proc),
    }


def bisect_runs(
    root: Path, shas: list[str], env: dict[str, str], lang: str, runs: int, rounds: int
) -> list[dict[str, object]]:
    criterion_id, culprit = CULPRITS[lang]
    out = []
    for k in range(runs):
        started = time.monotonic()
        proc = e2e.dashbench(
            [
                "bisect", criterion_id, shas[0], shas[-1],
                "--lang", lang, "--metric", "time", "--rounds", str(rounds),
                "--config", str(root / "asv.conf.json"), "--machine", MACHINE, "--json",
            ],
            e2e.MAIN,  # this checkout's bisect, measuring the clone
            env,
        )  # fmt: skip
        found = json.loads(proc.stdout) if proc.returncode == 0 else {}
        run = {
            "run": k + 1,
            "seconds": round(time.monotonic() - started),
            "right": found.get("commit") == shas[culprit],
            "named": (found.get("commit") or "")[:12],
            "ratio": found["after"] / found["before"] if found.get("before") else None,
            "probes": [line for line in proc.stderr.splitlines() if line.startswith("probe ")],
            "error": "" if proc.returncode == 0 else e2e.tail(proc),
        }
        print(f"{lang} bisection {k + 1}: {run}", flush=True)
        out.append(run)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--load", type=int, default=0, help="stress-ng --cpu workers")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--lang", default="python,rust")
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--out", type=Path, default=Path("bisect-under-load.json"))
    parser.add_argument("--skip-nightly", action="store_true", help="bisections only")
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="measure-bisect-"))
    root = work / "dashbench"
    if root.is_dir():  # the history of an earlier run
        shas = git.Repo(root).git.rev_list("--reverse", "-8", "HEAD").split()
    else:
        shas = e2e.make_history(root, SIZES)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DASHBENCH_", "ASV_"))}
    env["CARGO_TARGET_DIR"] = str(e2e.private_target(work / "target-nightly"))
    bisect_env = {**env, "CARGO_TARGET_DIR": str(e2e.private_target(work / "target-bisect"))}
    langs = args.lang.split(",")

    stress = subprocess.Popen(["stress-ng", "--cpu", str(args.load)]) if args.load else None
    stop, loads = threading.Event(), [os.getloadavg()[0]]
    threading.Thread(target=sample_load, args=(stop, loads), daemon=True).start()
    result: dict[str, object] = {"workdir": str(work), "shas": shas, "sizes": vars(SIZES)}
    try:
        rust: list[dict[str, object]] = []
        beside = threading.Thread(
            target=lambda: rust.extend(
                bisect_runs(root, shas, bisect_env, "rust", args.runs, args.rounds)
            )
        )
        if "rust" in langs:
            beside.start()
        if not args.skip_nightly:
            result["nightly"] = nightly(root, shas, env)
            print(f"nightly: {result['nightly']}", flush=True)
        if "python" in langs:
            result["python"] = bisect_runs(root, shas, env, "python", args.runs, args.rounds)
        if "rust" in langs:
            beside.join()
            result["rust"] = rust
    finally:
        stop.set()
        if stress:
            stress.terminate()
    result["load_average"] = {
        "median": statistics.median(loads),
        "min": min(loads),
        "max": max(loads),
        "samples": len(loads),
    }
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    for lang in langs:
        runs = result.get(lang, [])
        right = sum(bool(r["right"]) for r in runs)  # type: ignore[index]
        print(f"{lang}: right culprit {right}/{len(runs)}")  # type: ignore[arg-type]
    print(f"load average: {result['load_average']}")


if __name__ == "__main__":
    main()

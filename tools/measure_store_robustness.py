"""Kill imports mid-way and run importers side by side; count torn, mixed or lost store entries.

    .venv/bin/python tools/measure_store_robustness.py [--count 5000] [--kills 15] [--writers 8]

Kill test: a store entry holds tree A (COUNT benchmarks); then, KILLS times, `dashbench
criterion import` of tree B (same ids, other samples) or A again is started as a real process
and sent SIGKILL: every other time at a random moment of up to 1.5 times a typical import, and
in between while it writes the entry (up to 50 ms after its temporary file appears), the
moment a kill could tear it, which a uniform draw over a run would seldom hit. After
each kill the entry must still be readable, hold every id, and be all A or all B (never a
mix). Stale temporary files are counted after the kills, and again after one more import,
which must have removed them.

Concurrent writers: WRITERS imports of disjoint parts of tree A into one commit at once; the
entry must then hold every id with its own samples. Exits 1 if any entry was torn or lost.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import git
from measure_import import make_tree

from rust_bridge.errors import BridgeError
from rust_bridge.reader import read_tree
from rust_bridge.store import ENTRY_NAME, CriterionStore


def make_project(base: Path) -> tuple[Path, str]:
    root = base / "project"
    root.mkdir()
    conf = {"version": 1, "project": "p", "repo": ".", "dashbench": {"criterion_store": "store"}}
    (root / "asv.conf.json").write_text(json.dumps(conf))
    repo = git.Repo.init(root)
    repo.index.add(["asv.conf.json"])
    return root, repo.index.commit("one").hexsha


def doubled(tree: Path, into: Path) -> None:
    """A copy of ``tree`` whose samples all take twice as long: same ids, other data."""
    shutil.copytree(tree, into)
    for sample in into.rglob("sample.json"):
        data = json.loads(sample.read_text())
        data["times"] = [t * 2 for t in data["times"]]
        sample.write_text(json.dumps(data))


def import_command(root: Path, tree: Path, sha: str) -> list[str]:
    conf = str(root / "asv.conf.json")
    cli = [sys.executable, "-m", "dashbench", "criterion", "--config", conf]
    return [*cli, "import", str(tree), "--commit", sha]


def stale_temps(store: Path) -> int:
    return sum(1 for _ in store.glob(f"*/.{ENTRY_NAME}.*.tmp"))


def classify(store: CriterionStore, sha: str, versions: dict[str, dict[str, tuple]]) -> str:
    """ "A", "B", "torn" (unreadable), "lost" (ids missing) or "mixed"."""
    try:
        entry = store.get(sha)
    except BridgeError:
        return "torn"
    if entry is None or set(entry.records) != set(next(iter(versions.values()))):
        return "lost"
    samples = {k: r.samples for k, r in entry.records.items()}
    for name, expected in versions.items():
        if samples == expected:
            return name
    return "mixed"


def kill_test(base: Path, count: int, kills: int, rng: random.Random) -> dict[str, object]:
    root, sha = make_project(base)
    tree_a, tree_b = base / "a", base / "b"
    make_tree(tree_a, count)
    doubled(tree_a, tree_b)
    versions = {
        name: {r.full_id: r.samples for r in read_tree(tree).records}
        for name, tree in (("A", tree_a), ("B", tree_b))
    }
    store = CriterionStore(root / "store")
    started = time.monotonic()
    subprocess.run(import_command(root, tree_a, sha), check=True, capture_output=True)
    duration = time.monotonic() - started
    outcomes, finished, left_temp = [], 0, 0
    for n in range(kills):
        proc = subprocess.Popen(
            import_command(root, rng.choice((tree_a, tree_b)), sha),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if n % 2:
            while proc.poll() is None and not stale_temps(store.root):
                time.sleep(0.001)
            time.sleep(rng.uniform(0.0, 0.05))
        else:
            time.sleep(rng.uniform(0.0, 1.5 * duration))
        proc.kill()
        finished += proc.wait() == 0
        left_temp += stale_temps(store.root) > 0
        outcomes.append(classify(store, sha, versions))
    stale_after_kills = stale_temps(store.root)
    subprocess.run(import_command(root, tree_b, sha), check=True, capture_output=True)
    return {
        "one import (s)": round(duration, 2),
        "kills": kills,
        "finished before the kill": finished,
        "kills that left a temp file": left_temp,
        "entries after kills": {k: outcomes.count(k) for k in sorted(set(outcomes))},
        "stale temps after kills": stale_after_kills,
        "stale temps after next import": stale_temps(store.root),
        "entry after next import": classify(store, sha, versions),
    }


def writers_test(base: Path, count: int, writers: int) -> dict[str, object]:
    root, sha = make_project(base)
    whole = base / "whole"
    make_tree(whole, count)
    expected = {r.full_id: r.samples for r in read_tree(whole).records}
    parts = [base / f"part{k}" for k in range(writers)]
    for part in parts:
        part.mkdir()
    for n, group in enumerate(sorted(whole.iterdir())):
        shutil.move(group, parts[n % writers] / group.name)
    started = time.monotonic()
    procs = [
        subprocess.Popen(import_command(root, part, sha), stdout=subprocess.DEVNULL)
        for part in parts
    ]
    failed = sum(proc.wait() != 0 for proc in procs)
    store = CriterionStore(root / "store")
    try:
        entry = store.get(sha)
        held = {} if entry is None else {k: r.samples for k, r in entry.records.items()}
        torn = 0
    except BridgeError:
        held, torn = {}, 1
    return {
        "writers": writers,
        "wall time (s)": round(time.monotonic() - started, 2),
        "failed imports": failed,
        "torn entries": torn,
        "lost ids": len(set(expected) - set(held)),
        "wrong samples": sum(held[k] != v for k, v in expected.items() if k in held),
        "provenance runs": len(entry.runs) if not torn and entry else 0,
        "stale temps": stale_temps(store.root),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--kills", type=int, default=15)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "kill").mkdir()
        (Path(tmp) / "writers").mkdir()
        kills = kill_test(Path(tmp) / "kill", args.count, args.kills, random.Random(args.seed))
        writers = writers_test(Path(tmp) / "writers", args.count, args.writers)
    print(json.dumps({"benchmarks": args.count, "kill": kills, "writers": writers}, indent=1))
    bad = set(kills["entries after kills"]) - {"A", "B"} or kills["entry after next import"] != "B"
    bad = bad or kills["stale temps after next import"] or writers["torn entries"]
    sys.exit(1 if bad or writers["lost ids"] or writers["wrong samples"] else 0)


if __name__ == "__main__":
    main()

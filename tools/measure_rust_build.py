"""Measure the reference crate's build and `cargo bench` cost, and check the Criterion tree.

Works on a throwaway copy of rust/ with its own CARGO_TARGET_DIR, so the cold build really is
cold and the one-line change never touches the checkout. Steps, each timed (wall seconds):

- cold: `cargo bench --no-run` of the 48-id bench in a fresh target directory;
- noop: the same command again (nothing to rebuild);
- one_line: after appending one line of code to src/lib.rs;
- quick: the 48 ids with `--warm-up-time 1 --measurement-time 1 --noplot` (criterion 0.3 takes
  whole seconds only; 0.5 is rejected), under `nice`;
- default (with --default): the 48 ids at Criterion's default settings with `--noplot`, under
  `nice`; it takes several minutes.

After each bench run it checks that target/criterion holds new/{benchmark,estimates,sample}.json
for exactly the ids that `cargo bench -- --list` names. The machine is shared, so timings are
noisy; the summary records the CPU count and load average next to them.

    .venv/bin/python tools/measure_rust_build.py [--default] [--output FILE.json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CRATE = ROOT / "rust"
DEBIAN_SOURCE = ROOT / "rust_bridge" / "debian-source.toml"
BENCH = "graph_benchmarks"
QUICK = ["--warm-up-time", "1", "--measurement-time", "1", "--noplot"]
REQUIRED = ("benchmark.json", "estimates.json", "sample.json")


def cargo(crate: Path, *args: str, nice: bool = False) -> tuple[float, str]:
    """Runs cargo in `crate` and returns (wall seconds, stdout); stops the script on failure."""
    command = ["cargo", "--config", str(DEBIAN_SOURCE), *args]
    if nice:
        command = ["nice", *command]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=crate, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr[-4000:]}")
    return elapsed, done.stdout


def listed_ids(crate: Path) -> set[str]:
    _, out = cargo(crate, "bench", "--bench", BENCH, "--", "--list")
    return {line.removesuffix(": bench") for line in out.splitlines() if line.endswith(": bench")}


def check_tree(criterion_dir: Path, expected: set[str]) -> dict[str, object]:
    """Compares the ids found in new/benchmark.json files with the expected ones."""
    found: set[str] = set()
    incomplete: list[str] = []
    for meta in criterion_dir.rglob("new/benchmark.json"):
        full_id = json.loads(meta.read_text())["full_id"]
        found.add(full_id)
        if not all((meta.parent / name).is_file() for name in REQUIRED):
            incomplete.append(full_id)
    return {
        "expected": len(expected),
        "found": len(found & expected),
        "missing": sorted(expected - found),
        "unexpected": sorted(found - expected),
        "incomplete": sorted(incomplete),
    }


def bench_run(crate: Path, target: Path, expected: set[str], extra: list[str]) -> dict[str, object]:
    shutil.rmtree(target / "criterion", ignore_errors=True)
    seconds, _ = cargo(crate, "bench", "--bench", BENCH, "--", *extra, nice=True)
    tree = check_tree(target / "criterion", expected)
    return {"seconds": round(seconds, 1), "args": extra, "tree": tree}


def measure(include_default: bool) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="dashbench_rust_build_") as tmp:
        crate = Path(tmp) / "rust"
        shutil.copytree(CRATE, crate, ignore=shutil.ignore_patterns("target", "Cargo.lock"))
        target = Path(tmp) / "target"
        os.environ["CARGO_TARGET_DIR"] = str(target)
        os.environ.pop("CRITERION_HOME", None)
        build = ("bench", "--bench", BENCH, "--no-run")
        results: dict[str, object] = {"cpus": os.cpu_count(), "load_before": os.getloadavg()}
        results["cold_build_s"] = round(cargo(crate, *build)[0], 1)
        results["noop_build_s"] = round(cargo(crate, *build)[0], 1)
        with (crate / "src" / "lib.rs").open("a") as lib:
            lib.write("pub const BUILD_PROBE: u32 = 1;\n")
        results["one_line_change_build_s"] = round(cargo(crate, *build)[0], 1)
        expected = listed_ids(crate)
        results["quick"] = bench_run(crate, target, expected, QUICK)
        if include_default:
            results["default"] = bench_run(crate, target, expected, ["--noplot"])
        results["load_after"] = os.getloadavg()
        return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--default", action="store_true", help="also run at default settings")
    parser.add_argument("--output", type=Path, help="also write the JSON summary here")
    args = parser.parse_args()
    text = json.dumps(measure(args.default), indent=2)
    print(text)
    if args.output:
        tmp = args.output.with_name(args.output.name + ".tmp")
        tmp.write_text(text + "\n")
        os.replace(tmp, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())

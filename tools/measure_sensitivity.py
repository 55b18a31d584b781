"""Per-group sensitivity from a `dashbench calibrate --output` file: what slowdown asv catches.

Usage: python tools/measure_sensitivity.py CALIBRATION.json [--target 0.10]

Prints, per language (peak memory apart) and Criterion group, the run-to-run spread and the
smallest injected slowdown reported at the right commit (see dashbench/gate/calibrate.py for
the injection), and lists the ids that miss the target or raised a false alarm on the A/A
history.
"""

from __future__ import annotations

import argparse
import json
import statistics
from collections import defaultdict
from pathlib import Path


def group_of(benchmark: str) -> str:
    parts = benchmark.split(".")
    return parts[1] if parts[0] == "criterion" else parts[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("calibration", type=Path)
    parser.add_argument("--target", type=float, default=0.10)
    args = parser.parse_args()
    rows = json.loads(args.calibration.read_text())["calibrations"]
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for row in rows:
        kind = "memory" if ".peakmem_" in row["benchmark"] else row["language"]
        groups[kind, group_of(row["benchmark"])].append(row)
    print(f"{'lang':6} {'group':24} {'ids':>3} {'spread med/max':>15} {'detects med/max':>16}")
    for (lang, group), items in sorted(groups.items()):
        spreads = [r["spread"] for r in items]
        found = [r["detectable"] if r["detectable"] is not None else 1.01 for r in items]
        print(
            f"{lang:6} {group:24} {len(items):3} "
            f"{statistics.median(spreads):7.1%}/{max(spreads):6.1%} "
            f"{statistics.median(found):8.0%}/{max(found):6.0%}"
        )
    short = [r for r in rows if r["detectable"] is None or r["detectable"] > args.target]
    alarms = [r for r in rows if r["false_alarm"]]
    print(f"\n{len(rows) - len(short)}/{len(rows)} ids detect a {args.target:.0%} slowdown")
    for r in sorted(short, key=lambda r: r["benchmark"]):
        det = "never" if r["detectable"] is None else f"{r['detectable']:.0%}"
        print(
            f"  short: {r['benchmark']} spread {r['spread']:.1%} detects {det},"
            f" effort x{r['effort']}"
        )
    print(f"{len(alarms)} false alarms on the A/A histories")
    for r in alarms:
        print(f"  false alarm: {r['benchmark']}")


if __name__ == "__main__":
    main()

"""Time importing a Criterion tree of N benchmarks (target: 1,000 in under 2 s).

The tree is synthetic but made of real files: the captured bridge_edge_cases JSON, copied N
times with the ids in benchmark.json rewritten. "Import" is what `dashbench criterion import`
does: read the tree, then merge it into a store entry (atomic write).

    .venv/bin/python tools/measure_import.py [--count 1000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from rust_bridge.reader import read_tree
from rust_bridge.store import CriterionStore

FIXTURE = Path(__file__).resolve().parent.parent / "tests/fixtures/criterion/bridge_edge_cases"
SHA = "f" * 40


def make_tree(root: Path, count: int) -> None:
    sources = sorted(p.parent for p in FIXTURE.rglob("new/benchmark.json"))
    for i in range(count):
        source = sources[i % len(sources)]
        group, function = f"group_{i // 50}", f"bench_{i}"
        target = root / group / function / "new"
        target.mkdir(parents=True)
        for name in ("estimates.json", "sample.json"):
            shutil.copyfile(source / name, target / name)
        meta = json.loads((source / "benchmark.json").read_text())
        meta.update(group_id=group, function_id=function, value_str=None)
        meta["full_id"] = meta["directory_name"] = meta["title"] = f"{group}/{function}"
        (target / "benchmark.json").write_text(json.dumps(meta))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tree_dir = Path(tmp) / "criterion"
        make_tree(tree_dir, args.count)
        reads, imports = [], []
        for i in range(args.repeat):
            start = time.perf_counter()
            tree = read_tree(tree_dir)
            reads.append(time.perf_counter() - start)
            CriterionStore(Path(tmp) / f"store{i}").put(SHA, tree.records, problems=tree.problems)
            imports.append(time.perf_counter() - start)
            assert len(tree.records) == args.count and not tree.problems, tree.problems[:3]
    print(f"{args.count} benchmarks, {args.repeat} runs")
    print(f"read tree:        median {statistics.median(reads):.3f} s, worst {max(reads):.3f} s")
    print(
        f"read + store put: median {statistics.median(imports):.3f} s, worst {max(imports):.3f} s"
    )


if __name__ == "__main__":
    main()

"""`dashbench equivalence`: does each pair's two sides do the work its pairing claims?

Kept apart from ``dashbench.equivalence`` so that registering the command imports neither
LangGraph nor the workloads; they load only when the command runs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dashbench.errors import DashbenchError
from dashbench.pairs import RECORDS
from rust_bridge.fs import write_text_atomically
from rust_bridge.options import add_command

# `dashbench equivalence --help`
SUMMARY = "compare what one call of each id does in Python and in Rust"
DESCRIPTION = (
    "Describes one call of every id on both sides and fails (exit 2) when an "
    "exact pair's descriptions differ, or an approximate pair's differ in other fields than "
    "its reason names. docs/workloads.md §equivalence."
)

DEFAULT_BINARY = "rust/target/release/dashbench-equiv"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(
        subparsers, "equivalence", _run, SUMMARY, config=False, description=DESCRIPTION
    )
    parser.add_argument(
        "--binary",
        type=Path,
        default=Path(DEFAULT_BINARY),
        help=f"the built dashbench-equiv (default {DEFAULT_BINARY}; "
        "`cargo build --release --bin dashbench-equiv` in rust/)",
    )
    parser.add_argument(
        "--pairs", type=Path, default=Path("dashbench/pairs.json"), help="the pairing table"
    )
    parser.add_argument(
        "--write",
        nargs="?",
        const=Path(RECORDS),
        type=Path,
        metavar="FILE",
        help=f"also write the records the report links to (default {RECORDS})",
    )


def _run(args: argparse.Namespace) -> int:
    from dashbench import equivalence as eq
    from dashbench.pairs import load_pairs

    if not args.binary.is_file():
        raise DashbenchError(
            f"{args.binary}: no dashbench-equiv binary; build it with "
            "`cargo build --release --bin dashbench-equiv` in rust/"
        )
    pairs = load_pairs(args.pairs)
    rust = eq.rust_descriptions(args.binary)
    python = {p.criterion_id: eq.describe(p.criterion_id) for p in pairs}
    problems = eq.check(pairs, python, rust)
    if args.write:
        write_text_atomically(args.write, eq.records(pairs, python, rust))
    for line in problems:
        print(f"dashbench equivalence: {line}", file=sys.stderr)
    failing = {line.partition(":")[0] for line in problems}
    verified = sum(p.criterion_id not in failing for p in pairs)
    print(f"dashbench equivalence: {verified} of {len(pairs)} pairs verified")
    return 2 if problems else 0

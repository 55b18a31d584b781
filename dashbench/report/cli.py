"""`dashbench report` (speedups into the asv site) and `dashbench pairs` (the pairing table)."""

from __future__ import annotations

import argparse
from pathlib import Path

from rust_bridge.options import add_config, add_env, add_machine


def register(subparsers: argparse._SubParsersAction) -> None:
    report = subparsers.add_parser(
        "report",
        help="paired Python/Rust speedups as Markdown and as a page in the asv site",
        description="For every machine and environment: per pair the speedup (Python median / "
        "Rust median) with a 95% bootstrap interval and its change since the previous commit; "
        "geometric means over exact pairs. Run after `asv publish`.",
    )
    add_config(report)
    add_machine(report, "only this asv machine")
    add_env(report, "only this asv environment name")
    which = report.add_mutually_exclusive_group()
    which.add_argument("--commits", type=int, metavar="N", help="only the newest N commits")
    which.add_argument("--range", dest="commit_range", metavar="A..B", help="git range A..B")
    report.add_argument(
        "--output-dir", type=Path, help="where report.html goes (default: <html_dir>/dashbench)"
    )
    report.add_argument(
        "--markdown", metavar="FILE", help="also write the Markdown here ('-' for stdout)"
    )
    report.set_defaults(handler=_run_report)

    pairs = subparsers.add_parser(
        "pairs",
        help="check or regenerate dashbench/pairs.json from the two suites",
        description="Builds the pairing table from the paired markers in benchmarks/<group>.py "
        "and the Criterion manifest, and compares it with (or writes it to) the committed file.",
    )
    add_config(pairs)
    mode = pairs.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true", help="fail if the table has drifted")
    mode.add_argument("--write", action="store_true", help="rewrite the table")
    pairs.set_defaults(handler=_run_pairs)


# The work lives in dashbench.report.run, imported only when asked for: it pulls in asv,
# matplotlib and git, which every other dashbench command would otherwise pay for at start-up.
def _run_report(args: argparse.Namespace) -> int:
    from dashbench.report.run import run_report

    return run_report(args)


def _run_pairs(args: argparse.Namespace) -> int:
    from dashbench.report.run import run_pairs

    return run_pairs(args)

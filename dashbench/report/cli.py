"""`dashbench report` (speedups into the asv site) and `dashbench pairs` (the pairing table)."""

from __future__ import annotations

import argparse
from pathlib import Path

from rust_bridge.options import add_command, add_env, add_machine

# `dashbench report --help` and `dashbench pairs --help`
REPORT_SUMMARY = "paired Python/Rust speedups as Markdown and as a page in the asv site"
REPORT_DESCRIPTION = (
    "For every machine and environment: per pair the speedup (Python median / Rust median) "
    "with a 95% bootstrap interval and its change since the previous commit; geometric means "
    "over exact pairs. Run after `asv publish`."
)
PAIRS_SUMMARY = "check or regenerate dashbench/pairs.json from the two suites"
PAIRS_DESCRIPTION = (
    "Builds the pairing table from the paired markers in benchmarks/<group>.py and the "
    "Criterion manifest, and compares it with (or writes it to) the committed file."
)


def register(subparsers: argparse._SubParsersAction) -> None:
    report = add_command(
        subparsers, "report", _run_report, REPORT_SUMMARY, description=REPORT_DESCRIPTION
    )
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

    pairs = add_command(
        subparsers, "pairs", _run_pairs, PAIRS_SUMMARY, description=PAIRS_DESCRIPTION
    )
    mode = pairs.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true", help="fail if the table has drifted")
    mode.add_argument("--write", action="store_true", help="rewrite the table")


# The work lives in dashbench.report.run, imported only when asked for: it pulls in asv,
# matplotlib and git, which every other dashbench command would otherwise pay for at start-up.
def _run_report(args: argparse.Namespace) -> int:
    from dashbench.report.run import run_report

    return run_report(args)


def _run_pairs(args: argparse.Namespace) -> int:
    from dashbench.report.run import run_pairs

    return run_pairs(args)

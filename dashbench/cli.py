"""The `dashbench` command line.

Each subcommand lives beside the code it drives and exposes ``register(subparsers)``;
this module only wires them together and maps failures to exit codes:
0 success, 1 "regressions found" (only the gate commands use it), 2 any error.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback
from collections.abc import Sequence

from dashbench import __version__
from rust_bridge.errors import BridgeError
from rust_bridge.options import accept_config_anywhere

# Modules that contribute subcommands, each with a ``register(subparsers)`` function.
_COMMAND_MODULES: tuple[str, ...] = (
    "dashbench.report.cli",
    "dashbench.gate.regressions",
    "dashbench.pipeline.bisect",
    "dashbench.gate.calibrate",
    "dashbench.pipeline.nightly",
    "dashbench.pipeline.continuous",
    "dashbench.merge",
    "dashbench.equivalence_cli",
    "dashbench.status",
    "rust_bridge.cli",
    "callgrind_bridge.cli",
)

EXIT_OK = 0
EXIT_REGRESSION = 1
EXIT_ERROR = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dashbench",
        description="Continuous benchmarking of DashFlow (Rust, Criterion) against "
        "LangGraph (Python) on asv.",
        epilog="Exit codes: 0 success, 1 regressions found (gate commands only), 2 error.",
    )
    parser.add_argument("--version", action="version", version=f"dashbench {__version__}")
    subparsers = parser.add_subparsers(
        dest="command", metavar="COMMAND", help="`dashbench COMMAND --help` explains each"
    )
    for name in _COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    accept_config_anywhere(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return EXIT_OK
    try:
        return int(handler(args) or EXIT_OK)
    except BridgeError as exc:
        print(f"dashbench {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print(f"dashbench {args.command}: interrupted", file=sys.stderr)
        return EXIT_ERROR
    except Exception:
        # An uncaught exception would exit 1, which CI reads as "regression"; keep 1 honest.
        traceback.print_exc()
        print(f"dashbench {args.command}: internal error (see traceback above)", file=sys.stderr)
        return EXIT_ERROR

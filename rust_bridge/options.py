"""The command-line options several commands share, declared here once with one spelling each.

It lives in the bridge, at the bottom of the import graph, so that dashbench's commands and
both bridges' commands declare them alike (the bridge imports nothing from dashbench).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

Handler = Callable[[argparse.Namespace], int]

DEFAULT_CONFIG = "asv.conf.json"
_CONFIG_HELP = f"asv config (default: {DEFAULT_CONFIG})"


def add_command(
    subparsers: argparse._SubParsersAction,
    name: str,
    handler: Handler | None,
    summary: str,
    *,
    config: bool = True,
    **parser_options: Any,
) -> argparse.ArgumentParser:
    """A subcommand whose ``--help`` opens with ``summary`` unless a ``description`` is given.

    Every command that reads the project takes ``--config``; the CLI calls ``handler(args)``.
    A group of actions passes no handler and adds them with `add_actions`. An epilog written
    over several lines is a table (exit codes), so it and the description print as written.
    """
    parser_options.setdefault("description", summary)
    if "\n" in parser_options.get("epilog", ""):
        parser_options.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
    parser = subparsers.add_parser(name, help=summary, **parser_options)
    if config:
        add_config(parser)
    if handler is not None:
        parser.set_defaults(handler=handler)
    return parser


def add_actions(parser: argparse.ArgumentParser) -> argparse._SubParsersAction:
    """The required ACTION of a command group (``criterion show``, ``counts run``)."""
    dest = f"{parser.prog.split()[-1]}_command"
    return parser.add_subparsers(dest=dest, metavar="ACTION", required=True, help="what to do")


def add_config(parser: argparse.ArgumentParser) -> None:
    """``--config FILE``; `accept_config_anywhere` lets it follow a subcommand's action too."""
    parser.add_argument("--config", default=DEFAULT_CONFIG, metavar="FILE", help=_CONFIG_HELP)


def add_env(parser: argparse.ArgumentParser, help: str, default: str | None = None) -> None:
    """``-E/--env NAME``: an asv environment name, into ``args.env``."""
    parser.add_argument("-E", "--env", metavar="NAME", default=default, help=help)
    # Earlier spellings, still accepted but not shown, so old scripts keep working.
    parser.add_argument(
        "--env-name", "--environment", dest="env", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )


def add_machine(parser: argparse.ArgumentParser, help: str) -> None:
    """``--machine NAME``: an asv machine name, into ``args.machine``."""
    parser.add_argument("--machine", metavar="NAME", help=help)


def add_wait(parser: argparse.ArgumentParser) -> None:
    """``--wait/--no-wait``: what to do when another run holds the results directory's lock."""
    wait = parser.add_mutually_exclusive_group()
    wait.add_argument(
        "--wait", dest="wait", action="store_true", default=True,
        help="if another run holds the results directory, wait for it (default)",
    )  # fmt: skip
    wait.add_argument(
        "--no-wait", dest="wait", action="store_false", help="refuse at once (exit 2) instead"
    )


def subparsers_of(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """The parsers of ``parser``'s subcommands (or actions), each once."""
    children: list[argparse.ArgumentParser] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            children += [p for p in action.choices.values() if p not in children]
    return children


def accept_config_anywhere(parser: argparse.ArgumentParser) -> None:
    """Repeat ``--config`` on every action below a parser that has it, so ``criterion
    manifest --config X`` works as well as ``criterion --config X manifest``.

    The repeat defaults to SUPPRESS: argparse copies an action's defaults over the values
    parsed before the action, so a real default there would undo ``--config`` given earlier.
    """
    has_config = "--config" in parser._option_string_actions
    for child in subparsers_of(parser):
        if has_config and "--config" not in child._option_string_actions:
            child.add_argument(
                "--config", default=argparse.SUPPRESS, metavar="FILE", help=_CONFIG_HELP
            )
        accept_config_anywhere(child)

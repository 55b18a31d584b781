"""The command-line options several commands share, declared here once with one spelling each.

It lives in the bridge, at the bottom of the import graph, so that dashbench's commands and
both bridges' commands declare them alike (the bridge imports nothing from dashbench).
"""

from __future__ import annotations

import argparse

DEFAULT_CONFIG = "asv.conf.json"
_CONFIG_HELP = f"asv config (default: {DEFAULT_CONFIG})"


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

"""The command line as a newcomer meets it: every option explained, shared options spelled one
way and accepted where a user would type them, help that reads as prose."""

from __future__ import annotations

import argparse
import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from dashbench.cli import build_parser
from rust_bridge.options import subparsers_of

ROOT = Path(__file__).resolve().parents[1]


def _parsers(
    parser: argparse.ArgumentParser | None = None,
) -> Iterator[argparse.ArgumentParser]:
    parser = parser or build_parser()
    yield parser
    for child in subparsers_of(parser):
        yield from _parsers(child)


PARSERS = list(_parsers())


def test_every_option_and_positional_has_help_text() -> None:
    missing = [
        f"{p.prog} {'/'.join(a.option_strings) or a.metavar or a.dest}"
        for p in PARSERS
        for a in p._actions
        if not a.help and not isinstance(a, argparse._HelpAction)
    ]
    assert len(PARSERS) > 15
    assert missing == []


def test_help_of_every_command_renders_without_stray_percent_signs() -> None:
    for parser in PARSERS:
        text = parser.format_help()
        assert "%%" not in text and "%(" not in text, parser.prog
        assert "==SUPPRESS==" not in text, parser.prog


def test_calibrate_help_is_a_screen_not_the_method() -> None:
    [calibrate] = [p for p in PARSERS if p.prog == "dashbench calibrate"]
    assert len(calibrate.description or "") < 300  # the method is in the module's docstring


@pytest.mark.parametrize(
    "argv",
    [
        ["criterion", "manifest", "--config", "X"],
        ["criterion", "--config", "X", "manifest"],
        ["counts", "show", "--config", "X"],
        ["counts", "--config", "X", "show"],
        ["nightly", "--config", "X"],
        ["report", "--config", "X"],
    ],
)
def test_config_is_accepted_before_or_after_the_action(argv: list[str]) -> None:
    assert build_parser().parse_args(argv).config == "X"


def test_config_defaults_alike_everywhere() -> None:
    parser = build_parser()
    for argv in (["criterion", "manifest"], ["counts", "show"], ["regressions"], ["pairs"]):
        if argv == ["pairs"]:
            argv = ["pairs", "--check"]
        assert parser.parse_args(argv).config == "asv.conf.json", argv


def test_the_environment_option_has_one_spelling() -> None:
    """Every option that names an asv environment is -E/--env, into args.env; the older
    spellings parse to the same place but are not shown."""
    shown = {
        (p.prog, tuple(a.option_strings))
        for p in PARSERS
        for a in p._actions
        if a.dest in ("env", "env_name", "environment") and a.help != argparse.SUPPRESS
    }
    assert {opts for _, opts in shown} == {("-E", "--env")}
    assert {prog for prog, _ in shown} >= {
        "dashbench report",
        "dashbench counts run",
        "dashbench counts show",
        "dashbench criterion backfill",
    }
    parser = build_parser()
    for spelling in ("-E", "--env", "--env-name", "--environment"):
        assert parser.parse_args(["counts", "show", spelling, "py"]).env == "py"
    assert parser.parse_args(["criterion", "backfill", "--range", "A..B"]).env == (
        "criterion-backfill"
    )


def test_shared_options_are_declared_in_one_module() -> None:
    """--config, --env, --machine and --wait are added through rust_bridge.options only."""
    shared = {"--config", "--env", "-E", "--env-name", "--environment", "--machine", "--wait"}
    offenders = []
    for path in [*ROOT.glob("dashbench/**/*.py"), *ROOT.glob("*_bridge/*.py")]:
        if path.name == "options.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "add_argument"
                and any(isinstance(a, ast.Constant) and a.value in shared for a in node.args)
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []

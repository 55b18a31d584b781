"""Issue 11, the gate and report side: damaged data and hostile input fail closed.

Every case runs the real command line over a real asv history (the toy of test_regressions:
real `asv run` per commit, real `asv publish`), copied per test so damage stays local. The
contract: exit 2 with one line naming the culprit, never a traceback, never "no regression"
from data that could not be read, and nothing written outside the project.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_regressions import PY, gate, toy  # noqa: F401 - toy is the module's fixture

from dashbench import cli

ZEROS = "0" * 40


@pytest.fixture
def project(toy, tmp_path: Path) -> tuple[Path, list[str]]:  # noqa: F811
    """A private copy of the published toy (git repository, results and site)."""
    root, shas = toy
    copy = tmp_path / "toy"
    shutil.copytree(root, copy, symlinks=True)
    return copy, shas


def dashbench(root: Path, command: str, *args: str, capsys) -> tuple[int, str, str]:
    code = cli.main([command, "--config", str(root / "asv.conf.json"), *args])
    out, err = capsys.readouterr()
    return code, out, err


def assert_clean_error(code: int, err: str, *names: str) -> None:
    """Exit 2, one line, no traceback, naming every one of ``names``."""
    assert code == 2, err
    assert "Traceback" not in err and "internal error" not in err, err
    assert len(err.strip().splitlines()) == 1, err
    for name in names:
        assert name in err, err


def results_file(root: Path, sha: str) -> Path:
    machine = root / ".asv" / "results" / "toybox"
    return next(p for p in machine.glob(f"{sha[:8]}-*.json"))


def python_graph(root: Path) -> Path:
    graphs = (root / ".asv" / "html" / "graphs").rglob(f"{PY}.json")
    return next(g for g in graphs if "summary" not in g.parts)


# -- defect 1: unreadable results, graphs and stale sites never pass the gate -----------------


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text[:300],  # the truncation of the issue
        lambda text: "",
        lambda text: "[]",
        lambda text: json.dumps({**json.loads(text), "results": "oops"}),
        lambda text: json.dumps({**json.loads(text), "commit_hash": "--output=x"}),
        lambda text: text.replace('"result_columns": ["result"', '"result_columns": ["nope"', 1),
    ],
    ids=["truncated", "empty", "array", "results-string", "hash-option", "unknown-column"],
)
def test_damaged_results_file_fails_gate_and_report(project, capsys, damage) -> None:
    root, shas = project
    target = results_file(root, shas[4])  # the commit of the Rust step and the speedup drop
    assert dashbench(root, "regressions", capsys=capsys)[0] == 1  # the intact history
    target.write_text(damage(target.read_text()))
    code, out, err = dashbench(root, "regressions", capsys=capsys)
    assert_clean_error(code, err, str(target))
    assert "No speedup drops" not in out
    code, _, err = dashbench(root, "report", "--output-dir", str(root / "out"), capsys=capsys)
    assert_clean_error(code, err, str(target))


def test_damaged_machine_or_benchmark_list_is_named(project, capsys) -> None:
    root, _ = project
    for name in ("machine.json", "benchmarks.json"):
        path = root / ".asv" / "results" / ("toybox/" if name == "machine.json" else "") / name
        saved = path.read_text()
        path.write_text(saved[: len(saved) // 2])
        code, _, err = dashbench(root, "regressions", capsys=capsys)
        assert_clean_error(code, err, str(path))
        path.write_text(saved)


def test_emptied_results_directory_is_a_stale_site_not_a_regression(project, capsys) -> None:
    root, _ = project
    results = root / ".asv" / "results"
    shutil.rmtree(results)
    results.mkdir()
    code, _, err = dashbench(root, "regressions", capsys=capsys)
    assert_clean_error(code, err, "site is stale", "toybox")


def test_nan_and_negative_graph_values_are_reported(project, capsys) -> None:
    root, _ = project
    graph = python_graph(root)
    points = json.loads(graph.read_text())
    points[1][1], points[3][1] = float("nan"), -1.0
    graph.write_text(json.dumps(points))
    code, out, err = dashbench(root, "regressions", capsys=capsys)
    assert code == 1  # the other steps are still found
    note = f"{graph}: 2 value(s) NaN, infinite or not positive, left out"
    assert f"warning: {note}" in err
    assert "Graph values left out" in out
    code, out, _ = dashbench(root, "regressions", "--format", "json", capsys=capsys)
    assert json.loads(out)["left_out"] == [note]


@pytest.mark.parametrize("value", ['"1e-3"', "true", '{"a": 1}', "[1, 2]"])
def test_graph_value_of_the_wrong_type_is_a_clean_error(project, capsys, value) -> None:
    root, _ = project
    graph = python_graph(root)
    points = json.loads(graph.read_text())
    graph.write_text(json.dumps(points).replace(json.dumps(points[2][1]), value, 1))
    code, _, err = dashbench(root, "regressions", capsys=capsys)
    assert_clean_error(code, err, str(graph), "unexpected graph data")


def test_special_file_in_place_of_a_graph_fails_without_hanging(project, capsys) -> None:
    root, _ = project
    graph = python_graph(root)
    graph.unlink()
    os.mkfifo(graph)
    code, _, err = dashbench(root, "regressions", capsys=capsys)
    assert_clean_error(code, err, str(graph), "not a regular file")


# -- defect 2: user strings never reach an argv as options -----------------------------------


@pytest.mark.parametrize(
    "command, args",
    [
        ("regressions", ["--range=--output={victim}"]),
        ("regressions", ["--range=--output={victim}..HEAD"]),
        ("report", ["--range=--output={victim}"]),
        ("nightly", ["--range=--output={victim}..HEAD"]),
        ("continuous", ["--", "--output={victim}", "HEAD"]),
        ("bisect", ["--", "toy_seq.X.track_x", "--output={victim}", "HEAD"]),
        ("bisect", ["toy_seq.X.track_x", "HEAD~1", "HEAD", "--machine=--output={victim}"]),
        ("calibrate", ["--commit=--output={victim}"]),
        ("calibrate", ["--results", "{results}", "--bench=--output={victim}"]),
    ],
)
def test_option_injection_leaves_the_victim_intact(project, tmp_path, capsys, command, args):
    root, _ = project
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    argv = [a.format(victim=victim, results=root / ".asv" / "results") for a in args]
    code, _, err = dashbench(root, command, *argv, capsys=capsys)
    assert_clean_error(code, err, "--output=")
    assert victim.read_text() == "precious\n"


# -- defect 7: one config loader, clean errors for every command -----------------------------

CONFIG_DAMAGE = {
    "truncated": lambda path: path.write_text(path.read_text()[:40]),
    "empty": lambda path: path.write_text(""),
    "non-utf8": lambda path: path.write_bytes(b'{"version": 1, "repo": "\xff\xfe"}'),
    "directory": lambda path: (path.unlink(), path.mkdir()),
    "fifo": lambda path: (path.unlink(), os.mkfifo(path)),
    "array": lambda path: path.write_text("[1, 2]"),
    "bad-regex": lambda path: _edit_config(path, regressions_thresholds={"(unclosed": 0.1}),
    "bad-threshold": lambda path: _edit_config(path, regressions_thresholds={".*": "high"}),
    "store-number": lambda path: _edit_config(path, dashbench={"criterion_store": 5}),
    "first-commits-regex": lambda path: _edit_config(path, regressions_first_commits={"[": None}),
}

COMMANDS = {
    "regressions": [],
    "report": ["--markdown", "-"],
    "bisect": ["sequential_execution/3_nodes_simple", "HEAD~1", "HEAD"],
    "pairs": ["--check"],
    "nightly": ["--publish-only", "--no-wait"],
    "continuous": ["HEAD~1", "HEAD", "--no-wait"],
    "calibrate": ["--results", "."],
}


def _edit_config(path: Path, **changes: object) -> None:
    config = json.loads(path.read_text())
    config.update(changes)
    path.write_text(json.dumps(config))


@pytest.mark.parametrize("damage", sorted(CONFIG_DAMAGE))
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_damaged_config_is_one_line_for_every_command(project, capsys, command, damage) -> None:
    root, _ = project
    config = root / "asv.conf.json"
    CONFIG_DAMAGE[damage](config)
    code, _, err = dashbench(root, command, *COMMANDS[command], capsys=capsys)
    assert_clean_error(code, err, str(config))


@pytest.mark.parametrize(
    "text",
    ["", '{"thresholds": ', b"\xff\xfe", '{"thresholds": {"a": "x"}}', "[]", "directory"],
)
def test_damaged_thresholds_file_is_named(project, capsys, text) -> None:
    root, _ = project
    path = root / "calibration" / "thresholds.json"
    path.parent.mkdir(exist_ok=True)
    if text == "directory":
        path.mkdir()
    else:
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
    for command, args in (("regressions", []), ("report", ["--output-dir", str(root / "o")])):
        code, _, err = dashbench(root, command, *args, capsys=capsys)
        assert_clean_error(code, err, str(path))


def test_bisect_to_the_null_commit_is_one_line(project, capsys) -> None:
    root, _ = project
    args = ["sequential_execution/3_nodes_simple", "HEAD~3", ZEROS]
    code, _, err = dashbench(root, "bisect", *args, capsys=capsys)
    assert_clean_error(code, err, f"BAD '{ZEROS}': not a commit")


# -- property: any damage to a results or graph file ------------------------------------------


def _json_values() -> st.SearchStrategy[object]:
    scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
        max_leaves=6,
    )


def _replace_somewhere(data: object, path: list[int], value: object) -> object:
    """``data`` with the node that ``path`` leads to (indices taken modulo) replaced."""
    if not path or not isinstance(data, (list, dict)) or not data:
        return value
    if isinstance(data, list):
        i = path[0] % len(data)
        return [*data[:i], _replace_somewhere(data[i], path[1:], value), *data[i + 1 :]]
    key = sorted(data)[path[0] % len(data)]
    return {**data, key: _replace_somewhere(data[key], path[1:], value)}


@st.composite
def _damage(draw: st.DrawFn, original: bytes) -> bytes:
    kind = draw(st.sampled_from(["truncate", "flip", "garbage", "replace"]))
    if kind == "truncate":
        return original[: draw(st.integers(0, len(original) - 1))]
    if kind == "flip":
        i = draw(st.integers(0, len(original) - 1))
        return original[:i] + bytes([draw(st.integers(0, 255))]) + original[i + 1 :]
    if kind == "garbage":
        return draw(st.binary(max_size=64))
    path = draw(st.lists(st.integers(0, 50), max_size=4))
    damaged = _replace_somewhere(json.loads(original), path, draw(_json_values()))
    return json.dumps(damaged).encode()


def _tree(root: Path) -> dict[str, bytes]:
    """Every file but the site's (the report writes its page and nav link there)."""
    site = root / ".asv" / "html"
    files = (p for p in root.rglob("*") if p.is_file() and not p.is_relative_to(site))
    return {str(p): p.read_bytes() for p in files}


@pytest.mark.parametrize("which", ["results", "graph"])
@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,  # the same cases on every run: a red CI run can be replayed
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_damaged_results_and_graphs_fail_closed(project, capsys, tmp_path, which, data) -> None:
    """Exit 0, 1 or 2 only, never a traceback; a file that is no longer JSON is always named
    (exit 2); nothing written outside the project, and inside it only the report's own dir."""
    root, shas = project
    target = results_file(root, shas[2]) if which == "results" else python_graph(root)
    original = target.read_bytes()
    damaged = data.draw(_damage(original))
    outside = tmp_path / "cwd"
    outside.mkdir(exist_ok=True)
    before = _tree(root)
    cwd = Path.cwd()
    try:
        target.write_bytes(damaged)
        os.chdir(outside)
        for command in ("regressions", "report"):
            code, _, err = dashbench(root, command, capsys=capsys)
            clean = "Traceback" not in err and "internal error" not in err
            assert code in (0, 1, 2) and clean, err[-1500:]
            try:
                json.loads(damaged)
            except ValueError:
                assert_clean_error(code, err, str(target))
            if code == 2:
                assert len(err.strip().splitlines()) == 1, err
    finally:
        os.chdir(cwd)
        target.write_bytes(original)
    assert list(outside.iterdir()) == []
    assert _tree(root) == before

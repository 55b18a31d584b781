"""The pairing table against both suites: it must not drift from the markers or the manifest."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from dashbench.cli import main
from dashbench.errors import DashbenchError
from dashbench.pairs import (
    APPROXIMATE,
    EXACT,
    build_pairs,
    diff_pairs,
    load_pairs,
    python_markers,
)
from rust_bridge.manifest import load_manifest

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "dashbench" / "pairs.json"
MANIFEST = ROOT / "benchmarks" / "criterion_manifest.json"


@pytest.fixture(scope="module")
def table() -> list:
    return load_pairs(TABLE)


def test_table_matches_the_markers_and_the_manifest(table: list) -> None:
    assert diff_pairs(table, build_pairs(ROOT / "benchmarks", MANIFEST)) == []


def test_every_name_in_the_table_is_a_benchmark_asv_discovers(table: list) -> None:
    """Both columns checked through asv_runner's own discovery, criterion.py included."""
    from asv_runner.discovery import disc_benchmarks

    from dashbench.pairs import _importable

    with _importable(ROOT / "benchmarks"):
        names = {b.name for b in disc_benchmarks(str(ROOT / "benchmarks"))}
    assert {p.python for p in table} <= names
    assert {p.rust for p in table} <= names
    manifest = {e.criterion_id: e.asv_name for e in load_manifest(MANIFEST)}
    assert {p.criterion_id: p.rust for p in table} == manifest


def test_table_covers_the_48_ids_with_the_specified_exactness(table: list) -> None:
    """docs/workloads.md §Summary: 48 ids in 11 groups, 25 exact and 23 approximate."""
    assert len(table) == 48
    assert len({p.group for p in table}) == 11
    assert Counter(p.pairing for p in table) == {EXACT: 25, APPROXIMATE: 23}
    assert all(p.reason for p in table if not p.exact)
    approximate_groups = Counter(p.group for p in table if not p.exact)
    assert approximate_groups == {
        "checkpointing": 2,
        "event_streaming": 3,
        "parallel_execution": 3,
        "state_cloning": 7,
        "stress_tests": 1,
        "real_world_scenarios": 2,
        "tracing_overhead": 1,
        "read_only_optimization": 4,
    }


def _suite_copy(tmp_path: Path) -> Path:
    """The Python suite without criterion.py, which reads the manifest of its own checkout."""
    copy = tmp_path / "benchmarks"
    shutil.copytree(ROOT / "benchmarks", copy, ignore=shutil.ignore_patterns("criterion*"))
    return copy


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, f"{path.name} no longer holds {old!r} once"
    path.write_text(text.replace(old, new))


def test_a_changed_marker_shows_up_as_drift(tmp_path: Path, table: list) -> None:
    suite = _suite_copy(tmp_path)
    row = 'attrs=thread("bench_thread_1")'
    _edit(suite / "checkpointing.py", row, row + ', approximate="changed on purpose"')
    drift = diff_pairs(table, build_pairs(suite, MANIFEST))
    assert drift == [
        "checkpointing/memory_checkpoint_3_nodes: pairing is 'exact' in the table, "
        "'approximate' in the suites",
        "checkpointing/memory_checkpoint_3_nodes: reason is None in the table, "
        "'changed on purpose' in the suites",
    ]


def test_a_renamed_benchmark_or_unknown_id_is_an_error(tmp_path: Path) -> None:
    """The id follows the module and the method: renaming both pairs it with nothing."""
    suite = _suite_copy(tmp_path)
    module = suite / "compilation.py"
    _edit(module, "class SimpleGraph3Nodes(", "class Renamed(")
    _edit(module, "def time_simple_graph_3_nodes(", "def time_renamed(")
    assert python_markers(suite)["compilation/renamed"][0] == "compilation.Renamed.time_renamed"
    with pytest.raises(DashbenchError) as err:
        build_pairs(suite, MANIFEST)
    assert "compilation/simple_graph_3_nodes: no Python benchmark is marked" in str(err.value)
    assert "compilation/renamed: not in the Criterion manifest" in str(err.value)


def test_a_class_named_apart_from_its_id_fails_at_import(tmp_path: Path) -> None:
    """asv's name would no longer follow the id, so the suite refuses to load, in one line."""
    suite = _suite_copy(tmp_path)
    _edit(suite / "compilation.py", "class SimpleGraph3Nodes(", "class SimpleGraph(")
    with pytest.raises(DashbenchError) as err:
        python_markers(suite)
    assert str(err.value) == (
        f"{suite}: the suite does not import: compilation.SimpleGraph: a class timing "
        "time_simple_graph_3_nodes must be named SimpleGraph3Nodes, so that its asv name "
        "follows its Criterion id"
    )


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda rows: rows[0].pop("rust"), "pairs[0]: missing rust"),
        (lambda rows: rows[1].update(reason=None, pairing=APPROXIMATE), "pairs[1]: an approximate"),
        (lambda rows: rows[2].update(reason="x"), "pairs[2]: an exact pair has no reason"),
        (lambda rows: rows[3].update(pairing="close"), "pairs[3]: pairing must be"),
        (lambda rows: rows[4].update(group="other"), "pairs[4]: criterion_id"),
        (lambda rows: rows[6].update(python=rows[5]["python"]), "duplicate python"),
    ],
)
def test_a_broken_table_is_refused_naming_file_and_row(tmp_path: Path, mutate, message) -> None:
    data = json.loads(TABLE.read_text())
    assert data["pairs"][2]["pairing"] == EXACT
    mutate(data["pairs"])
    path = tmp_path / "pairs.json"
    path.write_text(json.dumps(data))
    with pytest.raises(DashbenchError) as err:
        load_pairs(path)
    assert str(err.value).startswith(f"{path}: ")
    assert message in str(err.value)


def test_unreadable_table_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "pairs.json"
    path.write_text("{not json")
    with pytest.raises(DashbenchError, match="not a readable JSON file"):
        load_pairs(path)
    with pytest.raises(DashbenchError, match="pairing table not found"):
        load_pairs(tmp_path / "missing.json")


def test_pairs_command_checks_and_rewrites(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["pairs", "--config", str(ROOT / "asv.conf.json"), "--check"]) == 0
    # A copy of the checkout whose table lost a row: --check fails, --write repairs it.
    root = tmp_path / "checkout"
    shutil.copytree(ROOT / "benchmarks", root / "benchmarks")
    (root / "dashbench").mkdir()
    data = json.loads(TABLE.read_text())
    dropped = data["pairs"].pop()
    (root / "dashbench" / "pairs.json").write_text(json.dumps(data))
    shutil.copy(ROOT / "asv.conf.json", root / "asv.conf.json")
    conf = str(root / "asv.conf.json")
    capsys.readouterr()
    assert main(["pairs", "--config", conf, "--check"]) == 2
    assert f"{dropped['criterion_id']}: missing from the table" in capsys.readouterr().err
    assert main(["pairs", "--config", conf, "--write"]) == 0
    assert load_pairs(root / "dashbench" / "pairs.json") == load_pairs(TABLE)

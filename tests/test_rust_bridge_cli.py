"""``dashbench criterion show|import|manifest`` on captured Criterion trees and a real git repo."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from criterion_project import make_criterion_project

from dashbench import cli
from dashbench.gate import regressions
from dashbench.report.build import fmt_seconds
from rust_bridge.manifest import build_manifest, load_manifest
from rust_bridge.output import format_seconds
from rust_bridge.reader import read_tree
from rust_bridge.store import CriterionStore

EDGE = Path(__file__).parent / "fixtures" / "criterion" / "bridge_edge_cases"


@pytest.fixture(autouse=True)
def only_criterion(monkeypatch: pytest.MonkeyPatch) -> None:
    """Exercise the real ``main`` with just this command registered."""
    monkeypatch.setattr(cli, "_COMMAND_MODULES", ("rust_bridge.cli",))


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, str]:
    return make_criterion_project(tmp_path)


def test_show_lists_every_id_with_its_statistics(capsys: pytest.CaptureFixture) -> None:
    assert cli.main(["criterion", "show", str(EDGE), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    records = {r.full_id: r for r in read_tree(EDGE).records}
    assert {b["id"] for b in shown["benchmarks"]} == set(records)
    assert shown["problems"] == []
    for row in shown["benchmarks"]:
        record = records[row["id"]]
        assert row["median"] == record.median.point
        assert row["mean"] == record.mean.point
        assert row["median_ci"] == [record.median.lower, record.median.upper]
        assert row["samples"] == 10
    bytes_row = next(b for b in shown["benchmarks"] if b["id"].endswith("json_bytes"))
    assert bytes_row["throughput"] == {"kind": "Bytes", "amount": 2196}


def test_show_table_and_problems(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    tree = tmp_path / "criterion"
    shutil.copytree(EDGE, tree)
    bad = tree / "fanout_width" / "8" / "new" / "sample.json"
    bad.write_text("{")
    assert cli.main(["criterion", "show", str(tree)]) == 0
    out, err = capsys.readouterr()
    assert 'odd ids/odd ?"/\\*<>:| chars' in out
    assert "fanout_width/8" not in out
    assert "10 benchmark(s), 1 problem(s)" in out
    assert f"problem: {bad}: invalid JSON" in err


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(2.5, "2.5 s"), (0.00123, "1.23 ms"), (4.2e-6, "4.2 µs"), (3e-9, "3 ns"), (-0.002, "-2 ms")],
)
def test_one_time_format_serves_the_table_the_report_and_the_gate(seconds: float, text: str):
    """The bridge's table, the speedup report and the regression list print times alike."""
    assert format_seconds(seconds) == text
    assert fmt_seconds(seconds) == text
    assert regressions._value(seconds, "sequential_execution.ThreeNodesSimple.time_x") == text


def test_show_named_baseline(capsys: pytest.CaptureFixture) -> None:
    assert cli.main(["criterion", "show", str(EDGE), "--baseline", "before", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["benchmarks"]) == 11


def test_nothing_readable_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    tree = tmp_path / "criterion"
    shutil.copytree(EDGE / "fanout_width", tree / "fanout_width")
    for sample in tree.rglob("sample.json"):
        sample.write_text("[]")
    assert cli.main(["criterion", "show", str(tree)]) == 2
    err = capsys.readouterr().err
    assert "no readable Criterion benchmark" in err
    assert str(tree / "fanout_width" / "2" / "new" / "sample.json") in err


def test_import_stores_the_tree_under_the_full_hash(
    project: tuple[Path, str], capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, sha = project
    monkeypatch.chdir(root)
    assert cli.main(["criterion", "import", str(EDGE), "--commit", sha[:7]]) == 0
    entry = CriterionStore(root / "store").get(sha)
    assert set(entry.records) == {r.full_id for r in read_tree(EDGE).records}
    assert entry.runs[0]["producer"] == "import"
    assert entry.runs[0]["source"] == str(EDGE.resolve())
    assert sha in capsys.readouterr().out


def test_import_of_nothing_writes_nothing(project: tuple[Path, str], tmp_path: Path) -> None:
    root, sha = project
    empty = tmp_path / "empty"
    empty.mkdir()
    conf = str(root / "asv.conf.json")
    assert cli.main(["criterion", "--config", conf, "import", str(empty), "--commit", sha]) == 2
    assert CriterionStore(root / "store").get(sha) is None


def test_import_rejects_an_unknown_commit(
    project: tuple[Path, str], capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, _ = project
    monkeypatch.chdir(root)
    assert cli.main(["criterion", "import", str(EDGE), "--commit", "nosuchrev"]) == 2
    assert "'nosuchrev' is not a commit" in capsys.readouterr().err


def test_manifest_from_a_tree_is_deterministic_and_sanitised(
    project: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, _ = project
    monkeypatch.chdir(root)
    assert cli.main(["criterion", "manifest", "--from", str(EDGE)]) == 0
    path = root / "bench" / "manifest.json"
    first = path.read_bytes()
    assert cli.main(["criterion", "manifest", "--from", str(EDGE)]) == 0
    assert path.read_bytes() == first
    names = {e.criterion_id: e.asv_name for e in load_manifest(path)}
    assert names["odd ids/collide*x"] == "criterion.odd_ids.track_collide_x"
    assert names["odd ids/collide?x"] == "criterion.odd_ids.track_collide_x_2"
    # the 11 characters ' ?"/\\*<>:| ' each become one underscore
    assert (
        names['odd ids/odd ?"/\\*<>:| chars'] == "criterion.odd_ids.track_odd" + "_" * 11 + "chars"
    )
    assert names["fanout_invoke/merge/16"] == "criterion.fanout_invoke.track_merge_16"
    assert names["fanout_width/2"] == "criterion.fanout_width.track_2"
    for asv_name in names.values():
        _, cls, method = asv_name.split(".")
        assert cls.isidentifier() and method.isidentifier() and "-" not in asv_name


def test_manifest_names_do_not_depend_on_input_order() -> None:
    ids = [("g", "g/a-b"), ("g", "g/a.b"), ("g", "g/a b"), ("9g", "9g/x")]
    forward = build_manifest(ids)
    assert build_manifest(list(reversed(ids))) == forward
    assert [e.asv_name for e in forward] == [
        "criterion._9g.track_x",
        "criterion.g.track_a_b",
        "criterion.g.track_a_b_2",
        "criterion.g.track_a_b_3",
    ]

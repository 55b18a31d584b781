"""`dashbench status` on a real temporary project: empty, then with results in two machines,
both stores and a recorded nightly."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from asv_config import asv_config
from test_merge import NAMES, write_shard

from callgrind_bridge.store import CountStore
from dashbench.cli import main
from dashbench.pipeline.asvjob import open_project
from dashbench.pipeline.nightly import record_nightly
from dashbench.pipeline.publish import Outcome
from rust_bridge.reader import read_tree
from rust_bridge.store import CriterionStore

FIXTURE = Path(__file__).parent / "fixtures" / "criterion" / "graph_benchmarks"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "project"
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    (path / "asv.conf.json").write_text(json.dumps(asv_config("p", pythons=["3.11"])))
    for i in range(2):
        (path / "f").write_text(str(i))
        subprocess.run(["git", "-C", str(path), "add", "-A"], check=True)
        subprocess.run(
            ["git", "-C", str(path), "-c", "user.name=t", "-c", "user.email=t@t",
             "commit", "-qm", f"c{i}"], check=True,
        )  # fmt: skip
    monkeypatch.chdir(path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return path


def _commits(project: Path) -> list[str]:
    out = subprocess.run(
        ["git", "-C", str(project), "rev-list", "HEAD"], check=True, capture_output=True, text=True
    )
    return out.stdout.split()  # newest first


def _status(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["status", *args]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    return captured.out


def test_empty_project_says_nothing_is_measured_and_where_it_would_go(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _status(capsys)
    assert "nothing measured yet" in out
    assert out.count("none yet") == 2  # both stores
    assert "last nightly: none recorded" in out
    assert "not published yet" in out
    for place in (".asv/results", ".asv/criterion", ".asv/counts", ".asv/html", ".asv/env",
                  ".asv/quarantine", ".asv/last-nightly.json", ".asv-machine.json"):  # fmt: skip
        assert str(project / place) in out or place in out, place
    assert not (project / ".asv").exists()  # status writes nothing


def test_status_shows_series_stores_and_the_last_nightly(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new, old = _commits(project)
    results = project / ".asv" / "results"
    write_shard(results, "box-a", dict.fromkeys(NAMES, 1.0), commit=old)
    write_shard(results, "box-a", dict.fromkeys(NAMES, 1.0), commit=new)
    write_shard(results, "box-b-quick", dict.fromkeys(NAMES, 1.0), commit=new)
    CriterionStore(project / ".asv" / "criterion").put(
        new, read_tree(FIXTURE).records, provenance={"producer": "test"}
    )
    counts = CountStore(project / ".asv" / "counts")
    counts.put(old, "rust", None, {"g/id": [7]}, {}, {}, {})
    counts.put(old, "python", "virtualenv-py3.11", {"g/id": [9]}, {}, {}, {})
    record_nightly(open_project("asv.conf.json"), "box-a", [new], Outcome(1, "", ""))

    out = _status(capsys)
    lines = out.splitlines()
    assert "  machine box-a, environment virtualenv-py3.11: 2 commit(s): " in out
    assert f"machine box-b-quick, environment virtualenv-py3.11: 1 commit(s): {new[:8]}" in out
    store_line = lines[
        lines.index(f"Criterion store (Rust wall time): {project}/.asv/criterion") + 1
    ]
    assert store_line == f"  1 commit(s): {new[:8]}"
    assert f"1 commit(s): {old[:8]}; entries: python-virtualenv-py3.11, rust" in out
    assert f"on machine box-a, benchmarked {new[:8]}; gate: regressions found (exit 1)" in out

    data = json.loads(_status(capsys, "--json"))
    assert {(s["machine"], len(s["commits"])) for s in data["series"]} == {
        ("box-a", 2),
        ("box-b-quick", 1),
    }
    assert data["criterion"]["commits"] == [new]
    assert data["last_nightly"]["gate"] == 1


def test_status_of_a_missing_config_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["status", "--config", str(tmp_path / "nope.json")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nope.json" in err

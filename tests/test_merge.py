"""`dashbench merge`: result shards of several machines into one results directory and one site.

The shards are real asv results written through asv's own Results API, and the merged
directory is published with a real `asv publish`.
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from asv.benchmarks import Benchmarks
from asv.config import Config
from asv.machine import Machine
from asv.results import Results, iter_results
from asv.runner import BenchmarkResult
from asv.util import write_json

from dashbench.cli import main
from dashbench.errors import DashbenchError
from dashbench.merge import merge

ENV = "virtualenv-py3.11"
COMMIT = "a" * 40
NAMES = ("suite.Fast.time_fast", "criterion.group.track_id")


def _definition(name: str) -> dict:
    return {"name": name, "params": [], "param_names": [], "version": "1", "type": "time",
            "unit": "seconds", "timeout": 60}  # fmt: skip


def write_shard(
    root: Path, machine: str, values: dict[str, float | None], commit: str = COMMIT
) -> Path:
    """A results directory as `asv run` leaves it, written through asv's API."""
    info = {**Machine.get_defaults(), "machine": machine}
    write_json(root / machine / "machine.json", info, api_version=Machine.api_version)
    defs = {name: _definition(name) for name in NAMES}
    write_json(root / "benchmarks.json", defs, api_version=Benchmarks.api_version)
    results = Results(info, {}, commit, 1_700_000_000_000, "3.11", ENV, {})
    for name, value in values.items():
        result = BenchmarkResult(
            result=[value], samples=[[value] * 3 if value else None], number=[1],
            errcode=0 if value is not None else 1, stderr="", profile=None,
        )  # fmt: skip
        now = datetime.datetime.now(datetime.timezone.utc)
        results.add_result(defs[name], result, started_at=now, duration=1.0)
    results.save(str(root))
    return root


def _loaded(results_dir: Path) -> dict[tuple[str, str], dict[str, object]]:
    return {
        (r.params["machine"], r.commit_hash): {
            k: r.get_result_value(k, []) for k in r.get_all_result_keys()
        }
        for r in iter_results(str(results_dir))
    }


def _snapshot(path: Path) -> dict[str, bytes]:
    return {str(p.relative_to(path)): p.read_bytes() for p in path.rglob("*") if p.is_file()}


def test_two_machines_merge_into_one_site(tmp_path: Path) -> None:
    a = write_shard(tmp_path / "a", "runner-a", {NAMES[0]: 1.0, NAMES[1]: 2.0})
    b = write_shard(tmp_path / "b", "runner-b", {NAMES[0]: 3.0, NAMES[1]: None})
    into = tmp_path / "project" / "results"
    assert main(["merge", str(a), str(b), "--into", str(into)]) == 0
    assert _loaded(into) == {
        ("runner-a", COMMIT): {NAMES[0]: [1.0], NAMES[1]: [2.0]},
        ("runner-b", COMMIT): {NAMES[0]: [3.0], NAMES[1]: [None]},
    }
    assert set(Benchmarks.load(_conf(tmp_path / "project", into))) == set(NAMES)
    assert not list(into.rglob("*.tmp"))

    # The merged directory is one site: asv publish lists both machines.
    repo = tmp_path / "project"
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    (repo / "f").write_text("x")
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "add", "f"], check=True)
    subprocess.run([*git, "commit", "-qm", "c"], check=True)
    sha = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True).stdout
    for machine in ("runner-a", "runner-b"):  # point the results at this repository's commit
        src = into / machine / f"{COMMIT[:8]}-{ENV}.json"
        data = json.loads(src.read_text())
        data["commit_hash"] = sha.strip()
        (into / machine / f"{sha[:8]}-{ENV}.json").write_text(json.dumps(data))
        src.unlink()
    conf = repo / "asv.conf.json"
    conf.write_text(json.dumps({"version": 1, "project": "p", "repo": ".", "branches": ["main"],
                                "results_dir": "results", "html_dir": "html"}))  # fmt: skip
    proc = subprocess.run(
        [sys.executable, "-m", "asv", "publish", "--config", str(conf)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    index = json.loads((repo / "html" / "index.json").read_text())
    assert sorted(index["params"]["machine"]) == ["runner-a", "runner-b"]


def _conf(root: Path, results: Path) -> Config:
    conf = Config()
    conf.results_dir = str(results)
    conf.benchmark_dir = str(root / "benchmarks")
    return conf


def test_merging_again_changes_nothing(tmp_path: Path) -> None:
    a = write_shard(tmp_path / "a", "runner-a", {NAMES[0]: 1.0})
    into = tmp_path / "results"
    merge([a], into)
    before = _snapshot(into)
    assert merge([a], into).files == {}
    assert _snapshot(into) == before


def test_conflicting_duplicate_refuses_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    into = tmp_path / "results"
    merge([write_shard(tmp_path / "old", "runner-z", {NAMES[0]: 9.0})], into)
    before = _snapshot(into)
    a = write_shard(tmp_path / "a", "runner-a", {NAMES[0]: 1.0})
    b = write_shard(tmp_path / "b", "runner-a", {NAMES[0]: 1.5})
    assert main(["merge", str(a), str(b), "--into", str(into)]) == 2
    err = capsys.readouterr().err
    assert "conflicting results, nothing was merged" in err
    assert f"benchmark {NAMES[0]} was measured in both {a} and {b}" in err
    assert _snapshot(into) == before


def test_shard_fills_in_a_failed_or_missing_benchmark(tmp_path: Path) -> None:
    into = tmp_path / "results"
    merge([write_shard(tmp_path / "a", "runner-a", {NAMES[0]: None})], into)
    merge([write_shard(tmp_path / "b", "runner-a", {NAMES[0]: 2.0, NAMES[1]: 4.0})], into)
    assert _loaded(into) == {("runner-a", COMMIT): {NAMES[0]: [2.0], NAMES[1]: [4.0]}}


def test_a_successful_result_is_never_replaced_by_a_failure(tmp_path: Path) -> None:
    into = tmp_path / "results"
    merge([write_shard(tmp_path / "a", "runner-a", {NAMES[0]: 2.0})], into)
    merge([write_shard(tmp_path / "b", "runner-a", {NAMES[0]: None})], into)
    assert _loaded(into)[("runner-a", COMMIT)] == {NAMES[0]: [2.0]}


def test_machine_described_twice_differently_is_a_conflict(tmp_path: Path) -> None:
    a = write_shard(tmp_path / "a", "runner-a", {NAMES[0]: 1.0})
    b = write_shard(tmp_path / "b", "runner-a", {NAMES[0]: 1.0})
    info = json.loads((b / "runner-a" / "machine.json").read_text())
    (b / "runner-a" / "machine.json").write_text(json.dumps({**info, "ram": "1"}))
    with pytest.raises(DashbenchError, match="machine runner-a is described differently"):
        merge([a, b], tmp_path / "results")
    assert not (tmp_path / "results" / "runner-a").exists()


def test_different_benchmark_definitions_are_a_conflict(tmp_path: Path) -> None:
    a = write_shard(tmp_path / "a", "runner-a", {NAMES[0]: 1.0})
    b = write_shard(tmp_path / "b", "runner-b", {NAMES[0]: 1.0})
    defs = json.loads((b / "benchmarks.json").read_text())
    defs[NAMES[0]]["version"] = "2"
    (b / "benchmarks.json").write_text(json.dumps(defs))
    with pytest.raises(DashbenchError, match=f"benchmark {NAMES[0]} is defined differently"):
        merge([a, b], tmp_path / "results")


def test_unreadable_files_are_reported_and_the_rest_merged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = write_shard(tmp_path / "a", "runner-a", {NAMES[0]: 1.0})
    b = write_shard(tmp_path / "b", "runner-b", {NAMES[0]: 2.0}, commit="b" * 40)
    torn = next((b / "runner-b").glob("bbbbbbbb-*.json"))
    torn.write_text(torn.read_text()[:40])  # as an interrupted in-place write leaves it
    into = tmp_path / "results"
    assert main(["merge", str(a), str(b), "--into", str(into)]) == 0
    assert f"warning: {torn}" in capsys.readouterr().err
    assert set(_loaded(into)) == {("runner-a", COMMIT)}
    assert (into / "runner-b" / "machine.json").exists()


def test_nothing_mergeable_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty").mkdir()
    assert main(["merge", str(tmp_path / "empty"), "--into", str(tmp_path / "r")]) == 2
    assert "not an asv results dir" in capsys.readouterr().err
    assert main(["merge", str(tmp_path / "missing"), "--into", str(tmp_path / "r")]) == 2


def test_a_fifo_or_a_deeply_nested_shard_file_is_named_not_waited_on(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """issue 11: asv's loader blocks on a FIFO and overflows on 100,000 nested lists."""
    shard = write_shard(tmp_path / "a", "box", {NAMES[0]: 1.0})
    fifo = shard / "box" / "fifo-results.json"
    os.mkfifo(fifo)
    nested = shard / "box" / "nested-results.json"
    nested.write_text("[" * 100_000)
    into = tmp_path / "merged"
    assert main(["merge", str(shard), "--into", str(into)]) == 0
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert f"{fifo}: not a regular file" in err
    assert f"{nested}: invalid JSON (nested too deeply to read)" in err
    assert {p.name for p in (into / "box").iterdir()} == {
        p.name for p in (shard / "box").iterdir() if p not in (fifo, nested)
    }

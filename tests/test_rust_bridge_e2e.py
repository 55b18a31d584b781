"""End to end: real cargo bench -> store -> asv run (existing env) -> asv publish, and backfill.

A temporary git repository holds the reference crate (from this checkout's HEAD), the bridge's
benchmarks/criterion.py and a manifest of the bridge_edge_cases suite, in two commits: the
second makes ``throughput/medium_state_clone_items`` clone 16 states instead of one. A third
bench target with a panicking id checks that one abort does not cost the other ids.

The crate builds in a shared CARGO_TARGET_DIR (from the environment, else the checkout's
gitignored target/), so only the crate itself recompiles; expect 2-4 minutes cold.
"""

from __future__ import annotations

import io
import json
import math
import os
import shutil
import subprocess
import sys
import tarfile
from dataclasses import replace
from pathlib import Path

import git
import numpy as np
import pytest
from asv.results import Results
from asv_config import asv_config, run_asv

from dashbench import cli
from rust_bridge.rounds import run_interleaved
from rust_bridge.runner import RunOptions, run_commit
from rust_bridge.settings import load_settings
from rust_bridge.store import CriterionStore

pytestmark = pytest.mark.slow

CHECKOUT = Path(__file__).resolve().parents[1]
EDGE_TREE = CHECKOUT / "tests" / "fixtures" / "criterion" / "bridge_edge_cases"
CLONE_LINE = (
    'group.bench_function("medium_state_clone_items", |b| b.iter(|| black_box(&state).clone()));'
)
CLONE_16X = (
    'group.bench_function("medium_state_clone_items", |b| '
    "b.iter(|| [(); 16].map(|_| black_box(&state).clone())));"
)
MEASURED = ("throughput/medium_state_clone_items", "throughput/medium_state_json_bytes")
PANICKY = """\
use criterion::{black_box, criterion_group, criterion_main, Criterion};

fn panicky(c: &mut Criterion) {
    let mut group = c.benchmark_group("panicky");
    group.bench_function("before", |b| b.iter(|| black_box(1u64) + 1));
    group.bench_function("boom", |b| b.iter(|| -> u64 { panic!("boom on purpose") }));
    group.bench_function("after", |b| b.iter(|| black_box(2u64) * 3));
    group.finish();
}

criterion_group!(benches, panicky);
criterion_main!(benches);
"""


@pytest.fixture(scope="module")
def target_dir() -> Path:
    return Path(os.environ.get("CARGO_TARGET_DIR") or CHECKOUT / "target" / "cargo").resolve()


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    root = tmp_path_factory.mktemp("e2e") / "project"
    root.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(CHECKOUT), "archive", "HEAD", "rust"], check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(root, filter="data")
    crate = root / "rust"
    (crate / "benches" / "panicky.rs").write_text(PANICKY)
    with open(crate / "Cargo.toml", "a") as fh:
        fh.write('\n[[bench]]\nname = "panicky"\nharness = false\n')
    (root / "benchmarks").mkdir()
    (root / "benchmarks" / "__init__.py").write_text("")
    shutil.copy(CHECKOUT / "benchmarks" / "criterion.py", root / "benchmarks" / "criterion.py")
    conf = asv_config(
        "e2e",
        dashbench={"rust_bench": "bridge_edge_cases", "criterion_store": ".asv/criterion"},
    )
    (root / "asv.conf.json").write_text(json.dumps(conf, indent=1))
    (root / ".gitignore").write_text(".asv/\ntarget/\nCargo.lock\n")
    # The manifest from a real run's records (the captured tree of this same suite).
    _criterion(root, "manifest", "--from", str(EDGE_TREE))

    repo = git.Repo.init(root, initial_branch="main")
    repo.git.add(A=True)
    first = repo.index.commit("crate, suite and manifest").hexsha
    bench = crate / "benches" / "bridge_edge_cases.rs"
    source = bench.read_text()
    assert CLONE_LINE in source, "bridge_edge_cases.rs changed; update CLONE_LINE"
    bench.write_text(source.replace(CLONE_LINE, CLONE_16X))
    repo.git.add(A=True)
    second = repo.index.commit("clone 16 states per iteration").hexsha
    return root, [first, second]


def _criterion(root: Path, *args: str) -> int:
    return cli.main(["criterion", "--config", str(root / "asv.conf.json"), *args])


@pytest.fixture(scope="module")
def stored(project, target_dir: Path) -> tuple[Path, list[str]]:
    """Both commits measured into the project's store, quick and filtered to two ids."""
    root, commits = project
    saved = os.environ.get("CARGO_TARGET_DIR")
    os.environ["CARGO_TARGET_DIR"] = str(target_dir)
    try:
        for commit in commits:
            code = _criterion(
                root, "run", "--commit", commit, "--quick", "--filter", "^throughput/"
            )
            assert code == 0
    finally:
        if saved is None:
            del os.environ["CARGO_TARGET_DIR"]
        else:
            os.environ["CARGO_TARGET_DIR"] = saved
    return root, commits


def test_store_holds_both_commits_with_provenance(stored) -> None:
    root, commits = stored
    store = CriterionStore(load_settings(root / "asv.conf.json").store)
    assert store.commits() == sorted(commits)
    for commit in commits:
        entry = store.get(commit)
        assert set(entry.records) == set(MEASURED)
        assert entry.failures == {}
        run = entry.runs[-1]
        assert run["producer"] == "runner" and run["quick"] is True
        assert run["rustc"].startswith("rustc ")
        assert "DASHFLOW_TRACE" in run["env"]
    before, after = (store.get(c).records[MEASURED[0]].median.point for c in commits)
    # 16x the work; the margin is wide because this 2-core machine is shared and noisy.
    assert after > 3 * before


@pytest.mark.parametrize("rounds", [None, 2], ids=["once", "interleaved"])
def test_a_panicking_benchmark_fails_alone(
    project, target_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rounds: int | None
) -> None:
    root, commits = project
    settings = replace(load_settings(root / "asv.conf.json"), rust_bench="panicky")
    monkeypatch.setenv("CARGO_TARGET_DIR", str(target_dir))
    store = CriterionStore(tmp_path / "store")
    if rounds is None:
        entry = run_commit(settings, commits[0], RunOptions(quick=True), store=store)
    else:
        [entry] = run_interleaved(
            settings, commits[:1], rounds, RunOptions(quick=True), store
        ).values()
    assert set(entry.records) == {"panicky/before", "panicky/after"}
    # Criterion's default sample_size (100) in each round, all pooled.
    assert [len(r.samples) for r in entry.records.values()] == [100 * (rounds or 1)] * 2
    failure = entry.failures["panicky/boom"]
    assert failure.reason.startswith("Criterion exited")
    assert "boom on purpose" in failure.log


def test_interleaved_rounds_take_turns_and_pool_every_sample(
    project, target_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, commits = project
    settings = load_settings(root / "asv.conf.json")
    monkeypatch.setenv("CARGO_TARGET_DIR", str(target_dir))
    lines: list[str] = []
    options = RunOptions(quick=True, filter="^throughput/")
    entries = run_interleaved(
        settings, commits, 3, options, CriterionStore(tmp_path / "store"), lines.append
    )
    turns = [line.split()[-1] for line in lines if line.startswith("criterion round ")]
    first, second = (c[:8] for c in commits)
    assert turns == [first, second, second, first, first, second]
    for commit in commits:
        entry = entries[commit]
        assert set(entry.records) == set(MEASURED) and entry.failures == {}
        assert entry.runs[-1]["rounds"] == 3 and entry.runs[-1]["interleaved"] == commits
        record = entry.records[MEASURED[0]]
        assert len(record.samples) == 3 * 10  # the suite's sample_size, in each of 3 rounds
        assert record.median.lower <= record.median.point <= record.median.upper
    before, after = (entries[c].records[MEASURED[0]].median.point for c in commits)
    assert after > 3 * before  # 16x the work, as measured without rounds


def _asv(root: Path, home: Path, *args: str, commit: str | None = None) -> str:
    proc = run_asv(root, home, *args, commit=commit, timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def _graph(html: Path, asv_name: str) -> list[list]:
    (path,) = (p for p in html.glob(f"graphs/**/{asv_name}.json") if p.parent.name != "summary")
    return json.loads(path.read_text())


def _revisions(html: Path) -> dict[int, str]:
    index = json.loads((html / "index.json").read_text())
    return {int(k): v for k, v in index["revision_to_hash"].items()}


def _expected_medians(root: Path, commits: list[str], criterion_id: str) -> dict[str, float]:
    store = CriterionStore(load_settings(root / "asv.conf.json").store)
    return {c: float(np.median(store.get(c).samples(criterion_id))) for c in commits}


def test_asv_run_and_publish_show_both_points(stored, tmp_path: Path) -> None:
    root, commits = stored
    home = tmp_path / "home"
    home.mkdir()
    _asv(root, home, "machine", "--yes", "--machine", "e2e")
    for commit in commits:
        _asv(
            root, home, "run", "-E", f"existing:{sys.executable}", "--set-commit-hash", commit,
            "--machine", "e2e", "--bench", "criterion", "--record-samples", commit=commit,
        )  # fmt: skip
    _asv(root, home, "publish")
    html = root / ".asv" / "html"
    revisions = _revisions(html)
    for criterion_id, name in (
        (MEASURED[0], "criterion.throughput.track_medium_state_clone_items"),
        (MEASURED[1], "criterion.throughput.track_medium_state_json_bytes"),
    ):
        points = _graph(html, name)
        assert len(points) == 2
        expected = _expected_medians(root, commits, criterion_id)
        for revision, value in points:
            assert value == pytest.approx(expected[revisions[revision]], rel=1e-9)
    # An id of the manifest with no result at this commit is n/a, not a failure.
    (results_file,) = (root / ".asv" / "results" / "e2e").glob(f"{commits[0][:8]}-*.json")
    results = Results.load(str(results_file))
    assert math.isnan(results.get_result_value("criterion.fanout_width.track_2", [])[0])


def test_backfill_into_asv_results_then_publish(stored, tmp_path: Path) -> None:
    root, commits = stored
    # A second config whose results dir asv has never discovered into: backfill must find the
    # definitions by running asv's discovery itself.
    conf = json.loads((root / "asv.conf.json").read_text())
    conf.update(results_dir=".asv/backfill-results", html_dir=".asv/backfill-html")
    conf_path = root / "asv.backfill.json"
    conf_path.write_text(json.dumps(conf))
    home = tmp_path / "home"
    home.mkdir()
    os.environ["HOME"], saved_home = str(home), os.environ["HOME"]
    try:
        code = cli.main(
            ["criterion", "--config", str(conf_path), "backfill", "--range", "main",
             "--machine", "backfill"]
        )  # fmt: skip
    finally:
        os.environ["HOME"] = saved_home
    assert code == 0
    assert (root / ".asv" / "backfill-results" / "backfill" / "machine.json").is_file()
    subprocess.run(
        [sys.executable, "-m", "asv", "publish", "--config", str(conf_path)],
        cwd=root,
        env={**os.environ, "HOME": str(home)},
        check=True,
        capture_output=True,
    )
    html = root / ".asv" / "backfill-html"
    points = _graph(html, "criterion.throughput.track_medium_state_clone_items")
    expected = _expected_medians(root, commits, MEASURED[0])
    revisions = _revisions(html)
    assert {revisions[r]: v for r, v in points} == pytest.approx(expected, rel=1e-9)
    # Nothing measured in the range -> exit 2.
    empty = cli.main(
        ["criterion", "--config", str(conf_path), "backfill", "--range", f"{commits[1]}..main"]
    )
    assert empty == 2

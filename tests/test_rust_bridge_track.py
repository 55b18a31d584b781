"""benchmarks/criterion.py's machinery: classes from the manifest, values from the store."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import git
import pytest

from rust_bridge import track
from rust_bridge.manifest import build_manifest, load_manifest, write_manifest
from rust_bridge.reader import read_tree
from rust_bridge.store import CriterionStore, Failure

CHECKOUT = Path(__file__).resolve().parents[1]
EDGE = CHECKOUT / "tests" / "fixtures" / "criterion" / "bridge_edge_cases"


def test_committed_manifest_gives_one_class_per_group_and_one_track_per_id() -> None:
    manifest = load_manifest(CHECKOUT / "benchmarks" / "criterion_manifest.json")
    assert len(manifest) == 48
    # Regenerating from the same ids gives the same names: nothing depends on order or time.
    assert build_manifest((e.group, e.criterion_id) for e in manifest) == manifest
    classes = track.build_classes(CHECKOUT / "benchmarks", "benchmarks.criterion")
    assert set(classes) == {e.group for e in manifest}  # DashFlow's groups are identifiers
    for entry in manifest:
        cls = classes[entry.class_name]
        method = getattr(cls, entry.method)
        assert entry.method == "track_" + entry.criterion_id.split("/", 1)[1]
        assert method.pretty_name == f"{entry.criterion_id} (rust)"
        assert (cls.version, cls.unit, cls.__module__) == (
            track.VERSION,
            "seconds",
            "benchmarks.criterion",
        )


@pytest.fixture
def suite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[dict[str, type], str, Path]:
    """A project (git repo + asv.conf.json + manifest of the edge-case suite) and its classes."""
    root = tmp_path / "project"
    (root / "benchmarks").mkdir(parents=True)
    conf = {"version": 1, "repo": ".", "dashbench": {"criterion_store": "store"}}
    (root / "asv.conf.json").write_text(json.dumps(conf))
    records = read_tree(EDGE).records
    write_manifest(
        root / "benchmarks" / "criterion_manifest.json",
        build_manifest((r.group_id, r.full_id) for r in records),
        "rust",
        "bridge_edge_cases",
    )
    repo = git.Repo.init(root, initial_branch="main")
    repo.git.add(A=True)
    sha = repo.index.commit("suite").hexsha
    for name in ("ASV_COMMIT", "DASHBENCH_COMMIT", "ASV_CONF_DIR", track.AUTORUN_VAR):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CARGO_TARGET_DIR", str(tmp_path / "target"))
    return track.build_classes(root / "benchmarks", "benchmarks.criterion"), sha, root


def _run(cls: type, method: str):
    """What asv does: the method's own setup, then the method."""
    bound = getattr(cls(), method)
    bound.setup()
    return bound()


def test_values_are_the_stored_per_iteration_samples(suite, monkeypatch) -> None:
    classes, sha, root = suite
    records = read_tree(EDGE).records
    CriterionStore(root / "store").put(sha, records[:3])
    monkeypatch.setenv("DASHBENCH_COMMIT", sha[:10])  # abbreviations resolve through git
    value = _run(classes["fanout_invoke"], "track_merge_16")
    assert value == {"samples": list(records[0].samples), "number": 1}


def test_asv_commit_wins_over_dashbench_commit(suite, monkeypatch) -> None:
    classes, sha, root = suite
    CriterionStore(root / "store").put(sha, read_tree(EDGE).records)
    monkeypatch.setenv("ASV_COMMIT", sha)
    monkeypatch.setenv("DASHBENCH_COMMIT", "no-such-commit")
    assert _run(classes["fanout_width"], "track_2")["number"] == 1


def test_missing_id_is_not_available(suite, monkeypatch) -> None:
    classes, sha, root = suite
    CriterionStore(root / "store").put(sha, read_tree(EDGE).records[:1])
    monkeypatch.setenv("DASHBENCH_COMMIT", sha)
    with pytest.raises(NotImplementedError, match="fanout_width/2: no Criterion result"):
        _run(classes["fanout_width"], "track_2")


def test_no_commit_is_not_available(suite) -> None:
    classes, _, _ = suite
    with pytest.raises(NotImplementedError, match="ASV_COMMIT or DASHBENCH_COMMIT"):
        _run(classes["fanout_width"], "track_2")


def test_a_failed_id_fails_in_the_body(suite, monkeypatch) -> None:
    classes, sha, root = suite
    failure = Failure("fanout_width/2", "Criterion exited 101", "thread 'main' panicked")
    CriterionStore(root / "store").put(sha, [], failures=[failure])
    monkeypatch.setenv("DASHBENCH_COMMIT", sha)
    bound = classes["fanout_width"]().track_2
    bound.setup()  # not n/a: asv must record a failure
    with pytest.raises(RuntimeError, match="panicked"):
        bound()


def test_autorun_off_leaves_a_missing_entry_missing(suite, monkeypatch) -> None:
    classes, sha, root = suite
    monkeypatch.setenv("DASHBENCH_COMMIT", sha)
    monkeypatch.setenv(track.AUTORUN_VAR, "0")
    with pytest.raises(NotImplementedError, match="no Criterion store entry"):
        _run(classes["fanout_width"], "track_2")
    assert CriterionStore(root / "store").commits() == []


def test_autorun_produces_the_entry_once(suite, monkeypatch) -> None:
    """This commit has no crate: the run still leaves an entry saying so, so the next
    benchmark of the same commit reads it instead of trying again."""
    classes, sha, root = suite
    monkeypatch.setenv("DASHBENCH_COMMIT", sha)
    with pytest.raises(NotImplementedError, match="no Criterion result"):
        _run(classes["fanout_width"], "track_2")
    entry = CriterionStore(root / "store").get(sha)
    assert entry.runs[0]["checkout"] == "worktree"
    assert [p.message for p in entry.problems] == ["no Rust crate at this commit"]
    calls = []
    monkeypatch.setattr(track, "run_commit", lambda *a, **k: calls.append(a))
    with pytest.raises(NotImplementedError):
        _run(classes["fanout_width"], "track_8")
    assert calls == []
    # The worktree made for the run is gone again.
    assert git.Repo(root).git.worktree("list").count("\n") == 0
    shutil.rmtree(root / "store")


def test_captured_suite_ids_reach_their_asv_names(tmp_path: Path, monkeypatch) -> None:
    """A real graph_benchmarks capture, imported for a commit, is what the committed suite's
    track_ methods return: the manifest and the crate agree on ids."""
    tree = read_tree(CHECKOUT / "tests" / "fixtures" / "criterion" / "graph_benchmarks")
    assert len(tree.records) == 4 and tree.problems == []
    manifest = {
        e.criterion_id: e
        for e in load_manifest(CHECKOUT / "benchmarks" / "criterion_manifest.json")
    }
    root = tmp_path / "project"
    root.mkdir()
    (root / "asv.conf.json").write_text(json.dumps({"version": 1, "repo": ".", "dashbench": {}}))
    repo = git.Repo.init(root, initial_branch="main")
    repo.git.add(A=True)
    sha = repo.index.commit("one").hexsha
    store_dir = root / ".asv" / "criterion"
    CriterionStore(store_dir).put(sha, tree.records)
    monkeypatch.setenv("ASV_CONF_DIR", str(root))
    monkeypatch.setenv("ASV_COMMIT", sha)
    monkeypatch.setenv(track.AUTORUN_VAR, "0")
    classes = track.build_classes(CHECKOUT / "benchmarks", "benchmarks.criterion")
    for record in tree.records:
        entry = manifest[record.full_id]
        value = _run(classes[entry.class_name], entry.method)
        assert value == {"samples": list(record.samples), "number": 1}
    with pytest.raises(NotImplementedError):  # an id of the suite this capture did not run
        _run(classes["stress_tests"], "track_large_graph_100_nodes")

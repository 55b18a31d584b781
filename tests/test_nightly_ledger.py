"""The nightly's bookkeeping without running benchmarks: which commits it picks, how it judges
asv's results files after an interruption, the results-directory lock and the progress lines.

Results files are real ones written through asv's API (see test_merge.write_shard); the tracked
repository is a real temporary git repository.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest
from asv.machine import Machine, MachineCollection
from test_merge import COMMIT, ENV, NAMES, write_shard
from test_workflows import ROOT, dashbench_invocations

from dashbench.cli import build_parser, main
from dashbench.errors import DashbenchError
from dashbench.pipeline import ledger
from dashbench.pipeline.asvjob import AsvJob, ensure_machine, open_job, open_project
from dashbench.pipeline.progress import Progress
from dashbench.pipeline.stages import CommitOptions, _rust_done
from rust_bridge.reader import read_tree
from rust_bridge.store import CriterionStore

MACHINE = "runner-a"


def _git(repo: Path, *args: str) -> str:
    cmd = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", *args]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A tracked repository with three commits and an asv config beside it."""
    path = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    conf = {"version": 1, "project": "p", "repo": ".", "branches": ["main"],
            "environment_type": "virtualenv", "pythons": ["3.11"],
            "results_dir": "results", "html_dir": "html"}  # fmt: skip
    (path / "asv.conf.json").write_text(json.dumps(conf))
    for i in range(3):
        (path / "f").write_text(str(i))
        _git(path, "add", "-A")
        _git(path, "commit", "-qm", f"c{i}")
    return path


def _commits(repo: Path) -> list[str]:
    return _git(repo, "rev-list", "--reverse", "HEAD").split()


def _job(repo: Path, bench: tuple[str, ...] = ()) -> AsvJob:
    return AsvJob(open_project(str(repo / "asv.conf.json")), MACHINE, ENV, bench)


def _measure(repo: Path, commit: str, values: dict[str, float | None] | None = None) -> Path:
    write_shard(repo / "results", MACHINE, values or dict.fromkeys(NAMES, 1.0), commit=commit)
    return ledger.results_path(_job(repo), commit)


def test_status_reads_asvs_results_files(repo: Path) -> None:
    c0, c1, c2 = _commits(repo)
    job = _job(repo)
    _measure(repo, c0)
    _measure(repo, c1, {NAMES[0]: 1.0})
    torn = _measure(repo, c2)
    torn.write_text(torn.read_text()[:50])  # what an interrupted in-place write leaves

    expected = ledger.expected_benchmarks(job)
    assert expected == set(NAMES)
    assert ledger.status(job, c0, expected) is ledger.Status.COMPLETE
    assert ledger.status(job, c1, expected) is ledger.Status.INCOMPLETE
    assert ledger.status(job, c2, expected) is ledger.Status.CORRUPT
    assert ledger.status(job, "f" * 40, expected) is ledger.Status.MISSING
    # A failed benchmark is a measurement (asv records null): the commit is complete.
    _measure(repo, c1, {NAMES[0]: 1.0, NAMES[1]: None})
    assert ledger.status(job, c1, expected) is ledger.Status.COMPLETE
    # Without a usable benchmarks.json any loadable file counts.
    assert ledger.status(job, c1, None) is ledger.Status.COMPLETE
    # --bench narrows what a complete commit must hold.
    narrow = _job(repo, (r"^suite\.",))
    assert ledger.expected_benchmarks(narrow) == {NAMES[0]}


def test_first_run_benchmarks_only_the_branch_head(repo: Path) -> None:
    job = _job(repo)
    assert ledger.select_commits(job, None, None) == _commits(repo)[-1:]


def test_later_runs_pick_the_commits_after_the_newest_complete_one(repo: Path) -> None:
    c0, c1, c2 = _commits(repo)
    job = _job(repo)
    _measure(repo, c0)
    expected = ledger.expected_benchmarks(job)
    assert ledger.select_commits(job, None, expected) == [c1, c2]  # oldest first
    _measure(repo, c1, {NAMES[0]: 1.0})  # an incomplete commit is done again
    assert ledger.select_commits(job, None, expected) == [c1, c2]
    _measure(repo, c2)
    assert ledger.select_commits(job, None, expected) == []
    assert ledger.select_commits(job, f"{c0}..{c2}", expected) == [c1]


def _workflow_job(quick: bool) -> AsvJob:
    """The job of the nightly workflow's bench step, from its own command line."""
    text = (ROOT / ".github" / "workflows" / "nightly.yml").read_text()
    [argv] = [a for a in dashbench_invocations(text, quick=quick) if "--machine" in a]
    args = build_parser().parse_args(argv)
    job = open_job(args.config, args.machine, args.bench, quick=args.quick, metric=args.metric)
    return dataclasses.replace(job, env_name=ENV)  # the environment write_shard records


def test_the_workflows_smoke_run_never_joins_the_real_series(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """nightly.yml passes --machine and, on request, --quick: asv saves --quick results like any
    others, so they must land under a machine of their own that the full run never reads."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # asv's machine file
    monkeypatch.chdir(repo)
    head = _commits(repo)[-1]
    smoke, full = _workflow_job(quick=True), _workflow_job(quick=False)
    assert smoke.machine == f"{full.machine}-quick"
    write_shard(repo / "results", smoke.machine, dict.fromkeys(NAMES, 1.0), commit=head)
    expected = ledger.expected_benchmarks(full)
    assert ledger.status(smoke, head, expected) is ledger.Status.COMPLETE
    assert ledger.status(full, head, expected) is ledger.Status.MISSING
    assert ledger.select_commits(full, None, expected) == [head]
    # A full run cannot be pointed at the smoke series by name either.
    assert main(["nightly", "--machine", smoke.machine, "--no-wait"]) == 2
    assert "suffix is kept for smoke runs" in capsys.readouterr().err
    assert not (repo / "results" / full.machine).exists()


def test_a_lone_machine_of_another_name_is_not_taken_for_this_host(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """asv answers a request for this host's name with the only machine the file describes;
    the results would then land under that machine, and the ledger (this host's) see none."""
    monkeypatch.setenv("HOME", str(tmp_path))
    MachineCollection.save("bisect-under-load", {"machine": "bisect-under-load"})
    host = Machine.get_unique_machine_name()
    assert MachineCollection.load(host)["machine"] == "bisect-under-load"  # asv's fallback
    assert ensure_machine(host) == host
    assert MachineCollection.load(host)["machine"] == host
    assert MachineCollection.load("bisect-under-load")["machine"] == "bisect-under-load"


def test_bad_range_is_a_clear_error(repo: Path) -> None:
    job = _job(repo)
    with pytest.raises(DashbenchError, match=r"expected A\.\.B"):
        ledger.select_commits(job, "HEAD", None)
    with pytest.raises(DashbenchError, match=r"--range 'nope\.\.HEAD'"):
        ledger.select_commits(job, "nope..HEAD", None)


def test_corrupt_results_are_moved_aside_before_a_redo(repo: Path) -> None:
    c0, c1, _ = _commits(repo)
    job = _job(repo)
    _measure(repo, c0)
    torn = _measure(repo, c1)
    torn.write_text("{")
    ledger.repair(job, [c0, c1], ledger.expected_benchmarks(job))
    assert not torn.exists()
    assert ledger.results_path(job, c0).exists()
    kept = list((repo / "quarantine").rglob(torn.name))
    assert len(kept) == 1 and kept[0].read_text() == "{"


def test_corrupt_benchmarks_json_is_moved_aside(repo: Path) -> None:
    _measure(repo, _commits(repo)[0])
    (repo / "results" / "benchmarks.json").write_text('{"suite.Fast.time_fa')
    assert ledger.load_expected(_job(repo)) is None
    assert not (repo / "results" / "benchmarks.json").exists()
    assert list((repo / "quarantine").rglob("benchmarks.json"))


def _lock_process(results: Path, wait: bool, body: str) -> subprocess.Popen[str]:
    """Another process taking the results lock, then running ``body`` while holding it."""
    code = (
        "import sys; from pathlib import Path\n"
        "from dashbench.pipeline.lock import results_lock\n"
        f"with results_lock(Path(sys.argv[1]), wait={wait}, what='the first nightly'):\n"
        f"    {body}\n"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code, str(results)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _hold_lock(results: Path) -> subprocess.Popen[str]:
    holder = _lock_process(results, False, "print('held', flush=True); sys.stdin.readline()")
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


def test_second_run_refuses_with_no_wait(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    holder = _hold_lock(repo / "results")
    try:
        conf = str(repo / "asv.conf.json")
        assert main(["nightly", "--config", conf, "--publish-only", "--no-wait"]) == 2
        err = capsys.readouterr().err
        assert "is in use by the first nightly (pid" in err
        assert "not waiting (--no-wait)" in err
    finally:
        holder.kill()
        holder.wait()


def test_second_run_waits_for_the_first(tmp_path: Path) -> None:
    results = tmp_path / "results"
    holder = _hold_lock(results)
    waiter = _lock_process(results, True, "print('acquired', flush=True)")
    assert waiter.stderr is not None and waiter.stdout is not None
    assert "waiting for the first nightly" in waiter.stderr.readline()
    assert waiter.poll() is None  # still blocked while the first run holds the lock
    holder.communicate("release\n")
    assert waiter.stdout.read().strip() == "acquired"
    assert waiter.wait() == 0


def test_progress_names_stage_commit_and_outcome(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    progress = Progress("nightly")
    with progress.stage("asv run", COMMIT, "commit 1/2"):
        pass
    with pytest.raises(RuntimeError), progress.stage("asv publish"):
        raise RuntimeError("boom")
    out = capsys.readouterr().out.splitlines()
    assert out[0].endswith("asv run commit 1/2 aaaaaaaa: started")
    assert "asv run commit 1/2 aaaaaaaa: done in" in out[1]
    assert "asv publish: FAILED in" in out[3]
    assert all(line.startswith("[nightly 00:00:") for line in out)
    progress.write_timings(tmp_path / "t.json")
    stages = json.loads((tmp_path / "t.json").read_text())["stages"]
    assert [(s["stage"], s["commit"], s["ok"]) for s in stages] == [
        ("asv run", COMMIT, True),
        ("asv publish", None, False),
    ]


def test_merge_respects_the_results_lock(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shard = write_shard(tmp_path / "a", MACHINE, {NAMES[0]: 1.0})
    into = tmp_path / "results"
    holder = _hold_lock(into)
    try:
        assert main(["merge", str(shard), "--into", str(into), "--no-wait"]) == 2
        assert "in use by the first nightly" in capsys.readouterr().err
        assert not (into / MACHINE).exists()
    finally:
        holder.kill()
        holder.wait()
    assert main(["merge", str(shard), "--into", str(into), "--no-wait"]) == 0  # lock released


def test_full_run_remeasures_rust_ids_a_quick_run_stored(repo: Path) -> None:
    """A smoke run's 1-second Criterion samples must not stand in a full run's series."""
    root = Path(__file__).parent.parent
    (repo / "benchmarks").mkdir()
    manifest = root / "benchmarks" / "criterion_manifest.json"
    (repo / "benchmarks" / manifest.name).write_bytes(manifest.read_bytes())
    records = read_tree(Path(__file__).parent / "fixtures" / "criterion" / "graph_benchmarks")
    only = "^(" + "|".join(r.full_id for r in records.records) + ")$"
    commit = _commits(repo)[-1]
    store = CriterionStore(repo / ".asv" / "criterion")
    store.put(commit, records.records, provenance={"producer": "runner", "quick": True})

    assert _rust_done(_job(repo), commit, CommitOptions(quick=True, rust_filter=only))
    assert not _rust_done(_job(repo), commit, CommitOptions(quick=False, rust_filter=only))

    store.put(commit, records.records, provenance={"producer": "runner", "quick": False})
    assert _rust_done(_job(repo), commit, CommitOptions(quick=False, rust_filter=only))

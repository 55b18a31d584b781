"""`dashbench nightly` end to end, on temporary clones of this project.

Every run is real: cargo bench through the Criterion runner into the store, `asv run` of the
Python suite and the Criterion track_ benchmarks, `asv publish`, `dashbench report` and the
regression gate. To stay within minutes they use --quick and one group (three ids in each
language), share one asv environment directory between clones and the project's Cargo target
directory between commits.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from asv.results import Results

from dashbench.pipeline.lock import LOCK_NAME

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
MACHINE = "nightly-test-quick"  # --quick records under <machine>-quick
GROUP = "sequential_execution"
PYTHON = {f"{GROUP}.{c}.time_{f}" for c, f in (
    ("ThreeNodesSimple", "3_nodes_simple"), ("FiveNodesComplex", "5_nodes_complex"),
    ("TenNodesStress", "10_nodes_stress"))}  # fmt: skip
RUST = {f"criterion.{GROUP}.track_{f}" for f in ("3_nodes_simple", "5_nodes_complex",
                                                  "10_nodes_stress")}  # fmt: skip
# The wall-time path (the instruction counts have their own end-to-end test).
NIGHTLY = ["nightly", "--quick", "--machine", MACHINE, "--no-wait", "--metric", "time",
           "--bench", f"^(criterion\\.)?{GROUP}\\.", "--rust-filter", f"^{GROUP}/"]  # fmt: skip


def _git(repo: Path, *args: str) -> str:
    cmd = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", *args]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture(scope="module")
def env_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One asv environment directory for all clones: LangGraph is installed once."""
    return tmp_path_factory.mktemp("asv-env")


@pytest.fixture
def clone(tmp_path: Path, env_dir: Path) -> Path:
    """A git repository holding this project's files (tracked and new, as in the checkout)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout.split("\0")  # fmt: skip
    repo = tmp_path / "project"
    for rel in filter(None, listed):
        if (ROOT / rel).is_file():
            (repo / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, repo / rel)
    conf = json.loads((repo / "asv.conf.json").read_text())
    conf["env_dir"] = str(env_dir)
    (repo / "asv.conf.json").write_text(json.dumps(conf, indent=4))
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "project snapshot")
    return repo


def _env() -> dict[str, str]:
    target = os.environ.get("CARGO_TARGET_DIR") or str(ROOT / "rust" / "target")
    return {**os.environ, "CARGO_TARGET_DIR": target, "PYTHONUNBUFFERED": "1"}


def nightly(repo: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "dashbench", *NIGHTLY, *extra]
    return subprocess.run(cmd, cwd=repo, env=_env(), capture_output=True, text=True)


def _results(repo: Path) -> dict[str, Path]:
    """Results files of the test machine, keyed by the commit they hold."""
    files = (repo / ".asv" / "results" / MACHINE).glob("*.json")
    return {Results.load(str(p)).commit_hash: p for p in files if p.name != "machine.json"}


def _values(path: Path) -> dict[str, object]:
    results = Results.load(str(path))
    return {k: results.get_result_value(k, []) for k in results.get_all_result_keys()}


def _measured(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, float) and v > 0 for v in value)


def _commit(repo: Path, path: str, old: str, new: str, message: str) -> str:
    text = (repo / path).read_text()
    assert old in text, f"{path} no longer contains the text this test edits"
    (repo / path).write_text(text.replace(old, new, 1))
    _git(repo, "commit", "-qam", message)
    return _git(repo, "rev-parse", "HEAD")


def test_second_run_benchmarks_nothing_and_keeps_the_site(clone: Path) -> None:
    head = _git(clone, "rev-parse", "HEAD")
    first = nightly(clone)
    assert first.returncode == 0, first.stdout + first.stderr
    for stage in ("select commits", "rust commit 1/1", "asv run commit 1/1", "asv publish",
                  "report", "regressions"):  # fmt: skip
        assert f"{stage}" in first.stdout and "FAILED" not in first.stdout
    assert "--bind 127.0.0.1" in first.stdout

    results = _results(clone)
    assert list(results) == [head]  # a first run measures the branch head only
    values = _values(results[head])
    assert set(values) == PYTHON | RUST
    assert all(_measured(values[name]) for name in PYTHON | RUST), values
    html = clone / ".asv" / "html"
    index = json.loads((html / "index.json").read_text())
    assert set(index["benchmarks"]) >= PYTHON | RUST
    assert head in index["revision_to_hash"].values()
    assert (html / "dashbench" / "report.html").is_file()
    results_bytes = results[head].read_bytes()

    summary = clone / "summary.md"
    second = nightly(clone, "--summary", str(summary))
    assert second.returncode == 0, second.stdout + second.stderr
    text = summary.read_text()  # what the CI job summary and the regression issue show
    assert "Commits benchmarked in this run: none" in text
    assert "Regression gate: **no regressions** (exit 0)" in text
    assert "paired speedups" in text  # the report follows
    assert "nothing new to benchmark" in second.stdout
    assert "asv run commit" not in second.stdout and "rust commit" not in second.stdout
    assert _results(clone) == results
    assert results[head].read_bytes() == results_bytes
    again = json.loads((html / "index.json").read_text())
    assert again["benchmarks"] == index["benchmarks"]
    assert again["revision_to_hash"] == index["revision_to_hash"]
    for name in PYTHON | RUST:  # every graph is still there
        assert list(html.glob(f"graphs/**/{name}.json")), name
    assert (html / "dashbench" / "report.html").is_file()
    assert not (clone / ".asv" / "results" / LOCK_NAME).read_text()  # released


def test_killed_run_resumes_without_losing_or_repeating_a_commit(clone: Path) -> None:
    """Also runs `dashbench continuous` (the pull-request job) over the two commits."""
    base = _git(clone, "rev-parse", "HEAD")
    (clone / "NOTES").write_text("1\n")
    _git(clone, "add", "NOTES")
    _git(clone, "commit", "-qm", "first new commit")
    c1 = _git(clone, "rev-parse", "HEAD")
    c2 = _commit(
        clone, "dashbench/workloads/sequential_execution.py",
        '        return {"counter": state["counter"] + 1, "data": state["data"] + suffix}',
        '        __import__("time").sleep(0.02)\n'
        '        return {"counter": state["counter"] + 1, "data": state["data"] + suffix}',
        "slow down every node of the 3-node chain by 20 ms",
    )  # fmt: skip
    span = ["--range", f"{base}..{c2}"]

    cmd = [sys.executable, "-m", "dashbench", *NIGHTLY, *span]
    proc = subprocess.Popen(
        cmd, cwd=clone, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, start_new_session=True,
    )  # fmt: skip
    assert proc.stdout is not None
    seen: list[str] = []
    second_commit = False
    for line in proc.stdout:
        seen.append(line)
        second_commit = second_commit or f"asv run commit 2/2 {c2[:8]}: started" in line
        if second_commit and "For dashbench commit" in line:  # asv is measuring commit 2
            os.killpg(proc.pid, signal.SIGKILL)
            break
    proc.wait()
    assert second_commit and proc.returncode == -signal.SIGKILL, "".join(seen)
    assert c2 not in _results(clone)
    c1_bytes = _results(clone)[c1].read_bytes()

    # Quick single-sample runs on two commits can show a step: the gate may say 1, never 2.
    resumed = nightly(clone, *span)
    assert resumed.returncode in (0, 1), resumed.stdout + resumed.stderr
    assert f"1 commit(s) to benchmark: {c2[:8]}\n" in resumed.stdout
    assert f"asv run commit 1/1 {c2[:8]}: started" in resumed.stdout
    results = _results(clone)
    assert set(results) == {c1, c2}  # each commit once; none lost
    assert results[c1].read_bytes() == c1_bytes  # commit 1 was not measured again
    assert all(_measured(v) for v in _values(results[c2]).values())

    # asv writes results in place: a kill during that write leaves a torn file. It is moved
    # aside and the commit measured again; the Criterion store (written atomically) is reused.
    torn = results[c2]
    torn.write_text(torn.read_text()[: len(torn.read_text()) // 2])
    repaired = nightly(clone, *span)
    assert repaired.returncode in (0, 1), repaired.stdout + repaired.stderr
    assert "was corrupt" in repaired.stderr
    assert f"1 commit(s) to benchmark: {c2[:8]}\n" in repaired.stdout
    assert f"rust {c2[:8]}: already in the Criterion store" in repaired.stdout
    assert set(_results(clone)) == {c1, c2}
    assert all(_measured(v) for v in _values(_results(clone)[c2]).values())
    site = json.loads((clone / ".asv" / "html" / "index.json").read_text())
    assert {c1, c2} <= set(site["revision_to_hash"].values())
    assert list((clone / ".asv" / "quarantine").rglob(torn.name))

    # The pull-request command on these results: both commits are measured already, so it only
    # compares them, with asv's table, and catches the slowdown of the 3-node chain.
    comment = clone / "comment.md"
    pr = subprocess.run(
        [sys.executable, "-m", "dashbench", "continuous", c1, c2, *NIGHTLY[1:],
         "--comment", str(comment)],
        cwd=clone, env=_env(), capture_output=True, text=True,
    )  # fmt: skip
    assert pr.returncode == 1, pr.stdout + pr.stderr
    assert "asv run commit" not in pr.stdout
    text = comment.read_text()
    assert text.startswith(f"## Benchmarks: `{c2[:8]}` (head) against `{c1[:8]}` (base)")
    assert "**Performance decreased**" in text
    worse = text.split("Benchmarks that have got worse:")[1].split("Benchmarks that are")[0]
    assert f"{GROUP}.ThreeNodesSimple.time_3_nodes_simple" in worse
    assert f"criterion.{GROUP}.track_3_nodes_simple" in text  # Rust rows in the same table


def test_failing_python_and_panicking_rust_benchmark_still_publish_the_rest(
    clone: Path,
) -> None:
    _commit(
        clone, "dashbench/workloads/sequential_execution.py",
        "def build_10_nodes_stress() -> CompiledStateGraph:\n",
        "def build_10_nodes_stress() -> CompiledStateGraph:\n"
        '    raise RuntimeError("broken on purpose by the nightly test")\n',
        "break the Python 10-node workload",
    )  # fmt: skip
    head = _commit(
        clone, "rust/src/workloads/sequential_execution.rs",
        "invoke(h, &sequential_10_stress(), ComplexState::new)",
        '{ assert!(std::hint::black_box(false), "broken on purpose"); '
        "invoke(h, &sequential_10_stress(), ComplexState::new) }",
        "make the Rust 10-node benchmark panic",
    )  # fmt: skip
    run = nightly(clone)
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"Rust benchmark {GROUP}/10_nodes_stress failed" in run.stderr
    assert "some benchmarks failed" in run.stderr

    values = _values(_results(clone)[head])
    broken = {
        f"{GROUP}.TenNodesStress.time_10_nodes_stress",
        f"criterion.{GROUP}.track_10_nodes_stress",
    }
    assert all(values[name] in (None, [None]) for name in broken), values
    assert all(_measured(values[name]) for name in (PYTHON | RUST) - broken), values
    html = clone / ".asv" / "html"
    for name in (PYTHON | RUST) - broken:
        assert list(html.glob(f"graphs/**/{name}.json")), name
    assert (html / "dashbench" / "report.html").is_file()

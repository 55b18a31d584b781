"""The GitHub Actions workflows: linted, schema-valid, and calling only commands tested here.

GitHub's servers cannot run here, so the workflows are checked the way CI would read them
(actionlint, the workflow JSON schema) and every command they run is checked against the local
CLI and exercised locally (the results-branch helper against a real bare repository).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from asv_config import asv_config
from test_merge import NAMES, write_shard

from dashbench.cli import build_parser
from dashbench.pipeline.asvjob import QUICK_SUFFIX, machine_name

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
ACTIONS = sorted((ROOT / ".github" / "actions").glob("*/action.yml"))
CHECK_JSONSCHEMA = shutil.which("check-jsonschema") or str(ROOT / ".venv/bin/check-jsonschema")
RESULTS_BRANCH = ROOT / "tools" / "results_branch.sh"


def _lint(*paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["node", str(ROOT / "tools" / "lint_workflows.mjs"), *map(str, paths)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


def test_the_three_workflows_exist() -> None:
    assert {p.name for p in WORKFLOWS} >= {"nightly.yml", "pull_request.yml", "tests.yml"}


def test_actionlint_passes_on_every_workflow() -> None:
    proc = _lint(*WORKFLOWS)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"{len(WORKFLOWS)} file(s), 0 error(s)" in proc.stdout


def test_actionlint_script_reports_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - run: echo ${{ github.no_such_property }}\n"
    )
    proc = _lint(bad)
    assert proc.returncode == 1
    assert "no_such_property" in proc.stdout


@pytest.mark.parametrize(
    ("schema", "path"),
    [*(("vendor.github-workflows", p) for p in WORKFLOWS),
     *(("vendor.github-actions", p) for p in ACTIONS)],
    ids=lambda v: v.name if isinstance(v, Path) else v,
)  # fmt: skip
def test_matches_githubs_schema(schema: str, path: Path) -> None:
    proc = subprocess.run(
        [CHECK_JSONSCHEMA, "--builtin-schema", schema, str(path)], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_schema_check_rejects_a_broken_workflow(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  a:\n    steps: 3\n")
    proc = subprocess.run(
        [CHECK_JSONSCHEMA, "--builtin-schema", "vendor.github-workflows", str(bad)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode != 0


def dashbench_invocations(text: str, *, quick: bool = True) -> list[list[str]]:
    """The dashbench command lines a workflow runs, with shell variables made concrete."""
    text = text.replace("\\\n", " ")
    calls = []
    for match in re.finditer(r"\.venv/bin/dashbench ([^\n]*)", text):
        line = match.group(1)
        line = re.sub(r"\$\{RANGE:\+--range \"\$RANGE\"\}", "--range A..B", line)
        line = line.replace("$QUICK", "--quick" if quick else "")
        line = re.sub(r"\"?\$\w+\"?", "X", line)
        calls.append(shlex.split(line))
    return calls


def test_workflows_call_dashbench_commands_that_parse() -> None:
    """Every dashbench command line in a workflow is accepted by the CLI tested here."""
    parser = build_parser()
    seen = set()
    for path in WORKFLOWS:
        for argv in dashbench_invocations(path.read_text()):
            args = parser.parse_args(argv)
            assert getattr(args, "handler", None) is not None, (path.name, argv)
            seen.add(argv[0])
    assert seen >= {"nightly", "merge", "continuous"}


def test_workflows_run_the_tested_entry_points() -> None:
    nightly = (ROOT / ".github/workflows/nightly.yml").read_text()
    assert "dashbench nightly --machine" in nightly
    assert "dashbench merge shards/shard-*/results --into .asv/results" in nightly
    assert "dashbench nightly --publish-only" in nightly
    assert "tools/results_branch.sh restore" in nightly
    assert "tools/results_branch.sh push" in nightly
    assert "make test" in (ROOT / ".github/workflows/tests.yml").read_text()
    assert "dashbench continuous" in (ROOT / ".github/workflows/pull_request.yml").read_text()
    for path in WORKFLOWS:
        assert "uses: ./.github/actions/setup" in path.read_text(), path.name


def _workflow(name: str) -> dict:
    # YAML 1.1 reads the key `on` as True.
    data = yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text())
    data["on"] = data.pop(True, data.get("on"))
    return data


def test_pull_request_benchmarks_run_on_request_only() -> None:
    """A label, a /benchmark comment from someone with write access, or a manual start: never
    every push of every pull request (the check runs the contributor's code for half an hour)."""
    flow = _workflow("pull_request.yml")
    triggers = flow["on"]
    assert set(triggers) == {"pull_request", "issue_comment", "workflow_dispatch"}
    assert "push" not in triggers and "pull_request_target" not in triggers
    assert "opened" not in triggers["pull_request"]["types"]
    assert "labeled" in triggers["pull_request"]["types"]
    assert triggers["workflow_dispatch"]["inputs"]["pr"]["required"] is True
    [job] = flow["jobs"].values()
    gate = " ".join(job["if"].split())
    assert "contains(github.event.pull_request.labels.*.name, 'benchmark')" in gate
    assert "startsWith(github.event.comment.body, '/benchmark')" in gate
    assert "github.event.comment.author_association" in gate
    assert "github.event.issue.pull_request" in gate  # a comment on an issue is not a request


def test_pull_request_job_fits_its_work_and_keeps_one_comment() -> None:
    [job] = _workflow("pull_request.yml")["jobs"].values()
    assert job["timeout-minutes"] <= 60  # two commits, ~30 minutes cold
    scripts = [s["with"]["script"] for s in job["steps"] if "github-script" in s.get("uses", "")]
    commenting = [s for s in scripts if "createComment" in s]
    assert len(commenting) == 1
    [script] = commenting
    # Find the comment by its marker and edit it; create one only when there is none.
    assert "<!-- dashbench-pull-request-benchmarks -->" in script
    assert script.index("updateComment") < script.index("createComment")
    assert ".includes(marker)" in script
    run = next(s["run"] for s in job["steps"] if "dashbench continuous" in s.get("run", ""))
    assert "--metric" not in run  # both metrics: instruction counts carry the verdict
    assert 'continuous "$BASE_SHA" "$HEAD_SHA"' in run


def test_the_bench_shard_holds_the_machine_the_run_recorded_as() -> None:
    """A smoke run records under <machine>-quick (asvjob.machine_name): its shard must send
    those results, or the merge job finds nothing to merge."""
    [upload] = [
        step
        for step in _workflow("nightly.yml")["jobs"]["bench"]["steps"]
        if "upload-artifact" in step.get("uses", "")
    ]
    results = upload["with"]["path"].splitlines()[0]
    assert machine_name("m", quick=True) == "m" + QUICK_SUFFIX
    quick = "${{ inputs.quick && '" + QUICK_SUFFIX + "' || '' }}"
    assert results == ".asv/results/${{ matrix.machine }}" + quick


def test_workflows_name_no_package_registry() -> None:
    for path in [*WORKFLOWS, *ACTIONS, RESULTS_BRANCH]:
        text = path.read_text().lower()
        for host in ("pypi.org", "npmjs", "crates.io", "registry.yarnpkg"):
            assert host not in text, (path.name, host)


def _git(cwd: Path, *args: str, **env: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=cwd, check=True, capture_output=True, text=True, env={**os.environ, **env},
    ).stdout  # fmt: skip


def _step(job: str, name: str) -> str:
    """The shell script of the nightly workflow's step whose name starts with ``name``."""
    [script] = [
        step["run"]
        for step in _workflow("nightly.yml")["jobs"][job]["steps"]
        if step.get("name", "").startswith(name)
    ]
    return script


def _run_step(cwd: Path, job: str, name: str, **env: str) -> str:
    proc = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", _step(job, name)],
        cwd=cwd, capture_output=True, text=True,
        env={**os.environ, "GITHUB_SHA": "f" * 40, **env},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def _clone(origin: Path, to: Path) -> Path:
    """A checkout as actions/checkout leaves it, with this project's tools and venv."""
    _git(origin.parent, "clone", "-q", str(origin), str(to))
    (to / "tools").symlink_to(ROOT / "tools")
    (to / ".venv").symlink_to(ROOT / ".venv")
    return to


def _tree(path: Path) -> dict[str, bytes]:
    """The files under ``path``, but the run's hidden scratch files (its lock)."""
    return {
        str(p.relative_to(path)): p.read_bytes()
        for p in path.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    }


def _publish(project: Path) -> dict[str, bytes]:
    cmd = [sys.executable, "-m", "asv", "publish", "--config", str(project / "asv.conf.json")]
    subprocess.run(cmd, cwd=project, check=True, capture_output=True, text=True)
    return _tree(project / ".asv" / "html" / "graphs")


def test_results_branch_keeps_what_a_later_report_needs(tmp_path: Path) -> None:
    """The nightly's own steps, run against a real bare origin: a bench job's shard (asv results
    and both stores), the merge job's restore, merge, store placement and push; then a fresh
    clone restores the branch and publishes the same site, with the stores' entries."""
    origin = tmp_path / "origin.git"
    _git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    seed = tmp_path / "seed"
    _git(tmp_path, "init", "-q", "-b", "main", str(seed))
    (seed / "asv.conf.json").write_text(json.dumps(asv_config("p")))
    _git(seed, "add", "asv.conf.json")
    # asv numbers revisions over every ref by date, the results branch's commits too: an older
    # code commit keeps the numbering the same in every clone, whatever the clock says.
    old = "2020-01-01T00:00:00Z"
    _git(seed, "commit", "-qm", "code", GIT_AUTHOR_DATE=old, GIT_COMMITTER_DATE=old)
    _git(seed, "push", "-q", str(origin), "main")
    head = _git(seed, "rev-parse", "HEAD").strip()

    # A bench job on machine m1: restore (nothing yet), measure, and its shard as uploaded
    # (upload-artifact roots the shard at the paths' common directory, .asv/).
    bench = _clone(origin, tmp_path / "bench")
    assert "starting from an empty" in _run_step(bench, "bench", "Restore", MACHINE="m1")
    asv_dir = bench / ".asv"
    write_shard(asv_dir / "results", "m1", dict.fromkeys(NAMES, 1.0), commit=head)
    (asv_dir / "criterion" / head).mkdir(parents=True)
    (asv_dir / "criterion" / head / "entry.json").write_text('{"samples": [1, 2, 3]}')
    (asv_dir / "criterion" / head / ".entry.json.tmp").write_text("scratch")
    (asv_dir / "counts" / head).mkdir(parents=True)
    (asv_dir / "counts" / head / "rust.json").write_text('{"counts": {"id": [7]}}')
    shard = tmp_path / "merge" / "shards" / "shard-m1"
    for rel in ("results/m1", "results/benchmarks.json", "criterion", "counts"):
        src, dst = asv_dir / rel, shard / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(src, dst) if src.is_dir() else shutil.copy(src, dst)

    merge = tmp_path / "merge"
    shutil.move(str(shard.parent), tmp_path / "shards")
    merge.rmdir()
    merge = _clone(origin, merge)
    shutil.move(str(tmp_path / "shards"), merge / "shards")
    for step in ("Restore", "dashbench merge", "Keep each machine", "Push results"):
        _run_step(merge, "merge", step)
    site = _publish(merge)
    assert site

    files = _git(origin, "ls-tree", "-r", "--name-only", "benchmark-results").split()
    assert f"criterion/m1/{head}/entry.json" in files
    assert f"counts/m1/{head}/rust.json" in files
    assert "results/benchmarks.json" in files and "asv.conf.json" not in files
    assert not [f for f in files if "/." in f]  # scratch files stay with the run

    # A fresh clone, restoring as the next bench job on m1 does: the same stores and results,
    # and `asv publish` over them makes the same site.
    fresh = _clone(origin, tmp_path / "fresh")
    assert "restored criterion/m1" in _run_step(fresh, "bench", "Restore", MACHINE="m1")
    assert (fresh / ".asv" / "criterion" / head / "entry.json").read_text() == (
        '{"samples": [1, 2, 3]}'
    )
    assert (fresh / ".asv" / "counts" / head / "rust.json").exists()
    assert _tree(fresh / ".asv" / "results") == _tree(merge / ".asv" / "results")
    assert _publish(fresh) == site
    # Nothing new: the next push changes nothing.
    assert "unchanged" in _run_step(merge, "merge", "Push results")


def _branch(cwd: Path, *args: str) -> str:
    proc = subprocess.run([str(RESULTS_BRANCH), *args], cwd=cwd, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def test_results_branch_reads_the_first_layout_and_refuses_bad_paths(tmp_path: Path) -> None:
    """A branch written before the stores joined it kept asv's results at its top."""
    origin = tmp_path / "origin.git"
    _git(tmp_path, "init", "-q", "--bare", str(origin))
    work = tmp_path / "work"
    _git(tmp_path, "init", "-q", "-b", "benchmark-results", str(work))
    (work / "benchmarks.json").write_text("{}")
    _git(work, "add", "benchmarks.json")
    _git(work, "commit", "-qm", "old layout")
    _git(work, "remote", "add", "origin", str(origin))
    _git(work, "push", "-q", "origin", "benchmark-results")

    assert "top-level layout" in _branch(work, "restore", "results=out/results")
    assert (work / "out" / "results" / "benchmarks.json").read_text() == "{}"
    for bad in ("../x=out", "results", "-x=out"):
        proc = subprocess.run(
            [str(RESULTS_BRANCH), "restore", bad], cwd=work, capture_output=True, text=True
        )
        assert proc.returncode == 2, bad
        assert "expected PATH=DIR" in proc.stderr or "bad branch path" in proc.stderr, bad
    assert _git(work, "worktree", "list").count("\n") == 1

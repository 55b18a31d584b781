"""examples/dashflow/: the same machinery pointed at a foreign (DashFlow-shaped) repository.

A temporary layout mirrors the documented one: a dashbench tree (its benchmarks/, dashbench/
and constraints/ linked from this checkout, the example config copied unchanged) beside a git
repository ``dTOOL`` that is not a Python project and holds a Rust crate at
``dashflow/crates/dashflow``. The crate is never built: a captured graph_benchmarks tree is
imported for the foreign commit, then asv runs for real in an existing environment and
publishes, and the Rust values must be the medians of the imported samples.
"""

from __future__ import annotations

import io
import json
import math
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import git
import numpy as np
import pytest
from asv.results import Results
from asv_config import run_asv

from dashbench import cli
from rust_bridge.checkout import resolve_sha
from rust_bridge.manifest import load_manifest
from rust_bridge.reader import read_tree
from rust_bridge.settings import load_settings

pytestmark = pytest.mark.slow

CHECKOUT = Path(__file__).resolve().parents[1]
EXAMPLE = CHECKOUT / "examples" / "dashflow"
TREE = CHECKOUT / "tests" / "fixtures" / "criterion" / "graph_benchmarks"
CRATE = "dashflow/crates/dashflow"
MACHINE = "dashflow-example"


@pytest.fixture(scope="module")
def layout(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """(the copied example config's directory, the foreign repository's commit)."""
    base = tmp_path_factory.mktemp("dashflow")
    dashbench = base / "dashbench"
    for name in ("benchmarks", "dashbench", "constraints"):
        (dashbench / name).parent.mkdir(parents=True, exist_ok=True)
        (dashbench / name).symlink_to(CHECKOUT / name)
    conf_dir = dashbench / "examples" / "dashflow"
    shutil.copytree(EXAMPLE, conf_dir, ignore=shutil.ignore_patterns(".asv"))

    # The documented default "repo" (../../../dTOOL) is where the foreign repository sits.
    foreign = base / "dTOOL"
    archive = subprocess.run(
        ["git", "-C", str(CHECKOUT), "archive", "HEAD", "rust"], check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(base / "unpacked", filter="data")
    (foreign / CRATE).parent.mkdir(parents=True)
    shutil.move(base / "unpacked" / "rust", foreign / CRATE)
    (foreign / "README.md").write_text("A Rust monorepo: nothing here for pip to build.\n")
    repo = git.Repo.init(foreign, initial_branch="main")
    repo.git.add(A=True)
    commit = repo.index.commit("a Rust crate, no Python project").hexsha
    return conf_dir, commit


def test_settings_point_at_the_foreign_repository(layout, monkeypatch) -> None:
    conf_dir, commit = layout
    assert (conf_dir / "asv.conf.json").read_bytes() == (EXAMPLE / "asv.conf.json").read_bytes()
    foreign = conf_dir.parents[2] / "dTOOL"
    # What the track_ benchmarks see: asv's ASV_CONF_DIR, not the checkout holding benchmarks/.
    monkeypatch.setenv("ASV_CONF_DIR", str(conf_dir))
    settings = load_settings(root=CHECKOUT)
    assert settings.conf_path == (conf_dir / "asv.conf.json").resolve()
    assert settings.git_dir == foreign.resolve()
    assert resolve_sha(settings.git_dir, "main") == commit
    assert settings.crate_dir() == foreign.resolve() / CRATE
    assert (settings.crate_dir() / "Cargo.toml").is_file()
    assert settings.rust_bench == "graph_benchmarks"
    assert settings.store == conf_dir.resolve() / ".asv" / "criterion"
    assert settings.manifest.resolve() == CHECKOUT / "benchmarks" / "criterion_manifest.json"
    assert not any((foreign / name).exists() for name in ("pyproject.toml", "setup.py"))


def test_asv_runs_and_publishes_imported_criterion_values(layout, tmp_path: Path) -> None:
    conf_dir, commit = layout
    conf = str(conf_dir / "asv.conf.json")
    # --commit takes the full hash: it resolves only in the foreign repository.
    assert cli.main(["criterion", "--config", conf, "import", str(TREE), "--commit", commit]) == 0
    assert (conf_dir / ".asv" / "criterion" / commit).is_dir()

    home = tmp_path / "home"
    home.mkdir()
    existing = f"existing:{sys.executable}"
    for args in (
        ("machine", "--yes", "--machine", MACHINE),
        ("check", "-E", existing),
        ("run", "-E", existing, "--set-commit-hash", commit, "--machine", MACHINE,
         "--bench", "criterion", "--record-samples"),
        ("publish",),
    ):  # fmt: skip
        # asv sets ASV_CONF_DIR itself in the environments it builds, not in existing ones.
        proc = run_asv(conf_dir, home, *args, commit=commit, ASV_CONF_DIR=str(conf_dir))
        assert proc.returncode == 0, f"asv {args[0]}:\n{proc.stdout}{proc.stderr}"

    names = {
        e.criterion_id: e.asv_name
        for e in load_manifest(CHECKOUT / "benchmarks" / "criterion_manifest.json")
    }
    (results_file,) = (conf_dir / ".asv" / "results" / MACHINE).glob(f"{commit[:8]}-*.json")
    results = Results.load(str(results_file))
    html = conf_dir / ".asv" / "html"
    index = json.loads((html / "index.json").read_text())
    assert index["project"] == "dashflow"
    revisions = {int(k): v for k, v in index["revision_to_hash"].items()}
    imported = read_tree(TREE).records
    assert len(imported) == 4
    for record in imported:
        expected = float(np.median(record.samples))
        assert results.get_result_value(names[record.full_id], [])[0] == pytest.approx(
            expected, rel=1e-9
        )
        (graph,) = (
            p
            for p in html.glob(f"graphs/**/{names[record.full_id]}.json")
            if p.parent.name != "summary"
        )
        ((revision, value),) = json.loads(graph.read_text())
        assert revisions[revision] == commit
        assert value == pytest.approx(expected, rel=1e-9)
    # An id the captured tree does not hold is n/a at that commit, not a failure.
    missing = set(names) - {r.full_id for r in imported}
    assert len(missing) == 44
    for criterion_id in missing:
        assert math.isnan(results.get_result_value(names[criterion_id], [])[0])

"""How the instruction counts are wired into the commands: names, selections, verdicts."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from callgrind_bridge.manifest import load_manifest as load_count_manifest
from callgrind_bridge.passes import ITERATIONS_VAR, PassOptions
from dashbench.errors import DashbenchError
from dashbench.gate.project import language_of, load_project, metric_of, pair_ids
from dashbench.pipeline.asvjob import METRIC_BENCH, open_job
from dashbench.pipeline.bisect import resolve_benchmark
from dashbench.pipeline.continuous import CountChange, counts_markdown
from dashbench.pipeline.stages import CommitOptions
from rust_bridge.errors import BridgeError
from rust_bridge.settings import load_settings

MAIN = Path(__file__).resolve().parents[1]
PAIR = "sequential_execution/3_nodes_simple"


def test_the_bridges_import_nothing_from_dashbench() -> None:
    """Under asv the bridges come from the checkout while dashbench is the measured commit's:
    importing dashbench from a bridge would mix two versions in one process."""
    code = (
        "import sys, importlib, pkgutil\n"
        "sys.modules['dashbench'] = None  # any import of it now fails\n"
        "for pkg in ('rust_bridge', 'callgrind_bridge'):\n"
        "    mod = importlib.import_module(pkg)\n"
        "    for info in pkgutil.iter_modules(mod.__path__):\n"
        "        importlib.import_module(f'{pkg}.{info.name}')\n"
        "print('ok')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=MAIN, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


def test_no_bridge_function_imports_dashbench_later() -> None:
    """An import inside a function escapes the import test above until that function runs."""
    found = []
    for path in sorted([*MAIN.glob("rust_bridge/**/*.py"), *MAIN.glob("callgrind_bridge/**/*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            else:
                continue
            found += [
                f"{path.relative_to(MAIN)}:{node.lineno} {name}"
                for name in names
                if name.partition(".")[0] == "dashbench"
            ]
    assert found == []


def test_count_names_belong_to_their_pair_language_and_metric() -> None:
    project = load_project(MAIN / "asv.conf.json")
    ids = pair_ids(project.pairs())
    for lang in ("python", "rust"):
        name = f"instructions.{lang}.sequential_execution.track_3_nodes_simple"
        assert ids[name] == PAIR
        assert language_of(name) == lang and metric_of(name) == "instructions"
        assert project.threshold(name) <= 0.01  # never a wall-time default
    assert metric_of("criterion.sequential_execution.track_3_nodes_simple") == "time"
    assert metric_of("state_cloning.LargeStateClone.peakmem_large_state_clone") == "peakmem"


def test_bisect_resolves_a_pair_id_to_its_count_unless_time_is_asked() -> None:
    project = load_project(MAIN / "asv.conf.json")
    assert (
        resolve_benchmark(project, PAIR, "rust", "instructions")
        == "instructions.rust.sequential_execution.track_3_nodes_simple"
    )
    assert (
        resolve_benchmark(project, PAIR, "python", "time")
        == "sequential_execution.ThreeNodesSimple.time_3_nodes_simple"
    )
    with pytest.raises(DashbenchError, match="not a pair id"):
        resolve_benchmark(project, "nowhere/x", "rust", "instructions")
    # A pair id names two benchmarks: bisect asks which instead of picking one.
    with pytest.raises(DashbenchError, match="choose one with --lang"):
        resolve_benchmark(project, PAIR, None, "instructions")


def test_metric_selects_stages_and_benchmarks(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))  # asv's machine file goes here
    config = str(MAIN / "asv.conf.json")
    job = open_job(config, "box", None, metric="instructions")
    assert job.bench == METRIC_BENCH["instructions"] == (r"^instructions\.",)
    assert open_job(config, "box", None, metric="time").bench == (r"^(?!instructions\.)",)
    assert open_job(config, "box", None).bench == ()  # all: the whole suite
    assert open_job(config, "box", ["^x$"], metric="instructions").bench == ("^x$",)
    with pytest.raises(DashbenchError, match="--metric 'speed'"):
        open_job(config, "box", None, metric="speed")
    assert (CommitOptions(metric="all").time, CommitOptions(metric="all").instructions) == (
        True,
        True,
    )
    assert not CommitOptions(metric="instructions").time
    assert not CommitOptions(metric="time").instructions


def test_continuous_verdict_is_the_count_past_its_threshold() -> None:
    grew = CountChange("instructions.python.g.track_a", "g/a", "python", 1000.0, 1030.0, 0.01)
    flat = CountChange("instructions.rust.g.track_b", "g/b", "rust", 500.0, 503.0, 0.01)
    gone = CountChange("instructions.rust.g.track_c", "g/c", "rust", 500.0, None, 0.01)
    assert grew.worse and not flat.worse and not gone.worse and gone.ratio is None
    table = counts_markdown([flat, gone, grew])
    first_row = table.splitlines()[2]
    assert first_row.startswith("| ❌ | <code>g/a</code> | python | 1,000 | 1,030 | 1.0300")
    assert "| n/a | <code>g/c</code>" in table


def test_criterion_effort_comes_from_the_config(tmp_path: Path) -> None:
    conf = json.loads((MAIN / "asv.conf.json").read_text())
    conf["dashbench"]["criterion_args"] = ["--warm-up-time", "1"]
    path = tmp_path / "asv.conf.json"
    path.write_text(json.dumps(conf))
    assert load_settings(path).criterion_args == ("--warm-up-time", "1")
    conf["dashbench"]["criterion_args"] = "--warm-up-time 1"
    path.write_text(json.dumps(conf))
    with pytest.raises(BridgeError, match="criterion_args must be a list of strings"):
        load_settings(path)


def test_runs_per_id_come_from_the_flag_the_variable_or_the_default(monkeypatch) -> None:
    monkeypatch.delenv(ITERATIONS_VAR, raising=False)
    assert (PassOptions().runs("python"), PassOptions().runs("rust")) == (3, 5)
    monkeypatch.setenv(ITERATIONS_VAR, "7")
    assert PassOptions().runs("python") == 7 and PassOptions(2).runs("python") == 2
    monkeypatch.setenv(ITERATIONS_VAR, "seven")
    with pytest.raises(BridgeError, match="DASHBENCH_COUNT_ITERATIONS='seven'"):
        PassOptions().runs("python")
    with pytest.raises(BridgeError, match="--iterations must be at least 1"):
        PassOptions(0).runs("rust")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "count manifest not found"),
        ("{", "not a readable JSON file"),
        ('{"ids": {}}', "expected an object whose 'ids' is a list"),
        ('{"ids": [{"python": "x"}]}', "malformed row"),
    ],
)
def test_a_bad_count_manifest_is_one_error_naming_it(
    tmp_path: Path, content: str | None, message: str
) -> None:
    path = tmp_path / "instructions_manifest.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(BridgeError, match=message) as err:
        load_count_manifest(path)
    assert str(err.value).startswith(f"{path}: ")

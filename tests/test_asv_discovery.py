"""asv sees the suite the way the spec names it, and every environment can be built.

The discovery tests run the real asv CLI in an existing environment (this interpreter), with
a copy of the project's asv.conf.json whose results and env dirs point into tmp_path, so they
never touch the checkout's .asv/. The expected ids are WORKLOADS.md's 48 Criterion ids,
written out here because they are the spec the suite must match.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from asv import environment
from asv.config import Config
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
CONF = ROOT / "asv.conf.json"

CRITERION_IDS = [
    "compilation/simple_graph_3_nodes",
    "compilation/complex_graph_10_nodes",
    "compilation/graph_with_conditionals",
    "sequential_execution/3_nodes_simple",
    "sequential_execution/5_nodes_complex",
    "sequential_execution/10_nodes_stress",
    "conditional_branching/binary_conditional",
    "conditional_branching/loop_with_exit_condition",
    "conditional_branching/multi_branch_4_routes",
    "parallel_execution/fanout_3_workers",
    "parallel_execution/fanout_5_workers_heavy",
    "parallel_execution/two_stage_parallel",
    "checkpointing/memory_checkpoint_3_nodes",
    "checkpointing/memory_checkpoint_5_nodes",
    "checkpointing/memory_checkpoint_loop_5_iterations",
    "checkpointing/file_checkpoint_3_nodes",
    "checkpointing/file_checkpoint_5_nodes",
    "event_streaming/stream_values_5_nodes",
    "event_streaming/stream_events_5_nodes",
    "event_streaming/stream_updates_3_nodes_complex",
    "event_streaming/stream_parallel_3_workers",
    "state_cloning/small_state_clone",
    "state_cloning/medium_state_clone",
    "state_cloning/large_state_clone",
    "state_cloning/small_state_3_nodes",
    "state_cloning/medium_state_3_nodes",
    "state_cloning/large_state_3_nodes",
    "state_cloning/medium_state_parallel_3_workers",
    "state_cloning/small_state_json_serialize",
    "state_cloning/medium_state_json_serialize",
    "state_cloning/large_state_json_serialize",
    "state_cloning/small_state_bincode_serialize",
    "state_cloning/medium_state_bincode_serialize",
    "state_cloning/large_state_bincode_serialize",
    "stress_tests/large_graph_100_nodes",
    "stress_tests/deep_nesting_10_levels",
    "stress_tests/wide_fanout_50_parallel_branches",
    "stress_tests/long_running_100_iterations",
    "real_world_scenarios/customer_service_router",
    "real_world_scenarios/batch_processing_pipeline",
    "real_world_scenarios/financial_analysis_workflow",
    "tracing_overhead/5_nodes_no_subscriber",
    "tracing_overhead/parallel_3_workers_no_subscriber",
    "tracing_overhead/checkpoint_3_nodes_no_subscriber",
    "read_only_optimization/5_read_only_nodes_with_callbacks",
    "read_only_optimization/5_mutating_nodes_with_callbacks",
    "read_only_optimization/3_read_only_nodes_large_state",
    "read_only_optimization/3_mutating_nodes_large_state",
]

PRIMARY_ENV = "virtualenv-py3.11-PIP_CONSTRAINTconstraints_langgraph-1.2.txt"


@pytest.fixture
def asv_in_tmp(tmp_path: Path):
    """Run the asv CLI on the checkout's suite with results, envs and machine file in tmp_path."""
    conf = json.loads(CONF.read_text())
    conf.update(
        repo=str(ROOT),
        benchmark_dir=str(ROOT / "benchmarks"),
        results_dir=str(tmp_path / "results"),
        env_dir=str(tmp_path / "env"),
        html_dir=str(tmp_path / "html"),
    )
    conf_path = tmp_path / "asv.conf.json"
    conf_path.write_text(json.dumps(conf))
    # asv keeps its machine file in $HOME; a private HOME keeps the user's file untouched.
    env = {**os.environ, "HOME": str(tmp_path)}
    subprocess.run(
        [sys.executable, "-m", "asv", "machine", "--yes", "--machine", "dashbench-test"],
        env=env,
        check=True,
        capture_output=True,
    )

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "asv", *args, "--config", str(conf_path)],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )

    run.results_dir = tmp_path / "results"
    return run


@pytest.mark.slow
def test_asv_check_passes_in_existing_environment(asv_in_tmp) -> None:
    proc = asv_in_tmp("check", "-E", f"existing:{sys.executable}")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No problems found" in proc.stdout


@pytest.mark.slow
def test_discovery_finds_exactly_the_48_criterion_ids(asv_in_tmp) -> None:
    proc = asv_in_tmp(
        "run", "-E", f"existing:{sys.executable}", "--machine", "dashbench-test",
        "--bench", "just-discover",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    discovered = json.loads((asv_in_tmp.results_dir / "benchmarks.json").read_text())
    timed = {
        name: bench
        for name, bench in discovered.items()
        if name != "version" and name.rpartition(".")[2].startswith("time_")
    }
    assert len(timed) == 48, sorted(timed)
    assert sorted(bench["pretty_name"] for bench in timed.values()) == sorted(CRITERION_IDS)
    for name, bench in timed.items():
        module, method = name.split(".")[0], name.rpartition(".")[2]
        group, _, function = bench["pretty_name"].partition("/")
        assert module == group, name
        assert method == f"time_{function}", name
    # Each id's instruction count in both languages, from the committed manifest, with a
    # pinned version and its own unit.
    for language in ("python", "rust"):
        counted = {
            name: bench
            for name, bench in discovered.items()
            if name.startswith(f"instructions.{language}.")
        }
        assert sorted(bench["pretty_name"] for bench in counted.values()) == sorted(
            f"{cid} ({language} instructions)" for cid in CRITERION_IDS
        )
        assert {(b["unit"], b["version"], b["type"]) for b in counted.values()} == {
            ("instructions", "callgrind-instructions-1", "track")
        }


def _environments(*specs: str) -> list[environment.Environment]:
    """The environments asv itself would build for ``asv run -E SPEC`` (all of them if none)."""
    conf = Config.load(str(CONF))
    return list(environment.get_environments(conf, list(specs) or None, verbose=False))


def _pins(path: Path) -> dict[str, Requirement]:
    """Every requirement the file pins, following its ``-c other.txt`` includes as pip does."""
    pins: dict[str, Requirement] = {}
    for line in (line.split("#", 1)[0].strip() for line in path.read_text().splitlines()):
        if line.startswith("-c "):
            pins.update(_pins(path.parent / line.removeprefix("-c ").strip()))
        elif line:
            requirement = Requirement(line)
            pins[canonicalize_name(requirement.name)] = requirement
    return pins


def _pinned(pins: dict[str, Requirement], name: str) -> str:
    (spec,) = pins[name].specifier
    assert spec.operator == "==", f"{name} must be pinned exactly, got {spec}"
    return spec.version


def test_every_environment_has_its_constraints_file() -> None:
    """Each matrix entry's PIP_CONSTRAINT exists and pins the LangGraph line its name promises."""
    envs = _environments()
    assert [env.python for env in envs] == ["3.11"] * 3
    files = [ROOT / env.env_vars["PIP_CONSTRAINT"] for env in envs]
    assert [f.name for f in files] == [f"langgraph-{line}.txt" for line in ("1.2", "0.6", "0.2")]
    for path in files:
        assert path.is_file(), path
        pins = _pins(path)
        line = path.stem.removeprefix("langgraph-")
        assert _pinned(pins, "langgraph").startswith(f"{line}."), path
        if not line.startswith("1."):
            # The old lines must not drag in langchain-core 1.x.
            assert _pinned(pins, "langchain-core").startswith("0."), path
        # The tools inside every environment, which asv or the bridges bring in.
        for tool in ("asv", "asv-runner", "gitpython", "virtualenv"):
            _pinned(pins, tool)


@pytest.mark.parametrize("spec", [":3.11", "virtualenv:3.11", PRIMARY_ENV])
def test_selecting_the_primary_environment_alone(spec: str) -> None:
    """``--python=3.11``, ``-E virtualenv:3.11`` and ``-E <name>`` build only LangGraph 1.2."""
    assert [env.name for env in _environments(spec)] == [PRIMARY_ENV]

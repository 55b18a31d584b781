"""How the suite declares its ids: one ``time_`` method a class, named after the id it mirrors."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from asv_runner.discovery import disc_benchmarks

from benchmarks import harness
from benchmarks.common import class_name
from dashbench.pairs import _importable

ROOT = Path(__file__).resolve().parents[1]

# The ids that also have their peak memory measured: the large states and the stress graphs.
PEAKMEM_IDS = [
    "read_only_optimization/3_mutating_nodes_large_state",
    "read_only_optimization/3_read_only_nodes_large_state",
    "state_cloning/large_state_3_nodes",
    "state_cloning/large_state_bincode_serialize",
    "state_cloning/large_state_clone",
    "state_cloning/large_state_json_serialize",
    "stress_tests/deep_nesting_10_levels",
    "stress_tests/large_graph_100_nodes",
    "stress_tests/long_running_100_iterations",
    "stress_tests/wide_fanout_50_parallel_branches",
]


@pytest.mark.parametrize(
    ("function", "name"),
    [
        ("3_nodes_simple", "ThreeNodesSimple"),
        ("10_nodes_stress", "TenNodesStress"),
        ("simple_graph_3_nodes", "SimpleGraph3Nodes"),
        ("large_state_json_serialize", "LargeStateJsonSerialize"),
    ],
)
def test_class_names_follow_the_function_id(function: str, name: str) -> None:
    assert class_name(function) == name


def test_an_unspelled_leading_number_is_named() -> None:
    with pytest.raises(ValueError, match="leading '7' of 7_nodes"):
        class_name("7_nodes")


def test_a_class_times_one_id() -> None:
    with pytest.raises(TypeError, match=r"toy.TwoIds: one time_ method a class"):

        class TwoIds(harness.CompileTiming):
            __module__ = "benchmarks.toy"

            def time_two_ids(self) -> None:
                pass

            def time_other(self) -> None:
                pass


def test_peakmem_twins_and_baselines_are_generated_where_asked() -> None:
    """Through asv_runner's discovery: a twin and a setup-alone baseline for each of the ten."""
    with _importable(ROOT / "benchmarks"):
        found = {
            b.name: b
            for b in disc_benchmarks(str(ROOT / "benchmarks"))
            if b.name.rpartition(".")[2].startswith("peakmem_")
        }
    expected = {}
    for cid in PEAKMEM_IDS:
        group, function = cid.split("/")
        cls = f"{group}.{class_name(function)}"
        expected[f"{cls}.peakmem_{function}"] = (f"{cid} (peakmem)", cid)
        expected[f"{cls}.peakmem_reference"] = (f"{cid} (peakmem of setup alone)", None)
    assert {
        name: (b.pretty_name, getattr(b.func, "criterion_id", None)) for name, b in found.items()
    } == expected
    assert {b.type for b in found.values()} == {"peakmemory"}


@pytest.mark.parametrize("criterion_id", PEAKMEM_IDS)
def test_each_peakmem_twin_runs_the_timed_body(check_peakmem_twin, criterion_id: str) -> None:
    group, function = criterion_id.split("/")
    module = importlib.import_module(f"benchmarks.{group}")
    check_peakmem_twin(getattr(module, class_name(function)), function)

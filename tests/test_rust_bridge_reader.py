"""The Criterion reader, on real trees captured from rust/benches/bridge_edge_cases.rs.

The fixture holds the JSON files of one plain run (new/ and base/) and one
``--save-baseline before`` run. Bad input is made by corrupting a copy in tmp_path.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from rust_bridge.reader import Problem, criterion_home, read_tree

FIXTURES = Path(__file__).parent / "fixtures" / "criterion"
EDGE = FIXTURES / "bridge_edge_cases"
LONG_ID = (
    "odd ids/a_function_id_that_is_deliberately_longer_than_sixty_four_bytes_to_force_truncation"
)
EDGE_IDS = {
    "fanout_invoke/merge/16",
    "fanout_invoke/merge/4",
    "fanout_width/2",
    "fanout_width/8",
    LONG_ID,
    "odd ids/caret^and spaces  here",
    "odd ids/collide*x",
    "odd ids/collide?x",
    'odd ids/odd ?"/\\*<>:| chars',
    "throughput/medium_state_clone_items",
    "throughput/medium_state_json_bytes",
}
COLLIDE_DIR = EDGE / "odd ids" / "collide_x_2" / "new"  # holds "collide*x"


@pytest.fixture
def edge_copy(tmp_path: Path) -> Path:
    root = tmp_path / "criterion"
    shutil.copytree(EDGE, root)
    return root


def by_id(root: Path, baseline: str = "new") -> dict:
    return {r.full_id: r for r in read_tree(root, baseline).records}


def test_ids_come_from_benchmark_json_not_directory_names() -> None:
    tree = read_tree(EDGE)
    assert tree.problems == []
    records = {r.full_id: r for r in tree.records}
    assert set(records) == EDGE_IDS
    collide = records["odd ids/collide*x"]
    assert collide.directory == "odd ids/collide_x_2"
    assert (collide.group_id, collide.function_id, collide.value_str) == (
        "odd ids",
        "collide*x",
        None,
    )
    long = records[LONG_ID]
    assert len(Path(long.directory).name.encode()) == 64


def test_parameterized_ids_keep_function_and_value() -> None:
    records = by_id(EDGE)
    merge = records["fanout_invoke/merge/16"]
    assert (merge.group_id, merge.function_id, merge.value_str) == ("fanout_invoke", "merge", "16")
    width = records["fanout_width/8"]
    assert (width.group_id, width.function_id, width.value_str) == ("fanout_width", None, "8")


def test_throughput_kinds() -> None:
    records = by_id(EDGE)
    items = records["throughput/medium_state_clone_items"].throughput
    data = records["throughput/medium_state_json_bytes"].throughput
    assert (items.kind, items.amount) == ("Elements", 100)
    assert (data.kind, data.amount) == ("Bytes", 2196)
    assert records["fanout_width/2"].throughput is None


def test_estimates_and_samples_are_seconds_per_iteration() -> None:
    record = by_id(EDGE)["odd ids/collide*x"]
    estimates = json.loads((COLLIDE_DIR / "estimates.json").read_text())
    sample = json.loads((COLLIDE_DIR / "sample.json").read_text())
    median = estimates["median"]
    assert record.median.point == pytest.approx(median["point_estimate"] * 1e-9)
    assert record.median.lower == pytest.approx(median["confidence_interval"]["lower_bound"] * 1e-9)
    assert record.median.upper == pytest.approx(median["confidence_interval"]["upper_bound"] * 1e-9)
    assert record.median.confidence_level == median["confidence_interval"]["confidence_level"]
    assert record.mean.point == pytest.approx(estimates["mean"]["point_estimate"] * 1e-9)
    assert record.std_dev.point == pytest.approx(estimates["std_dev"]["point_estimate"] * 1e-9)
    assert record.slope.point == pytest.approx(estimates["slope"]["point_estimate"] * 1e-9)
    expected = [t / n * 1e-9 for t, n in zip(sample["times"], sample["iters"], strict=True)]
    assert list(record.samples) == pytest.approx(expected)
    assert record.sampling_mode == sample["sampling_mode"]


def test_baselines_are_read_separately() -> None:
    # The second run saved baseline "before": Criterion wrote it to new/ and before/, and
    # left base/ holding the first run.
    new, base, before = by_id(EDGE, "new"), by_id(EDGE, "base"), by_id(EDGE, "before")
    assert set(base) == set(before) == EDGE_IDS
    assert all(r.baseline == "before" for r in before.values())
    assert new["fanout_width/2"].samples == before["fanout_width/2"].samples
    assert new["fanout_width/2"].samples != base["fanout_width/2"].samples
    assert read_tree(EDGE, "no-such-baseline").records == []


def test_flat_sampling_has_no_slope(edge_copy: Path) -> None:
    path = edge_copy / "fanout_width" / "2" / "new" / "estimates.json"
    data = json.loads(path.read_text())
    data["slope"] = None
    path.write_text(json.dumps(data))
    assert by_id(edge_copy)["fanout_width/2"].slope is None


def test_criterion_home_follows_criterions_rule(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.delenv("CRITERION_HOME", raising=False)
    monkeypatch.delenv("CARGO_TARGET_DIR", raising=False)
    assert criterion_home(tmp_path) == tmp_path / "target" / "criterion"
    monkeypatch.setenv("CARGO_TARGET_DIR", "/shared/target")
    assert criterion_home(tmp_path) == Path("/shared/target/criterion")
    monkeypatch.setenv("CRITERION_HOME", str(tmp_path / "home"))
    assert criterion_home(tmp_path) == tmp_path / "home"


def _edit_json(path: Path, edit) -> None:
    data = json.loads(path.read_text())
    edit(data)
    path.write_text(json.dumps(data))


def _set_iter(value: float):
    return lambda d: d["iters"].__setitem__(3, value)


def _set_estimate(kind: str, key: str, value) -> Callable[[Path], None]:
    """Set ``kind``'s point estimate or one of its interval's keys."""

    def edit(data: dict) -> None:
        estimate = data[kind]
        (estimate if key in estimate else estimate["confidence_interval"])[key] = value

    return lambda p: _edit_json(p, edit)


def _fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


CORRUPTIONS = {
    "truncated JSON": (
        "sample.json",
        lambda p: p.write_text(p.read_text()[: len(p.read_text()) // 2]),
        "invalid JSON",
    ),
    "not JSON at all": ("benchmark.json", lambda p: p.write_text("<html>"), "invalid JSON"),
    "missing estimates": ("estimates.json", Path.unlink, "missing"),
    "missing sample": ("sample.json", Path.unlink, "missing"),
    "NaN time": (
        "sample.json",
        lambda p: p.write_text(re.sub(r'"times":\[[^,]+', '"times":[NaN', p.read_text())),
        "times[0] is nan",
    ),
    "null estimate": (
        "estimates.json",
        lambda p: _edit_json(p, lambda d: d["median"].__setitem__("point_estimate", None)),
        "median.point_estimate must be number",
    ),
    "zero iterations": ("sample.json", lambda p: _edit_json(p, _set_iter(0)), "iters[3] is 0"),
    "negative iterations": (
        "sample.json",
        lambda p: _edit_json(p, _set_iter(-5)),
        "iters[3] is -5",
    ),
    "times and iters differ": (
        "sample.json",
        lambda p: _edit_json(p, lambda d: d["times"].pop()),
        "9 times for 10 iteration counts",
    ),
    "no full_id": (
        "benchmark.json",
        lambda p: _edit_json(p, lambda d: d.pop("full_id")),
        "must contain ['full_id'] properties",
    ),
    # issue 11, defect 4: each of these crashed the whole read
    "400-digit integer estimate": (
        "estimates.json",
        _set_estimate("median", "point_estimate", 10**400),
        "median.point_estimate is out of range",
    ),
    "5,000-digit sample": (
        "sample.json",
        lambda p: p.write_text(re.sub(r'"times":\[[^,]+', '"times":[' + "7" * 5000, p.read_text())),
        "invalid JSON (Exceeds the limit (4300 digits)",
    ),
    "100,000 nested lists": (
        "benchmark.json",
        lambda p: p.write_text("[" * 100_000),
        "invalid JSON (nested too deeply to read)",
    ),
    # defect 5: this one hung the reader forever
    "a FIFO named estimates.json": ("estimates.json", _fifo, "cannot read (not a regular file)"),
    # defect 6: values no Criterion run can produce
    "negative point estimate": (
        "estimates.json",
        _set_estimate("mean", "point_estimate", -1230.0),
        "mean: negative time in a Criterion estimate",
    ),
    "negative interval bound": (
        "estimates.json",
        _set_estimate("median", "lower_bound", -1.0),
        "median: negative time in a Criterion estimate",
    ),
    "lower bound above the estimate": (
        "estimates.json",
        _set_estimate("mean", "lower_bound", 1e12),
        "mean: the interval 1e+12 ..",
    ),
    "estimate above the upper bound": (
        "estimates.json",
        _set_estimate("slope", "upper_bound", 1.0),
        "does not hold the estimate",
    ),
    "confidence level in percent": (
        "estimates.json",
        _set_estimate("median", "confidence_level", 95),
        "median.confidence_level is 95, not between 0 and 1",
    ),
}


@pytest.mark.parametrize("case", sorted(CORRUPTIONS))
def test_bad_files_are_reported_and_the_rest_still_read(edge_copy: Path, case: str) -> None:
    name, corrupt, message = CORRUPTIONS[case]
    target = edge_copy / "odd ids" / "collide_x_2" / "new" / name
    corrupt(target)
    tree = read_tree(edge_copy)
    assert {r.full_id for r in tree.records} == EDGE_IDS - {"odd ids/collide*x"}
    assert len(tree.problems) == 1
    problem = tree.problems[0]
    assert problem.path == str(target)
    assert message in problem.message


def test_unknown_throughput_kind_is_reported_but_timing_kept(edge_copy: Path) -> None:
    path = edge_copy / "throughput" / "medium_state_json_bytes" / "new" / "benchmark.json"
    _edit_json(path, lambda d: d.__setitem__("throughput", {"Furlongs": 3}))
    tree = read_tree(edge_copy)
    records = {r.full_id: r for r in tree.records}
    assert set(records) == EDGE_IDS
    assert records["throughput/medium_state_json_bytes"].throughput is None
    assert [p.path for p in tree.problems] == [str(path)]
    assert "unknown kind 'Furlongs'" in tree.problems[0].message


def test_bytes_decimal_throughput_is_known(edge_copy: Path) -> None:
    path = edge_copy / "throughput" / "medium_state_json_bytes" / "new" / "benchmark.json"
    _edit_json(path, lambda d: d.__setitem__("throughput", {"BytesDecimal": 2196}))
    record = by_id(edge_copy)["throughput/medium_state_json_bytes"]
    assert (record.throughput.kind, record.throughput.amount) == ("BytesDecimal", 2196)


def test_symlinks_out_of_the_tree_are_refused(edge_copy: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    shutil.copytree(EDGE / "fanout_width", outside)
    # A whole benchmark directory linked from outside...
    (edge_copy / "linked_group").symlink_to(outside, target_is_directory=True)
    # ...and a single file of a real benchmark replaced by a link to outside.
    sample = edge_copy / "fanout_width" / "8" / "new" / "sample.json"
    sample.unlink()
    sample.symlink_to(outside / "8" / "new" / "sample.json")
    tree = read_tree(edge_copy)
    assert {r.full_id for r in tree.records} == EDGE_IDS - {"fanout_width/8"}
    problems = {p.path: p.message for p in tree.problems}
    assert problems == {
        str(edge_copy / "linked_group"): "symlink points outside the Criterion tree",
        str(sample): "symlink points outside the Criterion tree",
    }


def test_symlinks_inside_the_tree_are_followed(edge_copy: Path) -> None:
    (edge_copy / "fanout_width" / "8").rename(edge_copy / "moved")
    (edge_copy / "fanout_width" / "8").symlink_to(edge_copy / "moved", target_is_directory=True)
    tree = read_tree(edge_copy)
    # Both paths reach the same files, which are read once; the second path is named.
    assert {r.full_id for r in tree.records} == EDGE_IDS
    assert tree.problems == [
        Problem(
            str(edge_copy / "fanout_width" / "8"),
            "a directory already read through another path (symlink)",
        )
    ]


def test_a_symlink_loop_is_named_and_the_rest_read(edge_copy: Path) -> None:
    loop = edge_copy / "fanout_width" / "loop"
    loop.symlink_to("..", target_is_directory=True)  # ln -s .. loop
    tree = read_tree(edge_copy)
    assert {r.full_id for r in tree.records} == EDGE_IDS
    assert tree.problems == [
        Problem(str(loop), "a directory already read through another path (symlink)")
    ]


def test_a_cycle_of_two_symlinks_is_named_and_the_rest_read(edge_copy: Path) -> None:
    (edge_copy / "a").symlink_to("b")
    (edge_copy / "b").symlink_to("a")
    tree = read_tree(edge_copy)
    assert {r.full_id for r in tree.records} == EDGE_IDS
    assert {p.path: p.message for p in tree.problems} == {
        str(edge_copy / name): "dangling symlink, or a cycle of symlinks" for name in "ab"
    }


def test_estimates_without_benchmark_json_are_named(edge_copy: Path) -> None:
    meta = edge_copy / "fanout_width" / "8" / "new" / "benchmark.json"
    meta.unlink()
    tree = read_tree(edge_copy)
    assert {r.full_id for r in tree.records} == EDGE_IDS - {"fanout_width/8"}
    (problem,) = tree.problems
    assert problem.path == str(meta)
    assert problem.message.startswith("missing beside estimates/samples")


def test_two_directories_with_one_full_id_are_both_refused(edge_copy: Path) -> None:
    shutil.copytree(edge_copy / "fanout_width" / "2", edge_copy / "fanout_width" / "2_2")
    tree = read_tree(edge_copy)
    assert {r.full_id for r in tree.records} == EDGE_IDS - {"fanout_width/2"}
    (problem,) = tree.problems
    assert str(edge_copy / "fanout_width" / "2" / "new" / "benchmark.json") in problem.path
    assert str(edge_copy / "fanout_width" / "2_2" / "new" / "benchmark.json") in problem.path
    assert "same full_id 'fanout_width/2'" in problem.message


def test_not_a_directory(tmp_path: Path) -> None:
    tree = read_tree(tmp_path / "nope")
    assert tree.records == []
    assert tree.problems[0].path == str(tmp_path / "nope")


def test_record_round_trips_through_dict() -> None:
    from rust_bridge.reader import BenchmarkRecord

    for record in read_tree(EDGE).records:
        assert BenchmarkRecord.from_dict(json.loads(json.dumps(record.to_dict()))) == record

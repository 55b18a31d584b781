"""The cross-language equivalence check: one call of every id, described by both sides, agrees
with the pairing table (docs/workloads.md §equivalence), and a deliberate break on either side
fails it."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from dashbench import cli
from dashbench import equivalence as eq
from dashbench.pairs import APPROXIMATE, EXACT, Pair, load_pairs
from dashbench.report.build import _record_link
from dashbench.workloads import sequential_execution
from rust_bridge.cargo import cargo_config_args

ROOT = Path(__file__).resolve().parents[1]
CRATE = ROOT / "rust"
TABLE = ROOT / "dashbench/pairs.json"
RECORDS = ROOT / "docs/equivalence.md"


def _pair(pairing: str, reason: str | None = None) -> Pair:
    return Pair("g/f", "g", "g.G.time_f", "criterion.g.track_f", pairing, reason)


def _sides(**rust_changes: Any) -> tuple[dict, dict]:
    python = {"kind": "invoke", "nodes": ["a", "b"], "events": {"state": 3}}
    return {"g/f": python}, {"g/f": {**python, **rust_changes}}


@pytest.mark.parametrize(
    ("pair", "rust_changes", "problem"),
    [
        (_pair(EXACT), {}, None),
        (_pair(EXACT), {"nodes": ["a"]}, "g/f: exact, but nodes differ"),
        (_pair(APPROXIMATE, "[nodes] one node fewer"), {"nodes": ["a"]}, None),
        (
            _pair(APPROXIMATE, "[nodes] x"),
            {"nodes": ["a"], "events": {}},
            "events differ, undeclared",
        ),
        (
            _pair(APPROXIMATE, "[nodes] x [events] y"),
            {"nodes": ["a"]},
            "claims events differ; equal",
        ),
        (_pair(APPROXIMATE, "prose without a tag"), {"nodes": ["a"]}, "tags no [field]"),
        (_pair(EXACT), {"tasks": 8}, "g/f: exact, but tasks differ"),
        (_pair(EXACT), {"threads": 8}, "threads not in pairs.DESCRIPTION_FIELDS"),
    ],
)
def test_check_holds_each_pair_to_its_declared_fields(pair, rust_changes, problem) -> None:
    python, rust = _sides(**rust_changes)
    problems = eq.check([pair], python, rust)
    if problem is None:
        assert problems == []
    else:
        assert any(problem in line for line in problems), problems


def test_a_missing_side_is_a_problem() -> None:
    python, rust = _sides()
    assert eq.check([_pair(EXACT)], python, {}) == ["g/f: no Rust description"]
    assert eq.check([_pair(EXACT)], {}, rust) == ["g/f: no Python description"]


def test_the_command_names_a_missing_binary(tmp_path: Path, capsys) -> None:
    missing = tmp_path / "dashbench-equiv"
    assert cli.main(["equivalence", "--binary", str(missing)]) == cli.EXIT_ERROR
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and f"{missing}: no dashbench-equiv binary" in err


def test_python_descriptions_of_a_stream_and_a_file_checkpoint() -> None:
    """The Python side sees what a call does: the values chunks and the SQLite writes."""
    values = eq.describe("event_streaming/stream_values_5_nodes")
    assert values["events"] == {"state": 6}
    assert values["route"] == [[f"node{i}"] for i in range(1, 6)]
    assert values["state"]["messages"][-1] == "Node 5"
    stored = eq.describe("checkpointing/file_checkpoint_5_nodes")
    assert (stored["checkpoints"], stored["storage"]["puts"], stored["storage"]["put_writes"]) == (
        5,
        7,
        6,
    )


def test_the_report_links_every_pair_to_a_record_that_exists() -> None:
    """Markdown output links the repository's file, the site's page its rendered copy; both
    by the anchor the records carry."""
    records = RECORDS.read_text()
    for pair in load_pairs(TABLE):
        for site_prefix, page in ((None, "docs/equivalence.md"), ("../", "equivalence.html")):
            link = _record_link(pair.criterion_id, site_prefix)
            path, _, anchor = link.rpartition("](")[2].rstrip(")").partition("#")
            assert path == page
            assert f'<a id="{anchor}"></a>{pair.criterion_id}' in records
    assert _record_link("inject/<b>x</b>", None) == "inject/&lt;b&gt;x&lt;/b&gt;"  # no link


# --- against the Rust side (builds the crate) -----------------------------------------------


def _build(crate: Path, env: dict[str, str] | None = None) -> Path:
    proc = subprocess.run(
        ["cargo", *cargo_config_args(), "build", "--release", "--bin", "dashbench-equiv"],
        cwd=crate,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    target = Path((env or {}).get("CARGO_TARGET_DIR", crate / "target"))
    return target / "release" / "dashbench-equiv"


@pytest.fixture(scope="module")
def binary() -> Path:
    return _build(CRATE)


@pytest.fixture(scope="module")
def python_descriptions() -> dict[str, Any]:
    return {p.criterion_id: eq.describe(p.criterion_id) for p in load_pairs(TABLE)}


@pytest.mark.slow
def test_all_48_pairs_are_verified_and_the_records_are_current(
    binary: Path, python_descriptions: dict[str, Any], capsys
) -> None:
    pairs = load_pairs(TABLE)
    rust = eq.rust_descriptions(binary)
    assert len(pairs) == len(rust) == 48
    assert eq.check(pairs, python_descriptions, rust) == []
    assert RECORDS.read_text() == eq.records(pairs, python_descriptions, rust), (
        "docs/equivalence.md is stale: run `dashbench equivalence --write`"
    )
    assert cli.main(["equivalence", "--binary", str(binary), "--pairs", str(TABLE)]) == 0
    assert "48 of 48 pairs verified" in capsys.readouterr().out


@pytest.mark.slow
def test_an_extra_python_message_fails_the_check(
    binary: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A deliberate break in Python: one node of an exact pair appends one message too many."""
    mark_step = sequential_execution.mark_step

    def noisy(index: int):
        node = mark_step(index)
        return lambda state: {**(out := node(state)), "messages": [*out["messages"], "extra"]}

    monkeypatch.setattr(sequential_execution, "mark_step", noisy)
    cid = "sequential_execution/5_nodes_complex"
    pairs = [p for p in load_pairs(TABLE) if p.criterion_id == cid]
    rust = eq.rust_descriptions(binary, [cid])
    assert eq.check(pairs, {cid: eq.describe(cid)}, rust) == [f"{cid}: exact, but state differ"]


@pytest.mark.slow
def test_a_rust_route_change_fails_the_check(
    tmp_path: Path, python_descriptions: dict[str, Any]
) -> None:
    """A deliberate break in Rust: a copy of the crate whose router picks the next route."""
    crate = tmp_path / "rust"
    shutil.copytree(CRATE, crate, ignore=shutil.ignore_patterns("target"))
    source = crate / "src/workloads/conditional_branching.rs"
    text = source.read_text()
    original = "routes[(s.counter % 4) as usize]"
    assert original in text
    source.write_text(text.replace(original, "routes[((s.counter + 1) % 4) as usize]"))
    # Reuse the compiled dependencies: a copy of the crate's release build directory.
    target = tmp_path / "target"
    shutil.copytree(CRATE / "target/release", target / "release", symlinks=True)
    broken = _build(crate, {**os.environ, "CARGO_TARGET_DIR": str(target)})

    cid = "conditional_branching/multi_branch_4_routes"
    pairs = [p for p in load_pairs(TABLE) if p.criterion_id == cid]
    rust = eq.rust_descriptions(broken, [cid])
    assert rust[cid]["route"] == [["router"], ["route_c"]]
    assert eq.check(pairs, python_descriptions, rust) == [
        f"{cid}: exact, but nodes, route, state differ"
    ]

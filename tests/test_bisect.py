"""`dashbench bisect` on the toy history: real `asv run` probes (virtualenv, per-commit install)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from test_regressions import PAIR_ID, PY, PY_OTHER, RUST, asv, make_toy_repo, toy_config

from dashbench import cli

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def toy_venv(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    root = tmp_path_factory.mktemp("toy_bisect")
    py = f"{sys.version_info.major}.{sys.version_info.minor}"
    _repo, shas = make_toy_repo(root, toy_config(pythons=[py]))
    asv(root, "machine", "--yes", "--machine", "toybox")
    return root, shas


def bisect(root: Path, capsys, *args: str) -> tuple[int, dict | None, str]:
    code = cli.main(
        ["bisect", *args, "--config", str(root / "asv.conf.json"), "--machine", "toybox", "--json"]
    )
    out, err = capsys.readouterr()
    return code, (json.loads(out) if code == 0 else None), err


@pytest.mark.parametrize(("name", "culprit"), [(PY, 2), (RUST, 4)])
def test_names_the_culprit_in_either_language(toy_venv, capsys, name, culprit) -> None:
    root, shas = toy_venv
    code, found, err = bisect(root, capsys, name, shas[0], shas[7])
    assert code == 0, err
    assert found["commit"] == shas[culprit]
    assert found["author"] == "Toy Author <toy@example.invalid>"
    assert "values.json" in found["diffstat"] and "notes.txt" in found["diffstat"]
    assert found["after"] / found["before"] == pytest.approx(1.4 if name == PY else 1.6)
    # Each probe is told as it is judged: 7 commits after GOOD take 3 probes.
    probes = [line for line in err.splitlines() if line.startswith("probe ")]
    assert len(probes) == 3 and all(line.endswith((": bad", ": good")) for line in probes), err
    assert f"culprit {shas[culprit][:12]}" in err
    # Measured into the bisection's own results directory; asv's published results untouched.
    own = Path(found["results_dir"])
    assert own.parent == root / ".asv" / "bisect" and any((own / "results").rglob("*.json"))
    assert not (root / ".asv" / "results" / "toybox").exists()


def test_pair_id_picks_the_side(toy_venv, capsys) -> None:
    root, shas = toy_venv
    code, found, err = bisect(
        root, capsys, PAIR_ID, shas[3], shas[6], "--lang", "rust", "--metric", "time"
    )
    assert code == 0, err
    assert (found["benchmark"], found["commit"]) == (RUST, shas[4])


def test_culprit_right_after_good(toy_venv, capsys) -> None:
    root, shas = toy_venv
    code, found, err = bisect(root, capsys, PY, shas[1], shas[3])
    assert code == 0, err
    assert found["commit"] == shas[2]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((PY, "HEAD", "HEAD~3"), "must be an ancestor"),
        ((PY, "nope", "HEAD"), "GOOD 'nope'"),
        ((PY_OTHER, "HEAD~7", "HEAD", "--lang", "rust"), "is a python benchmark"),
        (("toy_seq.Missing.track_x", "HEAD~7", "HEAD"), "asv recorded no value"),
        ((PAIR_ID, "HEAD~7", "HEAD"), "choose one with --lang"),
        ((PY, "HEAD~3", "HEAD~2"), "there is no step to bisect"),
        (("nowhere/3_nodes", "HEAD~7", "HEAD"), "not a pair id"),
    ],
)
def test_errors_exit_2(toy_venv, capsys, args, message) -> None:
    root, _ = toy_venv
    code, _, err = bisect(root, capsys, *args)
    assert code == 2
    assert message in err


def test_an_option_shaped_commit_never_reaches_git(toy_venv, capsys) -> None:
    root, _ = toy_venv
    victim = root / "victim.txt"
    victim.write_text("kept")
    config = str(root / "asv.conf.json")
    code = cli.main(["bisect", "--config", config, PY, "--", f"--output={victim}", "HEAD"])
    assert code == 2
    assert "not start with '-'" in capsys.readouterr().err
    assert victim.read_text() == "kept"

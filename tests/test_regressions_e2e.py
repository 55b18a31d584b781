"""End to end: a clone of this project, 8 commits with two real slowdowns, benchmarked per commit.

One commit makes a Python workload node do extra work (sequential_execution/3_nodes_simple),
another makes a Rust bench node do extra work (sequential_execution/5_nodes_complex). asv
builds and installs the package per commit (virtualenv, primary LangGraph line); the Rust side
is measured per commit into the Criterion store (default Criterion settings, own target dir)
and read by the discovered tracks. After `asv publish`, the gate must flag exactly those two
and bisect must name each culprit.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import git
import pytest

from dashbench import cli

pytestmark = pytest.mark.slow

MAIN = Path(__file__).resolve().parents[1]
PY_SLOW = "sequential_execution.ThreeNodesSimple.time_3_nodes_simple"
PY_CONTROL = "sequential_execution.FiveNodesComplex.time_5_nodes_complex"
RUST_SLOW = "criterion.sequential_execution.track_5_nodes_complex"
RUST_CONTROLS = (
    "criterion.sequential_execution.track_3_nodes_simple",
    "criterion.conditional_branching.track_binary_conditional",
)
CRITERION_FILTER = (
    "^(sequential_execution/(3_nodes_simple|5_nodes_complex)"
    "|conditional_branching/binary_conditional)$"
)
MACHINE = "e2e-gate"

PY_WORKLOAD = "dashbench/workloads/sequential_execution.py"
RUST_BENCH = "rust/benches/graph_benchmarks.rs"


def edit(root: Path, path: str, old: str, new: str) -> None:
    file = root / path
    text = file.read_text()
    assert text.count(old) == 1, f"{path}: the edit anchor {old!r} is not unique"
    file.write_text(text.replace(old, new))


def only_primary_environment(root: Path) -> None:
    conf = json.loads((root / "asv.conf.json").read_text())
    conf.pop("include", None)
    (root / "asv.conf.json").write_text(json.dumps(conf, indent=4) + "\n")


def python_slowdown(root: Path) -> None:
    """Each node of the 3-node chain also hashes a few thousand strings: real extra work."""
    edit(
        root,
        PY_WORKLOAD,
        '    def node(state: SimpleState) -> dict[str, Any]:\n        return {"counter"',
        "    def node(state: SimpleState) -> dict[str, Any]:\n"
        "        sum(hash(suffix + str(i)) for i in range(2500))  # e2e: injected slowdown\n"
        '        return {"counter"',
    )


def rust_slowdown(root: Path) -> None:
    """Each node of the 5-node chain also clones its metadata map twice."""
    edit(
        root,
        RUST_BENCH,
        "            s.counter += 1;\n            s.messages.push(message.clone());\n"
        '            s.metadata.insert(key.clone(), "completed".to_string());\n            s\n',
        "            s.counter += 1;\n            s.messages.push(message.clone());\n"
        '            s.metadata.insert(key.clone(), "completed".to_string());\n'
        "            for _ in 0..2 {\n"
        "                std::hint::black_box(s.metadata.clone()); // e2e: injected slowdown\n"
        "            }\n"
        "            s\n",
    )


def append(root: Path, path: str, text: str) -> None:
    with open(root / path, "a") as f:
        f.write(text)


# (subject, change): index 3 slows Python, index 5 slows Rust, so each step has at least three
# measured commits on either side; the rest touch both languages' files without changing what
# is measured.
HISTORY = [
    ("e2e: measure the primary LangGraph line only", only_primary_environment),
    ("docs: a note", lambda r: append(r, "README.md", "\ne2e note\n")),
    ("rust: comment", lambda r: append(r, RUST_BENCH, "\n// e2e: a comment only\n")),
    ("workloads: 3-node chain nodes hash their suffix", python_slowdown),
    ("workloads: comment", lambda r: append(r, PY_WORKLOAD, "\n# e2e: a comment only\n")),
    ("rust: 5-node chain nodes audit their metadata", rust_slowdown),
    ("docs: another note", lambda r: append(r, "README.md", "\nanother note\n")),
    ("tests: note", lambda r: append(r, "tests/e2e_note.txt", "note\n")),
]


def private_target(path: Path) -> Path:
    """A target dir of our own, seeded with the main checkout's compiled dependencies.

    The shared one serialises every helper's cargo bench behind one checkout lock; a copy of
    its release build keeps Debian's crates compiled, so only the crate itself is rebuilt.
    """
    seed = Path(os.environ.get("CARGO_TARGET_DIR", MAIN / "rust" / "target")) / "release"
    if seed.is_dir():
        # Files another build replaces mid-copy are skipped: cargo rebuilds what is missing.
        with contextlib.suppress(shutil.Error):
            shutil.copytree(seed, path / "release", symlinks=True, dirs_exist_ok=True)
    return path


def run(cmd: list[str], cwd: Path, env: dict[str, str]) -> str:
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, f"{cmd} failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    return proc.stdout


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str], dict[str, str]]:
    root = tmp_path_factory.mktemp("e2e") / "dashbench"
    repo = git.Repo.clone_from(str(MAIN), root, branch="main")
    with repo.config_writer() as cw:
        cw.set_value("user", "name", "E2E Author")
        cw.set_value("user", "email", "e2e@example.invalid")
    shas = []
    for subject, change in HISTORY:
        change(root)
        repo.git.add("-A")
        shas.append(repo.index.commit(subject).hexsha)
    env = {
        **os.environ,
        "CARGO_TARGET_DIR": str(private_target(root.parent / "target")),
        "DASHBENCH_CRITERION_AUTORUN": "0",  # the store is filled below, restricted to our ids
    }
    dashbench = [sys.executable, "-m", "dashbench"]
    for sha in shas:
        run(
            [
                *dashbench,
                "criterion",
                "run",
                "--commit",
                sha,
                "--filter",
                CRITERION_FILTER,
            ],
            root,
            env,
        )
    asv = [sys.executable, "-m", "asv"]
    run([*asv, "machine", "--yes", "--machine", MACHINE], root, env)

    def only(names: tuple[str, ...]) -> list[str]:
        return [arg for name in names for arg in ("-b", f"^{re.escape(name)}$")]

    # Python: four rounds per commit, interleaved across the commits (asv's
    # --interleave-rounds), so each commit's samples come from four moments spread over the
    # run: this machine's level wanders 10-30% over minutes, and measuring commit after commit
    # turns that wander into steps and troughs. The Rust tracks replay the store's samples and
    # take one round.
    span = f"{shas[0]}^..{shas[-1]}"
    python = only((PY_SLOW, PY_CONTROL))
    run([*asv, "run", span, "--machine", MACHINE, "--interleave-rounds", "-a", "rounds=4", *python],
        root, env)  # fmt: skip
    run([*asv, "run", span, "--machine", MACHINE, *only((RUST_SLOW, *RUST_CONTROLS))], root, env)
    run([*asv, "publish"], root, env)
    return root, shas, env


def test_gate_flags_exactly_the_two_slowdowns(history, capsys) -> None:
    root, shas, _ = history
    code = cli.main(
        [
            "regressions",
            "--config",
            str(root / "asv.conf.json"),
            "--range",
            f"{shas[0]}^..{shas[-1]}",
            "--format",
            "json",
        ]
    )
    out, err = capsys.readouterr()
    assert code == 1, err
    report = json.loads(out)
    found = {(r["benchmark"], r["commit"]) for r in report["regressions"]}
    assert found == {(PY_SLOW, shas[3]), (RUST_SLOW, shas[5])}, out
    for r in report["regressions"]:
        assert r["ratio"] >= 1.3, r
    assert {(d["pair_id"], d["commit"]) for d in report["speedup_drops"]} == {
        ("sequential_execution/5_nodes_complex", shas[5])
    }, out


@pytest.mark.parametrize(
    ("name", "lang", "culprit"),
    [
        ("sequential_execution/3_nodes_simple", "python", 3),
        ("sequential_execution/5_nodes_complex", "rust", 5),
    ],
)
def test_bisect_names_each_culprit(history, capsys, monkeypatch, name, lang, culprit) -> None:
    root, shas, env = history
    monkeypatch.setenv("CARGO_TARGET_DIR", env["CARGO_TARGET_DIR"])
    monkeypatch.setenv("DASHBENCH_CRITERION_AUTORUN", "0")
    code = cli.main(
        [
            "bisect",
            name,
            shas[0],
            shas[-1],
            "--lang",
            lang,
            "--config",
            str(root / "asv.conf.json"),
            "--machine",
            MACHINE,
            "--json",
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    found = json.loads(out)
    assert found["commit"] == shas[culprit]
    assert found["author"] == "E2E Author <e2e@example.invalid>"
    changed = PY_WORKLOAD if lang == "python" else RUST_BENCH
    assert changed in found["diffstat"]

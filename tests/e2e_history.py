"""The end-to-end history: a clone of this project with 8 commits, two of them slowdowns.

Shared by the end-to-end test (3% steps on instruction counts) and by
``tools/measure_bisect.py`` (2x wall-time steps under load). On top of the checkout's HEAD:

0. asv.conf.json measures the primary LangGraph line only;
1. README note; 2. a comment in the Rust workloads;
3. **Python culprit**: each node of ``sequential_execution/3_nodes_simple`` hashes strings;
4. a comment in the Python workloads;
5. **Rust culprit**: each node of ``sequential_execution/5_nodes_complex`` spins through
   ``std::hint::black_box``;
6. README note; 7. a new file under tests/.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import git

MAIN = Path(__file__).resolve().parents[1]
SLOW_PY_ID = "sequential_execution/3_nodes_simple"
SLOW_RUST_ID = "sequential_execution/5_nodes_complex"
CONTROL_ID = "conditional_branching/binary_conditional"
IDS = (SLOW_PY_ID, SLOW_RUST_ID, CONTROL_ID)
PY_WORKLOAD = "dashbench/workloads/sequential_execution.py"
RUST_WORKLOAD = "rust/src/workloads/sequential_execution.rs"


@dataclass(frozen=True)
class Sizes:
    python_hashes: int  # strings hashed per node of the Python culprit
    rust_spins: int  # black_box spins per node of the Rust culprit


def edit(root: Path, path: str, old: str, new: str) -> None:
    file = root / path
    text = file.read_text()
    assert text.count(old) == 1, f"{path}: the edit anchor {old!r} is not unique"
    file.write_text(text.replace(old, new))


def append(root: Path, path: str, text: str) -> None:
    with open(root / path, "a") as f:
        f.write(text)


def only_primary_environment(root: Path) -> None:
    conf = json.loads((root / "asv.conf.json").read_text())
    conf.pop("include", None)
    (root / "asv.conf.json").write_text(json.dumps(conf, indent=4) + "\n")


def python_slowdown(root: Path, hashes: int) -> None:
    """Each node of the 3-node chain also hashes ``hashes`` strings: real extra work."""
    edit(
        root,
        PY_WORKLOAD,
        '    def node(state: SimpleState) -> dict[str, Any]:\n        return {"counter"',
        "    def node(state: SimpleState) -> dict[str, Any]:\n"
        f"        sum(hash(suffix + str(i)) for i in range({hashes}))"
        "  # e2e: injected slowdown\n"
        '        return {"counter"',
    )


def rust_slowdown(root: Path, spins: int) -> None:
    """Each node of the 5-node complex chain also spins ``spins`` times: real extra work."""
    edit(
        root,
        RUST_WORKLOAD,
        '            s.metadata.insert(key.clone(), "completed".to_string());\n            s\n',
        '            s.metadata.insert(key.clone(), "completed".to_string());\n'
        f"            for j in 0..std::hint::black_box({spins}u32) {{\n"
        "                std::hint::black_box(j); // e2e: injected slowdown\n"
        "            }\n"
        "            s\n",
    )


def changes(sizes: Sizes) -> list[tuple[str, Callable[[Path], None]]]:
    """(subject, change) per commit: index 3 slows Python, index 5 slows Rust; the rest touch
    docs and both languages' workload files without changing what is measured."""
    return [
        ("e2e: measure the primary LangGraph line only", only_primary_environment),
        ("docs: a note", lambda r: append(r, "README.md", "\ne2e note\n")),
        ("rust: comment", lambda r: append(r, RUST_WORKLOAD, "\n// e2e: a comment only\n")),
        (
            "workloads: 3-node chain nodes hash their suffix",
            lambda r: python_slowdown(r, sizes.python_hashes),
        ),
        ("workloads: comment", lambda r: append(r, PY_WORKLOAD, "\n# e2e: a comment only\n")),
        ("rust: 5-node chain nodes spin a little", lambda r: rust_slowdown(r, sizes.rust_spins)),
        ("docs: another note", lambda r: append(r, "README.md", "\nanother note\n")),
        ("tests: note", lambda r: append(r, "tests/e2e_note.txt", "note\n")),
    ]


PY_CULPRIT, RUST_CULPRIT = 3, 5


def make_history(dest: Path, sizes: Sizes) -> list[str]:
    """Clone this checkout's committed HEAD to ``dest`` and commit the history; its shas."""
    repo = git.Repo.clone_from(str(MAIN), dest, branch="main")
    with repo.config_writer() as cw:
        cw.set_value("user", "name", "E2E Author")
        cw.set_value("user", "email", "e2e@example.invalid")
    shas = []
    for subject, change in changes(sizes):
        change(dest)
        repo.git.add("-A")
        shas.append(repo.index.commit(subject).hexsha)
    return shas


def private_target(path: Path) -> Path:
    """A target dir of our own, seeded with the main checkout's compiled dependencies.

    The shared one serialises every helper's cargo build behind one checkout lock; a copy of
    its release build keeps Debian's crates compiled, so only the crate itself is rebuilt.
    """
    seed = Path(os.environ.get("CARGO_TARGET_DIR", MAIN / "rust" / "target")) / "release"
    if seed.is_dir():
        # Files another build replaces mid-copy are skipped: cargo rebuilds what is missing.
        with contextlib.suppress(shutil.Error):
            shutil.copytree(seed, path / "release", symlinks=True, dirs_exist_ok=True)
    return path


def dashbench(args: list[str], root: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    """``python -m dashbench ARGS`` in the clone, as a user would type it."""
    return subprocess.run(
        [sys.executable, "-m", "dashbench", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def tail(proc: subprocess.CompletedProcess) -> str:
    out, err = proc.stdout[-6000:], proc.stderr[-6000:]
    return f"exit {proc.returncode}\n--- stdout\n{out}\n--- stderr\n{err}"

"""Property: whatever damage a Criterion tree and the store entry carry, `dashbench criterion
import` exits 0 or 2 without a traceback, imports every sound benchmark, names every benchmark
it could not import, and writes nothing outside the store (issue 11)."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from criterion_project import make_criterion_project
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashbench import cli
from rust_bridge.reader import read_tree
from rust_bridge.store import CriterionStore

EDGE = Path(__file__).parent / "fixtures" / "criterion" / "bridge_edge_cases"
FILES = ("benchmark.json", "estimates.json", "sample.json")
BENCH_DIRS = sorted(p.parent.relative_to(EDGE) for p in EDGE.glob("**/new/benchmark.json"))
FILE_DAMAGES = ("truncate", "bytes", "json", "mutate", "delete", "fifo", "nested", "digits", "out")
DIR_DAMAGES = ("loop", "cycle")
ENTRY_DAMAGES = ("truncate", "json", "mutate", "nested", "fifo", "newer schema")

hostile = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**400), max_value=10**400)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=8,
)


@dataclass
class Damage:
    kind: str
    bench: int  # index into BENCH_DIRS
    file: str  # one of FILES (unused by directory damages)
    value: Any  # a hostile JSON value, bytes, or a size, depending on ``kind``
    where: int  # picks the spot: a key path, a cut point


damages = st.builds(
    Damage,
    kind=st.sampled_from(FILE_DAMAGES + DIR_DAMAGES),
    bench=st.integers(0, len(BENCH_DIRS) - 1),
    file=st.sampled_from(FILES),
    value=hostile | st.binary(max_size=64) | st.integers(300, 200_000),
    where=st.integers(0, 10**6),
)


def _paths(data: Any, prefix: tuple = ()) -> list[tuple]:
    """Every key path into a JSON document, the document itself included."""
    found = [prefix]
    items = (
        data.items()
        if isinstance(data, dict)
        else enumerate(data)
        if isinstance(data, list)
        else ()
    )
    for key, value in items:
        found += _paths(value, (*prefix, key))
    return found


def _mutated(data: Any, where: int, value: Any) -> Any:
    path = _paths(data)[where % len(_paths(data))]
    if not path:
        return value
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return data


def damage_file(path: Path, damage: Damage, outside: Path) -> None:
    text = path.read_text()
    kind, value = damage.kind, damage.value
    as_json = value.decode("latin-1") if isinstance(value, bytes) else value
    if kind == "truncate":
        path.write_text(text[: damage.where % max(len(text), 1)])
    elif kind == "bytes":
        path.write_bytes(value if isinstance(value, bytes) else bytes([damage.where % 256]) * 9)
    elif kind == "json":
        path.write_text(json.dumps(as_json))
    elif kind == "mutate":
        path.write_text(json.dumps(_mutated(json.loads(text), damage.where, as_json)))
    elif kind == "delete":
        path.unlink()
    elif kind == "fifo":
        path.unlink()
        os.mkfifo(path)
    elif kind == "nested":
        path.write_text("[" * (1000 + damage.where % 100_000))
    elif kind == "digits":  # the first number gets hundreds or thousands of digits
        digits = "9" * (400 + damage.where % 6000)
        path.write_text(re.sub(r"(?<=[:\[,])-?[0-9][0-9.e+-]*", digits, text, count=1))
    elif kind == "out":
        copy = outside / f"{damage.bench}-{path.name}"
        shutil.copyfile(path, copy)
        path.unlink()
        path.symlink_to(copy)


def damage_dir(bench_dir: Path, kind: str) -> list[Path]:
    """Symlinks that must be named; the benchmark itself stays sound."""
    if kind == "loop":
        (bench_dir / "loop").symlink_to("..", target_is_directory=True)
        return [bench_dir / "loop"]
    (bench_dir / "a").symlink_to("b")
    (bench_dir / "b").symlink_to("a")
    return [bench_dir / "a", bench_dir / "b"]


def damage_entry(path: Path, kind: str, where: int, value: Any) -> None:
    if kind == "fifo":
        path.unlink()
        os.mkfifo(path)
    elif kind == "newer schema":
        path.write_text(json.dumps({**json.loads(path.read_text()), "schema": 2}))
    else:
        damage_file(path, Damage(kind, 0, "", value, where), path.parent)


def snapshot(root: Path, skip: Path) -> dict[str, tuple[int, int]]:
    """Kind, size and mtime of all under ``root`` but ``skip``: what the run may not touch."""
    seen = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if Path(dirpath, d) != skip]
        for name in filenames + dirnames:
            st_ = os.lstat(os.path.join(dirpath, name))
            seen[os.path.join(dirpath, name)] = (st_.st_mode, st_.st_size, st_.st_mtime_ns)
    return seen


def make_tree(base: Path) -> tuple[Path, Path]:
    """A sound copy of the fixture's ``new`` baseline, and a directory outside it."""
    tree = base / "criterion"
    for bench in BENCH_DIRS:
        (tree / bench).mkdir(parents=True)
        for name in FILES:
            shutil.copyfile(EDGE / bench / name, tree / bench / name)
    outside = base / "outside"
    outside.mkdir()
    return tree, outside


def import_tree(root: Path, tree: Path, sha: str) -> tuple[int, str]:
    err = io.StringIO()
    conf = str(root / "asv.conf.json")
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = cli.main(["criterion", "--config", conf, "import", str(tree), "--commit", sha])
    return code, err.getvalue()


SOUND_RECORDS = read_tree(EDGE).records[:2]
# In memory where there is a tmpfs: every import fsyncs, and on a busy disk the syncs, not the
# code under test, would take the time. What is tested does not depend on the filesystem.
SCRATCH = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None


@pytest.fixture(scope="module")
def project() -> Iterator[tuple[Path, str]]:
    """One repository for every example (a git commit each would dominate the time); each
    example starts with a store of its own."""
    with tempfile.TemporaryDirectory(dir=SCRATCH) as tmp:
        yield make_criterion_project(Path(tmp))


def outside_the_store(base: Path, root: Path) -> tuple[dict, dict]:
    return snapshot(base, skip=root / "store"), snapshot(root, skip=root / "store")


@settings(
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    tree_damages=st.lists(damages, max_size=6),
    entry_damage=st.none()
    | st.tuples(st.sampled_from(ENTRY_DAMAGES), st.integers(0, 10**6), hostile),
)
def test_import_fails_closed_on_any_damage(
    project: tuple[Path, str], tree_damages: list[Damage], entry_damage
) -> None:
    root, sha = project
    shutil.rmtree(root / "store", ignore_errors=True)
    store = CriterionStore(root / "store")
    store.put(sha, SOUND_RECORDS, provenance={"producer": "earlier"})
    entry_path = store.entry_path(sha)
    if entry_damage is not None:
        damage_entry(entry_path, *entry_damage)
    entry_before = snapshot(root / "store", skip=root / "none")
    with tempfile.TemporaryDirectory(dir=SCRATCH) as tmp:
        base = Path(tmp)
        tree, outside = make_tree(base)
        ids = {
            b: json.loads((tree / b / "benchmark.json").read_text())["full_id"] for b in BENCH_DIRS
        }
        damaged: set[Path] = set()
        hit: set[Path] = set()
        must_name: list[Path] = []
        for damage in tree_damages:
            bench = BENCH_DIRS[damage.bench]
            target = tree / bench / damage.file
            if damage.kind in DIR_DAMAGES:
                if not any((tree / bench.parent / n).is_symlink() for n in ("loop", "a")):
                    must_name += damage_dir(tree / bench.parent, damage.kind)
            elif target not in hit:  # one damage per file: later ones expect the sound text
                damage_file(target, damage, outside)
                damaged.add(bench)
                hit.add(target)
        before = outside_the_store(base, root)
        code, err = import_tree(root, tree, sha)

        assert code in (0, 2), err
        assert "Traceback" not in err and "internal error" not in err, err
        assert outside_the_store(base, root) == before, "something was written outside the store"
        problems = [line for line in err.splitlines() if line.startswith("problem: ")]
        for link in must_name:
            assert any(line.startswith(f"problem: {link}: ") for line in problems), (link, err)
        for bench in set(BENCH_DIRS) - damaged:  # a sound benchmark is never blamed
            assert not any(str(tree / bench) + os.sep in line for line in problems), (bench, err)
        if code == 2:
            (last,) = [line for line in err.splitlines() if not line.startswith("problem: ")]
            assert "error:" in last
            assert str(entry_path) in last or str(tree) in last, last
            if str(entry_path) in last:  # a store entry it could not read is kept as it was
                assert snapshot(root / "store", skip=root / "none") == entry_before
            return
        stored = store.get(sha)
        for bench in BENCH_DIRS:
            if bench not in damaged:
                assert ids[bench] in stored.records, (bench, err)
                continue
            imported = any(r.directory == str(bench.parent) for r in stored.records.values())
            named = any(str(tree / bench) + os.sep in line for line in problems)
            assert imported or named, (bench, err)


def test_every_damage_at_once_through_the_installed_command(tmp_path: Path) -> None:
    """The same contract in a fresh process: one benchmark per kind of damage, both commands."""
    root, sha = make_criterion_project(tmp_path)
    tree, outside = make_tree(tmp_path)
    kinds = [k for k in FILE_DAMAGES if k != "mutate"]
    for i, kind in enumerate(kinds):
        path = tree / BENCH_DIRS[i] / ("sample.json" if kind == "digits" else FILES[i % 3])
        value = b"\xff\xfe" if kind == "bytes" else 5000
        damage_file(path, Damage(kind, i, path.name, value, 7), outside)
    must_name = damage_dir(tree / BENCH_DIRS[-1].parent, "loop")
    (root / "store").mkdir()  # creating it would change the project directory's mtime
    before = outside_the_store(tmp_path, root)
    conf = str(root / "asv.conf.json")
    for command in (["show", str(tree)], ["import", str(tree), "--commit", sha]):
        done = subprocess.run(
            [sys.executable, "-m", "dashbench", "criterion", "--config", conf, *command],
            capture_output=True,
            text=True,
            timeout=300,  # a guard only
        )
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
        for i in range(len(kinds)):
            assert f"problem: {tree / BENCH_DIRS[i]}{os.sep}" in done.stderr, (
                kinds[i],
                done.stderr,
            )
        assert f"problem: {must_name[0]}: " in done.stderr
    stored = CriterionStore(root / "store").get(sha)
    assert set(stored.records) == {
        json.loads((EDGE / b / "benchmark.json").read_text())["full_id"]
        for b in BENCH_DIRS[len(kinds) :]
    }
    assert outside_the_store(tmp_path, root) == before

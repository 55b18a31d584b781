"""Issue 11 on the store side: hostile or clumsy input to `dashbench criterion` and `merge`
gets one line naming the culprit and exit 2, sound data is kept, and nothing is written
outside the store. Each test names the defect of the issue it reproduces."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from criterion_project import make_criterion_project

from callgrind_bridge.store import CountStore
from dashbench import cli
from rust_bridge.errors import BridgeError
from rust_bridge.store import CriterionStore

EDGE = Path(__file__).parent / "fixtures" / "criterion" / "bridge_edge_cases"
NULL = "0" * 40


@pytest.fixture(autouse=True)
def bridge_commands(monkeypatch: pytest.MonkeyPatch) -> None:
    """The real ``main``, with the commands under test registered."""
    monkeypatch.setattr(cli, "_COMMAND_MODULES", ("rust_bridge.cli", "dashbench.merge"))


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, str]:
    return make_criterion_project(tmp_path)


def run(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(code: int, err: str, *needles: str) -> None:
    assert code == 2
    assert "Traceback" not in err
    (line,) = err.strip().splitlines()
    for needle in needles:
        assert needle in line


def criterion(root: Path, *argv: str) -> list[str]:
    return ["criterion", "--config", str(root / "asv.conf.json"), *argv]


# defect 2 --------------------------------------------------------------------------------------


def test_a_range_cannot_smuggle_an_option_into_git(
    project: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    root, _ = project
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    code, _, err = run(capsys, *criterion(root, "backfill", f"--range=--output={victim}"))
    assert_one_line_error(code, err, "starts with '-'")
    assert victim.read_text() == "precious\n"


def test_a_filter_cannot_pass_for_a_criterion_option(
    project: tuple[Path, str], capsys: pytest.CaptureFixture
) -> None:
    root, sha = project
    code, _, err = run(capsys, *criterion(root, "run", "--commit", sha, "--filter=--list"))
    assert_one_line_error(code, err, "filter '--list'", "cannot start with '-'")


@pytest.mark.parametrize("name", ["../outside", "-x", ".hidden", "a/b"])
def test_a_machine_name_cannot_leave_the_results_directory(name: str) -> None:
    from rust_bridge.backfill import _machine

    with pytest.raises(BridgeError, match="cannot name a directory of the results"):
        _machine(name)


# defect 5 --------------------------------------------------------------------------------------


def test_a_fifo_named_estimates_json_does_not_hang_show(tmp_path: Path) -> None:
    tree = tmp_path / "criterion"
    shutil.copytree(EDGE, tree)
    fifo = tree / "fanout_width" / "8" / "new" / "estimates.json"
    fifo.unlink()
    os.mkfifo(fifo)
    done = subprocess.run(
        [sys.executable, "-m", "dashbench", "criterion", "show", str(tree)],
        capture_output=True,
        text=True,
        timeout=300,  # a guard only: before the fix this never returned
    )
    assert done.returncode == 0
    assert f"problem: {fifo}: cannot read (not a regular file)" in done.stderr
    assert "10 benchmark(s), 1 problem(s)" in done.stdout


def test_a_fifo_for_a_store_entry_is_named(
    project: tuple[Path, str], capsys: pytest.CaptureFixture
) -> None:
    root, sha = project
    entry = CriterionStore(root / "store").entry_path(sha)
    entry.parent.mkdir(parents=True)
    os.mkfifo(entry)
    code, _, err = run(capsys, *criterion(root, "import", str(EDGE), "--commit", sha))
    assert_one_line_error(code, err, str(entry), "not a regular file")


# defect 6 --------------------------------------------------------------------------------------


def test_an_id_with_a_newline_cannot_spoof_a_line_of_show(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    tree = tmp_path / "criterion"
    shutil.copytree(EDGE, tree)
    meta = tree / "fanout_width" / "8" / "new" / "benchmark.json"
    spoof = "fanout_width/8\nproblem: everything is fine\x1b[2K"
    meta.write_text(json.dumps({**json.loads(meta.read_text()), "full_id": spoof}))
    code, out, err = run(capsys, "criterion", "show", str(tree))
    assert code == 0
    lines = out.splitlines() + err.splitlines()
    assert not any(line.startswith("problem:") for line in lines)
    assert "\x1b" not in out
    assert repr(spoof) in out


# defect 7 --------------------------------------------------------------------------------------


def test_a_store_path_that_is_not_a_string_is_named(
    project: tuple[Path, str], capsys: pytest.CaptureFixture
) -> None:
    root, sha = project
    conf = json.loads((root / "asv.conf.json").read_text())
    conf["dashbench"]["criterion_store"] = 5
    (root / "asv.conf.json").write_text(json.dumps(conf))
    code, _, err = run(capsys, *criterion(root, "import", str(EDGE), "--commit", sha))
    assert_one_line_error(code, err, "asv.conf.json", "dashbench.criterion_store", "got 5")


def test_a_bogus_range_is_named(project: tuple[Path, str], capsys: pytest.CaptureFixture) -> None:
    root, _ = project
    code, _, err = run(capsys, *criterion(root, "backfill", "--range", "bogus"))
    assert_one_line_error(code, err, "'bogus' is not a commit")


def test_a_manifest_cannot_be_written_over_a_directory(
    project: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    root, _ = project
    target = tmp_path / "a directory"
    (target / "keep").mkdir(parents=True)
    code, _, err = run(
        capsys, *criterion(root, "manifest", "--from", str(EDGE), "--output", str(target))
    )
    assert_one_line_error(code, err, str(target), "cannot write")
    assert [p.name for p in target.iterdir()] == ["keep"]


def test_merge_into_a_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    shard = tmp_path / "shard"
    shard.mkdir()
    into = tmp_path / "results.json"
    into.write_text("mine\n")
    code, _, err = run(capsys, "merge", str(shard), "--into", str(into))
    assert_one_line_error(code, err, str(into), "is a file")
    assert into.read_text() == "mine\n"


@contextlib.contextmanager
def unwritable(directory: Path) -> Iterator[None]:
    """``directory`` made unwritable even for root (the immutable flag), else by its mode."""
    if os.geteuid() != 0:
        directory.chmod(0o555)
        yield
        directory.chmod(0o755)
        return
    if subprocess.run(["chattr", "+i", str(directory)], capture_output=True).returncode:
        pytest.skip("running as root on a filesystem without chattr +i")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(directory)], check=True)


def test_import_into_a_read_only_store_is_named(
    project: tuple[Path, str], capsys: pytest.CaptureFixture
) -> None:
    root, sha = project
    store = root / "store"
    assert run(capsys, *criterion(root, "import", str(EDGE), "--commit", sha))[0] == 0
    before = CriterionStore(store).entry_path(sha).read_bytes()
    (store / ".store.lock").unlink()
    with unwritable(store):
        code, _, err = run(capsys, *criterion(root, "import", str(EDGE), "--commit", sha))
    assert_one_line_error(code, err, str(store), "Operation not permitted")
    assert CriterionStore(store).entry_path(sha).read_bytes() == before


def test_merge_into_a_read_only_results_directory_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    shard = tmp_path / "shard"
    shard.mkdir()
    into = tmp_path / "results"
    into.mkdir()
    with unwritable(into):
        code, _, err = run(capsys, "merge", str(shard), "--into", str(into))
    assert_one_line_error(code, err, str(into / ".dashbench.lock"), "cannot take the results lock")
    assert list(into.iterdir()) == []


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 256 KiB tmpfs, filled to the last block (needs root to mount)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if (
        os.geteuid() != 0
        or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)], capture_output=True
        ).returncode
    ):
        pytest.skip("mounting a small tmpfs needs root")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_import_on_a_full_disk_is_named_and_keeps_the_entry(
    project: tuple[Path, str], full_disk: Path, capsys: pytest.CaptureFixture
) -> None:
    root, sha = project
    conf = json.loads((root / "asv.conf.json").read_text())
    conf["dashbench"]["criterion_store"] = str(full_disk / "store")
    (root / "asv.conf.json").write_text(json.dumps(conf))
    one = root / "one"
    shutil.copytree(EDGE / "fanout_width", one / "fanout_width")
    assert run(capsys, *criterion(root, "import", str(one), "--commit", sha))[0] == 0
    entry = CriterionStore(full_disk / "store").entry_path(sha)
    before = entry.read_bytes()
    with contextlib.suppress(OSError), open(full_disk / "filler", "wb") as fh:
        while True:
            fh.write(b"\0" * 4096)
            fh.flush()
    code, _, err = run(capsys, *criterion(root, "import", str(EDGE), "--commit", sha))
    assert_one_line_error(code, err, str(entry), "No space left on device")
    assert entry.read_bytes() == before
    assert sorted(p.name for p in entry.parent.iterdir()) == ["entry.json"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({"records": "oops"}, "malformed store entry"),
        ({"schema": 1, "commit": "c", "records": "oops"}, "records must be array"),
        ({"schema": 1, "commit": "c", "records": [], "record_run": {"x": 3}}, "missing run"),
        ("[" * 100_000, "nested too deeply"),
        ("null", "holds null"),
    ],
)
def test_a_damaged_store_entry_is_named_and_kept(
    project: tuple[Path, str], capsys: pytest.CaptureFixture, content, message: str
) -> None:
    root, sha = project
    entry = CriterionStore(root / "store").entry_path(sha)
    entry.parent.mkdir(parents=True)
    entry.write_text(content if isinstance(content, str) else json.dumps(content))
    before = entry.read_bytes()
    code, _, err = run(capsys, *criterion(root, "import", str(EDGE), "--commit", sha))
    assert_one_line_error(code, err, str(entry), message)
    assert entry.read_bytes() == before


# defect 8 --------------------------------------------------------------------------------------


def test_the_null_commit_is_refused(
    project: tuple[Path, str], capsys: pytest.CaptureFixture
) -> None:
    root, _ = project
    code, _, err = run(capsys, *criterion(root, "import", str(EDGE), "--commit", NULL))
    assert_one_line_error(code, err, "null hash")
    assert not (root / "store").exists()


def test_a_well_formed_hash_that_is_no_commit_is_refused(
    project: tuple[Path, str], capsys: pytest.CaptureFixture
) -> None:
    root, _ = project
    code, _, err = run(capsys, *criterion(root, "import", str(EDGE), "--commit", "f" * 40))
    assert_one_line_error(code, err, f"'{'f' * 40}' is not a commit")
    assert not (root / "store").exists()


# defect 9 --------------------------------------------------------------------------------------


def test_an_entry_of_a_newer_schema_is_refused_and_left_alone(
    project: tuple[Path, str], capsys: pytest.CaptureFixture
) -> None:
    root, sha = project
    assert run(capsys, *criterion(root, "import", str(EDGE), "--commit", sha))[0] == 0
    entry = CriterionStore(root / "store").entry_path(sha)
    data = json.loads(entry.read_text())
    entry.write_text(json.dumps({**data, "schema": 2, "from_the_future": [1, 2]}))
    before = entry.read_bytes()
    code, _, err = run(capsys, *criterion(root, "import", str(EDGE), "--commit", sha))
    assert_one_line_error(code, err, str(entry), "schema 2", "reads schema 1")
    assert entry.read_bytes() == before


def test_temporary_files_of_killed_writers_are_removed_by_the_next_write(
    project: tuple[Path, str], capsys: pytest.CaptureFixture
) -> None:
    root, sha = project
    store = CriterionStore(root / "store")
    other = store.root / ("e" * 40)
    stale = [
        store.entry_path(sha).parent / ".entry.json.k1ll3d.tmp",
        other / ".entry.json.x9y8z7.tmp",
    ]
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text('{"half": ')
    unrelated = other / "notes.tmp"
    unrelated.write_text("not ours")
    assert run(capsys, *criterion(root, "import", str(EDGE), "--commit", sha))[0] == 0
    assert not any(path.exists() for path in stale)
    assert unrelated.exists()
    counts = CountStore(root / "counts")
    count_stale = counts.root / sha / ".rust.json.abc123.tmp"
    count_stale.parent.mkdir(parents=True)
    count_stale.write_text("{")
    counts.put(sha, "rust", None, {"g/a": [1]}, {}, {}, {})
    assert not count_stale.exists()


@pytest.mark.parametrize("umask", [0o022, 0o027, 0o002])
def test_store_and_merged_files_honour_the_umask(
    project: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture, umask: int
) -> None:
    root, sha = project
    shard = tmp_path / "shard" / "box"
    shard.mkdir(parents=True)
    (shard / "machine.json").write_text(json.dumps({"machine": "box", "version": 1}))
    old = os.umask(umask)
    try:
        assert run(capsys, *criterion(root, "import", str(EDGE), "--commit", sha))[0] == 0
        assert run(capsys, "merge", str(shard.parent), "--into", str(tmp_path / "merged"))[0] == 0
    finally:
        os.umask(old)
    for path in (
        CriterionStore(root / "store").entry_path(sha),
        tmp_path / "merged/box/machine.json",
    ):
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask, path


def test_reimporting_the_same_tree_does_not_grow_the_provenance(
    project: tuple[Path, str], capsys: pytest.CaptureFixture
) -> None:
    root, sha = project
    for _ in range(3):
        assert run(capsys, *criterion(root, "import", str(EDGE), "--commit", sha))[0] == 0
    entry = CriterionStore(root / "store").get(sha)
    assert len(entry.runs) == 1
    assert set(entry.record_run.values()) == {0}
    other = root / "other"
    shutil.copytree(EDGE / "fanout_width", other / "fanout_width")
    assert run(capsys, *criterion(root, "import", str(other), "--commit", sha))[0] == 0
    entry = CriterionStore(root / "store").get(sha)
    assert [r["source"] for r in entry.runs] == [str(EDGE.resolve()), str(other.resolve())]
    assert entry.record_run["fanout_width/2"] == 1
    assert entry.record_run["odd ids/collide*x"] == 0

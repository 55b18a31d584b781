"""The Python counting harness under real valgrind, on a toy suite with known behaviour.

The toy suite has a body whose work is a known loop, one that raises, one whose setup says
n/a, and one that kills its process, so each outcome of the protocol is exercised: counted,
failed, skipped, and a crash that must not lose the ids after it.
"""

from __future__ import annotations

import dataclasses
import shutil
import sys
import textwrap
from pathlib import Path

import pytest

from callgrind_bridge import valgrind
from callgrind_bridge.manifest import CountedId
from callgrind_bridge.passes import PassOptions, python_pass
from callgrind_bridge.store import CountStore
from rust_bridge.errors import BridgeError
from rust_bridge.settings import load_settings

pytestmark = pytest.mark.skipif(shutil.which("valgrind") is None, reason="needs valgrind")

COMMIT = "c" * 40

SUITE = """
import os


def work(n):
    return sum(i * i for i in range(n))


class Loop:
    size = {size}

    def setup(self):
        self.n = self.size

    def time_loop(self):
        return work(self.n)


class Twice(Loop):
    size = 2 * {size}


class Broken:
    def time_broken(self):
        raise ValueError("broken on purpose")


class NotHere:
    def setup(self):
        raise NotImplementedError("not on this line")

    def time_not_here(self):
        return 1


class Crash:
    def time_crash(self):
        os.abort()
"""

ITEMS = [
    CountedId("toy/loop", "toy.Loop.time_loop"),
    CountedId("toy/broken", "toy.Broken.time_broken"),
    CountedId("toy/not_here", "toy.NotHere.time_not_here"),
    CountedId("toy/crash", "toy.Crash.time_crash"),
    CountedId("toy/twice", "toy.Twice.time_loop"),
]


def toy_suite(root: Path, size: int = 2000) -> Path:
    bench = root / "benchmarks"
    bench.mkdir(parents=True, exist_ok=True)
    (bench / "__init__.py").write_text("")
    (bench / "toy.py").write_text(textwrap.dedent(SUITE.format(size=size)))
    return bench


def count(tmp_path: Path, size: int = 2000, name: str = "store") -> dict:
    bench = toy_suite(tmp_path / f"suite-{size}", size)
    settings = dataclasses.replace(load_settings(root=tmp_path), count_store=tmp_path / name)
    entry = python_pass(
        settings,
        COMMIT,
        ITEMS,
        python=sys.executable,
        benchmarks_dir=bench,
        env_name=None,
        options=PassOptions(iterations=3),
    )
    return entry


def test_each_outcome_is_recorded_and_a_crash_loses_nothing_after_it(tmp_path: Path) -> None:
    entry = count(tmp_path)
    assert set(entry.counts) == {"toy/loop", "toy/twice"}, entry
    assert "broken on purpose" in entry.failures["toy/broken"]
    assert "exited" in entry.failures["toy/crash"]  # the process died; twice ran after it
    assert set(entry.skipped) == {"toy/not_here"}
    assert all(len(runs) == 3 for runs in entry.counts.values())
    run = entry.runs[-1]
    assert run["valgrind"].startswith("valgrind-") and run["iterations"] == 3
    assert run["flags"] == list(valgrind.FLAGS)
    # Stored where the store says, and read back the same.
    stored = CountStore(tmp_path / "store").get(COMMIT, "python")
    assert stored is not None and stored.counts == entry.counts


def test_counts_repeat_and_follow_the_work(tmp_path: Path) -> None:
    first, second = count(tmp_path, name="a"), count(tmp_path, name="b")
    for cid in ("toy/loop", "toy/twice"):
        a, b = first.instructions(cid), second.instructions(cid)
        assert a is not None and b is not None
        assert abs(a / b - 1) < 0.005, (cid, a, b)  # deterministic: repeats to <0.5%
    # Twice the loop is close to twice the instructions (the call itself is the rest).
    ratio = first.instructions("toy/twice") / first.instructions("toy/loop")
    assert 1.8 < ratio < 2.05, ratio
    # A 3% larger loop shows as a step of about 3%: the signal the gate looks for.
    bigger = count(tmp_path, size=2060, name="c").instructions("toy/loop")
    assert 1.02 < bigger / first.instructions("toy/loop") < 1.04


def test_missing_valgrind_names_the_package(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no valgrind here
    valgrind.valgrind_version.cache_clear()
    try:
        with pytest.raises(BridgeError, match="install Debian's 'valgrind' package"):
            count(tmp_path)
    finally:
        valgrind.valgrind_version.cache_clear()

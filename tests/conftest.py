"""Fixtures shared by the test suite."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(scope="session", autouse=True)
def private_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Give the whole session a HOME of its own.

    asv rewrites ``~/.asv-machine.json`` whole on every ``asv machine``; two suites sharing a
    HOME (a CI runner with two jobs, a developer's loop beside the nightly) read each other's
    half-written file. The toolchain and pip's cache stay where they are.
    """
    real = Path.home()
    kept = {
        "CARGO_HOME": os.environ.get("CARGO_HOME", str(real / ".cargo")),
        "RUSTUP_HOME": os.environ.get("RUSTUP_HOME", str(real / ".rustup")),
        "PIP_CACHE_DIR": os.environ.get("PIP_CACHE_DIR", str(real / ".cache" / "pip")),
    }
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as patch:
        for name, value in {**kept, "HOME": str(home)}.items():
            patch.setenv(name, value)
        patch.delenv("XDG_CACHE_HOME", raising=False)
        yield home


@pytest.fixture
def run_benchmark() -> Callable[[type, str], tuple[Any, Any]]:
    """Run one asv benchmark once the way asv does: instantiate, setup, call, teardown.

    Returns ``(instance, result)`` so a test can assert both the timed body's return value
    and what setup attached to the instance (a callback handler, a saver).
    """

    def run(cls: type, method: str) -> tuple[Any, Any]:
        bench = cls()
        bench.setup()
        try:
            return bench, getattr(bench, method)()
        finally:
            teardown = getattr(bench, "teardown", None)
            if teardown is not None:
                teardown()

    return run


@pytest.fixture
def check_peakmem_twin(run_benchmark) -> Callable[[type, str], None]:
    """Assert that ``peakmem_<id>`` runs the body of ``time_<id>`` under the same pairing."""

    def check(cls: type, function_id: str) -> None:
        time, peakmem = getattr(cls, f"time_{function_id}"), getattr(cls, f"peakmem_{function_id}")
        instance, from_peakmem = run_benchmark(cls, peakmem.__name__)
        assert from_peakmem == getattr(instance, time.__name__)()
        assert (peakmem.criterion_id, peakmem.approximate) == (time.criterion_id, time.approximate)
        assert peakmem.pretty_name == f"{time.pretty_name} (peakmem)"
        assert instance.peakmem_reference() is None

    return check

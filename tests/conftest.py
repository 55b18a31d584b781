"""Fixtures shared by the test suite."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


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

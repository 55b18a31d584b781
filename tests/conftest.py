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

"""The asv suite. Its bridges come from this checkout, like the suite itself.

asv installs the measured commit's package into the environment, and that wheel may carry its
own (older) ``rust_bridge`` and ``callgrind_bridge``. An old commit's bridge must not read
today's stores, so the checkout's copies are put in ``sys.modules`` before any module here
imports them. The bridges import nothing from ``dashbench``, so the measured commit's
``dashbench`` (its workloads) stays the only one in the process.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent


def _from_checkout(package: str) -> None:
    init = _ROOT / package / "__init__.py"
    if package in sys.modules or not init.is_file():
        return
    spec = importlib.util.spec_from_file_location(
        package, init, submodule_search_locations=[str(init.parent)]
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[package] = module
    spec.loader.exec_module(module)


for _package in ("rust_bridge", "callgrind_bridge"):
    _from_checkout(_package)

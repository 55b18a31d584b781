"""Rust twins: DashFlow's Criterion ids as asv track_ benchmarks (values from the Criterion store).

One class per Criterion group, one ``track_<function id>`` per id, built at import time from
the committed ``criterion_manifest.json``; see rust_bridge/track.py for how values are found.

The bridge is loaded from this checkout (like the suite itself), not from the package asv
installed for the commit being measured: an older commit's bridge must not read today's store.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path as _Path

_HERE = _Path(__file__).resolve().parent


def _bridge_from_checkout() -> None:
    init = _HERE.parent / "rust_bridge" / "__init__.py"
    if not init.is_file() or "rust_bridge" in sys.modules:
        return
    spec = importlib.util.spec_from_file_location(
        "rust_bridge", init, submodule_search_locations=[str(init.parent)]
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["rust_bridge"] = module
    spec.loader.exec_module(module)


_bridge_from_checkout()
globals().update(importlib.import_module("rust_bridge.track").build_classes(_HERE, __name__))

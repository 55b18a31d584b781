"""Rust twins: DashFlow's Criterion ids as asv track_ benchmarks (values from the Criterion store).

One class per Criterion group, one ``track_<function id>`` per id, built at import time from
the committed ``criterion_manifest.json``; see rust_bridge/track.py for how values are found.
"""

from __future__ import annotations

from pathlib import Path

from rust_bridge.track import build_classes

globals().update(build_classes(Path(__file__).resolve().parent, __name__))

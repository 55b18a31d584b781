"""Python instruction counts per Criterion id (unit: instructions per run of the body)."""

from __future__ import annotations

from pathlib import Path

from callgrind_bridge.track import build_classes

globals().update(build_classes(Path(__file__).resolve().parent.parent, __name__, "python"))

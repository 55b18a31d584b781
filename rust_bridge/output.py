"""What the bridges and dashbench print: where progress lines go, and how a time reads.

It lives in the bridge, which imports nothing from dashbench, so that both can share it.
"""

from __future__ import annotations

from collections.abc import Callable

Say = Callable[[str], None]  # takes one progress line: print to stderr, a job's log, ...

_UNITS = ((1.0, "s"), (1e-3, "ms"), (1e-6, "µs"))


def format_seconds(value: float) -> str:
    """Three significant digits in the largest unit the value reaches, down to ns."""
    for scale, unit in _UNITS:
        if abs(value) >= scale:
            return f"{value / scale:.3g} {unit}"
    return f"{value / 1e-9:.3g} ns"

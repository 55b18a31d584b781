"""Helpers shared by the suite's modules.

``paired`` names the Criterion id a Python benchmark mirrors. It sets asv's ``pretty_name``
to that id (so the site reads like Criterion) and leaves ``criterion_id`` and
``approximate`` attributes that the pairing table is checked against.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., object])

# Reason text shared by the fan-out ids (docs/workloads.md §equivalence): ``[field] why``.
MERGED_STATE = (
    "[state] DashFlow merges a fan-out by appending every later branch's whole state to the "
    "first branch's, so the messages (or list items) each branch inherited from its input come "
    "back once per branch; LangGraph's reducers add only what each branch returned. The nodes "
    "do the same work; the merge, and so the final state, differs"
)


def paired(criterion_id: str, *, approximate: str | None = None) -> Callable[[F], F]:
    """Mark a ``time_``/``peakmem_`` method as the twin of ``criterion_id``.

    ``approximate`` is the reason the two sides cannot do identical work; None means exact.
    """
    group, _, function = criterion_id.partition("/")
    if not group or not function:
        raise ValueError(f"criterion id must be 'group/function', got {criterion_id!r}")

    def mark(func: F) -> F:
        kind = func.__name__.split("_", 1)[0]
        func.pretty_name = criterion_id if kind == "time" else f"{criterion_id} ({kind})"
        func.criterion_id = criterion_id
        func.approximate = approximate
        return func

    return mark


def reset_peak_rss() -> None:
    """Lower the process's peak-RSS mark to its current RSS (Linux; elsewhere a no-op).

    asv's peakmem reads ``ru_maxrss``, the peak since the process started: imports, ``setup``
    and the untimed priming call included. Resetting it first makes a ``peakmem_`` twin read
    the larger of the memory held after setup and the peak during its own body.
    """
    with contextlib.suppress(OSError), open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")


def setup_baseline(criterion_id: str) -> Callable[[Any], None]:
    """A ``peakmem_reference`` for a class with a ``peakmem_`` twin: nothing but the reset.

    It reads the memory held once ``setup`` is done, so the twin minus this is the
    workload's own peak (the scikit-image pattern). It carries no ``criterion_id``: it
    pairs with nothing.
    """

    def peakmem_reference(self: Any) -> None:
        """Setup alone."""
        reset_peak_rss()

    peakmem_reference.pretty_name = f"{criterion_id} (peakmem of setup alone)"
    return peakmem_reference

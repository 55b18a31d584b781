"""Helpers shared by the suite's modules.

``paired`` names the Criterion id a Python benchmark mirrors. It sets asv's ``pretty_name``
to that id (so the site reads like Criterion) and leaves ``criterion_id`` and
``approximate`` attributes that the pairing table is checked against.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., object])


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


def setup_baseline(criterion_id: str) -> Callable[[Any], None]:
    """An empty ``peakmem_reference`` for a class that has a ``peakmem_`` twin.

    asv's peakmem is the whole process's peak RSS, imports and ``setup`` included; this
    twin runs ``setup`` alone, so the difference is the workload's own memory (the
    scikit-image pattern). It carries no ``criterion_id``: it pairs with nothing.
    """

    def peakmem_reference(self: Any) -> None:
        """Setup alone."""

    peakmem_reference.pretty_name = f"{criterion_id} (peakmem of setup alone)"
    return peakmem_reference

"""How a suite class declares the Criterion id it mirrors, written once: its ``time_`` method.

A class ``<ClassName>`` in module ``<group>`` that defines ``time_<function>`` mirrors the
Criterion id ``<group>/<function>``; ``ClassName`` is ``<function>`` in CamelCase (a leading
number spelled out), so asv's name, the id and the site's label cannot drift apart.
``declare`` checks that at import and leaves on the method asv's ``pretty_name`` (so the site
reads like Criterion) and the ``criterion_id`` and ``approximate`` attributes that the
pairing table is built from. A class with ``with_peakmem = True`` also gets its ``peakmem_``
twin and the setup-alone baseline that the twin is read against.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Any, NamedTuple, TypeVar

from dashbench.workloads.states import make_complex

F = TypeVar("F", bound=Callable[..., object])

_LEADING_NUMBERS = {"3": "Three", "5": "Five", "10": "Ten"}

# Reason text shared by the fan-out ids (docs/workloads.md §equivalence): ``[field] why``.
MERGED_STATE = (
    "[state] DashFlow merges a fan-out by appending every later branch's whole state to the "
    "first branch's, so the messages (or list items) each branch inherited from its input come "
    "back once per branch; LangGraph's reducers add only what each branch returned. The nodes "
    "do the same work; the merge, and so the final state, differs"
)


def approximate(reason: str) -> Callable[[F], F]:
    """Mark a ``time_`` method whose two sides cannot do identical work, saying why."""

    def mark(func: F) -> F:
        func.approximate = reason
        return func

    return mark


def class_name(function: str) -> str:
    """The class asv names for a Criterion function id: ``3_nodes_simple`` -> ThreeNodesSimple."""
    first, *rest = function.split("_")
    if first.isdigit():
        if first not in _LEADING_NUMBERS:
            raise ValueError(f"no spelled-out class name for the leading {first!r} of {function}")
        first = _LEADING_NUMBERS[first]
    return "".join(part[:1].upper() + part[1:] for part in (first, *rest))


def reset_peak_rss() -> None:
    """Lower the process's peak-RSS mark to its current RSS (Linux; elsewhere a no-op).

    asv's peakmem reads ``ru_maxrss``, the peak since the process started: imports, ``setup``
    and the untimed priming call included. Resetting it first makes a ``peakmem_`` twin read
    the larger of the memory held after setup and the peak during its own body.
    """
    with contextlib.suppress(OSError), open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")


def _peakmem_twin(timed: Callable[[Any], Any], function: str) -> Callable[[Any], Any]:
    """``peakmem_<function>``: the timed body after a peak reset, under the same pairing."""

    def twin(self: Any) -> Any:
        reset_peak_rss()
        return timed(self)

    twin.__name__ = f"peakmem_{function}"
    twin.__qualname__ = f"{class_name(function)}.{twin.__name__}"
    twin.pretty_name = f"{timed.pretty_name} (peakmem)"
    twin.criterion_id = timed.criterion_id
    twin.approximate = timed.approximate
    return twin


def _setup_baseline(criterion_id: str) -> Callable[[Any], None]:
    """``peakmem_reference``: nothing but the reset, so it reads the memory setup holds.

    The twin minus this is the workload's own peak (the scikit-image pattern). It carries no
    ``criterion_id``: it pairs with nothing.
    """

    def peakmem_reference(self: Any) -> None:
        """Setup alone."""
        reset_peak_rss()

    peakmem_reference.pretty_name = f"{criterion_id} (peakmem of setup alone)"
    return peakmem_reference


def declare(cls: type) -> None:
    """Derive the pair id of the one ``time_`` method ``cls`` defines; a misnamed class fails.

    Classes without a ``time_`` method of their own (the bases) are left alone.
    """
    timed = [name for name in vars(cls) if name.startswith("time_")]
    if not timed:
        return
    group = cls.__module__.rpartition(".")[2]
    if len(timed) > 1:
        raise TypeError(f"{group}.{cls.__name__}: one time_ method a class, got {timed}")
    function = timed[0].removeprefix("time_")
    if cls.__name__ != class_name(function):
        raise TypeError(
            f"{group}.{cls.__name__}: a class timing {timed[0]} must be named "
            f"{class_name(function)}, so that its asv name follows its Criterion id"
        )
    func = vars(cls)[timed[0]]
    func.criterion_id = func.pretty_name = f"{group}/{function}"
    func.approximate = getattr(func, "approximate", None)
    if getattr(cls, "with_peakmem", False):
        setattr(cls, f"peakmem_{function}", _peakmem_twin(func, function))
        cls.peakmem_reference = _setup_baseline(func.criterion_id)


def define(
    namespace: dict[str, Any],
    base: type,
    function: str,
    timed: Callable[..., Any],
    reason: str | None = None,
    **attrs: Any,
) -> None:
    """Put the class of one table row into a module's ``namespace``, as a class statement would.

    ``timed`` becomes its ``time_<function>``, marked approximate when the row gives a
    ``reason``, and ``attrs`` its class attributes; ``base``'s ``__init_subclass__`` then
    declares it like a written class.
    """
    if reason is not None:
        approximate(reason)(timed)
    name = class_name(function)
    timed.__name__ = f"time_{function}"
    timed.__qualname__ = f"{name}.{timed.__name__}"
    namespace[name] = type(
        name, (base,), {"__module__": namespace["__name__"], timed.__name__: timed, **attrs}
    )


class Invoked(NamedTuple):
    """A table row: the id's function, its graph builder, its state maker, class attributes.

    The builder's docstring says what the graph does; ``approximate`` why the sides differ.
    """

    function: str
    build: Callable[..., Any]
    make: Callable[[], Any] = make_complex
    attrs: Mapping[str, Any] = MappingProxyType({})
    approximate: str | None = None  # why the two sides cannot do identical work; None: exact


def invoke_table(namespace: dict[str, Any], base: type, rows: Iterable[Invoked]) -> None:
    """Define a class per row that times ``State::new()`` + ``invoke`` on the graph that
    ``base.setup`` compiled with the row's ``build``."""
    for row in rows:
        attrs = {"__doc__": row.build.__doc__, "build": staticmethod(row.build), **row.attrs}
        define(namespace, base, row.function, _invoking(row.make), row.approximate, **attrs)


def _invoking(make: Callable[[], Any]) -> Callable[[Any], Any]:
    def timed(self: Any) -> Any:
        return self.app.invoke(make(), self.config)

    return timed

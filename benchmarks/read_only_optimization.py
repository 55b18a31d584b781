"""read_only_optimization: linear graphs with a collecting callback created per sample.

All four ids are approximate: LangGraph has no read-only node flag and no state-diff
events, so the twin collects graph and node start/end events (12 for 5 nodes, 8 for 3;
LangGraph 0.2.x adds its internal channel writers, 28 and 20) where DashFlow sends 17, 22,
11 and 14 events and diffs the state after mutating nodes.

See docs/workloads.md §read_only_optimization.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dashbench.workloads import read_only_optimization as wl
from dashbench.workloads.common import run_config
from dashbench.workloads.states import make_complex, make_large

from .common import approximate
from .harness import InvokeTiming

READ_ONLY = (
    "no read-only flag in LangGraph: read-only nodes write nothing, and the handler sees "
    "graph and node start/end only, where DashFlow sends node, edge and state events"
)
MUTATING = (
    "LangGraph sends graph and node start/end only; DashFlow also sends edge events and "
    "a StateChanged event computed by diffing the state as serde_json values"
)


class WithCallbacks(InvokeTiming):
    """Criterion's closure: compile, then attach one CollectingCallback for the sample.

    Like every compiled graph here it is primed with one untimed call, so the handler
    already holds that call's events when timing starts; DashFlow's keeps growing too.
    """

    build: Callable[[], Any]

    def setup(self) -> None:
        self.app = self.build()
        self.handler = wl.CollectingHandler()
        self.config = run_config(callbacks=[self.handler])
        self.prime()


class FiveReadOnlyNodesWithCallbacks(WithCallbacks):
    """Approximate: see READ_ONLY."""

    build = staticmethod(wl.build_read_only_complex)

    @approximate(READ_ONLY)
    def time_5_read_only_nodes_with_callbacks(self) -> Any:
        return self.app.invoke(make_complex(), self.config)


class FiveMutatingNodesWithCallbacks(WithCallbacks):
    """Approximate: see MUTATING."""

    build = staticmethod(wl.build_mutating_complex)

    @approximate(MUTATING)
    def time_5_mutating_nodes_with_callbacks(self) -> Any:
        return self.app.invoke(make_complex(), self.config)


class ThreeReadOnlyNodesLargeState(WithCallbacks):
    """Approximate: see READ_ONLY. DashFlow's 8 large-state clones per call are not made."""

    build = staticmethod(wl.build_read_only_large)
    with_peakmem = True

    @approximate(READ_ONLY)
    def time_3_read_only_nodes_large_state(self) -> Any:
        return self.app.invoke(make_large(), self.config)


class ThreeMutatingNodesLargeState(WithCallbacks):
    """Approximate: see MUTATING. DashFlow converts the ~229 KB state to JSON values twice
    per node to diff it; LangGraph does no such diff."""

    build = staticmethod(wl.build_mutating_large)
    with_peakmem = True

    @approximate(MUTATING)
    def time_3_mutating_nodes_large_state(self) -> Any:
        return self.app.invoke(make_large(), self.config)

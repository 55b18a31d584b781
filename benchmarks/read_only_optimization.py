"""read_only_optimization: linear graphs with a collecting callback created per call.

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
from dashbench.workloads.states import make_large

from .common import Invoked, invoke_table
from .harness import InvokeTiming

STATE_COPIES = (
    "[event_state_copies] every DashFlow GraphStart, NodeStart, NodeEnd and GraphEnd event "
    "holds its own clone of the state (12 a call for 5 nodes, 8 for 3), which the callback "
    "keeps; LangGraph's handler keeps references to the payloads LangGraph hands it"
)
READ_ONLY = (
    "[events] no read-only flag in LangGraph: read-only nodes write nothing, and the handler "
    "sees graph and node start/end only (12 events for 5 nodes, 8 for 3); DashFlow also sends "
    "an edge event per node (17, 11), and its read-only nodes send no StateChanged " + STATE_COPIES
)
MUTATING = (
    "[events] LangGraph's handler sees graph and node start/end only (12, 8); DashFlow also "
    "sends an edge event and a StateChanged event per node, the latter computed by diffing "
    "the state as serde_json values (22, 14) " + STATE_COPIES
)


class WithCallbacks(InvokeTiming):
    """Criterion's per-call setup: compile, then attach a new CollectingCallback.

    Like every compiled graph here it is primed with one untimed call, so the handler
    already holds that call's events when timing starts; Rust's callback starts empty.
    """

    build: Callable[[], Any]

    def setup(self) -> None:
        self.app = self.build()
        self.handler = wl.CollectingHandler()
        self.config = run_config(callbacks=[self.handler])
        self.prime()


LARGE = {"with_peakmem": True}

invoke_table(
    globals(),
    WithCallbacks,
    [
        Invoked(
            "5_read_only_nodes_with_callbacks", wl.build_read_only_complex, approximate=READ_ONLY
        ),
        Invoked("5_mutating_nodes_with_callbacks", wl.build_mutating_complex, approximate=MUTATING),
        Invoked(
            "3_read_only_nodes_large_state", wl.build_read_only_large, make_large, LARGE, READ_ONLY
        ),
        Invoked(
            "3_mutating_nodes_large_state", wl.build_mutating_large, make_large, LARGE, MUTATING
        ),
    ],
)

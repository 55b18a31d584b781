"""state_cloning: copy and serialize the three state sizes, and run them through graphs.

Clone and serialize ids build the state in ``setup`` (once per Criterion sample) and time
only the copy or the serialization; graph ids time ``State::new()`` plus ``invoke``. Like the
Rust side's group, both are tables: a row per id, the large state's rows with a peakmem twin.
Sub-millisecond bodies take an explicit ``number`` so that each sample averages many calls;
asv re-runs ``setup`` before every call, so each call sees a freshly built state.

See docs/workloads.md §state_cloning.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dashbench.workloads import state_cloning as wl
from dashbench.workloads.states import make_large, make_medium, make_small

from .common import MERGED_STATE, Invoked, define, invoke_table
from .harness import Calibrated, CompiledGraph

CLONE = (
    "[shared_strings] copy.deepcopy stands in for a derived Clone: Python shares immutable "
    "strings instead of duplicating their bytes (4 / 203 / 2,003 strings of the copy are the "
    "original's, against none in Rust), and deepcopy keeps a memo dict"
)
PICKLE = (
    "[format] pickle (protocol 5) stands in for bincode 1.x, a different binary format "
    "[bytes] 62 / 2,127 / 126,243 B against 25 / 3,294 / 136,174 B"
)


class PreparedState(Calibrated):
    """Base for clone and serialize ids: Criterion builds the state once per sample, untimed.

    Each class sets ``number`` so that one sample sums a few milliseconds of calls.
    """

    make: Callable[[], Any]
    repeat = (10, 30, 3.0)
    # The bodies only read the state, so the instruction count may run ``number`` calls on
    # one setup, as Criterion's iterations do: a single call of a few thousand instructions
    # would let allocator and address effects show as noise.
    calls_share_setup = True

    def setup(self) -> None:
        self.state = self.make()


class ShortInvoke(CompiledGraph):
    """3-node invokes: 5 primed calls a sample, at most 3 s a round, to fit the suite's budget."""

    number = 5
    repeat = (10, 30, 3.0)


def _prepared(
    function: str,
    make: Callable[[], Any],
    number: int,
    operation: Callable[[Any], Any],
    reason: str | None,
) -> None:
    """Define the class of one clone or serialize row: ``operation`` on the prepared state."""

    def timed(self: PreparedState) -> Any:
        return operation(self.state)

    define(
        globals(),
        PreparedState,
        function,
        timed,
        reason,
        make=staticmethod(make),
        number=number,
        with_peakmem=make is make_large,
    )


# function id, state, calls a sample, timed operation, approximate reason
for _row in [
    ("small_state_clone", make_small, 2000, wl.clone, CLONE),
    ("medium_state_clone", make_medium, 200, wl.clone, CLONE),
    ("large_state_clone", make_large, 20, wl.clone, CLONE),
    ("small_state_json_serialize", make_small, 2000, wl.to_json, None),
    ("medium_state_json_serialize", make_medium, 500, wl.to_json, None),
    ("large_state_json_serialize", make_large, 3, wl.to_json, None),
    ("small_state_bincode_serialize", make_small, 2000, wl.to_pickle, PICKLE),
    ("medium_state_bincode_serialize", make_medium, 500, wl.to_pickle, PICKLE),
    ("large_state_bincode_serialize", make_large, 100, wl.to_pickle, PICKLE),
]:
    _prepared(*_row)

invoke_table(
    globals(),
    ShortInvoke,
    [
        Invoked("small_state_3_nodes", wl.build_small_3_nodes, make_small),
        Invoked("medium_state_3_nodes", wl.build_medium_3_nodes, make_medium),
        Invoked(
            "large_state_3_nodes",
            wl.build_large_3_nodes,
            make_large,
            {"number": 3, "with_peakmem": True},
        ),
        Invoked(
            "medium_state_parallel_3_workers",
            wl.build_medium_parallel_3_workers,
            make_medium,
            {"number": 3},
            MERGED_STATE,
        ),
    ],
)

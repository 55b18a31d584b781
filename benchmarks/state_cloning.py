"""state_cloning: copy and serialize the three state sizes, and run them through graphs.

Clone and serialize ids build the state in ``setup`` (once per Criterion sample) and time
only the copy or the serialization; graph ids time ``State::new()`` plus ``invoke``.
Sub-millisecond bodies take an explicit ``number`` so that each sample averages many calls;
asv re-runs ``setup`` before every call, so each call sees a freshly built state.

See docs/workloads.md §state_cloning.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dashbench.workloads import state_cloning as wl
from dashbench.workloads.states import make_large, make_medium, make_small

from .common import MERGED_STATE, paired, reset_peak_rss, setup_baseline
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


# --- clone ------------------------------------------------------------------------------


class SmallStateClone(PreparedState):
    """Approximate: deepcopy of three scalars against a derived Clone."""

    make = staticmethod(make_small)
    number = 2000

    @paired("state_cloning/small_state_clone", approximate=CLONE)
    def time_small_state_clone(self) -> Any:
        return wl.clone(self.state)


class MediumStateClone(PreparedState):
    """Approximate: deepcopy shares the 200 strings a Rust Clone duplicates."""

    make = staticmethod(make_medium)
    number = 200

    @paired("state_cloning/medium_state_clone", approximate=CLONE)
    def time_medium_state_clone(self) -> Any:
        return wl.clone(self.state)


class LargeStateClone(PreparedState):
    """Approximate: deepcopy shares the 2,000 strings but copies the ten 10 KB bytearrays."""

    make = staticmethod(make_large)
    number = 20

    peakmem_reference = setup_baseline("state_cloning/large_state_clone")

    @paired("state_cloning/large_state_clone", approximate=CLONE)
    def time_large_state_clone(self) -> Any:
        return wl.clone(self.state)

    @paired("state_cloning/large_state_clone", approximate=CLONE)
    def peakmem_large_state_clone(self) -> Any:
        reset_peak_rss()
        return self.time_large_state_clone()


# --- graphs -----------------------------------------------------------------------------


class SmallState3Nodes(ShortInvoke):
    build = staticmethod(wl.build_small_3_nodes)

    @paired("state_cloning/small_state_3_nodes")
    def time_small_state_3_nodes(self) -> Any:
        return self.app.invoke(make_small(), self.config)


class MediumState3Nodes(ShortInvoke):
    build = staticmethod(wl.build_medium_3_nodes)

    @paired("state_cloning/medium_state_3_nodes")
    def time_medium_state_3_nodes(self) -> Any:
        return self.app.invoke(make_medium(), self.config)


class LargeState3Nodes(ShortInvoke):
    build = staticmethod(wl.build_large_3_nodes)
    number = 3

    peakmem_reference = setup_baseline("state_cloning/large_state_3_nodes")

    @paired("state_cloning/large_state_3_nodes")
    def time_large_state_3_nodes(self) -> Any:
        return self.app.invoke(make_large(), self.config)

    @paired("state_cloning/large_state_3_nodes")
    def peakmem_large_state_3_nodes(self) -> Any:
        reset_peak_rss()
        return self.time_large_state_3_nodes()


class MediumStateParallel3Workers(ShortInvoke):
    """LangGraph ends with data 103 and counters 400; DashFlow's whole-state merge gives
    303 and 300. Same topology and node work: the difference is how each framework merges."""

    build = staticmethod(wl.build_medium_parallel_3_workers)
    number = 3

    @paired("state_cloning/medium_state_parallel_3_workers", approximate=MERGED_STATE)
    def time_medium_state_parallel_3_workers(self) -> Any:
        return self.app.invoke(make_medium(), self.config)


# --- serialize --------------------------------------------------------------------------


class SmallStateJsonSerialize(PreparedState):
    make = staticmethod(make_small)
    number = 2000

    @paired("state_cloning/small_state_json_serialize")
    def time_small_state_json_serialize(self) -> str:
        return wl.to_json(self.state)


class MediumStateJsonSerialize(PreparedState):
    make = staticmethod(make_medium)
    number = 500

    @paired("state_cloning/medium_state_json_serialize")
    def time_medium_state_json_serialize(self) -> str:
        return wl.to_json(self.state)


class LargeStateJsonSerialize(PreparedState):
    make = staticmethod(make_large)
    number = 3

    peakmem_reference = setup_baseline("state_cloning/large_state_json_serialize")

    @paired("state_cloning/large_state_json_serialize")
    def time_large_state_json_serialize(self) -> str:
        return wl.to_json(self.state)

    @paired("state_cloning/large_state_json_serialize")
    def peakmem_large_state_json_serialize(self) -> str:
        reset_peak_rss()
        return self.time_large_state_json_serialize()


class SmallStateBincodeSerialize(PreparedState):
    """Approximate: pickle writes 62 B where bincode writes 25 B."""

    make = staticmethod(make_small)
    number = 2000

    @paired("state_cloning/small_state_bincode_serialize", approximate=PICKLE)
    def time_small_state_bincode_serialize(self) -> bytes:
        return wl.to_pickle(self.state)


class MediumStateBincodeSerialize(PreparedState):
    """Approximate: pickle writes 2,127 B where bincode writes 3,294 B."""

    make = staticmethod(make_medium)
    number = 500

    @paired("state_cloning/medium_state_bincode_serialize", approximate=PICKLE)
    def time_medium_state_bincode_serialize(self) -> bytes:
        return wl.to_pickle(self.state)


class LargeStateBincodeSerialize(PreparedState):
    """Approximate: pickle writes 126,243 B where bincode writes 136,174 B."""

    make = staticmethod(make_large)
    number = 100

    peakmem_reference = setup_baseline("state_cloning/large_state_bincode_serialize")

    @paired("state_cloning/large_state_bincode_serialize", approximate=PICKLE)
    def time_large_state_bincode_serialize(self) -> bytes:
        return wl.to_pickle(self.state)

    @paired("state_cloning/large_state_bincode_serialize", approximate=PICKLE)
    def peakmem_large_state_bincode_serialize(self) -> bytes:
        reset_peak_rss()
        return self.time_large_state_bincode_serialize()

"""stress_tests: the 100-node chain, 10-level routing, 50-way fan-out and 100-step loop.

Criterion takes 10 samples here (``sample_size(10)``). Each call is tens of milliseconds on
LangGraph 1.x, so a sample is one (primed) call and a 6 s budget per round bounds the count.
LangGraph 0.2.x needs about 3 s per 100-node invoke (16 s seen on this loaded 2-core machine;
its 100-step one-node loop takes 0.2 s, so the cost is in the node count). There the budget
stops after the minimum of 2 samples a round, inside the raised ``timeout``: the slow line is
measured, not skipped.

See docs/workloads.md §stress_tests.
"""

from __future__ import annotations

from typing import Any

from dashbench.workloads import stress_tests as wl
from dashbench.workloads.common import RECURSION_LIMIT, run_config
from dashbench.workloads.states import make_complex

from .common import MERGED_STATE, approximate
from .harness import CompiledGraph

WIDE = (
    MERGED_STATE + " (50 copies of the initial message in DashFlow's, 1 in LangGraph's) "
    "[tasks] LangGraph runs the 50 branches on a pool of 8 threads (max_concurrency), which "
    "it starts inside the timed call; DashFlow spawns a tokio task per branch (at most 64 at "
    "once) on the runtime built untimed"
)


class StressGraph(CompiledGraph):
    """One call per sample, 2 to 20 samples in at most 6 s a round; a raised timeout."""

    number = 1
    repeat = (2, 20, 6.0)
    timeout = 300.0
    recursion_limit = RECURSION_LIMIT
    with_peakmem = True  # every stress id also has its peak memory measured

    def setup(self) -> None:
        self.app = self.build()
        self.config = run_config(recursion_limit=self.recursion_limit)
        self.prime()


class LargeGraph100Nodes(StressGraph):
    """node0 -> ... -> node99: counter 100 and 101 messages."""

    build = staticmethod(wl.build_large_graph_100_nodes)
    recursion_limit = wl.STRESS_RECURSION_LIMIT

    def time_large_graph_100_nodes(self) -> Any:
        return self.app.invoke(make_complex(), self.config)


class DeepNesting10Levels(StressGraph):
    """level0 -> ... -> level9, each hop through a one-route conditional edge on ``next``."""

    build = staticmethod(wl.build_deep_nesting_10_levels)
    number = 3

    def time_deep_nesting_10_levels(self) -> Any:
        return self.app.invoke(make_complex(), self.config)


class WideFanout50ParallelBranches(StressGraph):
    """start fans out to worker0..49 in one superstep; collect runs once (counter 52).

    ``max_concurrency`` is pinned (common.MAX_CONCURRENCY), so the 50 tasks share a pool of
    8 threads, started inside the timed call, where DashFlow runs 50 tokio tasks (64 at most)
    on a runtime built untimed (WIDE).
    """

    build = staticmethod(wl.build_wide_fanout_50_parallel_branches)

    @approximate(WIDE)
    def time_wide_fanout_50_parallel_branches(self) -> Any:
        return self.app.invoke(make_complex(), self.config)


class LongRunning100Iterations(StressGraph):
    """processor loops on itself 100 times: counter 100 and 101 messages."""

    build = staticmethod(wl.build_long_running_100_iterations)
    recursion_limit = wl.STRESS_RECURSION_LIMIT

    def time_long_running_100_iterations(self) -> Any:
        return self.app.invoke(make_complex(), self.config)

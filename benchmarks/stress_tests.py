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

from dashbench.workloads import stress_tests as wl
from dashbench.workloads.common import RECURSION_LIMIT, run_config

from .common import MERGED_STATE, Invoked, invoke_table
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


LOOPING = {"recursion_limit": wl.STRESS_RECURSION_LIMIT}

invoke_table(
    globals(),
    StressGraph,
    [
        Invoked("large_graph_100_nodes", wl.build_large_graph_100_nodes, attrs=LOOPING),
        Invoked("deep_nesting_10_levels", wl.build_deep_nesting_10_levels, attrs={"number": 3}),
        Invoked(
            "wide_fanout_50_parallel_branches",
            wl.build_wide_fanout_50_parallel_branches,
            approximate=WIDE,
        ),
        Invoked("long_running_100_iterations", wl.build_long_running_100_iterations, attrs=LOOPING),
    ],
)

"""parallel_execution: setup compiles the fan-out; ``time_`` is ``State::new()`` + invoke.

Branches run on LangGraph's per-invoke thread pool, pinned to ``MAX_CONCURRENCY`` workers by
``run_config`` so the result does not depend on the runner's CPU count.

See docs/workloads.md §parallel_execution.
"""

from __future__ import annotations

from dashbench.workloads import parallel_execution as wl
from dashbench.workloads.states import make_complex

from .common import MERGED_STATE, Invoked, invoke_table
from .harness import CompiledGraph

invoke_table(
    globals(),
    CompiledGraph,
    [
        Invoked(
            "fanout_3_workers", wl.build_fanout_3_workers, make_complex, approximate=MERGED_STATE
        ),
        Invoked(
            "fanout_5_workers_heavy",
            wl.build_fanout_5_workers_heavy,
            make_complex,
            approximate=MERGED_STATE,
        ),
        Invoked(
            "two_stage_parallel",
            wl.build_two_stage_parallel,
            make_complex,
            approximate=MERGED_STATE,
        ),
    ],
)

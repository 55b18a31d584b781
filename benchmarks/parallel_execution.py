"""parallel_execution: setup compiles the fan-out; ``time_`` is ``State::new()`` + invoke.

Branches run on LangGraph's per-invoke thread pool, pinned to ``MAX_CONCURRENCY`` workers by
``run_config`` so the result does not depend on the runner's CPU count.

See docs/workloads.md §parallel_execution.
"""

from __future__ import annotations

from dashbench.workloads import parallel_execution as wl
from dashbench.workloads.states import make_complex

from .common import MERGED_STATE, paired
from .harness import CompiledGraph


class Fanout3Workers(CompiledGraph):
    build = staticmethod(wl.build_fanout_3_workers)

    @paired("parallel_execution/fanout_3_workers", approximate=MERGED_STATE)
    def time_fanout_3_workers(self):
        return self.app.invoke(make_complex(), self.config)


class Fanout5WorkersHeavy(CompiledGraph):
    build = staticmethod(wl.build_fanout_5_workers_heavy)

    @paired("parallel_execution/fanout_5_workers_heavy", approximate=MERGED_STATE)
    def time_fanout_5_workers_heavy(self):
        return self.app.invoke(make_complex(), self.config)


class TwoStageParallel(CompiledGraph):
    build = staticmethod(wl.build_two_stage_parallel)

    @paired("parallel_execution/two_stage_parallel", approximate=MERGED_STATE)
    def time_two_stage_parallel(self):
        return self.app.invoke(make_complex(), self.config)

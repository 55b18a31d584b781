"""tracing_overhead: runs with no observer attached (no callbacks, LangSmith tracing off).

See docs/workloads.md §tracing_overhead.
"""

from __future__ import annotations

from typing import Any

from dashbench.workloads import checkpointing
from dashbench.workloads import tracing_overhead as wl
from dashbench.workloads.common import run_config
from dashbench.workloads.states import make_complex

from .checkpointing import Checkpointed
from .common import MERGED_STATE, paired
from .harness import CompiledGraph


class FiveNodesNoSubscriber(CompiledGraph):
    build = staticmethod(wl.build_5_nodes)

    @paired("tracing_overhead/5_nodes_no_subscriber")
    def time_5_nodes_no_subscriber(self) -> Any:
        return self.app.invoke(make_complex(), self.config)


class Parallel3WorkersNoSubscriber(CompiledGraph):
    build = staticmethod(wl.build_parallel_3_workers)

    @paired("tracing_overhead/parallel_3_workers_no_subscriber", approximate=MERGED_STATE)
    def time_parallel_3_workers_no_subscriber(self) -> Any:
        return self.app.invoke(make_complex(), self.config)


class Checkpoint3NodesNoSubscriber(Checkpointed):
    """checkpointing/memory_checkpoint_3_nodes again, under DashFlow's thread name."""

    build = staticmethod(checkpointing.build_checkpoint_3_nodes)
    thread = "bench_tracing_overhead"

    @paired("tracing_overhead/checkpoint_3_nodes_no_subscriber")
    def time_checkpoint_3_nodes_no_subscriber(self) -> Any:
        return self.app.invoke(make_complex(), run_config(self.thread_ids()))

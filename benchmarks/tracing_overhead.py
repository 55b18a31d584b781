"""tracing_overhead: runs with no observer attached (no callbacks, LangSmith tracing off).

See docs/workloads.md §tracing_overhead.
"""

from __future__ import annotations

from dashbench.workloads import checkpointing
from dashbench.workloads import tracing_overhead as wl
from dashbench.workloads.states import make_complex

from .checkpointing import Checkpointed, thread
from .common import MERGED_STATE, Invoked, invoke_table
from .harness import CompiledGraph

invoke_table(
    globals(),
    CompiledGraph,
    [
        Invoked("5_nodes_no_subscriber", wl.build_5_nodes, make_complex),
        Invoked(
            "parallel_3_workers_no_subscriber",
            wl.build_parallel_3_workers,
            make_complex,
            approximate=MERGED_STATE,
        ),
    ],
)
# checkpointing/memory_checkpoint_3_nodes again, under DashFlow's thread name.
invoke_table(
    globals(),
    Checkpointed,
    [
        Invoked(
            "checkpoint_3_nodes_no_subscriber",
            checkpointing.build_checkpoint_3_nodes,
            attrs=thread("bench_tracing_overhead"),
        ),
    ],
)

"""sequential_execution: setup compiles the chain; ``time_`` is ``State::new()`` + invoke.

See docs/workloads.md §sequential_execution.
"""

from __future__ import annotations

from dashbench.workloads import sequential_execution as wl
from dashbench.workloads.states import make_complex, make_simple

from .common import Invoked, invoke_table
from .harness import CompiledGraph

invoke_table(
    globals(),
    CompiledGraph,
    [
        Invoked("3_nodes_simple", wl.build_3_nodes_simple, make_simple),
        Invoked("5_nodes_complex", wl.build_5_nodes_complex, make_complex),
        Invoked("10_nodes_stress", wl.build_10_nodes_stress, make_complex),
    ],
)

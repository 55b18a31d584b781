"""conditional_branching: setup compiles the routed graph; ``time_`` is State::new() + invoke.

See docs/workloads.md §conditional_branching.
"""

from __future__ import annotations

from dashbench.workloads import conditional_branching as wl
from dashbench.workloads.states import make_complex

from .common import Invoked, invoke_table
from .harness import CompiledGraph

invoke_table(
    globals(),
    CompiledGraph,
    [
        Invoked("binary_conditional", wl.build_binary_conditional, make_complex),
        Invoked("loop_with_exit_condition", wl.build_loop_with_exit_condition, make_complex),
        Invoked("multi_branch_4_routes", wl.build_multi_branch_4_routes, make_complex),
    ],
)

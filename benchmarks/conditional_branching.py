"""conditional_branching: setup compiles the routed graph; ``time_`` is State::new() + invoke.

See docs/workloads.md §conditional_branching.
"""

from __future__ import annotations

from dashbench.workloads import conditional_branching as wl
from dashbench.workloads.states import make_complex

from .common import paired
from .harness import CompiledGraph


class BinaryConditional(CompiledGraph):
    build = staticmethod(wl.build_binary_conditional)

    @paired("conditional_branching/binary_conditional")
    def time_binary_conditional(self):
        return self.app.invoke(make_complex(), self.config)


class LoopWithExitCondition(CompiledGraph):
    build = staticmethod(wl.build_loop_with_exit_condition)

    @paired("conditional_branching/loop_with_exit_condition")
    def time_loop_with_exit_condition(self):
        return self.app.invoke(make_complex(), self.config)


class MultiBranch4Routes(CompiledGraph):
    build = staticmethod(wl.build_multi_branch_4_routes)

    @paired("conditional_branching/multi_branch_4_routes")
    def time_multi_branch_4_routes(self):
        return self.app.invoke(make_complex(), self.config)

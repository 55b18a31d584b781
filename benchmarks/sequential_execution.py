"""sequential_execution: setup compiles the chain; ``time_`` is ``State::new()`` + invoke.

See docs/workloads.md §sequential_execution.
"""

from __future__ import annotations

from dashbench.workloads import sequential_execution as wl
from dashbench.workloads.states import make_complex, make_simple

from .common import paired
from .harness import CompiledGraph


class ThreeNodesSimple(CompiledGraph):
    build = staticmethod(wl.build_3_nodes_simple)

    @paired("sequential_execution/3_nodes_simple")
    def time_3_nodes_simple(self):
        return self.app.invoke(make_simple(), self.config)


class FiveNodesComplex(CompiledGraph):
    build = staticmethod(wl.build_5_nodes_complex)

    @paired("sequential_execution/5_nodes_complex")
    def time_5_nodes_complex(self):
        return self.app.invoke(make_complex(), self.config)


class TenNodesStress(CompiledGraph):
    build = staticmethod(wl.build_10_nodes_stress)

    @paired("sequential_execution/10_nodes_stress")
    def time_10_nodes_stress(self):
        return self.app.invoke(make_complex(), self.config)

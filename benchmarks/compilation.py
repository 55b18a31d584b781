"""compilation: Criterion times graph build + ``compile()`` + drop, so ``time_`` does both.

See docs/workloads.md §compilation.
"""

from __future__ import annotations

from dashbench.workloads import compilation as wl

from .harness import CompileTiming


class SimpleGraph3Nodes(CompileTiming):
    def time_simple_graph_3_nodes(self):
        return wl.build_simple_graph_3_nodes()


class ComplexGraph10Nodes(CompileTiming):
    def time_complex_graph_10_nodes(self):
        return wl.build_complex_graph_10_nodes()


class GraphWithConditionals(CompileTiming):
    def time_graph_with_conditionals(self):
        return wl.build_graph_with_conditionals()

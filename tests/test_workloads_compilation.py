"""Each compilation benchmark run once through its asv class, checked against
docs/workloads.md §compilation.

The timed body returns the compiled graph; invoking it afterwards checks that the graph it
built (nodes, edges, routing) is the one Criterion compiles. The classes have no setup
(nothing is prepared outside the timed region), so the body is simply called.
"""

from __future__ import annotations

from benchmarks import compilation as bench
from dashbench.workloads.common import run_config
from dashbench.workloads.states import make_complex, make_simple


def test_simple_graph_3_nodes():
    app = bench.SimpleGraph3Nodes().time_simple_graph_3_nodes()
    assert {"node1", "node2", "node3"} <= app.nodes.keys()
    assert app.checkpointer is None
    assert app.invoke(make_simple(), run_config()) == {"counter": 3, "data": ""}


def test_complex_graph_10_nodes():
    app = bench.ComplexGraph10Nodes().time_complex_graph_10_nodes()
    assert {f"node{i}" for i in range(10)} <= app.nodes.keys()
    state = app.invoke(make_complex(), run_config())
    assert state["counter"] == 10
    assert state["messages"][1:] == [f"Processed by node{i}" for i in range(10)]


def test_graph_with_conditionals_compiles_its_self_loop():
    app = bench.GraphWithConditionals().time_graph_with_conditionals()
    assert {"start", "process"} <= app.nodes.keys()
    runs = [
        next(iter(chunk))
        for chunk in app.stream(make_complex(), run_config(), stream_mode="updates")
    ]
    assert runs == ["start", "process", "process", "process"]

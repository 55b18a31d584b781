"""real_world_scenarios: three application-shaped graphs over ComplexState.

The two fan-out scenarios use reducer schemas because several branches write ``messages``
and ``metadata`` in one superstep; nodes there return only their new items and keys.

See docs/workloads.md §real_world_scenarios.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from langgraph.graph import END, StateGraph
from langgraph.graph.state import CompiledStateGraph

from dashbench.workloads.common import require_node_option, route_on_next
from dashbench.workloads.states import (
    ComplexFanoutRoutedState,
    ComplexFanoutState,
    ComplexState,
)

# --- customer_service_router ------------------------------------------------------------

INTENTS = ("billing", "tech", "sales", "other")
SPECIALISTS = {
    "billing": "billing_specialist",
    "tech": "tech_specialist",
    "sales": "sales_specialist",
    "other": "general_agent",
}


def classify_intent(state: ComplexState) -> dict[str, Any]:
    counter = state["counter"] + 1
    intent = INTENTS[counter % 4]
    return {
        "counter": counter,
        "messages": [*state["messages"], "Classifying customer intent"],
        "next": intent,
        "metadata": {**state["metadata"], "intent": intent},
    }


def specialist(kind: str, label: str, can_escalate: bool) -> Callable[[ComplexState], dict]:
    def node(state: ComplexState) -> dict[str, Any]:
        escalate = can_escalate and state["counter"] % 5 == 0
        return {
            "messages": [*state["messages"], f"{label} handling request"],
            "metadata": {**state["metadata"], "specialist": kind},
            "next": "escalate" if escalate else "resolve",
        }

    return node


def escalate(state: ComplexState) -> dict[str, Any]:
    return {
        "messages": [*state["messages"], "Escalating to supervisor"],
        "metadata": {**state["metadata"], "escalated": "true"},
        "status": "escalated",
    }


def resolve(state: ComplexState) -> dict[str, Any]:
    return {"messages": [*state["messages"], "Request resolved"], "status": "resolved"}


def build_customer_service_router() -> CompiledStateGraph:
    """classify_intent -> tech_specialist -> resolve on every fresh input (counter 1)."""
    graph = StateGraph(ComplexState)
    graph.add_node("classify_intent", classify_intent)
    graph.add_node("billing_specialist", specialist("billing", "Billing specialist", True))
    graph.add_node("tech_specialist", specialist("tech", "Tech specialist", True))
    graph.add_node("sales_specialist", specialist("sales", "Sales specialist", False))
    graph.add_node("general_agent", specialist("general", "General agent", False))
    graph.add_node("escalate", escalate)
    graph.add_node("resolve", resolve)
    graph.set_entry_point("classify_intent")
    graph.add_conditional_edges("classify_intent", route_on_next, SPECIALISTS)
    for name in SPECIALISTS.values():
        graph.add_conditional_edges(
            name, route_on_next, {"escalate": "escalate", "resolve": "resolve"}
        )
    graph.add_edge("escalate", END)
    graph.add_edge("resolve", END)
    return graph.compile()


# --- batch_processing_pipeline ----------------------------------------------------------


def receive_batch(_state: ComplexFanoutRoutedState) -> dict[str, Any]:
    return {"counter": 10, "messages": ["Received batch of 10 items"], "status": "processing"}


def processor(i: int) -> Callable[[ComplexFanoutRoutedState], dict[str, Any]]:
    def node(_state: ComplexFanoutRoutedState) -> dict[str, Any]:
        return {
            "messages": [f"Processor {i} handling items"],
            "metadata": {f"processor{i}_item{j}": "processed" for j in range(2)},
            "next": "error" if i == 5 else "success",
        }

    return node


def handle_error(_state: ComplexFanoutRoutedState) -> dict[str, Any]:
    return {"messages": ["Handling processing error"], "metadata": {"error_handled": "true"}}


def aggregate_results(state: ComplexFanoutRoutedState) -> dict[str, Any]:
    return {
        "messages": ["Aggregating results"],
        "status": "completed",
        "counter": len(state["metadata"]),
    }


def build_batch_processing_pipeline() -> CompiledStateGraph:
    """receive_batch, processor1..5, handle_error (processor5's route), aggregate_results once.

    ``defer=True`` holds aggregate_results until handle_error has run, so it runs once
    (8 node runs, final counter 13). Lines of LangGraph without ``defer`` raise
    NotImplementedError: without it aggregate_results would run twice.
    """
    require_node_option("defer")
    graph = StateGraph(ComplexFanoutRoutedState)
    graph.add_node("receive_batch", receive_batch)
    graph.add_node("handle_error", handle_error)
    graph.add_node("aggregate_results", aggregate_results, defer=True)
    graph.set_entry_point("receive_batch")
    for i in range(1, 6):
        graph.add_node(f"processor{i}", processor(i))
        graph.add_edge("receive_batch", f"processor{i}")
        graph.add_conditional_edges(
            f"processor{i}",
            route_on_next,
            {"error": "handle_error", "success": "aggregate_results"},
        )
    graph.add_edge("handle_error", "aggregate_results")
    graph.add_edge("aggregate_results", END)
    return graph.compile()


# --- financial_analysis_workflow --------------------------------------------------------

ANALYZERS = ("fundamental", "technical", "sentiment")


def gather_data(_state: ComplexFanoutState) -> dict[str, Any]:
    return {
        "messages": ["Gathering financial data"],
        "metadata": {"data_source": "market_api"},
        "counter": 100,
    }


def analyzer(name: str) -> Callable[[ComplexFanoutState], dict[str, Any]]:
    def node(_state: ComplexFanoutState) -> dict[str, Any]:
        return {"messages": [f"{name} analysis complete"], "metadata": {f"{name}_score": "0.75"}}

    return node


def assess_risk(state: ComplexFanoutState) -> dict[str, Any]:
    high = state["counter"] % 3 == 0
    return {
        "messages": ["Assessing overall risk"],
        "metadata": {"risk_level": "medium"},
        "next": "high_risk_report" if high else "standard_report",
    }


def high_risk_report(_state: ComplexFanoutState) -> dict[str, Any]:
    return {"messages": ["Generating detailed risk report"], "status": "high_risk_reported"}


def standard_report(_state: ComplexFanoutState) -> dict[str, Any]:
    return {"messages": ["Generating standard report"], "status": "reported"}


def build_financial_analysis_workflow() -> CompiledStateGraph:
    """gather_data, 3 analyzers in parallel, assess_risk once, standard_report (100 % 3 = 1)."""
    graph = StateGraph(ComplexFanoutState)
    graph.add_node("gather_data", gather_data)
    graph.add_node("assess_risk", assess_risk)
    graph.add_node("high_risk_report", high_risk_report)
    graph.add_node("standard_report", standard_report)
    graph.set_entry_point("gather_data")
    for name in ANALYZERS:
        graph.add_node(name, analyzer(name))
        graph.add_edge("gather_data", name)
        graph.add_edge(name, "assess_risk")
    graph.add_conditional_edges(
        "assess_risk",
        route_on_next,
        {"high_risk_report": "high_risk_report", "standard_report": "standard_report"},
    )
    graph.add_edge("high_risk_report", END)
    graph.add_edge("standard_report", END)
    return graph.compile()

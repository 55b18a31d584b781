//! docs/workloads.md §conditional_branching: routing by `next`, invoked.

use super::build::{add_message, invoke, processor_loop, route_by_next};
use crate::states::ComplexState;
use crate::{CompiledGraph, StateGraph, END};

group! { "conditional_branching":
    "binary_conditional" => |h| invoke(h, &binary_conditional(), ComplexState::new),
    "loop_with_exit_condition" => |h| invoke(h, &loop_5(), ComplexState::new),
    "multi_branch_4_routes" => |h| invoke(h, &multi_branch(), ComplexState::new),
}

pub fn loop_5() -> CompiledGraph<ComplexState> {
    processor_loop(5).compile().expect("valid graph")
}

pub fn binary_conditional() -> CompiledGraph<ComplexState> {
    let mut graph = StateGraph::new();
    graph.add_node("start", |mut s: ComplexState| {
        s.counter += 1;
        s.next = if s.counter % 2 == 0 { "even" } else { "odd" }.to_string();
        s
    });
    graph
        .add_node("even", add_message("Even path"))
        .add_node("odd", add_message("Odd path"));
    graph.add_conditional_edges("start", route_by_next, [("even", "even"), ("odd", "odd")]);
    graph
        .add_edge("even", END)
        .add_edge("odd", END)
        .set_entry_point("start");
    graph.compile().expect("valid graph")
}

pub fn multi_branch() -> CompiledGraph<ComplexState> {
    let routes = ["route_a", "route_b", "route_c", "route_d"];
    let mut graph = StateGraph::new();
    graph.add_node("router", move |mut s: ComplexState| {
        s.counter += 1;
        s.next = routes[(s.counter % 4) as usize].to_string();
        s
    });
    for route in routes {
        graph.add_node(route, add_message(format!("Processed by {route}")));
        graph.add_edge(route, END);
    }
    graph.add_conditional_edges("router", route_by_next, routes.map(|r| (r, r)));
    graph.set_entry_point("router");
    graph.compile().expect("valid graph")
}

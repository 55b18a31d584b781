//! docs/workloads.md §compilation: build + compile, timed together.

use super::build::{chain, compile, linear_complex, names, route_by_next};
use crate::states::{ComplexState, SimpleState};
use crate::{StateGraph, END};

group! { "compilation":
    "simple_graph_3_nodes" => |h| compile(h, simple_3_nodes),
    "complex_graph_10_nodes" => |h| compile(h, complex_10_nodes),
    "graph_with_conditionals" => |h| compile(h, conditional_graph),
}

pub fn simple_3_nodes() -> StateGraph<SimpleState> {
    chain(&names("node", 1..=3), |_| {
        |mut s: SimpleState| {
            s.counter += 1;
            s
        }
    })
}

pub fn complex_10_nodes() -> StateGraph<ComplexState> {
    linear_complex("node", 0..=9, |i| format!("Processed by node{i}"), 0)
}

pub fn conditional_graph() -> StateGraph<ComplexState> {
    let mut graph = StateGraph::new();
    graph.add_node("start", |mut s: ComplexState| {
        s.counter = 0;
        s.next = "process".to_string();
        s
    });
    graph.add_node("process", |mut s: ComplexState| {
        s.counter += 1;
        s.next = if s.counter >= 3 { "end" } else { "continue" }.to_string();
        s
    });
    graph.add_edge("start", "process");
    graph.add_conditional_edges("process", route_by_next, [("continue", "process"), ("end", END)]);
    graph.set_entry_point("start");
    graph
}

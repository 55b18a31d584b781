//! docs/workloads.md §sequential_execution: linear chains, invoked.

use super::build::{chain, invoke, linear_complex, names};
use crate::states::{ComplexState, SimpleState};
use crate::CompiledGraph;

group! { "sequential_execution":
    "3_nodes_simple" => |h| invoke(h, &sequential_3_simple(), SimpleState::new),
    "5_nodes_complex" => |h| invoke(h, &sequential_5_complex(), ComplexState::new),
    "10_nodes_stress" => |h| invoke(h, &sequential_10_stress(), ComplexState::new),
}

pub fn sequential_3_simple() -> CompiledGraph<SimpleState> {
    let graph = chain(&names("node", 1..=3), |k| {
        let piece = format!("node{} ", k + 1);
        move |mut s: SimpleState| {
            s.counter += 1;
            s.data.push_str(&piece);
            s
        }
    });
    graph.compile().expect("valid graph")
}

pub fn sequential_5_complex() -> CompiledGraph<ComplexState> {
    let graph = chain(&names("node", 0..=4), |i| {
        let (message, key) = (format!("Processed by node{i}"), format!("step{i}"));
        move |mut s: ComplexState| {
            s.counter += 1;
            s.messages.push(message.clone());
            s.metadata.insert(key.clone(), "completed".to_string());
            s
        }
    });
    graph.compile().expect("valid graph")
}

pub fn sequential_10_stress() -> CompiledGraph<ComplexState> {
    linear_complex("node", 0..=9, |i| format!("Node {i} processing"), 10)
        .compile()
        .expect("valid graph")
}

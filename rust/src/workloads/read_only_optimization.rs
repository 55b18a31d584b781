//! docs/workloads.md §read_only_optimization: a collecting callback on read-only vs mutating
//! chains (read-only nodes skip the state diff).

use std::sync::Arc;

use super::build::{chain, invoke_fresh, linear_complex, names};
use super::fresh::Fresh;
use crate::states::{ComplexState, LargeState};
use crate::{CollectingCallback, GraphState, StateGraph, END};

group! { "read_only_optimization":
    "5_read_only_nodes_with_callbacks" => |h| {
        invoke_fresh(h, || observed(read_only_chain::<ComplexState>(5)), ComplexState::new)
    },
    "5_mutating_nodes_with_callbacks" => |h| invoke_fresh(h, || observed(mutating_5_nodes()), ComplexState::new),
    "3_read_only_nodes_large_state" => |h| {
        invoke_fresh(h, || observed(read_only_chain::<LargeState>(3)), LargeState::new)
    },
    "3_mutating_nodes_large_state" => |h| invoke_fresh(h, || observed(large_mutating_3_nodes()), LargeState::new),
}

/// Per call: a new collecting callback that keeps every event it is sent, as DashFlow's does.
pub fn observed<S: GraphState>(graph: StateGraph<S>) -> Fresh<S> {
    let callback = Arc::new(CollectingCallback::<S>::new());
    let graph = graph.compile().expect("valid graph").with_callback(callback.clone());
    Fresh {
        callback: Some(callback),
        ..Fresh::new(graph)
    }
}

pub fn read_only_chain<S: GraphState>(count: usize) -> StateGraph<S> {
    let names = names("node", 1..=count);
    let mut graph = StateGraph::new();
    for (i, name) in names.iter().enumerate() {
        graph.add_read_only_node(name, |s: S| s);
        graph.add_edge(name, names.get(i + 1).map_or(END, String::as_str));
    }
    graph.set_entry_point(&names[0]);
    graph
}

pub fn mutating_5_nodes() -> StateGraph<ComplexState> {
    linear_complex("node", 1..=5, |_| "Mutated".to_string(), 0)
}

pub fn large_mutating_3_nodes() -> StateGraph<LargeState> {
    chain(&names("node", 1..=3), |k| {
        let message = format!("Node {} processed", k + 1);
        move |mut s: LargeState| {
            s.messages.push(message.clone());
            s
        }
    })
}

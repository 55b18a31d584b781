//! docs/workloads.md §stress_tests: 100 nodes, 10 conditional levels, 50 branches, 100 loops.

use super::build::{invoke, join_counting, linear_complex, processor_loop, route_by_next, set_status, worker_fanout};
use crate::states::ComplexState;
use crate::{CompiledGraph, StateGraph, END};

group! { "stress_tests":
    "large_graph_100_nodes" => |h| invoke(h, &hundred_nodes(), ComplexState::new),
    "deep_nesting_10_levels" => |h| invoke(h, &deep_nesting(), ComplexState::new),
    "wide_fanout_50_parallel_branches" => |h| invoke(h, &wide_fanout(), ComplexState::new),
    "long_running_100_iterations" => |h| invoke(h, &long_running(), ComplexState::new),
}

/// The Python twins pass this explicitly on the 100-step stress ids; so does Rust
/// (docs/workloads.md §stress_tests).
const STRESS_RECURSION_LIMIT: usize = 1000;

pub fn deep_nesting() -> CompiledGraph<ComplexState> {
    let mut graph = StateGraph::new();
    for level in 0..10 {
        let name = format!("level{level}");
        let next = if level == 9 {
            "end".to_string()
        } else {
            format!("level{}", level + 1)
        };
        let route_to = if level == 9 { END.to_string() } else { next.clone() };
        let message = format!("Level {level}");
        let next_value = next.clone();
        graph.add_node(&name, move |mut s: ComplexState| {
            s.counter += 1;
            s.messages.push(message.clone());
            s.next = next_value.clone();
            s
        });
        graph.add_conditional_edges(&name, route_by_next, [(next.as_str(), route_to.as_str())]);
    }
    graph.set_entry_point("level0");
    graph.compile().expect("valid graph")
}

pub fn wide_fanout() -> CompiledGraph<ComplexState> {
    let worker = |i| {
        let key = format!("worker{i}");
        move |mut s: ComplexState| {
            s.metadata.insert(key.clone(), "done".to_string());
            s
        }
    };
    let (start, collect) = (set_status("distributing"), join_counting("collected", false));
    worker_fanout(("start", start), 0..=49, worker, ("collect", collect))
}

/// A fix over DashFlow, whose default limit of 25 would stop this id and the next.
pub fn hundred_nodes() -> CompiledGraph<ComplexState> {
    let graph = linear_complex("node", 0..=99, |i| format!("Node {i}"), 0);
    graph
        .compile()
        .expect("valid graph")
        .with_recursion_limit(STRESS_RECURSION_LIMIT)
}

pub fn long_running() -> CompiledGraph<ComplexState> {
    processor_loop(100)
        .compile()
        .expect("valid graph")
        .with_recursion_limit(STRESS_RECURSION_LIMIT)
}

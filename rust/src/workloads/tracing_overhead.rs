//! docs/workloads.md §tracing_overhead: the plain invoke path with no subscriber.

use super::build::{insert_items, invoke, invoke_fresh, set_status, worker_fanout};
use super::checkpointing::{checkpoint_3_nodes, checkpoint_5_nodes, memory_checkpointed};
use super::fresh::Fresh;
use crate::states::ComplexState;
use crate::CompiledGraph;

group! { "tracing_overhead":
    "5_nodes_no_subscriber" => |h| {
        invoke(h, &checkpoint_5_nodes().compile().expect("valid graph"), ComplexState::new)
    },
    "parallel_3_workers_no_subscriber" => |h| invoke(h, &tracing_parallel(), ComplexState::new),
    "checkpoint_3_nodes_no_subscriber" => |h| {
        let fresh = || Fresh::new(memory_checkpointed(checkpoint_3_nodes(), "bench_tracing_overhead"));
        invoke_fresh(h, fresh, ComplexState::new)
    },
}

/// Compiled with merge: DashFlow's plain `compile()` rejects the fan-out
/// (docs/workloads.md §tracing_overhead).
pub fn tracing_parallel() -> CompiledGraph<ComplexState> {
    let worker = |i| {
        move |mut s: ComplexState| {
            s.messages.push(format!("Worker {i} processing"));
            insert_items(&mut s, &format!("worker{i}"), 20, |j| format!("result_{j}"));
            s
        }
    };
    worker_fanout(
        ("start", set_status("started")),
        1..=3,
        worker,
        ("collect", set_status("collected")),
    )
}

//! docs/workloads.md §event_streaming: the pull-based stream, drained; no runtime.

use super::build::{add_message, linear_complex, set_status, stream, worker_fanout};
use crate::states::ComplexState;
use crate::{CompiledGraph, StreamMode};

group! { "event_streaming":
    "stream_values_5_nodes" => |h| stream(h, &stream_5_nodes(), StreamMode::Values),
    "stream_events_5_nodes" => |h| stream(h, &stream_5_nodes(), StreamMode::Events),
    "stream_updates_3_nodes_complex" => |h| stream(h, &stream_3_nodes_complex(), StreamMode::Updates),
    "stream_parallel_3_workers" => |h| stream(h, &stream_parallel(), StreamMode::Values),
}

pub fn stream_5_nodes() -> CompiledGraph<ComplexState> {
    linear_complex("node", 1..=5, |i| format!("Node {i}"), 0)
        .compile()
        .expect("valid graph")
}

pub fn stream_3_nodes_complex() -> CompiledGraph<ComplexState> {
    linear_complex("node", 1..=3, |i| format!("Node {i}"), 10)
        .compile()
        .expect("valid graph")
}

pub fn stream_parallel() -> CompiledGraph<ComplexState> {
    let worker = |i| add_message(format!("Worker {i}"));
    worker_fanout(
        ("start", set_status("started")),
        1..=3,
        worker,
        ("collect", set_status("collected")),
    )
}

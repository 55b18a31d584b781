//! docs/workloads.md §checkpointing: a checkpoint saved after every node, in memory or on disk.

use std::sync::Arc;

use super::build::{invoke_fresh, linear_complex, processor_loop};
use super::fresh::{Fresh, ScratchDir};
use crate::states::ComplexState;
use crate::{CompiledGraph, FileCheckpointer, MemoryCheckpointer, StateGraph};

group! { "checkpointing":
    "memory_checkpoint_3_nodes" => |h| {
        let fresh = || Fresh::new(memory_checkpointed(checkpoint_3_nodes(), "bench_thread_1"));
        invoke_fresh(h, fresh, ComplexState::new)
    },
    "memory_checkpoint_5_nodes" => |h| {
        let fresh = || Fresh::new(memory_checkpointed(checkpoint_5_nodes(), "bench_thread_2"));
        invoke_fresh(h, fresh, ComplexState::new)
    },
    "memory_checkpoint_loop_5_iterations" => |h| {
        let fresh = || Fresh::new(memory_checkpointed(processor_loop(5), "bench_thread_3"));
        invoke_fresh(h, fresh, ComplexState::new)
    },
    "file_checkpoint_3_nodes" => |h| {
        invoke_fresh(h, || file_checkpointed(checkpoint_3_nodes(), "bench_file_thread_1"), ComplexState::new)
    },
    "file_checkpoint_5_nodes" => |h| {
        invoke_fresh(h, || file_checkpointed(checkpoint_5_nodes(), "bench_file_thread_2"), ComplexState::new)
    },
}

fn node_completed(i: usize) -> String {
    format!("Node {i} completed")
}

pub fn memory_checkpointed(graph: StateGraph<ComplexState>, thread_id: &str) -> CompiledGraph<ComplexState> {
    let saver = Arc::new(MemoryCheckpointer::new());
    graph
        .compile()
        .expect("valid graph")
        .with_checkpointer(saver)
        .with_thread_id(thread_id)
}

/// The graph with a FileCheckpointer in a new scratch directory, which it keeps.
pub fn file_checkpointed(graph: StateGraph<ComplexState>, thread_id: &str) -> Fresh<ComplexState> {
    let dir = ScratchDir::new();
    let saver = Arc::new(FileCheckpointer::new(&dir.0).expect("scratch directory"));
    let graph = graph
        .compile()
        .expect("valid graph")
        .with_checkpointer(saver)
        .with_thread_id(thread_id);
    Fresh {
        dir: Some(dir),
        ..Fresh::new(graph)
    }
}

pub fn checkpoint_3_nodes() -> StateGraph<ComplexState> {
    linear_complex("node", 1..=3, node_completed, 0)
}

pub fn checkpoint_5_nodes() -> StateGraph<ComplexState> {
    linear_complex("node", 1..=5, node_completed, 10)
}

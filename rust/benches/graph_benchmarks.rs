//! DashFlow's 48 `graph_benchmarks` ids (same groups and function ids). The workloads live in
//! `dashbench_graph::workloads`, shared with the `dashbench-count` instruction counter; this file
//! only wires the groups together, one module per group under `graph_benchmarks/`.
//!
//! As in DashFlow, each sample builds and compiles its graph and a multi-thread tokio runtime,
//! untimed; the ids with a checkpointer or callback get a new one (and scratch directory) per
//! call, untimed (`iter_batched`), as asv's per-call setup gives Python. The timed body is
//! `State::new()` + invoke (or stream + drain) + drop. `compilation` times build + compile.

use criterion::{criterion_group, criterion_main};

mod graph_benchmarks {
    pub mod checkpointing;
    pub mod compilation;
    pub mod conditional_branching;
    pub mod event_streaming;
    pub mod parallel_execution;
    pub mod read_only_optimization;
    pub mod real_world_scenarios;
    pub mod sequential_execution;
    pub mod state_cloning;
    pub mod stress_tests;
    pub mod timer;
    pub mod tracing_overhead;
}

use graph_benchmarks::*;

criterion_group!(
    benches,
    compilation::compilation,
    sequential_execution::sequential_execution,
    conditional_branching::conditional_branching,
    parallel_execution::parallel_execution,
    checkpointing::checkpointing,
    event_streaming::event_streaming,
    state_cloning::state_cloning,
    stress_tests::stress_tests,
    real_world_scenarios::real_world_scenarios,
    tracing_overhead::tracing_overhead,
    read_only_optimization::read_only_optimization
);
criterion_main!(benches);

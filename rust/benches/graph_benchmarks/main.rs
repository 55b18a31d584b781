//! DashFlow's 48 `graph_benchmarks` ids (same groups and function ids). The workloads live in
//! `dashbench_graph::workloads`, one module per group, shared with the `dashbench-count`
//! instruction counter and the `dashbench-equiv` describer; this file only hands them to
//! Criterion, group by group in suite order.
//!
//! As in DashFlow, each sample builds and compiles its graph and a multi-thread tokio runtime,
//! untimed; the ids with a checkpointer or callback get a new one (and scratch directory) per
//! call, untimed (`iter_batched`), as asv's per-call setup gives Python. The timed body is
//! `State::new()` + invoke (or stream + drain) + drop. `compilation` times build + compile.

use criterion::{criterion_group, criterion_main, Criterion};
use dashbench_graph::workloads::{self, stress_tests};

mod timer;

use timer::Timer;

/// Groups whose calls take tens of milliseconds: DashFlow gives them Criterion's minimum of 10
/// samples (docs/workloads.md §stress_tests); every other group keeps Criterion's default.
const TEN_SAMPLES: &[&str] = &[stress_tests::GROUP];

fn graph_benchmarks(c: &mut Criterion) {
    for name in workloads::group_names() {
        let mut group = c.benchmark_group(name);
        if TEN_SAMPLES.contains(&name) {
            group.sample_size(10);
        }
        for workload in workloads::group(name) {
            group.bench_function(workload.function, |b| workload.run(&mut Timer(b)));
        }
        group.finish();
    }
}

criterion_group!(benches, graph_benchmarks);
criterion_main!(benches);

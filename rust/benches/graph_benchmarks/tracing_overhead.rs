//! docs/workloads.md §tracing_overhead

use criterion::Criterion;
use dashbench_graph::workloads::{self, tracing_overhead::GROUP};

use super::timer::Timer;

pub fn tracing_overhead(c: &mut Criterion) {
    let mut group = c.benchmark_group(GROUP);
    for workload in workloads::group(GROUP) {
        group.bench_function(workload.function, |b| workload.run(&mut Timer(b)));
    }
    group.finish();
}

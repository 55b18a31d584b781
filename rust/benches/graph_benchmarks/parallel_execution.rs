//! docs/workloads.md §parallel_execution

use criterion::Criterion;
use dashbench_graph::workloads::{self, parallel_execution::GROUP};

use super::timer::Timer;

pub fn parallel_execution(c: &mut Criterion) {
    let mut group = c.benchmark_group(GROUP);
    for workload in workloads::group(GROUP) {
        group.bench_function(workload.function, |b| workload.run(&mut Timer(b)));
    }
    group.finish();
}

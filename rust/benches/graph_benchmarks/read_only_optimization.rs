//! docs/workloads.md §read_only_optimization

use criterion::Criterion;
use dashbench_graph::workloads::{self, read_only_optimization::GROUP};

use super::timer::Timer;

pub fn read_only_optimization(c: &mut Criterion) {
    let mut group = c.benchmark_group(GROUP);
    for workload in workloads::group(GROUP) {
        group.bench_function(workload.function, |b| workload.run(&mut Timer(b)));
    }
    group.finish();
}

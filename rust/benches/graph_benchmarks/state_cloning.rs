//! docs/workloads.md §state_cloning

use criterion::Criterion;
use dashbench_graph::workloads::{self, state_cloning::GROUP};

use super::timer::Timer;

pub fn state_cloning(c: &mut Criterion) {
    let mut group = c.benchmark_group(GROUP);
    for workload in workloads::group(GROUP) {
        group.bench_function(workload.function, |b| workload.run(&mut Timer(b)));
    }
    group.finish();
}

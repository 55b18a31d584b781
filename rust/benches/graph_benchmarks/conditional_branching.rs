//! docs/workloads.md §conditional_branching

use criterion::Criterion;
use dashbench_graph::workloads::{self, conditional_branching::GROUP};

use super::timer::Timer;

pub fn conditional_branching(c: &mut Criterion) {
    let mut group = c.benchmark_group(GROUP);
    for workload in workloads::group(GROUP) {
        group.bench_function(workload.function, |b| workload.run(&mut Timer(b)));
    }
    group.finish();
}

//! docs/workloads.md §stress_tests

use criterion::Criterion;
use dashbench_graph::workloads::{self, stress_tests::GROUP};

use super::timer::Timer;

pub fn stress_tests(c: &mut Criterion) {
    let mut group = c.benchmark_group(GROUP);
    group.sample_size(10);
    for workload in workloads::group(GROUP) {
        group.bench_function(workload.function, |b| workload.run(&mut Timer(b)));
    }
    group.finish();
}

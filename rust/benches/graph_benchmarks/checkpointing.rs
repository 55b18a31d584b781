//! docs/workloads.md §checkpointing

use criterion::Criterion;
use dashbench_graph::workloads::{self, checkpointing::GROUP};

use super::timer::Timer;

pub fn checkpointing(c: &mut Criterion) {
    let mut group = c.benchmark_group(GROUP);
    for workload in workloads::group(GROUP) {
        group.bench_function(workload.function, |b| workload.run(&mut Timer(b)));
    }
    group.finish();
}

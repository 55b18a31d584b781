//! docs/workloads.md §real_world_scenarios

use criterion::Criterion;
use dashbench_graph::workloads::{self, real_world_scenarios::GROUP};

use super::timer::Timer;

pub fn real_world_scenarios(c: &mut Criterion) {
    let mut group = c.benchmark_group(GROUP);
    for workload in workloads::group(GROUP) {
        group.bench_function(workload.function, |b| workload.run(&mut Timer(b)));
    }
    group.finish();
}

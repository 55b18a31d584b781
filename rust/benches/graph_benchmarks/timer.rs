//! Criterion as a `workloads::Harness`: the bodies reach `b.iter` and `b.to_async` unchanged.

use std::future::Future;

use criterion::measurement::WallTime;
use criterion::{BatchSize, Bencher};
use dashbench_graph::workloads::Harness;
use tokio::runtime::Runtime;

pub struct Timer<'b, 'a>(pub &'b mut Bencher<'a, WallTime>);

impl Harness for Timer<'_, '_> {
    fn iter<O, R: FnMut() -> O>(&mut self, body: R) {
        self.0.iter(body);
    }

    /// A multi-thread runtime per sample, built untimed, as DashFlow's benches do.
    fn iter_async<O, F: Future<Output = O>, R: FnMut() -> F>(&mut self, body: R) {
        let runtime = Runtime::new().expect("tokio runtime");
        self.0.to_async(&runtime).iter(body);
    }

    /// Inputs are made in batches before the timer starts (SmallInput), outputs dropped after.
    fn iter_batched_async<I, O, F, S, R>(&mut self, setup: S, body: R)
    where
        S: FnMut() -> I,
        F: Future<Output = O>,
        R: FnMut(I) -> F,
    {
        let runtime = Runtime::new().expect("tokio runtime");
        self.0
            .to_async(&runtime)
            .iter_batched(setup, body, BatchSize::SmallInput);
    }
}

//! The 48 benchmark ids of DashFlow's `graph_benchmarks` suite, defined once for every harness.
//!
//! Each id is an entry in its group's table: a function that does the id's untimed per-sample setup (build and
//! compile the graph; per call, untimed too, a new checkpointer, callback or scratch directory) and
//! then hands the timed body to a [`Harness`]. Criterion's bench times it; `dashbench-count`
//! counts its instructions; `dashbench-equiv` describes one call of it. The
//! body goes to the harness as a generic closure, so no harness adds an indirect call or a boxed
//! future to the timed region. docs/workloads.md has one section per group.

use std::future::Future;

/// Declares a group's module items: `GROUP`, its Criterion name, and `table`, one
/// `"function" => |h| body` row per id in bench order. Each body does the id's untimed setup and
/// hands the timed part to the harness `h`; it must not capture, so it is a plain `fn(&mut H)`.
macro_rules! group {
    ($name:literal: $($function:literal => |$h:ident| $body:expr),+ $(,)?) => {
        pub const GROUP: &str = $name;

        pub(crate) fn table<H: super::Harness>() -> Vec<super::Entry<H>> {
            vec![$(super::Entry { function: $function, run: |$h: &mut H| $body }),+]
        }
    };
}

mod build;
pub mod checkpointing;
pub mod compilation;
pub mod conditional_branching;
pub mod describe;
pub mod event_streaming;
mod fresh;
pub mod parallel_execution;
pub mod read_only_optimization;
pub mod real_world_scenarios;
pub mod sequential_execution;
pub mod state_cloning;
pub mod stress_tests;
pub mod tracing_overhead;

pub use build::processor_loop;
pub use fresh::{Fresh, ScratchDir};

/// What runs a timed body repeatedly, after the caller has done the untimed setup.
pub trait Harness {
    /// A synchronous body; each call's output is dropped inside the timed region (Criterion's
    /// `b.iter`).
    fn iter<O, R: FnMut() -> O>(&mut self, body: R);

    /// An async body (`invoke`). The harness creates the runtime, as part of the setup, and
    /// awaits each call's future inside the timed region (Criterion's `b.to_async(&rt).iter`).
    fn iter_async<O, F: Future<Output = O>, R: FnMut() -> F>(&mut self, body: R);

    /// An async body that consumes a fresh input per call, made untimed by `setup` (Criterion's
    /// `b.to_async(&rt).iter_batched`); outputs are dropped untimed. Ids with a checkpointer or a
    /// callback use it, so each call starts with empty ones, as asv's per-call setup gives Python.
    fn iter_batched_async<I, O, F, S, R>(&mut self, setup: S, body: R)
    where
        S: FnMut() -> I,
        F: Future<Output = O>,
        R: FnMut(I) -> F;

    /// Receives what one call of the id does (docs/workloads.md §equivalence). Only the
    /// describing harness (`dashbench-equiv`) runs `describe`; timing and counting ignore it.
    fn describe(&mut self, describe: impl FnOnce() -> serde_json::Value) {
        let _ = describe;
    }
}

/// Criterion 0.3's `black_box` (without `real_blackbox`), so a body that hides its input behaves
/// the same under every harness.
#[inline]
pub fn black_box<T>(dummy: T) -> T {
    // SAFETY: reads a valid, initialized `T` and forgets the original, so it is moved, not copied.
    unsafe {
        let ret = std::ptr::read_volatile(&dummy);
        std::mem::forget(dummy);
        ret
    }
}

/// One id of a group's table: the setup + body, instantiated per harness type.
pub(crate) struct Entry<H> {
    function: &'static str,
    run: fn(&mut H),
}

/// Builds a group's table for one harness type.
type Table<H> = fn() -> Vec<Entry<H>>;

/// The groups in suite order (the order `criterion_group!` lists them), each with its table.
fn groups<H: Harness>() -> [(&'static str, Table<H>); 11] {
    [
        (compilation::GROUP, compilation::table::<H>),
        (sequential_execution::GROUP, sequential_execution::table::<H>),
        (conditional_branching::GROUP, conditional_branching::table::<H>),
        (parallel_execution::GROUP, parallel_execution::table::<H>),
        (checkpointing::GROUP, checkpointing::table::<H>),
        (event_streaming::GROUP, event_streaming::table::<H>),
        (state_cloning::GROUP, state_cloning::table::<H>),
        (stress_tests::GROUP, stress_tests::table::<H>),
        (real_world_scenarios::GROUP, real_world_scenarios::table::<H>),
        (tracing_overhead::GROUP, tracing_overhead::table::<H>),
        (read_only_optimization::GROUP, read_only_optimization::table::<H>),
    ]
}

/// One benchmark id, independent of any harness.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Workload {
    pub group: &'static str,
    pub function: &'static str,
    group_index: usize,
    index: usize,
}

impl Workload {
    /// Criterion's full id, `group/function`.
    pub fn id(&self) -> String {
        format!("{}/{}", self.group, self.function)
    }

    /// Runs this id's setup, then hands its timed body to `harness`.
    pub fn run<H: Harness>(&self, harness: &mut H) {
        let table = groups::<H>()[self.group_index].1();
        (table[self.index].run)(harness)
    }
}

/// Never instantiated: reads the tables' names without a real harness.
enum NoHarness {}

impl Harness for NoHarness {
    fn iter<O, R: FnMut() -> O>(&mut self, _: R) {
        match *self {}
    }
    fn iter_async<O, F: Future<Output = O>, R: FnMut() -> F>(&mut self, _: R) {
        match *self {}
    }
    fn iter_batched_async<I, O, F, S, R>(&mut self, _: S, _: R)
    where
        S: FnMut() -> I,
        F: Future<Output = O>,
        R: FnMut(I) -> F,
    {
        match *self {}
    }
}

/// Every id in suite order: groups as `criterion_group!` lists them, ids in bench order.
pub fn all() -> Vec<Workload> {
    let mut workloads = Vec::new();
    for (group_index, (group, table)) in groups::<NoHarness>().into_iter().enumerate() {
        for (index, entry) in table().into_iter().enumerate() {
            workloads.push(Workload {
                group,
                function: entry.function,
                group_index,
                index,
            });
        }
    }
    workloads
}

/// The group names, in suite order.
pub fn group_names() -> Vec<&'static str> {
    groups::<NoHarness>().iter().map(|(name, _)| *name).collect()
}

/// The ids of one group, in bench order (empty for an unknown group).
pub fn group(name: &str) -> Vec<Workload> {
    all().into_iter().filter(|w| w.group == name).collect()
}

/// Looks up a full id `group/function`.
pub fn find(id: &str) -> Option<Workload> {
    all().into_iter().find(|w| w.id() == id)
}

//! What one call of each Criterion id does, for the cross-language equivalence check.
//!
//! ```text
//! dashbench-equiv [ID ...]
//! ```
//!
//! Prints one JSON object per id (all 48 when none is named), in suite order:
//! `{"id": "<group>/<function>", "description": {...}}`. Each id's entry in the shared
//! `workloads` tables builds its graph as for Criterion and hands this harness a description of
//! one call (`workloads::describe`, docs/workloads.md §equivalence); the timed bodies are not run.

use std::future::Future;
use std::io::Write;
use std::process::ExitCode;

use dashbench_graph::workloads::{self, Harness, Workload};
use serde_json::{json, Value};

/// Keeps the description and ignores the timed bodies.
#[derive(Default)]
struct Describer(Option<Value>);

impl Harness for Describer {
    fn iter<O, R: FnMut() -> O>(&mut self, _: R) {}

    fn iter_async<O, F: Future<Output = O>, R: FnMut() -> F>(&mut self, _: R) {}

    fn iter_batched_async<I, O, F, S, R>(&mut self, _: S, _: R)
    where
        S: FnMut() -> I,
        F: Future<Output = O>,
        R: FnMut(I) -> F,
    {
    }

    fn describe(&mut self, describe: impl FnOnce() -> Value) {
        self.0 = Some(describe());
    }
}

fn main() -> ExitCode {
    let names: Vec<String> = std::env::args().skip(1).collect();
    let mut ids: Vec<Workload> = Vec::new();
    for name in &names {
        match workloads::find(name) {
            Some(workload) => ids.push(workload),
            None => {
                eprintln!("dashbench-equiv: unknown id {name:?} (see `dashbench-count list`)");
                return ExitCode::from(2);
            }
        }
    }
    if names.is_empty() {
        ids = workloads::all();
    }
    let mut out = std::io::stdout().lock();
    for workload in ids {
        let mut describer = Describer::default();
        workload.run(&mut describer);
        let line = json!({"id": workload.id(), "description": describer.0});
        writeln!(out, "{line}").expect("write to stdout");
    }
    ExitCode::SUCCESS
}

//! Graph-building helpers shared by several groups, and the timed-body shapes.

use std::ops::RangeInclusive;

use serde::Serialize;

use super::fresh::Fresh;
use super::{black_box, describe, Harness};
use crate::states::ComplexState;
use crate::{CompiledGraph, GraphState, StateGraph, StreamMode, END};

// ---------------------------------------------------------------- timed bodies

/// Timed: `state()` + invoke + drop, on the harness's runtime.
pub(crate) fn invoke<H: Harness, S: GraphState>(h: &mut H, graph: &CompiledGraph<S>, state: fn() -> S) {
    h.describe(|| describe::invoke(graph, state()));
    h.iter_async(|| async { graph.invoke(state()).await.expect("invoke succeeds") });
}

/// Timed: `state()` + invoke on a graph whose checkpointer and callback `make` created for this
/// call alone, so nothing accumulates from call to call.
pub(crate) fn invoke_fresh<H: Harness, S: GraphState>(h: &mut H, make: impl Fn() -> Fresh<S>, state: fn() -> S) {
    h.describe(|| describe::fresh_invoke(make(), state()));
    h.iter_batched_async(&make, |fresh| async move {
        let result = fresh.graph.invoke(state()).await.expect("invoke succeeds");
        (result, fresh)
    });
}

/// Timed: `ComplexState::new()` + stream + draining and counting every event.
pub(crate) fn stream<H: Harness>(h: &mut H, graph: &CompiledGraph<ComplexState>, mode: StreamMode) {
    h.describe(|| describe::stream(graph, ComplexState::new(), mode));
    h.iter(|| {
        graph
            .stream(ComplexState::new(), &[mode])
            .try_fold(0usize, |events, event| event.map(|_| events + 1))
            .expect("stream events")
    });
}

/// Timed: build + compile.
pub(crate) fn compile<H: Harness, S: GraphState>(h: &mut H, build: impl Fn() -> StateGraph<S>) {
    h.describe(|| describe::compiled(&build().compile().expect("valid graph")));
    h.iter(|| build().compile().expect("valid graph"));
}

/// Per sample: build the state once. Timed: `clone` + dropping the copy.
pub(crate) fn clone_state<H: Harness, S: Clone + Serialize>(h: &mut H, state: fn() -> S) {
    h.describe(|| describe::cloned(&state().clone()));
    on_state(h, state, S::clone);
}

/// Per sample: build the state once. Timed: serializing it with `format` + dropping the bytes.
pub(crate) fn serialize<H: Harness, S, T: AsRef<[u8]>>(h: &mut H, state: fn() -> S, format: (&str, fn(&S) -> T)) {
    let (name, work) = format;
    h.describe(|| describe::serialized(name, work(&state()).as_ref()));
    on_state(h, state, work);
}

fn on_state<H: Harness, S, T>(h: &mut H, state: fn() -> S, work: fn(&S) -> T) {
    let state = state();
    h.iter(|| work(black_box(&state)));
}

// ---------------------------------------------------------------- graph building helpers

/// Adds `names` as a chain ending at END, with entry point `names[0]`.
pub(crate) fn chain<S: GraphState, F>(names: &[String], node: impl Fn(usize) -> F) -> StateGraph<S>
where
    F: Fn(S) -> S + Send + Sync + 'static,
{
    let mut graph = StateGraph::new();
    for (i, name) in names.iter().enumerate() {
        graph.add_node(name, node(i));
        graph.add_edge(name, names.get(i + 1).map_or(END, String::as_str));
    }
    graph.set_entry_point(&names[0]);
    graph
}

pub(crate) fn names(prefix: &str, range: RangeInclusive<usize>) -> Vec<String> {
    range.map(|i| format!("{prefix}{i}")).collect()
}

/// `source ⇉ workers → join`; the caller adds the nodes.
pub(crate) fn fan_out<S: GraphState>(graph: &mut StateGraph<S>, source: &str, workers: &[String], join: &str) {
    let targets: Vec<&str> = workers.iter().map(String::as_str).collect();
    graph.add_parallel_edges(source, &targets);
    for worker in workers {
        graph.add_edge(worker, join);
    }
}

pub(crate) fn set_status(status: &'static str) -> impl Step {
    move |mut s| {
        s.status = status.to_string();
        s
    }
}

pub(crate) fn add_message(message: impl Into<String>) -> impl Step {
    let message = message.into();
    move |mut s| {
        s.messages.push(message.clone());
        s
    }
}

/// The node type of the ComplexState workloads.
pub(crate) trait Step: Fn(ComplexState) -> ComplexState + Send + Sync + 'static {}
impl<F: Fn(ComplexState) -> ComplexState + Send + Sync + 'static> Step for F {}

/// `source ⇉ worker{i} (i in workers) → join → END`, merge-compiled; the fan-out shape most
/// parallel ids share.
pub(crate) fn worker_fanout<W: Step>(
    (source, source_node): (&str, impl Step),
    workers: RangeInclusive<usize>,
    worker: impl Fn(usize) -> W,
    (join, join_node): (&str, impl Step),
) -> CompiledGraph<ComplexState> {
    let names = names("worker", workers.clone());
    let mut graph = StateGraph::new();
    graph.add_node(source, source_node).add_node(join, join_node);
    for (name, i) in names.iter().zip(workers) {
        graph.add_node(name, worker(i));
    }
    fan_out(&mut graph, source, &names, join);
    graph.add_edge(join, END).set_entry_point(source);
    graph.compile_with_merge().expect("valid graph")
}

/// Resets the counter and sets the status, as the dispatching nodes do.
pub(crate) fn dispatch(status: &'static str) -> impl Step {
    move |mut s: ComplexState| {
        s.counter = 0;
        s.status = status.to_string();
        s
    }
}

/// Sets the status and counts metadata keys (or messages), as the joining nodes do.
pub(crate) fn join_counting(status: &'static str, count_messages: bool) -> impl Step {
    move |mut s: ComplexState| {
        s.status = status.to_string();
        s.counter = if count_messages {
            s.messages.len()
        } else {
            s.metadata.len()
        } as u32;
        s
    }
}

pub(crate) fn insert_items(s: &mut ComplexState, prefix: &str, count: usize, value: impl Fn(usize) -> String) {
    for j in 0..count {
        s.metadata.insert(format!("{prefix}_item{j}"), value(j));
    }
}

/// counter+1 and one message, the node work most linear ids share; `items` adds
/// `node{i}_item{j}="value"` keys.
fn counting_node(label: impl Fn(usize) -> String, i: usize, items: usize) -> impl Step {
    let message = label(i);
    move |mut s| {
        s.counter += 1;
        s.messages.push(message.clone());
        insert_items(&mut s, &format!("node{i}"), items, |_| "value".to_string());
        s
    }
}

pub(crate) fn linear_complex(
    prefix: &str,
    range: RangeInclusive<usize>,
    label: fn(usize) -> String,
    items: usize,
) -> StateGraph<ComplexState> {
    let names = names(prefix, range.clone());
    let first = *range.start();
    chain(&names, |k| counting_node(label, first + k, items))
}

/// `processor` loops on itself until `counter >= exit_at`, routing by `next`.
pub fn processor_loop(exit_at: u32) -> StateGraph<ComplexState> {
    let mut graph = StateGraph::new();
    graph.add_node("processor", move |mut s: ComplexState| {
        s.counter += 1;
        s.messages.push(format!("Iteration {}", s.counter));
        s.next = if s.counter >= exit_at { "end" } else { "continue" }.to_string();
        s
    });
    graph.add_conditional_edges(
        "processor",
        |s| s.next.clone(),
        [("continue", "processor"), ("end", END)],
    );
    graph.set_entry_point("processor");
    graph
}

pub(crate) fn route_by_next(s: &ComplexState) -> String {
    s.next.clone()
}

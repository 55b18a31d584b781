//! DashFlow's 48 `graph_benchmarks` ids (same groups and function ids), doing the work that
//! /work/shared/WORKLOADS.md §4 describes, with the §5 fixes applied: graphs with parallel
//! edges use `compile_with_merge`, and the two 100-step stress ids raise the recursion limit.
//!
//! As in DashFlow, the per-sample closure builds and compiles the graph, creates checkpointers,
//! callbacks, scratch directories and a multi-thread tokio runtime, untimed; the timed body is
//! `State::new()` + invoke (or stream + drain) + drop. `compilation` times build + compile.

use std::ops::RangeInclusive;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use criterion::measurement::WallTime;
use criterion::{black_box, criterion_group, criterion_main, BenchmarkGroup, Criterion};
use dashbench_graph::states::{ComplexState, LargeState, MediumState, SimpleState, SmallState};
use dashbench_graph::{
    bincode, CollectingCallback, CompiledGraph, FileCheckpointer, GraphState, MemoryCheckpointer, StateGraph,
    StreamMode, END,
};
use tokio::runtime::Runtime;

/// The Python twins pass this explicitly on the 100-step stress ids; so does Rust (§5 fix).
const STRESS_RECURSION_LIMIT: usize = 1000;

type Group<'a> = BenchmarkGroup<'a, WallTime>;

// ---------------------------------------------------------------- graph building helpers

/// Adds `names` as a chain ending at END, with entry point `names[0]`.
fn chain<S: GraphState, F>(names: &[String], node: impl Fn(usize) -> F) -> StateGraph<S>
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

fn names(prefix: &str, range: RangeInclusive<usize>) -> Vec<String> {
    range.map(|i| format!("{prefix}{i}")).collect()
}

/// `source ⇉ workers → join`; the caller adds the nodes.
fn fan_out<S: GraphState>(graph: &mut StateGraph<S>, source: &str, workers: &[String], join: &str) {
    let targets: Vec<&str> = workers.iter().map(String::as_str).collect();
    graph.add_parallel_edges(source, &targets);
    for worker in workers {
        graph.add_edge(worker, join);
    }
}

fn set_status(status: &'static str) -> impl Step {
    move |mut s| {
        s.status = status.to_string();
        s
    }
}

/// The node type of the ComplexState workloads.
trait Step: Fn(ComplexState) -> ComplexState + Send + Sync + 'static {}
impl<F: Fn(ComplexState) -> ComplexState + Send + Sync + 'static> Step for F {}

/// `source ⇉ worker{i} (i in workers) → join → END`, merge-compiled; the fan-out shape most
/// parallel ids share.
fn worker_fanout<W: Step>(
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
fn dispatch(status: &'static str) -> impl Step {
    move |mut s: ComplexState| {
        s.counter = 0;
        s.status = status.to_string();
        s
    }
}

/// Sets the status and counts metadata keys (or messages), as the joining nodes do.
fn join_counting(status: &'static str, count_messages: bool) -> impl Step {
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

fn insert_items(s: &mut ComplexState, prefix: &str, count: usize, value: impl Fn(usize) -> String) {
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

fn linear_complex(
    prefix: &str,
    range: RangeInclusive<usize>,
    label: fn(usize) -> String,
    items: usize,
) -> StateGraph<ComplexState> {
    let names = names(prefix, range.clone());
    let first = *range.start();
    chain(&names, |k| counting_node(label, first + k, items))
}

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

fn route_by_next(s: &ComplexState) -> String {
    s.next.clone()
}

// ---------------------------------------------------------------- bench helpers

/// Per sample: `setup` (graph plus anything that must live for the sample) and a runtime.
/// Timed: `state()` + invoke + drop.
fn bench_invoke_with<S: GraphState, G>(
    group: &mut Group,
    id: &str,
    setup: impl Fn() -> (CompiledGraph<S>, G),
    state: fn() -> S,
) {
    group.bench_function(id, |b| {
        let (graph, _keep_alive) = setup();
        let runtime = Runtime::new().expect("tokio runtime");
        b.to_async(&runtime)
            .iter(|| async { graph.invoke(state()).await.expect("invoke succeeds") });
    });
}

fn bench_invoke<S: GraphState>(group: &mut Group, id: &str, graph: impl Fn() -> CompiledGraph<S>, state: fn() -> S) {
    bench_invoke_with(group, id, || (graph(), ()), state);
}

/// Timed: `ComplexState::new()` + stream + draining and counting every event.
fn bench_stream(group: &mut Group, id: &str, graph: impl Fn() -> CompiledGraph<ComplexState>, mode: StreamMode) {
    group.bench_function(id, |b| {
        let graph = graph();
        b.iter(|| {
            graph
                .stream(ComplexState::new(), &[mode])
                .try_fold(0usize, |events, event| event.map(|_| events + 1))
                .expect("stream events")
        });
    });
}

/// Per sample: build the state once. Timed: `work(&state)` + dropping its output.
fn bench_on_state<S, T>(group: &mut Group, id: &str, state: fn() -> S, work: fn(&S) -> T) {
    group.bench_function(id, |b| {
        let state = state();
        b.iter(|| work(black_box(&state)));
    });
}

/// A directory under $TMPDIR for one sample's file checkpoints, removed when the sample ends.
pub struct ScratchDir(pub PathBuf);

impl ScratchDir {
    fn new() -> Self {
        static SEQ: AtomicU64 = AtomicU64::new(0);
        let name = format!(
            "dashflow_bench_{}_{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed)
        );
        Self(std::env::temp_dir().join(name))
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

// ---------------------------------------------------------------- 4.1 compilation

fn compilation(c: &mut Criterion) {
    let mut group = c.benchmark_group("compilation");
    group.bench_function("simple_graph_3_nodes", |b| {
        b.iter(|| simple_3_nodes().compile().expect("valid graph"))
    });
    group.bench_function("complex_graph_10_nodes", |b| {
        b.iter(|| complex_10_nodes().compile().expect("valid graph"))
    });
    group.bench_function("graph_with_conditionals", |b| {
        b.iter(|| conditional_graph().compile().expect("valid graph"))
    });
    group.finish();
}

pub fn simple_3_nodes() -> StateGraph<SimpleState> {
    chain(&names("node", 1..=3), |_| {
        |mut s: SimpleState| {
            s.counter += 1;
            s
        }
    })
}

pub fn complex_10_nodes() -> StateGraph<ComplexState> {
    linear_complex("node", 0..=9, |i| format!("Processed by node{i}"), 0)
}

pub fn conditional_graph() -> StateGraph<ComplexState> {
    let mut graph = StateGraph::new();
    graph.add_node("start", |mut s: ComplexState| {
        s.counter = 0;
        s.next = "process".to_string();
        s
    });
    graph.add_node("process", |mut s: ComplexState| {
        s.counter += 1;
        s.next = if s.counter >= 3 { "end" } else { "continue" }.to_string();
        s
    });
    graph.add_edge("start", "process");
    graph.add_conditional_edges("process", route_by_next, [("continue", "process"), ("end", END)]);
    graph.set_entry_point("start");
    graph
}

// ---------------------------------------------------------------- 4.2 sequential_execution

fn sequential_execution(c: &mut Criterion) {
    let mut group = c.benchmark_group("sequential_execution");
    bench_invoke(&mut group, "3_nodes_simple", sequential_3_simple, SimpleState::new);
    bench_invoke(&mut group, "5_nodes_complex", sequential_5_complex, ComplexState::new);
    bench_invoke(&mut group, "10_nodes_stress", sequential_10_stress, ComplexState::new);
    group.finish();
}

pub fn sequential_3_simple() -> CompiledGraph<SimpleState> {
    let graph = chain(&names("node", 1..=3), |k| {
        let piece = format!("node{} ", k + 1);
        move |mut s: SimpleState| {
            s.counter += 1;
            s.data.push_str(&piece);
            s
        }
    });
    graph.compile().expect("valid graph")
}

pub fn sequential_5_complex() -> CompiledGraph<ComplexState> {
    let graph = chain(&names("node", 0..=4), |i| {
        let (message, key) = (format!("Processed by node{i}"), format!("step{i}"));
        move |mut s: ComplexState| {
            s.counter += 1;
            s.messages.push(message.clone());
            s.metadata.insert(key.clone(), "completed".to_string());
            s
        }
    });
    graph.compile().expect("valid graph")
}

pub fn sequential_10_stress() -> CompiledGraph<ComplexState> {
    linear_complex("node", 0..=9, |i| format!("Node {i} processing"), 10)
        .compile()
        .expect("valid graph")
}

// ---------------------------------------------------------------- 4.3 conditional_branching

fn add_message(message: impl Into<String>) -> impl Step {
    let message = message.into();
    move |mut s| {
        s.messages.push(message.clone());
        s
    }
}

pub fn loop_5() -> CompiledGraph<ComplexState> {
    processor_loop(5).compile().expect("valid graph")
}

pub fn binary_conditional() -> CompiledGraph<ComplexState> {
    let mut graph = StateGraph::new();
    graph.add_node("start", |mut s: ComplexState| {
        s.counter += 1;
        s.next = if s.counter % 2 == 0 { "even" } else { "odd" }.to_string();
        s
    });
    graph
        .add_node("even", add_message("Even path"))
        .add_node("odd", add_message("Odd path"));
    graph.add_conditional_edges("start", route_by_next, [("even", "even"), ("odd", "odd")]);
    graph
        .add_edge("even", END)
        .add_edge("odd", END)
        .set_entry_point("start");
    graph.compile().expect("valid graph")
}

pub fn multi_branch() -> CompiledGraph<ComplexState> {
    let routes = ["route_a", "route_b", "route_c", "route_d"];
    let mut graph = StateGraph::new();
    graph.add_node("router", move |mut s: ComplexState| {
        s.counter += 1;
        s.next = routes[(s.counter % 4) as usize].to_string();
        s
    });
    for route in routes {
        graph.add_node(route, add_message(format!("Processed by {route}")));
        graph.add_edge(route, END);
    }
    graph.add_conditional_edges("router", route_by_next, routes.map(|r| (r, r)));
    graph.set_entry_point("router");
    graph.compile().expect("valid graph")
}

fn conditional_branching(c: &mut Criterion) {
    let mut group = c.benchmark_group("conditional_branching");
    bench_invoke(&mut group, "binary_conditional", binary_conditional, ComplexState::new);
    bench_invoke(&mut group, "loop_with_exit_condition", loop_5, ComplexState::new);
    bench_invoke(&mut group, "multi_branch_4_routes", multi_branch, ComplexState::new);
    group.finish();
}

// ---------------------------------------------------------------- 4.4 parallel_execution

pub fn fanout_3_workers() -> CompiledGraph<ComplexState> {
    let worker = |i| {
        let (message, key) = (format!("Worker {i} processing"), format!("worker{i}_result"));
        move |mut s: ComplexState| {
            s.messages.push(message.clone());
            s.metadata.insert(key.clone(), "completed".to_string());
            s
        }
    };
    worker_fanout(
        ("start", dispatch("distributing")),
        1..=3,
        worker,
        ("collect", join_counting("collected", false)),
    )
}

pub fn fanout_5_heavy() -> CompiledGraph<ComplexState> {
    let worker = |i| {
        move |mut s: ComplexState| {
            s.messages.push(format!("Worker {i} started"));
            insert_items(&mut s, &format!("worker{i}"), 20, |j| format!("result_{j}"));
            s.messages.push(format!("Worker {i} completed"));
            s
        }
    };
    let join = ("aggregator", join_counting("aggregated", true));
    worker_fanout(("dispatcher", dispatch("dispatching")), 1..=5, worker, join)
}

pub fn two_stage() -> CompiledGraph<ComplexState> {
    let mut graph = StateGraph::new();
    graph.add_node("stage1_start", set_status("stage1"));
    graph.add_node("stage2_start", set_status("stage2"));
    graph.add_node("final", set_status("complete"));
    for (stage, source, join) in [(1, "stage1_start", "stage2_start"), (2, "stage2_start", "final")] {
        let procs = names(&format!("stage{stage}_proc"), 1..=3);
        for (k, proc_name) in procs.iter().enumerate() {
            let key = format!("stage{stage}_{}", k + 1);
            graph.add_node(proc_name, move |mut s: ComplexState| {
                s.metadata.insert(key.clone(), "done".to_string());
                s
            });
        }
        fan_out(&mut graph, source, &procs, join);
    }
    graph.add_edge("final", END).set_entry_point("stage1_start");
    graph.compile_with_merge().expect("valid graph")
}

fn parallel_execution(c: &mut Criterion) {
    let mut group = c.benchmark_group("parallel_execution");
    bench_invoke(&mut group, "fanout_3_workers", fanout_3_workers, ComplexState::new);
    bench_invoke(&mut group, "fanout_5_workers_heavy", fanout_5_heavy, ComplexState::new);
    bench_invoke(&mut group, "two_stage_parallel", two_stage, ComplexState::new);
    group.finish();
}

// ---------------------------------------------------------------- 4.5 checkpointing

fn node_completed(i: usize) -> String {
    format!("Node {i} completed")
}

pub fn memory_checkpointed(graph: StateGraph<ComplexState>, thread_id: &str) -> CompiledGraph<ComplexState> {
    let saver = Arc::new(MemoryCheckpointer::new());
    graph
        .compile()
        .expect("valid graph")
        .with_checkpointer(saver)
        .with_thread_id(thread_id)
}

pub fn file_checkpointed(
    graph: StateGraph<ComplexState>,
    thread_id: &str,
) -> (CompiledGraph<ComplexState>, ScratchDir) {
    let dir = ScratchDir::new();
    let saver = Arc::new(FileCheckpointer::new(&dir.0).expect("scratch directory"));
    (
        graph
            .compile()
            .expect("valid graph")
            .with_checkpointer(saver)
            .with_thread_id(thread_id),
        dir,
    )
}

pub fn checkpoint_3_nodes() -> StateGraph<ComplexState> {
    linear_complex("node", 1..=3, node_completed, 0)
}

pub fn checkpoint_5_nodes() -> StateGraph<ComplexState> {
    linear_complex("node", 1..=5, node_completed, 10)
}

fn checkpointing(c: &mut Criterion) {
    let mut group = c.benchmark_group("checkpointing");
    let memory_three = || memory_checkpointed(checkpoint_3_nodes(), "bench_thread_1");
    bench_invoke(&mut group, "memory_checkpoint_3_nodes", memory_three, ComplexState::new);
    let memory_five = || memory_checkpointed(checkpoint_5_nodes(), "bench_thread_2");
    bench_invoke(&mut group, "memory_checkpoint_5_nodes", memory_five, ComplexState::new);
    let memory_loop = || memory_checkpointed(processor_loop(5), "bench_thread_3");
    bench_invoke(
        &mut group,
        "memory_checkpoint_loop_5_iterations",
        memory_loop,
        ComplexState::new,
    );
    let file_three = || file_checkpointed(checkpoint_3_nodes(), "bench_file_thread_1");
    bench_invoke_with(&mut group, "file_checkpoint_3_nodes", file_three, ComplexState::new);
    let file_five = || file_checkpointed(checkpoint_5_nodes(), "bench_file_thread_2");
    bench_invoke_with(&mut group, "file_checkpoint_5_nodes", file_five, ComplexState::new);
    group.finish();
}

// ---------------------------------------------------------------- 4.6 event_streaming

pub fn stream_5_nodes() -> CompiledGraph<ComplexState> {
    linear_complex("node", 1..=5, |i| format!("Node {i}"), 0)
        .compile()
        .expect("valid graph")
}

pub fn stream_3_nodes_complex() -> CompiledGraph<ComplexState> {
    linear_complex("node", 1..=3, |i| format!("Node {i}"), 10)
        .compile()
        .expect("valid graph")
}

pub fn stream_parallel() -> CompiledGraph<ComplexState> {
    let worker = |i| add_message(format!("Worker {i}"));
    worker_fanout(
        ("start", set_status("started")),
        1..=3,
        worker,
        ("collect", set_status("collected")),
    )
}

fn event_streaming(c: &mut Criterion) {
    let mut group = c.benchmark_group("event_streaming");
    bench_stream(&mut group, "stream_values_5_nodes", stream_5_nodes, StreamMode::Values);
    bench_stream(&mut group, "stream_events_5_nodes", stream_5_nodes, StreamMode::Events);
    bench_stream(
        &mut group,
        "stream_updates_3_nodes_complex",
        stream_3_nodes_complex,
        StreamMode::Updates,
    );
    bench_stream(
        &mut group,
        "stream_parallel_3_workers",
        stream_parallel,
        StreamMode::Values,
    );
    group.finish();
}

// ---------------------------------------------------------------- 4.7 state_cloning

fn medium_node(i: usize) -> impl Fn(MediumState) -> MediumState {
    move |mut s| {
        s.data.push(format!("Node {i} processed"));
        s.counters[i % 100] += 1;
        s
    }
}

fn large_node(i: usize) -> impl Fn(LargeState) -> LargeState {
    move |mut s| {
        s.messages.push(format!("Node {i} processed"));
        s.data_blocks[i][0] = i as u8;
        s
    }
}

pub fn medium_parallel() -> CompiledGraph<MediumState> {
    let workers = names("worker", 1..=3);
    let mut graph = StateGraph::new();
    graph
        .add_node("start", |s: MediumState| s)
        .add_node("collect", |s: MediumState| s);
    for (k, name) in workers.iter().enumerate() {
        let i = k + 1;
        graph.add_node(name, move |mut s: MediumState| {
            s.data.push(format!("Worker {i} processed"));
            s.counters[i] += 1;
            s
        });
    }
    fan_out(&mut graph, "start", &workers, "collect");
    graph.add_edge("collect", END).set_entry_point("start");
    graph.compile_with_merge().expect("valid graph")
}

pub fn small_3_nodes() -> CompiledGraph<SmallState> {
    let graph = chain(&names("node", 1..=3), |_| {
        |mut s: SmallState| {
            s.counter += 1;
            s.value += 1.5;
            s
        }
    });
    graph.compile().expect("valid graph")
}

pub fn medium_3_nodes() -> CompiledGraph<MediumState> {
    chain(&names("node", 1..=3), |k| medium_node(k + 1))
        .compile()
        .expect("valid graph")
}

pub fn large_3_nodes() -> CompiledGraph<LargeState> {
    chain(&names("node", 1..=3), |k| large_node(k + 1))
        .compile()
        .expect("valid graph")
}

fn state_cloning(c: &mut Criterion) {
    let mut group = c.benchmark_group("state_cloning");
    bench_on_state(&mut group, "small_state_clone", SmallState::new, SmallState::clone);
    bench_on_state(&mut group, "medium_state_clone", MediumState::new, MediumState::clone);
    bench_on_state(&mut group, "large_state_clone", LargeState::new, LargeState::clone);
    bench_invoke(&mut group, "small_state_3_nodes", small_3_nodes, SmallState::new);
    bench_invoke(&mut group, "medium_state_3_nodes", medium_3_nodes, MediumState::new);
    bench_invoke(&mut group, "large_state_3_nodes", large_3_nodes, LargeState::new);
    bench_invoke(
        &mut group,
        "medium_state_parallel_3_workers",
        medium_parallel,
        MediumState::new,
    );
    fn json<S: serde::Serialize>(s: &S) -> String {
        serde_json::to_string(s).expect("serializable")
    }
    fn binary<S: serde::Serialize>(s: &S) -> Vec<u8> {
        bincode::serialize(s).expect("serializable")
    }
    bench_on_state(&mut group, "small_state_json_serialize", SmallState::new, json);
    bench_on_state(&mut group, "medium_state_json_serialize", MediumState::new, json);
    bench_on_state(&mut group, "large_state_json_serialize", LargeState::new, json);
    bench_on_state(&mut group, "small_state_bincode_serialize", SmallState::new, binary);
    bench_on_state(&mut group, "medium_state_bincode_serialize", MediumState::new, binary);
    bench_on_state(&mut group, "large_state_bincode_serialize", LargeState::new, binary);
    group.finish();
}

// ---------------------------------------------------------------- 4.8 stress_tests

pub fn deep_nesting() -> CompiledGraph<ComplexState> {
    let mut graph = StateGraph::new();
    for level in 0..10 {
        let name = format!("level{level}");
        let next = if level == 9 {
            "end".to_string()
        } else {
            format!("level{}", level + 1)
        };
        let route_to = if level == 9 { END.to_string() } else { next.clone() };
        let message = format!("Level {level}");
        let next_value = next.clone();
        graph.add_node(&name, move |mut s: ComplexState| {
            s.counter += 1;
            s.messages.push(message.clone());
            s.next = next_value.clone();
            s
        });
        graph.add_conditional_edges(&name, route_by_next, [(next.as_str(), route_to.as_str())]);
    }
    graph.set_entry_point("level0");
    graph.compile().expect("valid graph")
}

pub fn wide_fanout() -> CompiledGraph<ComplexState> {
    let worker = |i| {
        let key = format!("worker{i}");
        move |mut s: ComplexState| {
            s.metadata.insert(key.clone(), "done".to_string());
            s
        }
    };
    let (start, collect) = (set_status("distributing"), join_counting("collected", false));
    worker_fanout(("start", start), 0..=49, worker, ("collect", collect))
}

/// §5 fix: DashFlow's default limit of 25 would stop these two ids.
pub fn hundred_nodes() -> CompiledGraph<ComplexState> {
    let graph = linear_complex("node", 0..=99, |i| format!("Node {i}"), 0);
    graph
        .compile()
        .expect("valid graph")
        .with_recursion_limit(STRESS_RECURSION_LIMIT)
}

pub fn long_running() -> CompiledGraph<ComplexState> {
    processor_loop(100)
        .compile()
        .expect("valid graph")
        .with_recursion_limit(STRESS_RECURSION_LIMIT)
}

fn stress_tests(c: &mut Criterion) {
    let mut group = c.benchmark_group("stress_tests");
    group.sample_size(10);
    bench_invoke(&mut group, "large_graph_100_nodes", hundred_nodes, ComplexState::new);
    bench_invoke(&mut group, "deep_nesting_10_levels", deep_nesting, ComplexState::new);
    bench_invoke(
        &mut group,
        "wide_fanout_50_parallel_branches",
        wide_fanout,
        ComplexState::new,
    );
    bench_invoke(
        &mut group,
        "long_running_100_iterations",
        long_running,
        ComplexState::new,
    );
    group.finish();
}

// ---------------------------------------------------------------- 4.9 real_world_scenarios

fn specialist(message: &'static str, who: &'static str, may_escalate: bool) -> impl Step {
    move |mut s| {
        s.messages.push(message.to_string());
        s.metadata.insert("specialist".to_string(), who.to_string());
        let escalate = may_escalate && s.counter % 5 == 0;
        s.next = if escalate { "escalate" } else { "resolve" }.to_string();
        s
    }
}

pub fn customer_service() -> CompiledGraph<ComplexState> {
    let mut graph = StateGraph::new();
    graph.add_node("classify_intent", |mut s: ComplexState| {
        s.counter += 1;
        s.messages.push("Classifying customer intent".to_string());
        let intent = ["billing", "tech", "sales", "other"][(s.counter % 4) as usize];
        s.next = intent.to_string();
        s.metadata.insert("intent".to_string(), intent.to_string());
        s
    });
    let specialists = [
        (
            "billing_specialist",
            specialist("Billing specialist handling request", "billing", true),
        ),
        (
            "tech_specialist",
            specialist("Tech specialist handling request", "tech", true),
        ),
        (
            "sales_specialist",
            specialist("Sales specialist handling request", "sales", false),
        ),
        (
            "general_agent",
            specialist("General agent handling request", "general", false),
        ),
    ];
    for (name, node) in specialists {
        graph.add_node(name, node);
        graph.add_conditional_edges(name, route_by_next, [("escalate", "escalate"), ("resolve", "resolve")]);
    }
    graph.add_node("escalate", |mut s: ComplexState| {
        s.messages.push("Escalating to supervisor".to_string());
        s.metadata.insert("escalated".to_string(), "true".to_string());
        s.status = "escalated".to_string();
        s
    });
    graph.add_node("resolve", |mut s: ComplexState| {
        s.messages.push("Request resolved".to_string());
        s.status = "resolved".to_string();
        s
    });
    let routes = [
        ("billing", "billing_specialist"),
        ("tech", "tech_specialist"),
        ("sales", "sales_specialist"),
        ("other", "general_agent"),
    ];
    graph.add_conditional_edges("classify_intent", route_by_next, routes);
    graph
        .add_edge("escalate", END)
        .add_edge("resolve", END)
        .set_entry_point("classify_intent");
    graph.compile().expect("valid graph")
}

/// §5 fix: DashFlow builds this with plain `compile()`, which rejects its parallel edges.
pub fn batch_pipeline() -> CompiledGraph<ComplexState> {
    let processors = names("processor", 1..=5);
    let mut graph = StateGraph::new();
    graph.add_node("receive_batch", |mut s: ComplexState| {
        s.counter = 10;
        s.messages.push("Received batch of 10 items".to_string());
        s.status = "processing".to_string();
        s
    });
    for (k, name) in processors.iter().enumerate() {
        let i = k + 1;
        graph.add_node(name, move |mut s: ComplexState| {
            s.messages.push(format!("Processor {i} handling items"));
            insert_items(&mut s, &format!("processor{i}"), 2, |_| "processed".to_string());
            s.next = if i == 5 { "error" } else { "success" }.to_string();
            s
        });
        graph.add_conditional_edges(
            name,
            route_by_next,
            [("error", "handle_error"), ("success", "aggregate_results")],
        );
    }
    graph.add_parallel_edges(
        "receive_batch",
        &processors.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    graph.add_node("handle_error", |mut s: ComplexState| {
        s.messages.push("Handling processing error".to_string());
        s.metadata.insert("error_handled".to_string(), "true".to_string());
        s
    });
    graph.add_node("aggregate_results", |mut s: ComplexState| {
        s.messages.push("Aggregating results".to_string());
        s.status = "completed".to_string();
        s.counter = s.metadata.len() as u32;
        s
    });
    graph
        .add_edge("handle_error", "aggregate_results")
        .add_edge("aggregate_results", END);
    graph.set_entry_point("receive_batch");
    graph.compile_with_merge().expect("valid graph")
}

/// §5 fix: compiled with merge, like the batch pipeline.
pub fn financial_analysis() -> CompiledGraph<ComplexState> {
    let analyzers: Vec<String> = ["fundamental", "technical", "sentiment"].map(String::from).to_vec();
    let mut graph = StateGraph::new();
    graph.add_node("gather_data", |mut s: ComplexState| {
        s.messages.push("Gathering financial data".to_string());
        s.metadata.insert("data_source".to_string(), "market_api".to_string());
        s.counter = 100;
        s
    });
    for name in &analyzers {
        let (message, key) = (format!("{name} analysis complete"), format!("{name}_score"));
        graph.add_node(name, move |mut s: ComplexState| {
            s.messages.push(message.clone());
            s.metadata.insert(key.clone(), "0.75".to_string());
            s
        });
    }
    fan_out(&mut graph, "gather_data", &analyzers, "assess_risk");
    graph.add_node("assess_risk", |mut s: ComplexState| {
        s.messages.push("Assessing overall risk".to_string());
        s.metadata.insert("risk_level".to_string(), "medium".to_string());
        s.next = if s.counter % 3 == 0 {
            "high_risk_report"
        } else {
            "standard_report"
        }
        .to_string();
        s
    });
    let reports = [
        (
            "high_risk_report",
            "Generating detailed risk report",
            "high_risk_reported",
        ),
        ("standard_report", "Generating standard report", "reported"),
    ];
    for (name, message, status) in reports {
        graph.add_node(name, move |mut s: ComplexState| {
            s.messages.push(message.to_string());
            s.status = status.to_string();
            s
        });
        graph.add_edge(name, END);
    }
    graph.add_conditional_edges("assess_risk", route_by_next, reports.map(|(name, _, _)| (name, name)));
    graph.set_entry_point("gather_data");
    graph.compile_with_merge().expect("valid graph")
}

fn real_world_scenarios(c: &mut Criterion) {
    let mut group = c.benchmark_group("real_world_scenarios");
    bench_invoke(
        &mut group,
        "customer_service_router",
        customer_service,
        ComplexState::new,
    );
    bench_invoke(
        &mut group,
        "batch_processing_pipeline",
        batch_pipeline,
        ComplexState::new,
    );
    bench_invoke(
        &mut group,
        "financial_analysis_workflow",
        financial_analysis,
        ComplexState::new,
    );
    group.finish();
}

// ---------------------------------------------------------------- 4.10 tracing_overhead

/// §5 fix: compiled with merge (DashFlow's plain `compile()` rejects the fan-out).
pub fn tracing_parallel() -> CompiledGraph<ComplexState> {
    let worker = |i| {
        move |mut s: ComplexState| {
            s.messages.push(format!("Worker {i} processing"));
            insert_items(&mut s, &format!("worker{i}"), 20, |j| format!("result_{j}"));
            s
        }
    };
    worker_fanout(
        ("start", set_status("started")),
        1..=3,
        worker,
        ("collect", set_status("collected")),
    )
}

fn tracing_overhead(c: &mut Criterion) {
    let mut group = c.benchmark_group("tracing_overhead");
    let five = || checkpoint_5_nodes().compile().expect("valid graph");
    bench_invoke(&mut group, "5_nodes_no_subscriber", five, ComplexState::new);
    bench_invoke(
        &mut group,
        "parallel_3_workers_no_subscriber",
        tracing_parallel,
        ComplexState::new,
    );
    let checkpointed = || memory_checkpointed(checkpoint_3_nodes(), "bench_tracing_overhead");
    bench_invoke(
        &mut group,
        "checkpoint_3_nodes_no_subscriber",
        checkpointed,
        ComplexState::new,
    );
    group.finish();
}

// ---------------------------------------------------------------- 4.11 read_only_optimization

/// Per sample: one collecting callback that keeps every event, as DashFlow's does.
pub fn observed<S: GraphState>(graph: StateGraph<S>) -> CompiledGraph<S> {
    graph
        .compile()
        .expect("valid graph")
        .with_callback(Arc::new(CollectingCallback::<S>::new()))
}

pub fn read_only_chain<S: GraphState>(count: usize) -> StateGraph<S> {
    let names = names("node", 1..=count);
    let mut graph = StateGraph::new();
    for (i, name) in names.iter().enumerate() {
        graph.add_read_only_node(name, |s: S| s);
        graph.add_edge(name, names.get(i + 1).map_or(END, String::as_str));
    }
    graph.set_entry_point(&names[0]);
    graph
}

pub fn mutating_5_nodes() -> StateGraph<ComplexState> {
    linear_complex("node", 1..=5, |_| "Mutated".to_string(), 0)
}

pub fn large_mutating_3_nodes() -> StateGraph<LargeState> {
    chain(&names("node", 1..=3), |k| {
        let message = format!("Node {} processed", k + 1);
        move |mut s: LargeState| {
            s.messages.push(message.clone());
            s
        }
    })
}

fn read_only_optimization(c: &mut Criterion) {
    let mut group = c.benchmark_group("read_only_optimization");
    let read_only = || observed(read_only_chain::<ComplexState>(5));
    bench_invoke(
        &mut group,
        "5_read_only_nodes_with_callbacks",
        read_only,
        ComplexState::new,
    );
    let mutating = || observed(mutating_5_nodes());
    bench_invoke(
        &mut group,
        "5_mutating_nodes_with_callbacks",
        mutating,
        ComplexState::new,
    );
    let large_read_only = || observed(read_only_chain::<LargeState>(3));
    bench_invoke(
        &mut group,
        "3_read_only_nodes_large_state",
        large_read_only,
        LargeState::new,
    );
    let large_mutating = || observed(large_mutating_3_nodes());
    bench_invoke(
        &mut group,
        "3_mutating_nodes_large_state",
        large_mutating,
        LargeState::new,
    );
    group.finish();
}

criterion_group!(
    benches,
    compilation,
    sequential_execution,
    conditional_branching,
    parallel_execution,
    checkpointing,
    event_streaming,
    state_cloning,
    stress_tests,
    real_world_scenarios,
    tracing_overhead,
    read_only_optimization
);
criterion_main!(benches);

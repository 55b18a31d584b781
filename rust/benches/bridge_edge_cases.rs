//! Not part of DashFlow's 48-id suite. This target exists to give the Python bridge real
//! Criterion trees with every id shape it must read: parameterized ids (with and without a
//! function name), throughput (elements and bytes), function ids with characters Criterion
//! rewrites in directory names, an id longer than Criterion's 64-byte directory cut, and two
//! ids that collide after that rewriting. It runs in seconds: short warm-up and measurement.

use std::time::Duration;

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use dashbench_graph::states::{ComplexState, MediumState, SmallState};
use dashbench_graph::StateGraph;
use tokio::runtime::Runtime;

fn fanout_graph(width: usize) -> dashbench_graph::CompiledGraph<ComplexState> {
    let workers: Vec<String> = (0..width).map(|i| format!("worker{i}")).collect();
    let mut graph = StateGraph::new();
    graph.add_node("start", |s: ComplexState| s);
    graph.add_node("collect", |mut s: ComplexState| {
        s.counter = s.metadata.len() as u32;
        s
    });
    for (i, name) in workers.iter().enumerate() {
        graph.add_node(name, move |mut s: ComplexState| {
            s.metadata.insert(format!("worker{i}"), "done".to_string());
            s
        });
        graph.add_edge(name, "collect");
    }
    let targets: Vec<&str> = workers.iter().map(String::as_str).collect();
    graph.add_parallel_edges("start", &targets);
    graph.add_edge("collect", dashbench_graph::END);
    graph.set_entry_point("start");
    graph.compile_with_merge().expect("fan-out graph is valid")
}

/// `fanout_width/<width>` (value only) and `fanout_invoke/merge/<width>` (function + value).
fn parameterized(c: &mut Criterion) {
    let runtime = Runtime::new().expect("tokio runtime");
    let mut by_value = c.benchmark_group("fanout_width");
    for width in [2usize, 8] {
        let graph = fanout_graph(width);
        by_value.bench_with_input(BenchmarkId::from_parameter(width), &width, |b, _| {
            b.to_async(&runtime).iter(|| graph.invoke(ComplexState::new()));
        });
    }
    by_value.finish();
    let mut with_function = c.benchmark_group("fanout_invoke");
    for width in [4usize, 16] {
        let graph = fanout_graph(width);
        with_function.bench_with_input(BenchmarkId::new("merge", width), &width, |b, _| {
            b.to_async(&runtime).iter(|| graph.invoke(ComplexState::new()));
        });
    }
    with_function.finish();
}

fn throughput(c: &mut Criterion) {
    let state = MediumState::new();
    let json_len = serde_json::to_vec(&state).expect("serializable").len() as u64;
    let mut group = c.benchmark_group("throughput");
    group.throughput(Throughput::Elements(state.data.len() as u64));
    group.bench_function("medium_state_clone_items", |b| b.iter(|| black_box(&state).clone()));
    group.throughput(Throughput::Bytes(json_len));
    group.bench_function("medium_state_json_bytes", |b| {
        b.iter(|| serde_json::to_vec(black_box(&state)).expect("serializable"))
    });
    group.finish();
}

/// Function ids Criterion cannot use verbatim as directory names.
fn awkward_names(c: &mut Criterion) {
    let state = SmallState::new();
    let mut group = c.benchmark_group("odd ids");
    let names = [
        r#"odd ?"/\*<>:| chars"#,
        "caret^and spaces  here",
        // Longer than 64 bytes, so its directory name is cut.
        "a_function_id_that_is_deliberately_longer_than_sixty_four_bytes_to_force_truncation",
        // These two differ only in characters that become '_' on disk: one gets a `_2` suffix.
        "collide?x",
        "collide*x",
    ];
    for name in names {
        group.bench_function(name, |b| b.iter(|| black_box(&state).clone()));
    }
    group.finish();
}

criterion_group! {
    name = edge_cases;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(200))
        .measurement_time(Duration::from_millis(400));
    targets = parameterized, throughput, awkward_names
}
criterion_main!(edge_cases);

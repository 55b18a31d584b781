//! The 48-id suite's graphs produce the paths and final states docs/workloads.md gives (one
//! section per group), so the benchmarks time the intended work.

/// The library's graph builders, by group.
mod suite {
    pub use dashbench_graph::workloads::checkpointing::{
        checkpoint_3_nodes, checkpoint_5_nodes, file_checkpointed, memory_checkpointed,
    };
    pub use dashbench_graph::workloads::compilation::{complex_10_nodes, conditional_graph, simple_3_nodes};
    pub use dashbench_graph::workloads::conditional_branching::{binary_conditional, loop_5, multi_branch};
    pub use dashbench_graph::workloads::event_streaming::{stream_3_nodes_complex, stream_5_nodes, stream_parallel};
    pub use dashbench_graph::workloads::parallel_execution::{fanout_3_workers, fanout_5_heavy, two_stage};
    pub use dashbench_graph::workloads::processor_loop as loop_graph;
    pub use dashbench_graph::workloads::read_only_optimization::{
        large_mutating_3_nodes, mutating_5_nodes, read_only_chain,
    };
    pub use dashbench_graph::workloads::real_world_scenarios::{batch_pipeline, customer_service, financial_analysis};
    pub use dashbench_graph::workloads::sequential_execution::{
        sequential_10_stress, sequential_3_simple, sequential_5_complex,
    };
    pub use dashbench_graph::workloads::state_cloning::{
        large_3_nodes, medium_3_nodes, medium_parallel, small_3_nodes,
    };
    pub use dashbench_graph::workloads::stress_tests::{deep_nesting, hundred_nodes, long_running, wide_fanout};
    pub use dashbench_graph::workloads::tracing_overhead::tracing_parallel;
}

use std::sync::Arc;

use dashbench_graph::states::{ComplexState, LargeState, MediumState, SimpleState, SmallState};
use dashbench_graph::{
    CollectingCallback, CompiledGraph, ExecutionResult, GraphState, StateGraph, StreamEvent, StreamMode,
};

fn run<S: GraphState>(graph: &CompiledGraph<S>, state: S) -> ExecutionResult<S> {
    tokio::runtime::Runtime::new()
        .expect("runtime")
        .block_on(graph.invoke(state))
        .expect("invoke succeeds")
}

fn complex(graph: CompiledGraph<ComplexState>) -> (Vec<String>, ComplexState) {
    let result = run(&graph, ComplexState::new());
    (result.nodes_executed, result.state)
}

fn counts(s: &ComplexState) -> (u32, usize, usize) {
    (s.counter, s.messages.len(), s.metadata.len())
}

#[test]
fn compilation_graphs_compile_and_run() {
    let simple = run(&suite::simple_3_nodes().compile().unwrap(), SimpleState::new());
    assert_eq!((simple.nodes_executed.len(), simple.state.counter), (3, 3));
    let (path, state) = complex(suite::complex_10_nodes().compile().unwrap());
    assert_eq!((path.len(), counts(&state)), (10, (10, 11, 2)));
    assert_eq!(state.messages.last().unwrap(), "Processed by node9");
    let (path, state) = complex(suite::conditional_graph().compile().unwrap());
    assert_eq!(path, ["start", "process", "process", "process"]);
    assert_eq!(state.counter, 3);
}

#[test]
fn sequential_execution() {
    let result = run(&suite::sequential_3_simple(), SimpleState::new());
    assert_eq!(
        result.state,
        SimpleState {
            counter: 3,
            data: "node1 node2 node3 ".into()
        }
    );
    assert_eq!(counts(&complex(suite::sequential_5_complex()).1), (5, 6, 7));
    assert_eq!(counts(&complex(suite::sequential_10_stress()).1), (10, 11, 102));
}

#[test]
fn conditional_branching() {
    let (path, state) = complex(suite::binary_conditional());
    assert_eq!(path, ["start", "odd"]);
    assert_eq!(state.messages, ["Initial message", "Odd path"]);
    assert_eq!(
        (state.counter, state.next.as_str(), state.status.as_str()),
        (1, "odd", "initialized")
    );
    let (path, state) = complex(suite::loop_5());
    assert_eq!((path.len(), state.messages.len()), (5, 6));
    let (path, state) = complex(suite::multi_branch());
    assert_eq!(path, ["router", "route_b"]);
    assert_eq!(state.messages.last().unwrap(), "Processed by route_b");
}

#[test]
fn parallel_execution() {
    let (path, state) = complex(suite::fanout_3_workers());
    assert_eq!(path, ["start", "worker1", "worker2", "worker3", "collect"]);
    assert_eq!((counts(&state), state.status.as_str()), ((5, 6, 5), "collected"));
    assert_eq!(counts(&complex(suite::fanout_5_heavy()).1), (15, 15, 102));
    let (path, state) = complex(suite::two_stage());
    assert_eq!(path.len(), 9);
    assert_eq!(path.iter().filter(|n| *n == "stage2_start" || *n == "final").count(), 2);
    assert_eq!((state.status.as_str(), state.metadata.len()), ("complete", 8));
}

#[test]
fn checkpointing_writes_one_file_per_node() {
    for (graph, nodes) in [(suite::checkpoint_3_nodes(), 3), (suite::checkpoint_5_nodes(), 5)] {
        let fresh = suite::file_checkpointed(graph, "bench_file_thread");
        run(&fresh.graph, ComplexState::new());
        run(&fresh.graph, ComplexState::new());
        let dir = fresh.dir.as_ref().unwrap().0.clone();
        let files = std::fs::read_dir(dir.join("bench_file_thread")).unwrap().count();
        assert_eq!(files, 2 * nodes);
        drop(fresh);
        assert!(!dir.exists(), "the scratch directory is removed with the call's graph");
    }
}

/// The memory ids with their saver: one checkpoint per node run, each after its node.
#[test]
fn memory_checkpoints_per_call() {
    let cases = [
        (suite::checkpoint_3_nodes(), 3, (3, 4, 2)),
        (suite::checkpoint_5_nodes(), 5, (5, 6, 52)),
        (suite::loop_graph(5), 5, (5, 6, 2)),
    ];
    for (graph, saves, expected) in cases {
        let app = suite::memory_checkpointed(graph, "bench_thread");
        let saver = app.checkpointer().unwrap();
        let (path, state) = complex(app);
        assert_eq!((path.len(), counts(&state)), (saves, expected));
        let saved = saver.list("bench_thread").unwrap();
        assert_eq!(saved.len(), saves, "one save per node run");
        let nodes: Vec<&str> = saved.iter().map(|c| c.node.as_str()).collect();
        assert_eq!(nodes, path, "each checkpoint follows its node");
        assert_eq!(saved.last().unwrap().state, state);
    }
}

#[test]
fn event_streaming_counts() {
    let count = |graph: CompiledGraph<ComplexState>, mode| graph.stream(ComplexState::new(), &[mode]).count();
    assert_eq!(count(suite::stream_5_nodes(), StreamMode::Values), 6);
    assert_eq!(count(suite::stream_5_nodes(), StreamMode::Events), 11);
    assert_eq!(count(suite::stream_3_nodes_complex(), StreamMode::Updates), 4);
    assert_eq!(count(suite::stream_parallel(), StreamMode::Values), 6);
}

fn streamed(graph: CompiledGraph<ComplexState>, mode: StreamMode) -> Vec<StreamEvent<ComplexState>> {
    graph.stream(ComplexState::new(), &[mode]).map(Result::unwrap).collect()
}

/// (node, messages, metadata keys, status) of a state-carrying event; Done has no node.
fn content(event: &StreamEvent<ComplexState>) -> (String, usize, usize, String) {
    let (node, state) = match event {
        StreamEvent::Values { node, state } | StreamEvent::Update { node, state } => (node.clone(), state),
        StreamEvent::NodeEnd { node, state } => (format!("end {node}"), state),
        StreamEvent::Done { state } => ("done".to_string(), state),
        StreamEvent::NodeStart { node } => return (format!("start {node}"), 0, 0, String::new()),
    };
    (node, state.messages.len(), state.metadata.len(), state.status.clone())
}

/// What each event of a drained stream carries, in order.
fn streamed_content(graph: CompiledGraph<ComplexState>, mode: StreamMode) -> Vec<(String, usize, usize, String)> {
    streamed(graph, mode).iter().map(content).collect()
}

#[test]
fn event_streaming_content() {
    let row = |node: &str, messages, keys, status: &str| (node.to_string(), messages, keys, status.to_string());
    let values = streamed_content(suite::stream_5_nodes(), StreamMode::Values);
    let mut expected: Vec<_> = (1..=5)
        .map(|i| row(&format!("node{i}"), i + 1, 2, "initialized"))
        .collect();
    expected.push(row("done", 6, 2, "initialized"));
    assert_eq!(values, expected);

    let events = streamed_content(suite::stream_5_nodes(), StreamMode::Events);
    let mut expected = Vec::new();
    for i in 1..=5 {
        expected.push(row(&format!("start node{i}"), 0, 0, ""));
        expected.push(row(&format!("end node{i}"), i + 1, 2, "initialized"));
    }
    expected.push(row("done", 6, 2, "initialized"));
    assert_eq!(events, expected);

    let updates = streamed_content(suite::stream_3_nodes_complex(), StreamMode::Updates);
    let expected = vec![
        row("node1", 2, 12, "initialized"),
        row("node2", 3, 22, "initialized"),
        row("node3", 4, 32, "initialized"),
        row("done", 4, 32, "initialized"),
    ];
    assert_eq!(updates, expected, "each update carries the whole state");

    let parallel = streamed(suite::stream_parallel(), StreamMode::Values);
    let StreamEvent::Done { state } = parallel.last().unwrap() else {
        panic!("ends with Done")
    };
    assert_eq!(
        state.messages,
        ["Initial message", "Worker 1", "Worker 2", "Worker 3"],
        "workers chained, unmerged"
    );
    assert_eq!(state.status, "collected");
}

#[test]
fn state_cloning_graphs() {
    let small = run(&suite::small_3_nodes(), SmallState::new()).state;
    assert_eq!((small.counter, small.value), (3, 4.5));
    let medium = run(&suite::medium_3_nodes(), MediumState::new()).state;
    assert_eq!((medium.data.len(), &medium.counters[0..5]), (103, &[0, 2, 3, 4, 4][..]));
    let large = run(&suite::large_3_nodes(), LargeState::new()).state;
    assert_eq!(large.messages.len(), 1003);
    assert_eq!(
        [
            large.data_blocks[1][0],
            large.data_blocks[3][0],
            large.data_blocks[4][0]
        ],
        [1, 3, 0]
    );
    let merged = run(&suite::medium_parallel(), MediumState::new()).state;
    assert_eq!((merged.data.len(), merged.counters.len()), (303, 300));
}

#[test]
fn stress_tests() {
    let (path, state) = complex(suite::hundred_nodes());
    assert_eq!((path.len(), state.counter, state.messages.len()), (100, 100, 101));
    let (path, state) = complex(suite::deep_nesting());
    assert_eq!((path.len(), path[9].as_str(), state.counter), (10, "level9", 10));
    let (path, state) = complex(suite::wide_fanout());
    assert_eq!(
        (path.len(), state.counter, state.status.as_str()),
        (52, 52, "collected")
    );
    assert_eq!(state.messages.iter().filter(|m| *m == "Initial message").count(), 50);
    let (path, state) = complex(suite::long_running());
    assert_eq!((path.len(), state.messages.len()), (100, 101));
}

#[test]
fn real_world_scenarios() {
    let (path, state) = complex(suite::customer_service());
    assert_eq!(path, ["classify_intent", "tech_specialist", "resolve"]);
    assert_eq!(
        (state.messages.len(), state.metadata.len(), state.status.as_str()),
        (4, 4, "resolved")
    );
    let (path, state) = complex(suite::batch_pipeline());
    assert_eq!(path.len(), 7);
    assert!(
        !path.iter().any(|n| n == "handle_error"),
        "merged `next` keeps processor1's success"
    );
    assert_eq!((state.status.as_str(), state.counter), ("completed", 12));
    let (path, state) = complex(suite::financial_analysis());
    assert_eq!(
        (path.len(), path[5].as_str(), state.status.as_str()),
        (6, "standard_report", "reported")
    );
}

#[test]
fn tracing_overhead_parallel() {
    let (path, state) = complex(suite::tracing_parallel());
    assert_eq!(path.len(), 5);
    assert_eq!((state.status.as_str(), state.metadata.len()), ("collected", 62));
}

fn events<S: GraphState>(graph: StateGraph<S>, state: S) -> usize {
    let callback = Arc::new(CollectingCallback::new());
    run(&graph.compile().unwrap().with_callback(callback.clone()), state);
    callback.len()
}

#[test]
fn read_only_optimization_event_counts() {
    assert_eq!(
        events(suite::read_only_chain::<ComplexState>(5), ComplexState::new()),
        17
    );
    assert_eq!(events(suite::mutating_5_nodes(), ComplexState::new()), 22);
    assert_eq!(events(suite::read_only_chain::<LargeState>(3), LargeState::new()), 11);
    assert_eq!(events(suite::large_mutating_3_nodes(), LargeState::new()), 14);
}

//! Behaviour of the engine: routing, merge, recursion limit, checkpoints, callbacks, streams.

use std::sync::Arc;

use dashbench_graph::states::{ComplexState, LargeState, MediumState, SimpleState, SmallState};
use dashbench_graph::{
    bincode, Checkpointer, CollectingCallback, CompiledGraph, FileCheckpointer, GraphError, GraphEvent,
    MemoryCheckpointer, MergeableState, StateGraph, StreamEvent, StreamMode, END,
};
// The benchmarks' graphs double as engine fixtures.
use dashbench_graph::workloads as suite;

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Runtime::new().expect("runtime").block_on(future)
}

fn step(i: u32) -> impl Fn(ComplexState) -> ComplexState {
    move |mut s: ComplexState| {
        s.counter += 1;
        s.messages.push(format!("Node {i}"));
        s
    }
}

fn linear(n: u32) -> StateGraph<ComplexState> {
    let mut graph = StateGraph::new();
    for i in 1..=n {
        graph.add_node(&format!("node{i}"), step(i));
        let next = if i == n {
            END.to_string()
        } else {
            format!("node{}", i + 1)
        };
        graph.add_edge(&format!("node{i}"), &next);
    }
    graph.set_entry_point("node1");
    graph
}

fn fanout(workers: usize) -> StateGraph<ComplexState> {
    let names: Vec<String> = (1..=workers).map(|i| format!("worker{i}")).collect();
    let mut graph = StateGraph::new();
    graph.add_node("start", |mut s: ComplexState| {
        s.status = "distributing".into();
        s
    });
    for (i, name) in names.iter().enumerate() {
        let i = i + 1;
        graph.add_node(name, move |mut s: ComplexState| {
            s.messages.push(format!("Worker {i} processing"));
            s.metadata.insert(format!("worker{i}_result"), "completed".into());
            s.next = format!("from{i}");
            s
        });
        graph.add_edge(name, "collect");
    }
    graph.add_node("collect", |mut s: ComplexState| {
        s.status = "collected".into();
        s.counter = s.metadata.len() as u32;
        s
    });
    let targets: Vec<&str> = names.iter().map(String::as_str).collect();
    graph
        .add_parallel_edges("start", &targets)
        .add_edge("collect", END)
        .set_entry_point("start");
    graph
}

/// `linear(n)`, compiled to save every step into `saver` under `thread`.
fn checkpointed(n: u32, saver: Arc<dyn Checkpointer<ComplexState>>, thread: &str) -> CompiledGraph<ComplexState> {
    linear(n)
        .compile()
        .unwrap()
        .with_checkpointer(saver)
        .with_thread_id(thread)
}

#[test]
fn linear_graph_runs_every_node_in_order() {
    let result = block_on(linear(3).compile().unwrap().invoke(ComplexState::new())).unwrap();
    assert_eq!(result.nodes_executed, ["node1", "node2", "node3"]);
    assert_eq!(result.state.counter, 3);
    assert_eq!(result.state.messages, ["Initial message", "Node 1", "Node 2", "Node 3"]);
}

#[test]
fn conditional_edges_follow_the_route_map() {
    let mut graph = StateGraph::new();
    graph.add_node("start", |mut s: ComplexState| {
        s.counter += 1;
        s.next = if s.counter % 2 == 0 { "even" } else { "odd" }.into();
        s
    });
    graph.add_node("even", step(2)).add_node("odd", step(1));
    graph.add_conditional_edges("start", |s| s.next.clone(), [("even", "even"), ("odd", "odd")]);
    graph
        .add_edge("even", END)
        .add_edge("odd", END)
        .set_entry_point("start");
    let app = graph.compile().unwrap();
    let result = block_on(app.invoke(ComplexState::new())).unwrap();
    assert_eq!(result.nodes_executed, ["start", "odd"]);
    let mut started = ComplexState::new();
    started.counter = 1;
    assert_eq!(block_on(app.invoke(started)).unwrap().nodes_executed, ["start", "even"]);
}

#[test]
fn an_unknown_route_key_is_an_error() {
    let mut graph = StateGraph::new();
    graph.add_node("start", |mut s: ComplexState| {
        s.next = "nowhere".into();
        s
    });
    graph
        .add_conditional_edges("start", |s| s.next.clone(), [("end", END)])
        .set_entry_point("start");
    let error = block_on(graph.compile().unwrap().invoke(ComplexState::new())).unwrap_err();
    assert!(matches!(error, GraphError::UnknownRoute { ref node, ref key } if node == "start" && key == "nowhere"));
}

#[test]
fn fanout_merges_in_declaration_order_and_runs_the_join_once() {
    let result = block_on(fanout(3).compile_with_merge().unwrap().invoke(ComplexState::new())).unwrap();
    assert_eq!(
        result.nodes_executed,
        ["start", "worker1", "worker2", "worker3", "collect"]
    );
    let state = result.state;
    // Each branch returns the whole state, so "Initial message" arrives once per branch.
    assert_eq!(state.messages.len(), 6);
    assert_eq!(state.messages[0..2], ["Initial message", "Worker 1 processing"]);
    assert_eq!(state.messages[4..6], ["Initial message", "Worker 3 processing"]);
    assert_eq!(state.metadata.len(), 5);
    assert_eq!(state.counter, 5);
    assert_eq!(state.status, "collected");
    // `next` is not merged: the first branch's value survives.
    assert_eq!(state.next, "from1");
}

#[test]
fn wide_fanout_beyond_the_task_cap_still_merges_every_branch() {
    let result = block_on(fanout(70).compile_with_merge().unwrap().invoke(ComplexState::new()));
    let state = result.unwrap().state;
    assert_eq!(state.messages.len(), 140);
    assert_eq!(state.counter, 72);
}

#[test]
fn plain_compile_rejects_parallel_edges() {
    assert!(matches!(fanout(3).compile(), Err(GraphError::ParallelEdgesNeedMerge(n)) if n == "start"));
}

#[test]
fn recursion_limit_stops_loops_and_counts_supersteps() {
    let error = block_on(
        suite::processor_loop(100)
            .compile()
            .unwrap()
            .invoke(ComplexState::new()),
    )
    .unwrap_err();
    assert!(matches!(error, GraphError::RecursionLimit { limit: 25 }));
    let result = block_on(
        suite::processor_loop(100)
            .compile()
            .unwrap()
            .with_recursion_limit(100)
            .invoke(ComplexState::new()),
    );
    assert_eq!(result.unwrap().state.messages.len(), 101);
    // A fan-out superstep is one step: start, the three workers, collect.
    let app = fanout(3).compile_with_merge().unwrap();
    assert!(block_on(app.with_recursion_limit(3).invoke(ComplexState::new())).is_ok());
    let short = block_on(
        fanout(3)
            .compile_with_merge()
            .unwrap()
            .with_recursion_limit(2)
            .invoke(ComplexState::new()),
    );
    assert!(matches!(short, Err(GraphError::RecursionLimit { limit: 2 })));
}

#[test]
fn validation_names_the_offending_node() {
    let mut missing_entry = linear(2);
    missing_entry.add_node("extra", step(9)).add_edge("extra", END);
    assert!(matches!(missing_entry.compile(), Err(GraphError::UnreachableNode(n)) if n == "extra"));

    let mut unknown_target = StateGraph::<ComplexState>::new();
    unknown_target
        .add_node("a", step(1))
        .add_edge("a", "ghost")
        .set_entry_point("a");
    assert!(matches!(unknown_target.compile(), Err(GraphError::UnknownNode(n)) if n == "ghost"));

    let mut unknown_route = StateGraph::<ComplexState>::new();
    unknown_route.add_node("a", step(1)).set_entry_point("a");
    unknown_route.add_conditional_edges("a", |s| s.next.clone(), [("x", "ghost")]);
    assert!(matches!(unknown_route.compile(), Err(GraphError::UnknownNode(n)) if n == "ghost"));

    let mut no_entry = StateGraph::<ComplexState>::new();
    no_entry.add_node("a", step(1)).add_edge("a", END);
    assert!(matches!(no_entry.compile(), Err(GraphError::MissingEntryPoint)));

    let mut bad_entry = linear(1);
    bad_entry.set_entry_point("ghost");
    assert!(matches!(bad_entry.compile(), Err(GraphError::UnknownNode(n)) if n == "ghost"));

    let mut twice = linear(1);
    twice.add_node("node1", step(1));
    assert!(matches!(twice.compile(), Err(GraphError::DuplicateNode(n)) if n == "node1"));

    let mut two_edges = linear(2);
    two_edges.add_edge("node1", END);
    assert!(matches!(two_edges.compile(), Err(GraphError::DuplicateEdge(n)) if n == "node1"));

    let mut dead_end = StateGraph::<ComplexState>::new();
    dead_end
        .add_node("a", step(1))
        .add_node("tail", step(2))
        .set_entry_point("a");
    dead_end.add_conditional_edges("a", |s| s.next.clone(), [("t", "tail"), ("e", END)]);
    assert!(matches!(dead_end.compile(), Err(GraphError::NoOutgoingEdge(n)) if n == "tail"));

    let mut fan_to_end = StateGraph::<ComplexState>::new();
    fan_to_end
        .add_node("a", step(1))
        .add_parallel_edges("a", &[END])
        .set_entry_point("a");
    assert!(matches!(fan_to_end.compile_with_merge(), Err(GraphError::InvalidParallelTargets(n)) if n == "a"));

    let mut reserved = StateGraph::<ComplexState>::new();
    reserved.add_node(END, step(1));
    assert!(matches!(reserved.compile(), Err(GraphError::ReservedName(_))));

    // A cycle through a conditional edge is allowed.
    assert!(suite::processor_loop(3).compile().is_ok());
}

#[test]
fn memory_checkpointer_records_every_node_with_parent_links() {
    let saver = Arc::new(MemoryCheckpointer::new());
    let app = checkpointed(3, saver.clone(), "t1");
    block_on(app.invoke(ComplexState::new())).unwrap();
    block_on(app.invoke(ComplexState::new())).unwrap();
    let saved = saver.list("t1").unwrap();
    assert_eq!(saved.len(), 6);
    assert_eq!(saved[2].node, "node3");
    assert_eq!(saved[2].state.counter, 3);
    assert_eq!(saved[1].parent_id.as_deref(), Some(saved[0].id.as_str()));
    // Every invoke starts from its input: checkpoints are written, never read.
    assert_eq!(saver.latest("t1").unwrap().unwrap().state.messages.len(), 4);
    assert_eq!(saver.list("other").unwrap().len(), 0);
}

fn temp_dir(tag: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("dashbench_graph_test_{tag}_{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn file_checkpointer_round_trips_through_json_files() {
    let dir = temp_dir("file");
    let saver = Arc::new(FileCheckpointer::new(&dir).unwrap());
    let app = checkpointed(3, saver.clone(), "thread_a");
    let result = block_on(app.invoke(ComplexState::new())).unwrap();
    let saved: Vec<dashbench_graph::Checkpoint<ComplexState>> = saver.list("thread_a").unwrap();
    assert_eq!(
        saved.iter().map(|c| c.node.as_str()).collect::<Vec<_>>(),
        ["node1", "node2", "node3"]
    );
    assert_eq!(saved[2].state, result.state);
    let files: Vec<_> = std::fs::read_dir(dir.join("thread_a"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(files.len(), 3, "no temp files are left behind: {files:?}");

    // A reopened checkpointer continues the sequence instead of overwriting.
    let reopened = Arc::new(FileCheckpointer::new(&dir).unwrap());
    let app = checkpointed(1, reopened.clone(), "thread_a");
    block_on(app.invoke(ComplexState::new())).unwrap();
    let latest: dashbench_graph::Checkpoint<ComplexState> = reopened.latest("thread_a").unwrap().unwrap();
    assert_eq!((latest.node.as_str(), latest.step), ("node1", 1));
    assert_eq!(
        Checkpointer::<ComplexState>::list(&*reopened, "thread_a")
            .unwrap()
            .len(),
        4
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn file_checkpointer_rejects_path_like_thread_ids_and_corrupt_files() {
    let dir = temp_dir("bad");
    let saver = FileCheckpointer::new(&dir).unwrap();
    let error = Checkpointer::<ComplexState>::list(&saver, "../escape").unwrap_err();
    assert!(matches!(error, GraphError::InvalidThreadId(_)));
    std::fs::create_dir_all(dir.join("t")).unwrap();
    std::fs::write(dir.join("t").join("00000000000000000001.json"), b"{truncated").unwrap();
    let error = Checkpointer::<ComplexState>::list(&saver, "t").unwrap_err();
    assert!(error.to_string().contains("00000000000000000001.json"), "{error}");
    std::fs::remove_dir_all(&dir).unwrap();
}

fn observed(graph: StateGraph<ComplexState>) -> (CompiledGraph<ComplexState>, Arc<CollectingCallback<ComplexState>>) {
    let callback = Arc::new(CollectingCallback::new());
    (graph.compile().unwrap().with_callback(callback.clone()), callback)
}

#[test]
fn callbacks_skip_state_diffs_for_read_only_nodes() {
    let mut read_only = StateGraph::new();
    for i in 1..=5 {
        read_only.add_read_only_node(&format!("node{i}"), |s: ComplexState| s);
        let next = if i == 5 {
            END.to_string()
        } else {
            format!("node{}", i + 1)
        };
        read_only.add_edge(&format!("node{i}"), &next);
    }
    read_only.set_entry_point("node1");
    let (app, callback) = observed(read_only);
    block_on(app.invoke(ComplexState::new())).unwrap();
    assert_eq!(callback.len(), 17);

    let (app, callback) = observed(linear(5));
    block_on(app.invoke(ComplexState::new())).unwrap();
    let events = callback.events();
    assert_eq!(events.len(), 22);
    assert_eq!(events.first().unwrap().kind(), "GraphStart");
    assert_eq!(events.last().unwrap().kind(), "GraphEnd");
    let changed: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            GraphEvent::StateChanged { fields, .. } => Some(fields.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(changed.len(), 5);
    assert_eq!(changed[0], ["counter", "messages"]);
}

fn count(stream: impl Iterator<Item = dashbench_graph::Result<StreamEvent<ComplexState>>>) -> (usize, ComplexState) {
    let mut n = 0;
    let mut last = None;
    for event in stream {
        n += 1;
        if let StreamEvent::Done { state } = event.unwrap() {
            last = Some(state);
        }
    }
    (n, last.expect("stream ends with Done"))
}

#[test]
fn stream_modes_emit_the_expected_event_counts() {
    let app = linear(5).compile().unwrap();
    assert_eq!(count(app.stream(ComplexState::new(), &[StreamMode::Values])).0, 6);
    assert_eq!(count(app.stream(ComplexState::new(), &[StreamMode::Events])).0, 11);
    let (n, state) = count(app.stream(ComplexState::new(), &[StreamMode::Updates, StreamMode::Values]));
    assert_eq!((n, state.counter), (11, 5));
}

#[test]
fn stream_chains_parallel_targets_without_merging() {
    let app = fanout(3).compile_with_merge().unwrap();
    let (n, state) = count(app.stream(ComplexState::new(), &[StreamMode::Values]));
    assert_eq!(n, 6);
    // One chained copy: each worker saw the previous worker's output.
    assert_eq!(state.messages.len(), 4);
    assert_eq!(state.next, "from3");
}

#[test]
fn stream_reports_the_recursion_limit_as_its_last_item() {
    let app = suite::processor_loop(100).compile().unwrap();
    let items: Vec<_> = app.stream(ComplexState::new(), &[StreamMode::Values]).collect();
    assert_eq!(items.len(), 26);
    assert!(matches!(
        items.last(),
        Some(Err(GraphError::RecursionLimit { limit: 25 }))
    ));
}

#[test]
fn state_merge_rules_follow_the_workload_spec() {
    let mut simple = SimpleState {
        counter: 2,
        data: "a".into(),
    };
    simple.merge(&SimpleState {
        counter: 1,
        data: "b".into(),
    });
    assert_eq!(
        simple,
        SimpleState {
            counter: 2,
            data: "a\nb".into()
        }
    );
    let mut small = SmallState::new();
    let mut other = SmallState::new();
    other.status = "done".into();
    other.value = 2.5;
    small.merge(&other);
    assert_eq!((small.status.as_str(), small.value), ("done", 2.5));
    let mut medium = MediumState::new();
    medium.merge(&MediumState::new());
    assert_eq!(
        (medium.data.len(), medium.metadata.len(), medium.counters.len()),
        (200, 50, 200)
    );
}

#[test]
fn state_sizes_match_the_workload_spec() {
    assert_eq!(json(&SimpleState::new()), 23);
    assert_eq!(json(&SmallState::new()), 42);
    assert_eq!(json(&ComplexState::new()), 134);
    assert_eq!(json(&MediumState::new()), 2_196);
    assert_eq!(json(&LargeState::new()), 228_533);
    assert_eq!(bincode::serialize(&SimpleState::new()).unwrap().len(), 12);
    assert_eq!(bincode::serialize(&SmallState::new()).unwrap().len(), 25);
    assert_eq!(bincode::serialize(&ComplexState::new()).unwrap().len(), 134);
    assert_eq!(bincode::serialize(&MediumState::new()).unwrap().len(), 3_294);
    assert_eq!(bincode::serialize(&LargeState::new()).unwrap().len(), 136_174);
}

#[test]
fn bincode_layout_is_little_endian_with_u64_lengths() {
    let bytes = bincode::serialize(&SmallState {
        counter: 1,
        status: "ab".into(),
        value: 1.0,
    })
    .unwrap();
    let mut expected = vec![1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, b'a', b'b'];
    expected.extend_from_slice(&1.0f64.to_le_bytes());
    assert_eq!(bytes, expected);
    assert_eq!(bincode::serialize(&Some(7u8)).unwrap(), [1, 7]);
}

fn json<T: serde::Serialize>(value: &T) -> usize {
    serde_json::to_string(value).unwrap().len()
}

//! What one call of an id does, as canonical JSON, for the cross-language equivalence check
//! (docs/workloads.md §equivalence). `dashbench/equivalence.py` writes the same fields for the
//! LangGraph twin; a field whose value differs must be named in the pair's reason.
//!
//! Fields: `kind`; `nodes` (the node runs, sorted: a multiset) and `route` (one sorted list per
//! step, a parallel superstep being one step); `state` (the final state, field by field, a field
//! over 512 JSON bytes as its item count, size and FNV-1a hash); `tasks` (the most branches run
//! at once); `checkpoints` (saved per call) and `storage` (what they cost on disk); `events`
//! (count per kind), `event_fields` (the state fields events carry) and `event_state_copies`.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{json, Map, Value};

use super::fresh::Fresh;
use crate::graph::{Edge, MAX_CONCURRENT_BRANCHES};
use crate::{CompiledGraph, GraphEvent, GraphState, StreamEvent, StreamMode};

/// Fields whose compact JSON is longer than this are summarised, not inlined.
const INLINE_LIMIT: usize = 512;

/// FNV-1a, 64 bits: a hash both languages compute in a few lines, with no dependency.
fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn payload(value: Value) -> Value {
    let text = value.to_string();
    if text.len() <= INLINE_LIMIT {
        return value;
    }
    let items = match &value {
        Value::Array(items) => items.len(),
        Value::Object(items) => items.len(),
        _ => 1,
    };
    json!({"items": items, "json_bytes": text.len(), "fnv1a64": format!("{:016x}", fnv1a64(text.as_bytes()))})
}

/// A state field by field; serde_json's map keeps keys sorted, so the form is canonical.
pub fn summary<S: Serialize>(state: &S) -> Value {
    match serde_json::to_value(state).expect("serializable state") {
        Value::Object(fields) => fields.into_iter().map(|(k, v)| (k, payload(v))).collect(),
        other => payload(other),
    }
}

fn field_names<S: Serialize>(state: &S) -> String {
    match serde_json::to_value(state).expect("serializable state") {
        Value::Object(fields) => fields.keys().cloned().collect::<Vec<_>>().join(","),
        _ => String::new(),
    }
}

fn sorted<'a>(names: impl IntoIterator<Item = &'a String>) -> Vec<String> {
    let mut names: Vec<String> = names.into_iter().cloned().collect();
    names.sort();
    names
}

/// Groups a run's node sequence into steps: after a node with parallel edges, its targets form one.
fn route<S>(graph: &CompiledGraph<S>, path: &[String]) -> Vec<Vec<String>> {
    let mut steps = Vec::new();
    let mut rest = path;
    let mut previous: Option<&String> = None;
    while !rest.is_empty() {
        let width = match previous.and_then(|node| graph.edges.get(node)) {
            Some(Edge::Parallel(targets)) => targets.len().min(rest.len()),
            _ => 1,
        };
        let (step, tail) = rest.split_at(width);
        previous = step.last();
        steps.push(sorted(step));
        rest = tail;
    }
    steps
}

fn counts(kinds: impl IntoIterator<Item = &'static str>) -> Value {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for kind in kinds {
        *counts.entry(kind).or_default() += 1;
    }
    json!(counts)
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("tokio runtime")
        .block_on(future)
}

pub(crate) fn compiled<S>(graph: &CompiledGraph<S>) -> Value {
    json!({"kind": "compile", "nodes": sorted(graph.nodes.keys())})
}

fn invoked<S: GraphState>(graph: &CompiledGraph<S>, state: S) -> Map<String, Value> {
    let result = block_on(graph.invoke(state)).expect("invoke succeeds");
    let route = route(graph, &result.nodes_executed);
    let mut out = Map::new();
    out.insert("kind".into(), json!("invoke"));
    out.insert("nodes".into(), json!(sorted(&result.nodes_executed)));
    if let Some(widest) = route.iter().map(Vec::len).filter(|&w| w > 1).max() {
        out.insert("tasks".into(), json!(widest.min(MAX_CONCURRENT_BRANCHES)));
    }
    out.insert("route".into(), json!(route));
    out.insert("state".into(), summary(&result.state));
    out
}

pub(crate) fn invoke<S: GraphState>(graph: &CompiledGraph<S>, state: S) -> Value {
    Value::Object(invoked(graph, state))
}

/// An invoke on a graph with its own checkpointer or callback, read back after the call.
pub(crate) fn fresh_invoke<S: GraphState>(fresh: Fresh<S>, state: S) -> Value {
    let mut out = invoked(&fresh.graph, state);
    if let (Some(saver), Some(thread)) = (&fresh.graph.checkpointer, &fresh.graph.thread_id) {
        let saved = saver.list(thread).expect("list checkpoints").len();
        out.insert("checkpoints".into(), json!(saved));
        if fresh.dir.is_some() {
            // FileCheckpointer::save: one serde_json file, fsync of the file and of its directory.
            let storage = json!({"format": "serde_json file per save", "writes": saved, "fsyncs": 2 * saved});
            out.insert("storage".into(), storage);
        }
    }
    if let Some(callback) = &fresh.callback {
        let events = callback.events();
        let copies = events.iter().filter(|e| carried_state(e).is_some()).count();
        out.insert("events".into(), counts(events.iter().map(GraphEvent::kind)));
        out.insert("event_state_copies".into(), json!(copies));
    }
    Value::Object(out)
}

fn carried_state<S>(event: &GraphEvent<S>) -> Option<&S> {
    match event {
        GraphEvent::GraphStart { state }
        | GraphEvent::NodeStart { state, .. }
        | GraphEvent::NodeEnd { state, .. }
        | GraphEvent::GraphEnd { state } => Some(state),
        GraphEvent::EdgeTraversal { .. } | GraphEvent::StateChanged { .. } => None,
    }
}

/// A drained stream: kinds `state` (a full state: Values, Done), `update`, `node_start`, `node_end`.
pub(crate) fn stream<S: GraphState>(graph: &CompiledGraph<S>, state: S, mode: StreamMode) -> Value {
    let events: Vec<StreamEvent<S>> = graph
        .stream(state, &[mode])
        .collect::<crate::Result<_>>()
        .expect("stream events");
    let mut path = Vec::new();
    let mut fields = Vec::new();
    let mut last = None;
    let kinds = events.iter().map(|event| {
        let (kind, node, state) = match event {
            StreamEvent::Values { node, state } => ("state", Some(node), Some(state)),
            StreamEvent::Update { node, state } => ("update", Some(node), Some(state)),
            StreamEvent::NodeStart { .. } => ("node_start", None, None),
            StreamEvent::NodeEnd { node, state } => ("node_end", Some(node), Some(state)),
            StreamEvent::Done { state } => ("state", None, Some(state)),
        };
        path.extend(node.cloned());
        fields.extend(state.map(field_names));
        last = state.or(last);
        kind
    });
    let events = counts(kinds.collect::<Vec<_>>());
    fields.sort();
    fields.dedup();
    json!({
        "kind": "stream",
        "nodes": sorted(&path),
        "route": route(graph, &path),
        "state": summary(last.expect("a stream ends with Done")),
        "events": events,
        "event_fields": fields,
    })
}

/// A derived `Clone` allocates every `String` anew: the copy shares none with the original.
pub(crate) fn cloned<S: Serialize>(copy: &S) -> Value {
    json!({"kind": "clone", "state": summary(copy), "shared_strings": 0})
}

pub(crate) fn serialized(format: &str, bytes: &[u8]) -> Value {
    json!({"kind": "serialize", "format": format, "bytes": bytes.len()})
}

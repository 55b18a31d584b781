//! docs/workloads.md §state_cloning: clone and serialize each state size, and small graphs over
//! each.

use super::build::{chain, clone_state, fan_out, invoke, names, serialize};
use crate::bincode;
use crate::states::{LargeState, MediumState, SmallState};
use crate::{CompiledGraph, StateGraph, END};

/// The two formats: compact serde_json and bincode 1.x.
fn json<S: serde::Serialize>() -> (&'static str, fn(&S) -> String) {
    ("json", |s| serde_json::to_string(s).expect("serializable"))
}

fn binary<S: serde::Serialize>() -> (&'static str, fn(&S) -> Vec<u8>) {
    ("bincode", |s| bincode::serialize(s).expect("serializable"))
}

group! { "state_cloning":
    "small_state_clone" => |h| clone_state(h, SmallState::new),
    "medium_state_clone" => |h| clone_state(h, MediumState::new),
    "large_state_clone" => |h| clone_state(h, LargeState::new),
    "small_state_3_nodes" => |h| invoke(h, &small_3_nodes(), SmallState::new),
    "medium_state_3_nodes" => |h| invoke(h, &medium_3_nodes(), MediumState::new),
    "large_state_3_nodes" => |h| invoke(h, &large_3_nodes(), LargeState::new),
    "medium_state_parallel_3_workers" => |h| invoke(h, &medium_parallel(), MediumState::new),
    "small_state_json_serialize" => |h| serialize(h, SmallState::new, json()),
    "medium_state_json_serialize" => |h| serialize(h, MediumState::new, json()),
    "large_state_json_serialize" => |h| serialize(h, LargeState::new, json()),
    "small_state_bincode_serialize" => |h| serialize(h, SmallState::new, binary()),
    "medium_state_bincode_serialize" => |h| serialize(h, MediumState::new, binary()),
    "large_state_bincode_serialize" => |h| serialize(h, LargeState::new, binary()),
}

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

//! docs/workloads.md §parallel_execution: fan-outs run as tokio tasks and merged, invoked.

use super::build::{dispatch, fan_out, insert_items, invoke, join_counting, names, set_status, worker_fanout};
use crate::states::ComplexState;
use crate::{CompiledGraph, StateGraph, END};

group! { "parallel_execution":
    "fanout_3_workers" => |h| invoke(h, &fanout_3_workers(), ComplexState::new),
    "fanout_5_workers_heavy" => |h| invoke(h, &fanout_5_heavy(), ComplexState::new),
    "two_stage_parallel" => |h| invoke(h, &two_stage(), ComplexState::new),
}

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

//! `dashbench-count`'s command line, run natively (the callgrind requests are no-ops there).

use std::process::{Command, Output};

use dashbench_graph::workloads;

fn count(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dashbench-count"))
        .args(args)
        .output()
        .expect("dashbench-count runs")
}

fn stdout(output: &Output) -> &str {
    std::str::from_utf8(&output.stdout).expect("utf-8 stdout")
}

#[test]
fn list_prints_the_criterion_table_in_suite_order() {
    let output = count(&["list"]);
    assert!(output.status.success());
    let table: Vec<String> = workloads::all().iter().map(|w| w.id()).collect();
    assert_eq!(stdout(&output).lines().collect::<Vec<_>>(), table);
    assert_eq!(table.len(), 48);
    assert_eq!(
        workloads::group_names(),
        [
            "compilation",
            "sequential_execution",
            "conditional_branching",
            "parallel_execution",
            "checkpointing",
            "event_streaming",
            "state_cloning",
            "stress_tests",
            "real_world_scenarios",
            "tracing_overhead",
            "read_only_optimization",
        ]
    );
}

#[test]
fn run_prints_one_ok_line_per_id() {
    // One synchronous body and one async (runtime) body.
    let ids = ["state_cloning/small_state_clone", "parallel_execution/fanout_3_workers"];
    let output = count(&["run", "--iterations", "2", ids[0], ids[1]]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(
        stdout(&output),
        format!(
            "{{\"index\":0,\"id\":\"{}\",\"status\":\"ok\"}}\n{{\"index\":1,\"id\":\"{}\",\"status\":\"ok\"}}\n",
            ids[0], ids[1]
        )
    );
}

#[test]
fn an_unknown_id_exits_2_and_runs_nothing() {
    let output = count(&["run", "compilation/simple_graph_3_nodes", "compilation/no_such_id"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stdout(&output), "");
    assert!(String::from_utf8_lossy(&output.stderr).contains("compilation/no_such_id"));
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &[][..],
        &["run"],
        &["run", "--iterations", "x", "compilation/simple_graph_3_nodes"],
        &["list", "extra"],
    ] {
        assert_eq!(count(args).status.code(), Some(2), "{args:?}");
    }
}

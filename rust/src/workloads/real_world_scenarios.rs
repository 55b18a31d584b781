//! docs/workloads.md §real_world_scenarios: a support router, a batch pipeline with an error
//! route, and a financial analysis fan-out.

use super::build::{fan_out, insert_items, invoke, names, route_by_next, Step};
use crate::states::ComplexState;
use crate::{CompiledGraph, StateGraph, END};

group! { "real_world_scenarios":
    "customer_service_router" => |h| invoke(h, &customer_service(), ComplexState::new),
    "batch_processing_pipeline" => |h| invoke(h, &batch_pipeline(), ComplexState::new),
    "financial_analysis_workflow" => |h| invoke(h, &financial_analysis(), ComplexState::new),
}

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

/// Merge-compiled: DashFlow builds this with plain `compile()`, which rejects its parallel edges
/// (docs/workloads.md §real_world_scenarios).
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

/// Merge-compiled, like the batch pipeline.
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

//! The five benchmark states of DashFlow's suite (docs/workloads.md §states), with their merge rules.

use serde::{Deserialize, Serialize};

use crate::graph::MergeableState;
use crate::hash::HashMap;

/// Gives a state its `new()`, the value every benchmark starts from, and `Default` as the same.
macro_rules! starting_state {
    ($state:ident { $($fields:tt)* }) => {
        impl $state {
            pub fn new() -> Self {
                Self { $($fields)* }
            }
        }

        impl Default for $state {
            fn default() -> Self {
                Self::new()
            }
        }
    };
}

/// A fan-out branch's metadata joins the first branch's, key by key (a later branch wins).
fn extend_cloned(into: &mut HashMap<String, String>, from: &HashMap<String, String>) {
    into.extend(from.iter().map(|(k, v)| (k.clone(), v.clone())));
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SimpleState {
    pub counter: u32,
    pub data: String,
}

impl SimpleState {
    pub fn new() -> Self {
        Self::default()
    }
}

impl MergeableState for SimpleState {
    fn merge(&mut self, other: &Self) {
        self.counter = self.counter.max(other.counter);
        if !other.data.is_empty() {
            if !self.data.is_empty() {
                self.data.push('\n');
            }
            self.data.push_str(&other.data);
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComplexState {
    pub messages: Vec<String>,
    pub metadata: HashMap<String, String>,
    pub counter: u32,
    pub status: String,
    pub next: String,
}

starting_state! { ComplexState {
    messages: vec!["Initial message".to_string()],
    metadata: [
        ("user".to_string(), "test_user".to_string()),
        ("session".to_string(), "test_session".to_string()),
    ]
    .into_iter()
    .collect(),
    counter: 0,
    status: "initialized".to_string(),
    next: String::new(),
}}

/// `next` is deliberately not merged: the first branch's value survives, as in DashFlow.
impl MergeableState for ComplexState {
    fn merge(&mut self, other: &Self) {
        self.messages.extend(other.messages.iter().cloned());
        extend_cloned(&mut self.metadata, &other.metadata);
        self.counter = self.counter.max(other.counter);
        self.status = other.status.clone();
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SmallState {
    pub counter: u32,
    pub status: String,
    pub value: f64,
}

starting_state! { SmallState {
    counter: 0,
    status: "ready".to_string(),
    value: 0.0,
}}

impl MergeableState for SmallState {
    fn merge(&mut self, other: &Self) {
        self.counter = self.counter.max(other.counter);
        self.status = other.status.clone();
        self.value = self.value.max(other.value);
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MediumState {
    pub data: Vec<String>,
    pub metadata: HashMap<String, String>,
    pub counters: Vec<u32>,
}

starting_state! { MediumState {
    data: (0..100).map(|i| format!("Item {i}")).collect(),
    metadata: (0..50).map(|i| (format!("key{i}"), format!("value{i}"))).collect(),
    counters: (0..100).collect(),
}}

impl MergeableState for MediumState {
    fn merge(&mut self, other: &Self) {
        self.data.extend(other.data.iter().cloned());
        extend_cloned(&mut self.metadata, &other.metadata);
        self.counters.extend_from_slice(&other.counters);
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LargeState {
    pub messages: Vec<String>,
    pub metadata: HashMap<String, String>,
    pub data_blocks: Vec<Vec<u8>>,
}

starting_state! { LargeState {
    messages: (0..1000).map(|i| format!("Message {i}")).collect(),
    metadata: (0..500).map(|i| (format!("key{i}"), format!("value{i}"))).collect(),
    data_blocks: vec![vec![0u8; 10_240]; 10],
}}

impl MergeableState for LargeState {
    fn merge(&mut self, other: &Self) {
        self.messages.extend(other.messages.iter().cloned());
        extend_cloned(&mut self.metadata, &other.metadata);
        self.data_blocks.extend(other.data_blocks.iter().cloned());
    }
}

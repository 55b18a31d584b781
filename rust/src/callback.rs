//! Callback hook: observers receive owned events as a run progresses.

use std::sync::Mutex;

use serde::Serialize;
use serde_json::Value;

/// One step of a run. State-carrying events hold their own clone, as DashFlow's do.
#[derive(Debug, Clone)]
pub enum GraphEvent<S> {
    GraphStart {
        state: S,
    },
    NodeStart {
        node: String,
        state: S,
    },
    NodeEnd {
        node: String,
        state: S,
    },
    EdgeTraversal {
        from: String,
        to: Vec<String>,
    },
    /// Top-level fields that a non-read-only node changed.
    StateChanged {
        node: String,
        fields: Vec<String>,
    },
    GraphEnd {
        state: S,
    },
}

impl<S> GraphEvent<S> {
    pub fn kind(&self) -> &'static str {
        match self {
            Self::GraphStart { .. } => "GraphStart",
            Self::NodeStart { .. } => "NodeStart",
            Self::NodeEnd { .. } => "NodeEnd",
            Self::EdgeTraversal { .. } => "EdgeTraversal",
            Self::StateChanged { .. } => "StateChanged",
            Self::GraphEnd { .. } => "GraphEnd",
        }
    }
}

pub trait Callback<S>: Send + Sync {
    fn on_event(&self, event: GraphEvent<S>);
}

/// Keeps every event it sees and never forgets one (like DashFlow's CollectingCallback).
pub struct CollectingCallback<S> {
    events: Mutex<Vec<GraphEvent<S>>>,
}

impl<S> Default for CollectingCallback<S> {
    fn default() -> Self {
        Self {
            events: Mutex::new(Vec::new()),
        }
    }
}

impl<S: Clone> CollectingCallback<S> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.events.lock().expect("callback lock").len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn events(&self) -> Vec<GraphEvent<S>> {
        self.events.lock().expect("callback lock").clone()
    }
}

impl<S: Send> Callback<S> for CollectingCallback<S> {
    fn on_event(&self, event: GraphEvent<S>) {
        self.events.lock().expect("callback lock").push(event);
    }
}

/// Names the top-level fields whose JSON differs between `before` and `after`.
pub(crate) fn changed_fields<S: Serialize>(before: &Value, after: &S) -> Vec<String> {
    let Ok(after) = serde_json::to_value(after) else {
        return vec!["<unserializable>".to_string()];
    };
    match (before, &after) {
        (Value::Object(old), Value::Object(new)) => {
            let mut fields: Vec<String> = new
                .iter()
                .filter(|(key, value)| old.get(*key) != Some(*value))
                .map(|(key, _)| key.clone())
                .chain(old.keys().filter(|key| !new.contains_key(*key)).cloned())
                .collect();
            fields.sort();
            fields
        }
        (old, new) if old != new => vec!["<root>".to_string()],
        _ => Vec::new(),
    }
}

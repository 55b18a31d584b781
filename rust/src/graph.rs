//! The graph builder and its compile-time validation.

use std::collections::VecDeque;
use std::sync::Arc;

use crate::callback::Callback;
use crate::checkpoint::Checkpointer;
use crate::error::{GraphError, Result};
pub use crate::graph_state::GraphState;
use crate::hash::{HashMap, HashSet};

/// The reserved target that ends a run.
pub const END: &str = "__end__";

/// How many parallel branches may run at once (DashFlow caps its tokio tasks at 64).
pub const MAX_CONCURRENT_BRANCHES: usize = 64;

/// DashFlow's default recursion limit, counted in steps (a parallel superstep is one step).
pub const DEFAULT_RECURSION_LIMIT: usize = 25;

/// Folds parallel branch results: the first branch is the base, later ones merge in order.
pub trait MergeableState: GraphState {
    fn merge(&mut self, other: &Self);
}

pub(crate) type NodeFn<S> = Arc<dyn Fn(S) -> S + Send + Sync>;
pub(crate) type RouterFn<S> = Arc<dyn Fn(&S) -> String + Send + Sync>;

pub(crate) struct Node<S> {
    pub(crate) func: NodeFn<S>,
    /// Read-only nodes skip the state diff (`StateChanged`), DashFlow's M-245 optimisation.
    pub(crate) read_only: bool,
}

pub(crate) enum Edge<S> {
    Direct(String),
    Conditional {
        router: RouterFn<S>,
        routes: HashMap<String, String>,
    },
    Parallel(Vec<String>),
}

impl<S> Edge<S> {
    fn targets(&self) -> Vec<&str> {
        match self {
            Edge::Direct(to) => vec![to.as_str()],
            Edge::Conditional { routes, .. } => routes.values().map(String::as_str).collect(),
            Edge::Parallel(targets) => targets.iter().map(String::as_str).collect(),
        }
    }
}

/// A graph under construction. Mistakes are collected and reported by `compile`.
pub struct StateGraph<S> {
    nodes: HashMap<String, Node<S>>,
    node_order: Vec<String>,
    edges: Vec<(String, Edge<S>)>,
    entry: Option<String>,
    problems: Vec<GraphError>,
}

impl<S: GraphState> Default for StateGraph<S> {
    fn default() -> Self {
        Self::new()
    }
}

impl<S: GraphState> StateGraph<S> {
    pub fn new() -> Self {
        Self {
            nodes: HashMap::default(),
            node_order: Vec::new(),
            edges: Vec::new(),
            entry: None,
            problems: Vec::new(),
        }
    }

    /// Adds a node that takes the state and returns the new state.
    pub fn add_node(&mut self, name: &str, func: impl Fn(S) -> S + Send + Sync + 'static) -> &mut Self {
        self.insert_node(name, Arc::new(func), false)
    }

    /// Adds a node that promises not to change the state, so no diff is computed after it.
    pub fn add_read_only_node(&mut self, name: &str, func: impl Fn(S) -> S + Send + Sync + 'static) -> &mut Self {
        self.insert_node(name, Arc::new(func), true)
    }

    fn insert_node(&mut self, name: &str, func: NodeFn<S>, read_only: bool) -> &mut Self {
        if name == END {
            self.problems.push(GraphError::ReservedName(name.to_string()));
        } else if self.nodes.insert(name.to_string(), Node { func, read_only }).is_some() {
            self.problems.push(GraphError::DuplicateNode(name.to_string()));
        } else {
            self.node_order.push(name.to_string());
        }
        self
    }

    pub fn add_edge(&mut self, from: &str, to: &str) -> &mut Self {
        self.edges.push((from.to_string(), Edge::Direct(to.to_string())));
        self
    }

    /// Routes by `router(&state)` through `routes`; a key missing from the map is a run-time error.
    pub fn add_conditional_edges<'a>(
        &mut self,
        from: &str,
        router: impl Fn(&S) -> String + Send + Sync + 'static,
        routes: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> &mut Self {
        let routes = routes
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        self.edges.push((
            from.to_string(),
            Edge::Conditional {
                router: Arc::new(router),
                routes,
            },
        ));
        self
    }

    /// Fans out to every target at once; only `compile_with_merge` accepts this.
    pub fn add_parallel_edges(&mut self, from: &str, targets: &[&str]) -> &mut Self {
        let targets = targets.iter().map(|t| t.to_string()).collect();
        self.edges.push((from.to_string(), Edge::Parallel(targets)));
        self
    }

    pub fn set_entry_point(&mut self, name: &str) -> &mut Self {
        self.entry = Some(name.to_string());
        self
    }

    /// Validates and freezes a graph without parallel edges.
    pub fn compile(self) -> Result<CompiledGraph<S>> {
        self.build(None)
    }

    fn build(mut self, merge: Option<fn(&mut S, &S)>) -> Result<CompiledGraph<S>> {
        if let Some(problem) = self.problems.drain(..).next() {
            return Err(problem);
        }
        let entry = self.entry.clone().ok_or(GraphError::MissingEntryPoint)?;
        if !self.nodes.contains_key(&entry) {
            return Err(GraphError::UnknownNode(entry));
        }
        let mut edges = HashMap::default();
        for (from, edge) in self.edges {
            if !self.nodes.contains_key(&from) {
                return Err(GraphError::UnknownNode(from));
            }
            for target in edge.targets() {
                if target != END && !self.nodes.contains_key(target) {
                    return Err(GraphError::UnknownNode(target.to_string()));
                }
            }
            if let Edge::Parallel(targets) = &edge {
                if targets.is_empty() || targets.iter().any(|t| t == END) {
                    return Err(GraphError::InvalidParallelTargets(from));
                }
                if merge.is_none() {
                    return Err(GraphError::ParallelEdgesNeedMerge(from));
                }
            }
            if edges.insert(from.clone(), edge).is_some() {
                return Err(GraphError::DuplicateEdge(from));
            }
        }
        if let Some(name) = self.node_order.iter().find(|n| !edges.contains_key(*n)) {
            return Err(GraphError::NoOutgoingEdge(name.clone()));
        }
        let reachable = reachable_from(&entry, &edges);
        if let Some(name) = self.node_order.iter().find(|n| !reachable.contains(n.as_str())) {
            return Err(GraphError::UnreachableNode(name.clone()));
        }
        Ok(CompiledGraph {
            nodes: self.nodes,
            edges,
            entry,
            merge,
            recursion_limit: DEFAULT_RECURSION_LIMIT,
            checkpointer: None,
            thread_id: None,
            callbacks: Vec::new(),
        })
    }
}

impl<S: MergeableState> StateGraph<S> {
    /// Validates and freezes a graph that may fan out; branch results are merged in declaration order.
    pub fn compile_with_merge(self) -> Result<CompiledGraph<S>> {
        self.build(Some(|base: &mut S, other: &S| base.merge(other)))
    }
}

fn reachable_from<'a, S>(entry: &'a str, edges: &'a HashMap<String, Edge<S>>) -> HashSet<&'a str> {
    let mut seen: HashSet<&str> = [entry].into_iter().collect();
    let mut queue = VecDeque::from([entry]);
    while let Some(node) = queue.pop_front() {
        for target in edges.get(node).map(Edge::targets).unwrap_or_default() {
            if target != END && seen.insert(target) {
                queue.push_back(target);
            }
        }
    }
    seen
}

/// A validated graph, ready to invoke or stream.
pub struct CompiledGraph<S> {
    pub(crate) nodes: HashMap<String, Node<S>>,
    pub(crate) edges: HashMap<String, Edge<S>>,
    pub(crate) entry: String,
    pub(crate) merge: Option<fn(&mut S, &S)>,
    pub(crate) recursion_limit: usize,
    pub(crate) checkpointer: Option<Arc<dyn Checkpointer<S>>>,
    pub(crate) thread_id: Option<String>,
    pub(crate) callbacks: Vec<Arc<dyn Callback<S>>>,
}

impl<S: GraphState> CompiledGraph<S> {
    /// Caps steps per run; exceeding it is `GraphError::RecursionLimit`.
    pub fn with_recursion_limit(mut self, limit: usize) -> Self {
        self.recursion_limit = limit;
        self
    }

    /// Saves a checkpoint after every node and every parallel superstep (needs a thread id).
    pub fn with_checkpointer(mut self, checkpointer: Arc<dyn Checkpointer<S>>) -> Self {
        self.checkpointer = Some(checkpointer);
        self
    }

    pub fn with_thread_id(mut self, thread_id: &str) -> Self {
        self.thread_id = Some(thread_id.to_string());
        self
    }

    pub fn with_callback(mut self, callback: Arc<dyn Callback<S>>) -> Self {
        self.callbacks.push(callback);
        self
    }

    /// The checkpointer, so its saves can be read back after a run.
    pub fn checkpointer(&self) -> Option<Arc<dyn Checkpointer<S>>> {
        self.checkpointer.clone()
    }

    pub fn entry_point(&self) -> &str {
        &self.entry
    }

    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }
}

//! One error type for building, validating and running graphs.

use std::fmt;

/// Everything that can go wrong; each variant names the node, key or file involved.
#[derive(Debug)]
pub enum GraphError {
    /// `compile` was called without `set_entry_point`.
    MissingEntryPoint,
    /// An edge or the entry point names a node that was never added.
    UnknownNode(String),
    /// `add_node` was called twice with one name.
    DuplicateNode(String),
    /// A node name collides with the reserved `END` marker.
    ReservedName(String),
    /// A node got more than one outgoing edge (plain, conditional or parallel).
    DuplicateEdge(String),
    /// A node has no outgoing edge; DashFlow-style graphs must say where to go (use `END`).
    NoOutgoingEdge(String),
    /// A node cannot be reached from the entry point.
    UnreachableNode(String),
    /// Parallel edges need `compile_with_merge`, which knows how to fold branch states.
    ParallelEdgesNeedMerge(String),
    /// A parallel edge must name at least one target node, and never `END`.
    InvalidParallelTargets(String),
    /// A router returned a key missing from its route map.
    UnknownRoute { node: String, key: String },
    /// More steps (nodes or parallel supersteps) than the recursion limit allows.
    RecursionLimit { limit: usize },
    /// A parallel branch task panicked or was cancelled.
    BranchFailed { node: String, reason: String },
    /// A checkpoint thread id that cannot be used as a file name.
    InvalidThreadId(String),
    /// Reading or writing checkpoint files failed.
    Io { path: String, source: std::io::Error },
    /// A checkpoint could not be encoded or decoded.
    Serde { path: String, source: serde_json::Error },
}

impl fmt::Display for GraphError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingEntryPoint => write!(f, "graph has no entry point"),
            Self::UnknownNode(n) => write!(f, "unknown node '{n}'"),
            Self::DuplicateNode(n) => write!(f, "node '{n}' was added twice"),
            Self::ReservedName(n) => write!(f, "'{n}' is reserved and cannot name a node"),
            Self::DuplicateEdge(n) => write!(f, "node '{n}' has more than one outgoing edge"),
            Self::NoOutgoingEdge(n) => write!(f, "node '{n}' has no outgoing edge (add one to END)"),
            Self::UnreachableNode(n) => write!(f, "node '{n}' is unreachable from the entry point"),
            Self::ParallelEdgesNeedMerge(n) => {
                write!(f, "node '{n}' has parallel edges; use compile_with_merge")
            }
            Self::InvalidParallelTargets(n) => {
                write!(f, "parallel edges of '{n}' must list one or more nodes and no END")
            }
            Self::UnknownRoute { node, key } => {
                write!(f, "router of node '{node}' returned unknown route '{key}'")
            }
            Self::RecursionLimit { limit } => write!(f, "recursion limit of {limit} steps exceeded"),
            Self::BranchFailed { node, reason } => {
                write!(f, "parallel branch '{node}' failed: {reason}")
            }
            Self::InvalidThreadId(t) => write!(f, "invalid checkpoint thread id '{t}'"),
            Self::Io { path, source } => write!(f, "{path}: {source}"),
            Self::Serde { path, source } => write!(f, "{path}: {source}"),
        }
    }
}

impl std::error::Error for GraphError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io { source, .. } => Some(source),
            Self::Serde { source, .. } => Some(source),
            _ => None,
        }
    }
}

pub type Result<T> = std::result::Result<T, GraphError>;

//! A small StateGraph engine modelled on DashFlow's execution semantics, as a reference
//! workload for dashbench's Criterion bridge. Nodes take an owned state and return the new
//! one; edges are plain, conditional (route maps) or parallel (merged in declaration order);
//! runs are bounded by a recursion limit and can be checkpointed, observed and streamed.

pub mod bincode;
pub mod callback;
pub mod checkpoint;
pub mod error;
pub mod executor;
pub mod graph;
pub mod graph_state;
pub mod hash;
pub mod states;
pub mod stream;
pub mod workloads;

pub use callback::{Callback, CollectingCallback, GraphEvent};
pub use checkpoint::{Checkpoint, Checkpointer, FileCheckpointer, MemoryCheckpointer};
pub use error::{GraphError, Result};
pub use executor::ExecutionResult;
pub use graph::{CompiledGraph, GraphState, MergeableState, StateGraph, DEFAULT_RECURSION_LIMIT, END};
pub use stream::{GraphStream, StreamEvent, StreamMode};

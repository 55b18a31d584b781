//! The bound every graph state meets, below both the graph and its checkpointers, which each
//! need it.

use serde::de::DeserializeOwned;
use serde::Serialize;

/// What a graph state must offer: owned clones for branches and checkpoints, serde for
/// file checkpoints and state diffs, `Send + 'static` for tokio tasks.
pub trait GraphState: Clone + Send + Sync + Serialize + DeserializeOwned + 'static {}
impl<T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static> GraphState for T {}

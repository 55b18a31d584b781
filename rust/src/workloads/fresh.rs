//! What one call owns alone: its graph with a new checkpointer or callback, and a file
//! checkpointer's directory. Built and dropped untimed; the timed-body shapes, the checkpoint
//! workloads and the descriptions all use it, so it sits below them.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::{CollectingCallback, CompiledGraph};

/// One call's graph with its own new checkpointer or collecting callback (and a file
/// checkpointer's scratch directory), built untimed before the call and dropped untimed after it.
pub struct Fresh<S> {
    pub graph: CompiledGraph<S>,
    pub callback: Option<Arc<CollectingCallback<S>>>,
    pub dir: Option<ScratchDir>,
}

impl<S> Fresh<S> {
    pub fn new(graph: CompiledGraph<S>) -> Self {
        Self {
            graph,
            callback: None,
            dir: None,
        }
    }
}

/// A directory under $TMPDIR for one call's file checkpoints, removed when the call's output is
/// dropped (untimed).
pub struct ScratchDir(pub PathBuf);

impl ScratchDir {
    /// Zero-padded pid and sequence keep the path's length, and so the timed path handling,
    /// the same from run to run.
    pub fn new() -> Self {
        static SEQ: AtomicU64 = AtomicU64::new(0);
        let name = format!(
            "dashflow_bench_{:010}_{:06}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed)
        );
        Self(std::env::temp_dir().join(name))
    }
}

impl Default for ScratchDir {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

//! Checkpointers: the executor saves one after every node; tests and users read them back.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::error::{GraphError, Result};
use crate::graph_state::GraphState;
use crate::hash::HashMap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint<S> {
    pub id: String,
    pub thread_id: String,
    pub node: String,
    /// Steps so far in this run (a parallel superstep is one step).
    pub step: usize,
    pub parent_id: Option<String>,
    pub timestamp_ms: u64,
    pub state: S,
}

pub trait Checkpointer<S>: Send + Sync {
    fn save(&self, checkpoint: Checkpoint<S>) -> Result<()>;
    /// All checkpoints of a thread, oldest first.
    fn list(&self, thread_id: &str) -> Result<Vec<Checkpoint<S>>>;
    fn latest(&self, thread_id: &str) -> Result<Option<Checkpoint<S>>> {
        Ok(self.list(thread_id)?.pop())
    }
}

/// Keeps checkpoints in a map; nothing is ever evicted.
pub struct MemoryCheckpointer<S> {
    threads: Mutex<HashMap<String, Vec<Checkpoint<S>>>>,
}

impl<S> Default for MemoryCheckpointer<S> {
    fn default() -> Self {
        Self {
            threads: Mutex::new(HashMap::default()),
        }
    }
}

impl<S: GraphState> MemoryCheckpointer<S> {
    pub fn new() -> Self {
        Self::default()
    }
}

impl<S: GraphState> Checkpointer<S> for MemoryCheckpointer<S> {
    fn save(&self, checkpoint: Checkpoint<S>) -> Result<()> {
        let mut threads = self.threads.lock().expect("checkpointer lock");
        threads
            .entry(checkpoint.thread_id.clone())
            .or_default()
            .push(checkpoint);
        Ok(())
    }

    fn list(&self, thread_id: &str) -> Result<Vec<Checkpoint<S>>> {
        let threads = self.threads.lock().expect("checkpointer lock");
        Ok(threads.get(thread_id).cloned().unwrap_or_default())
    }

    fn latest(&self, thread_id: &str) -> Result<Option<Checkpoint<S>>> {
        let threads = self.threads.lock().expect("checkpointer lock");
        Ok(threads.get(thread_id).and_then(|list| list.last().cloned()))
    }
}

/// One JSON file per checkpoint under `<root>/<thread_id>/`, named by a sequence number so
/// that name order is save order. Each write is temp file + fsync + rename + directory fsync,
/// so a crash leaves either the old set of files or the new one, never a torn file.
pub struct FileCheckpointer {
    root: PathBuf,
    next_seq: AtomicU64,
}

impl FileCheckpointer {
    /// Opens (and creates) `root`, continuing the sequence after any files already there.
    pub fn new(root: impl Into<PathBuf>) -> Result<Self> {
        let root = root.into();
        fs::create_dir_all(&root).map_err(|e| io_error(&root, e))?;
        let mut max_seq = 0;
        for thread_dir in fs::read_dir(&root).map_err(|e| io_error(&root, e))? {
            let thread_dir = thread_dir.map_err(|e| io_error(&root, e))?.path();
            if thread_dir.is_dir() {
                max_seq = checkpoint_files(&thread_dir)?
                    .last()
                    .map_or(max_seq, |(seq, _)| max_seq.max(*seq));
            }
        }
        Ok(Self {
            root,
            next_seq: AtomicU64::new(max_seq + 1),
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn thread_dir(&self, thread_id: &str) -> Result<PathBuf> {
        let valid = !thread_id.is_empty()
            && thread_id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !valid {
            return Err(GraphError::InvalidThreadId(thread_id.to_string()));
        }
        Ok(self.root.join(thread_id))
    }
}

impl<S: GraphState> Checkpointer<S> for FileCheckpointer {
    fn save(&self, checkpoint: Checkpoint<S>) -> Result<()> {
        let dir = self.thread_dir(&checkpoint.thread_id)?;
        fs::create_dir_all(&dir).map_err(|e| io_error(&dir, e))?;
        let seq = self.next_seq.fetch_add(1, Ordering::Relaxed);
        let path = dir.join(format!("{seq:020}.json"));
        let bytes = serde_json::to_vec(&checkpoint).map_err(|e| serde_error(&path, e))?;
        write_atomically(&dir, &path, &bytes)
    }

    fn list(&self, thread_id: &str) -> Result<Vec<Checkpoint<S>>> {
        let dir = self.thread_dir(thread_id)?;
        if !dir.exists() {
            return Ok(Vec::new());
        }
        checkpoint_files(&dir)?
            .into_iter()
            .map(|(_, path)| {
                let bytes = fs::read(&path).map_err(|e| io_error(&path, e))?;
                serde_json::from_slice(&bytes).map_err(|e| serde_error(&path, e))
            })
            .collect()
    }
}

/// `<seq>.json` files of a thread directory, sorted by sequence; temp files are ignored.
fn checkpoint_files(dir: &Path) -> Result<Vec<(u64, PathBuf)>> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| io_error(dir, e))? {
        let path = entry.map_err(|e| io_error(dir, e))?.path();
        let seq = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".json"))
            .and_then(|stem| stem.parse::<u64>().ok());
        if let Some(seq) = seq {
            files.push((seq, path));
        }
    }
    files.sort();
    Ok(files)
}

fn write_atomically(dir: &Path, path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("json.tmp");
    let mut file = File::create(&tmp).map_err(|e| io_error(&tmp, e))?;
    file.write_all(bytes)
        .and_then(|_| file.sync_all())
        .map_err(|e| io_error(&tmp, e))?;
    fs::rename(&tmp, path).map_err(|e| io_error(path, e))?;
    File::open(dir).and_then(|d| d.sync_all()).map_err(|e| io_error(dir, e))
}

fn io_error(path: &Path, source: std::io::Error) -> GraphError {
    GraphError::Io {
        path: path.display().to_string(),
        source,
    }
}

fn serde_error(path: &Path, source: serde_json::Error) -> GraphError {
    GraphError::Serde {
        path: path.display().to_string(),
        source,
    }
}

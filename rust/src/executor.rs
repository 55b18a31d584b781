//! `invoke`: runs a compiled graph to `END` inside a tokio runtime.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::callback::{changed_fields, GraphEvent};
use crate::checkpoint::Checkpoint;
use crate::error::{GraphError, Result};
use crate::graph::{CompiledGraph, Edge, GraphState, END, MAX_CONCURRENT_BRANCHES};

/// Where a run goes after a node or a superstep.
pub(crate) enum Next {
    End,
    One(String),
    Many(Vec<String>),
}

/// The final state and the nodes executed, in order (parallel branches in declaration order).
#[derive(Debug, Clone)]
pub struct ExecutionResult<S> {
    pub state: S,
    pub nodes_executed: Vec<String>,
}

static CHECKPOINT_SEQ: AtomicU64 = AtomicU64::new(0);

impl<S: GraphState> CompiledGraph<S> {
    /// Evaluates `node`'s outgoing edge against `state`.
    pub(crate) fn next_after(&self, node: &str, state: &S) -> Result<Next> {
        let edge = self
            .edges
            .get(node)
            .ok_or_else(|| GraphError::NoOutgoingEdge(node.to_string()))?;
        let target = match edge {
            Edge::Parallel(targets) => return Ok(Next::Many(targets.clone())),
            Edge::Direct(to) => to.clone(),
            Edge::Conditional { router, routes } => {
                let key = router(state);
                match routes.get(&key) {
                    Some(to) => to.clone(),
                    None => {
                        return Err(GraphError::UnknownRoute {
                            node: node.to_string(),
                            key,
                        })
                    }
                }
            }
        };
        Ok(if target == END { Next::End } else { Next::One(target) })
    }

    pub(crate) fn check_limit(&self, steps: usize) -> Result<()> {
        if steps > self.recursion_limit {
            return Err(GraphError::RecursionLimit {
                limit: self.recursion_limit,
            });
        }
        Ok(())
    }

    pub(crate) fn run_node_fn(&self, name: &str, state: S) -> S {
        (self.nodes[name].func)(state)
    }

    fn emit(&self, make: impl FnOnce() -> GraphEvent<S>) {
        if let Some((last, rest)) = self.callbacks.split_last() {
            let event = make();
            for callback in rest {
                callback.on_event(event.clone());
            }
            last.on_event(event);
        }
    }

    /// Runs one node with its callback events; the diff is skipped for read-only nodes.
    fn run_node(&self, name: &str, state: S) -> S {
        let node = &self.nodes[name];
        let observed = !self.callbacks.is_empty();
        self.emit(|| GraphEvent::NodeStart {
            node: name.to_string(),
            state: state.clone(),
        });
        let before = (observed && !node.read_only).then(|| serde_json::to_value(&state));
        let state = (node.func)(state);
        self.emit(|| GraphEvent::NodeEnd {
            node: name.to_string(),
            state: state.clone(),
        });
        if let Some(Ok(before)) = before {
            let fields = changed_fields(&before, &state);
            if !fields.is_empty() {
                self.emit(|| GraphEvent::StateChanged {
                    node: name.to_string(),
                    fields,
                });
            }
        }
        state
    }

    /// Runs the targets as tokio tasks on clones of `state`, then merges in declaration order.
    async fn run_parallel(&self, targets: &[String], state: S) -> Result<S> {
        let merge = self
            .merge
            .ok_or_else(|| GraphError::ParallelEdgesNeedMerge(targets[0].clone()))?;
        let mut merged: Option<S> = None;
        for chunk in targets.chunks(MAX_CONCURRENT_BRANCHES) {
            let tasks: Vec<_> = chunk
                .iter()
                .map(|name| {
                    self.emit(|| GraphEvent::NodeStart {
                        node: name.clone(),
                        state: state.clone(),
                    });
                    let func = self.nodes[name].func.clone();
                    let input = state.clone();
                    tokio::spawn(async move { func(input) })
                })
                .collect();
            for (name, task) in chunk.iter().zip(tasks) {
                let output = task.await.map_err(|e| GraphError::BranchFailed {
                    node: name.clone(),
                    reason: e.to_string(),
                })?;
                self.emit(|| GraphEvent::NodeEnd {
                    node: name.clone(),
                    state: output.clone(),
                });
                match merged.as_mut() {
                    None => merged = Some(output),
                    Some(base) => merge(base, &output),
                }
            }
        }
        Ok(merged.expect("parallel edges have at least one target"))
    }

    fn save_checkpoint(&self, node: &str, step: usize, state: &S, parent: &mut Option<String>) -> Result<()> {
        let (Some(checkpointer), Some(thread_id)) = (&self.checkpointer, &self.thread_id) else {
            return Ok(());
        };
        let id = format!("{thread_id}-{}", CHECKPOINT_SEQ.fetch_add(1, Ordering::Relaxed));
        let timestamp_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        checkpointer.save(Checkpoint {
            id: id.clone(),
            thread_id: thread_id.clone(),
            node: node.to_string(),
            step,
            parent_id: parent.replace(id),
            timestamp_ms,
            state: state.clone(),
        })
    }

    /// Runs from the entry point to `END`. Every call starts from `state`; checkpoints are written,
    /// never read. The recursion limit counts steps: one node, or one whole parallel superstep.
    pub async fn invoke(&self, state: S) -> Result<ExecutionResult<S>> {
        self.emit(|| GraphEvent::GraphStart { state: state.clone() });
        let mut state = state;
        let mut path: Vec<String> = Vec::new();
        let mut parent = None;
        let mut next = Next::One(self.entry.clone());
        let mut step = 0;
        while !matches!(next, Next::End) {
            step += 1;
            self.check_limit(step)?;
            let last = match next {
                Next::End => unreachable!("loop condition"),
                Next::One(name) => {
                    state = self.run_node(&name, state);
                    name
                }
                Next::Many(targets) => {
                    state = self.run_parallel(&targets, state).await?;
                    path.extend(targets[..targets.len() - 1].iter().cloned());
                    targets.into_iter().last().expect("non-empty targets")
                }
            };
            path.push(last);
            let last = path.last().expect("just pushed");
            self.save_checkpoint(last, step, &state, &mut parent)?;
            next = self.next_after(last, &state)?;
            self.emit(|| GraphEvent::EdgeTraversal {
                from: last.clone(),
                to: next.names(),
            });
        }
        self.emit(|| GraphEvent::GraphEnd { state: state.clone() });
        Ok(ExecutionResult {
            state,
            nodes_executed: path,
        })
    }
}

impl Next {
    fn names(&self) -> Vec<String> {
        match self {
            Next::End => vec![END.to_string()],
            Next::One(name) => vec![name.clone()],
            Next::Many(names) => names.clone(),
        }
    }
}

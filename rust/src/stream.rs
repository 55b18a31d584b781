//! Streaming: a pull-based run that executes the next node only when the consumer asks.
//!
//! Like DashFlow's `stream()`, this path is lean: no checkpoints, no callbacks, and parallel
//! targets run one after another, each fed the previous branch's output, with no merge.

use std::collections::VecDeque;

use crate::error::Result;
use crate::executor::Next;
use crate::graph::{CompiledGraph, GraphState};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamMode {
    /// The full state after each node.
    Values,
    /// The node's output after each node (the whole state, as in DashFlow).
    Updates,
    /// A start and an end event per node.
    Events,
}

#[derive(Debug, Clone)]
pub enum StreamEvent<S> {
    Values {
        node: String,
        state: S,
    },
    Update {
        node: String,
        state: S,
    },
    NodeStart {
        node: String,
    },
    NodeEnd {
        node: String,
        state: S,
    },
    /// The last event, carrying the final state.
    Done {
        state: S,
    },
}

pub struct GraphStream<'g, S> {
    graph: &'g CompiledGraph<S>,
    modes: Vec<StreamMode>,
    state: Option<S>,
    next: Option<Next>,
    steps: usize,
    pending: VecDeque<StreamEvent<S>>,
}

impl<S: GraphState> CompiledGraph<S> {
    /// Streams a run from `state`, emitting the events of every requested mode.
    pub fn stream(&self, state: S, modes: &[StreamMode]) -> GraphStream<'_, S> {
        GraphStream {
            graph: self,
            modes: modes.to_vec(),
            state: Some(state),
            next: Some(Next::One(self.entry.clone())),
            steps: 0,
            pending: VecDeque::new(),
        }
    }
}

impl<S: GraphState> GraphStream<'_, S> {
    fn run_one(&mut self, node: &str, state: S) -> Result<S> {
        if self.modes.contains(&StreamMode::Events) {
            self.pending
                .push_back(StreamEvent::NodeStart { node: node.to_string() });
        }
        let state = self.graph.run_node_fn(node, state);
        for mode in &self.modes {
            let (node, state) = (node.to_string(), state.clone());
            self.pending.push_back(match mode {
                StreamMode::Values => StreamEvent::Values { node, state },
                StreamMode::Updates => StreamEvent::Update { node, state },
                StreamMode::Events => StreamEvent::NodeEnd { node, state },
            });
        }
        Ok(state)
    }

    /// Runs one node (or one chained fan-out) and queues its events.
    fn advance(&mut self) -> Result<()> {
        let (Some(next), Some(mut state)) = (self.next.take(), self.state.take()) else {
            return Ok(());
        };
        if let Next::End = next {
            self.pending.push_back(StreamEvent::Done { state });
            return Ok(());
        }
        self.steps += 1;
        self.graph.check_limit(self.steps)?;
        let last = match next {
            Next::End => unreachable!("handled above"),
            Next::One(name) => {
                state = self.run_one(&name, state)?;
                name
            }
            Next::Many(targets) => {
                for name in &targets {
                    state = self.run_one(name, state)?;
                }
                targets.into_iter().last().expect("non-empty targets")
            }
        };
        self.next = Some(self.graph.next_after(&last, &state)?);
        self.state = Some(state);
        Ok(())
    }
}

impl<S: GraphState> Iterator for GraphStream<'_, S> {
    type Item = Result<StreamEvent<S>>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(event) = self.pending.pop_front() {
                return Some(Ok(event));
            }
            self.next.as_ref()?;
            if let Err(error) = self.advance() {
                self.next = None;
                return Some(Err(error));
            }
        }
    }
}

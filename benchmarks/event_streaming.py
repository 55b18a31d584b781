"""event_streaming: ``time_`` is ``State::new()`` + open the stream + drain it, counting chunks.

The count is returned so tests can check that a mode really streamed (an unknown mode
yields nothing on some LangGraph lines instead of failing).

See docs/workloads.md §event_streaming.
"""

from __future__ import annotations

from dashbench.workloads import event_streaming as wl
from dashbench.workloads.common import count_chunks, require_stream_mode
from dashbench.workloads.states import make_complex

from .common import approximate
from .harness import CompiledGraph

EVENTS_REASON = (
    "[events] DashFlow's Events mode (NodeStart + NodeEnd per node, then Done: 11) has no "
    "LangGraph twin; stream_mode='debug' emits a task and a task_result per node and no final "
    "event (10) [event_fields] DashFlow's NodeStart carries no state and its NodeEnd a whole "
    "state clone; LangGraph's task carries the node's input state, its task_result only the "
    "channels the node wrote (counter, messages)"
)
UPDATES_REASON = (
    "[events] DashFlow ends with a Done event carrying the final state (3 updates + Done = 4); "
    "LangGraph's 'updates' stream has no final event (3) [event_fields] DashFlow's Update "
    "events carry the whole state; LangGraph's chunks carry what each node returned: the "
    "counter, the whole messages list (2-4 messages) and the whole metadata dict (12-32 keys), "
    "but no status or next"
)
PARALLEL_REASON = (
    "[events] DashFlow's stream() runs the 3 workers one after another, each on the previous "
    "one's output, with no merge (5 values + Done = 6); LangGraph runs them as one parallel "
    "superstep (4 values: input, start, workers, collect). The final state is the same"
)


class StreamValues5Nodes(CompiledGraph):
    build = staticmethod(wl.build_stream_5_nodes)

    def time_stream_values_5_nodes(self):
        return count_chunks(self.app.stream(make_complex(), self.config, stream_mode="values"))


class StreamEvents5Nodes(CompiledGraph):
    build = staticmethod(wl.build_stream_5_nodes)

    def setup(self) -> None:
        require_stream_mode(wl.EVENTS_MODE)
        super().setup()

    @approximate(EVENTS_REASON)
    def time_stream_events_5_nodes(self):
        """Approximate: LangGraph's debug stream stands in for DashFlow's Events (EVENTS_REASON)."""
        return count_chunks(
            self.app.stream(make_complex(), self.config, stream_mode=wl.EVENTS_MODE)
        )


class StreamUpdates3NodesComplex(CompiledGraph):
    build = staticmethod(wl.build_stream_updates_3_nodes)

    @approximate(UPDATES_REASON)
    def time_stream_updates_3_nodes_complex(self):
        """Approximate: node-output chunks, no status, next or Done (UPDATES_REASON)."""
        return count_chunks(self.app.stream(make_complex(), self.config, stream_mode="updates"))


class StreamParallel3Workers(CompiledGraph):
    build = staticmethod(wl.build_stream_parallel_3_workers)

    @approximate(PARALLEL_REASON)
    def time_stream_parallel_3_workers(self):
        """Approximate: one parallel superstep, not chained workers (PARALLEL_REASON)."""
        return count_chunks(self.app.stream(make_complex(), self.config, stream_mode="values"))

"""event_streaming: ``time_`` is ``State::new()`` + open the stream + drain it, counting chunks.

The count is returned so tests can check that a mode really streamed (an unknown mode
yields nothing on some LangGraph lines instead of failing).

See docs/workloads.md §event_streaming.
"""

from __future__ import annotations

from collections.abc import Callable

from dashbench.workloads import event_streaming as wl
from dashbench.workloads.common import count_chunks, require_stream_mode
from dashbench.workloads.states import make_complex

from .common import define
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


class Streamed(CompiledGraph):
    """A stream id: ``mode`` is the LangGraph stream mode that stands in for DashFlow's."""

    mode: str

    def setup(self) -> None:
        require_stream_mode(self.mode)
        super().setup()


def _streaming(mode: str) -> Callable[[Streamed], int]:
    def timed(self: Streamed) -> int:
        return count_chunks(self.app.stream(make_complex(), self.config, stream_mode=mode))

    return timed


# function id, graph builder, LangGraph stream mode, approximate reason
for _function, _build, _mode, _reason in [
    ("stream_values_5_nodes", wl.build_stream_5_nodes, "values", None),
    ("stream_events_5_nodes", wl.build_stream_5_nodes, wl.EVENTS_MODE, EVENTS_REASON),
    ("stream_updates_3_nodes_complex", wl.build_stream_updates_3_nodes, "updates", UPDATES_REASON),
    ("stream_parallel_3_workers", wl.build_stream_parallel_3_workers, "values", PARALLEL_REASON),
]:
    define(
        globals(),
        Streamed,
        _function,
        _streaming(_mode),
        _reason,
        build=staticmethod(_build),
        mode=_mode,
    )

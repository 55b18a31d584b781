"""real_world_scenarios: a routed support desk, a batch pipeline and a financial analysis.

See docs/workloads.md §real_world_scenarios.
"""

from __future__ import annotations

from dashbench.workloads import real_world_scenarios as wl

from .common import MERGED_STATE, Invoked, invoke_table
from .harness import CompiledGraph

BATCH = (
    "[nodes] LangGraph routes each processor on its own next, so processor5 reaches "
    "handle_error: 8 node runs. DashFlow routes once on the merged state, whose next is "
    "processor1's 'success': 7 runs, handle_error never runs "
    "[route] LangGraph runs handle_error in a step of its own and aggregate_results after it "
    "(defer=True) " + MERGED_STATE + "; LangGraph's also "
    "holds handle_error's message and key, next 'error' and counter 13 (DashFlow: 12)"
)


invoke_table(
    globals(),
    CompiledGraph,
    [
        Invoked("customer_service_router", wl.build_customer_service_router),
        Invoked("batch_processing_pipeline", wl.build_batch_processing_pipeline, approximate=BATCH),
        Invoked(
            "financial_analysis_workflow",
            wl.build_financial_analysis_workflow,
            approximate=MERGED_STATE,
        ),
    ],
)

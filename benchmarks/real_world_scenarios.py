"""real_world_scenarios: a routed support desk, a batch pipeline and a financial analysis.

See docs/workloads.md §real_world_scenarios.
"""

from __future__ import annotations

from typing import Any

from dashbench.workloads import real_world_scenarios as wl
from dashbench.workloads.states import make_complex

from .common import MERGED_STATE, approximate
from .harness import CompiledGraph

BATCH = (
    "[nodes] LangGraph routes each processor on its own next, so processor5 reaches "
    "handle_error: 8 node runs. DashFlow routes once on the merged state, whose next is "
    "processor1's 'success': 7 runs, handle_error never runs "
    "[route] LangGraph runs handle_error in a step of its own and aggregate_results after it "
    "(defer=True) " + MERGED_STATE + "; LangGraph's also "
    "holds handle_error's message and key, next 'error' and counter 13 (DashFlow: 12)"
)


class CustomerServiceRouter(CompiledGraph):
    """classify_intent -> tech_specialist -> resolve on every fresh input (counter 1)."""

    build = staticmethod(wl.build_customer_service_router)

    def time_customer_service_router(self) -> Any:
        return self.app.invoke(make_complex(), self.config)


class BatchProcessingPipeline(CompiledGraph):
    """Approximate. Path: receive_batch, processor1..5 in one superstep, handle_error,
    aggregate_results once (deferred); final counter 13. See BATCH for why it differs."""

    build = staticmethod(wl.build_batch_processing_pipeline)

    @approximate(BATCH)
    def time_batch_processing_pipeline(self) -> Any:
        return self.app.invoke(make_complex(), self.config)


class FinancialAnalysisWorkflow(CompiledGraph):
    """gather_data, 3 analyzers in parallel, assess_risk once, standard_report (100 % 3 = 1)."""

    build = staticmethod(wl.build_financial_analysis_workflow)

    @approximate(MERGED_STATE)
    def time_financial_analysis_workflow(self) -> Any:
        return self.app.invoke(make_complex(), self.config)

"""dashbench: continuous benchmarking of DashFlow (Rust) against LangGraph (Python) on asv."""

__version__ = "0.1.0"

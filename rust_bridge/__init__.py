"""Criterion.rs results as asv benchmarks.

Read Criterion trees, run cargo bench per commit, keep a per-commit store.
"""

"""Criterion.rs results as asv benchmarks: read Criterion trees, run cargo bench, keep a per-commit store."""

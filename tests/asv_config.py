"""The asv.conf.json the tests' throwaway projects start from: asv's layout under ``.asv/``."""

from __future__ import annotations


def asv_config(project: str, **extra: object) -> dict[str, object]:
    return {
        "version": 1,
        "project": project,
        "repo": ".",
        "branches": ["main"],
        "environment_type": "virtualenv",
        "benchmark_dir": "benchmarks",
        "results_dir": ".asv/results",
        "html_dir": ".asv/html",
        "env_dir": ".asv/env",
        **extra,
    }

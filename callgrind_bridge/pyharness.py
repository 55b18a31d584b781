"""The Python counting harness: run under callgrind, in the environment being measured.

    python pyharness.py --shim LIB --benchmarks DIR --iterations K NAME [NAME ...]

Each NAME is an asv benchmark of the wall-time suite. It is loaded through asv_runner, exactly
as asv loads it, so ``setup`` and the timed body are the ones the wall-time series uses, from
this checkout's ``benchmarks/`` with the workloads of the commit installed in the environment.
As asv_runner does before every timed call, each of the K runs gets a fresh ``setup``; only
the body is instrumented. The protocol is in ``valgrind.py``.

This file runs as a script with no package around it, so it imports nothing of its own.

Sources of run-to-run noise it removes, in this process only:
- the wall clock: ``time.time``/``time_ns`` advance by 1 µs a call from a fixed start, and
  OS randomness and temporary names come from seeded generators. LangGraph and SQLite put
  them into ids and paths that end up as dict keys, and a different key probes a dict
  differently;
- forced GIL hand-offs: under valgrind the body runs ~50x slower, so the 5 ms switch interval
  would interrupt it far more often than natively; the interval is raised so threads switch
  when they block, as they mostly do natively;
- garbage: a full collection before each run, so no run pays for another's garbage.
The clock and randomness replacements cost a few instructions per call, the same in every run.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import json
import os
import random
import sys
import tempfile
import time
import traceback

CLOCK_START = 1_700_000_000.0
SWITCH_INTERVAL = 1000.0  # seconds: threads switch when they block


def make_deterministic() -> None:
    clock = [CLOCK_START]

    def fixed_time() -> float:
        clock[0] += 1e-6
        return clock[0]

    def fixed_time_ns() -> int:
        return int(fixed_time() * 1e9)

    seeded = random.Random(0)
    random.seed(0)
    os.urandom = seeded.randbytes  # type: ignore[assignment]
    names = tempfile._get_candidate_names()  # temp names feed dict keys too
    names._rng, names._rng_pid = random.Random(1), os.getpid()
    time.time = fixed_time  # type: ignore[assignment]
    time.time_ns = fixed_time_ns  # type: ignore[assignment]
    sys.setswitchinterval(SWITCH_INTERVAL)


def report(index: int, name: str, status: str, **extra: object) -> None:
    print(json.dumps({"index": index, "id": name, "status": status, **extra}), flush=True)


def calls_per_run(benchmark) -> int:
    """``number`` calls per counted run where the class says calls may share one setup (its
    body only reads what setup prepared); otherwise one call, as asv re-runs setup per call."""
    owner = getattr(benchmark.func, "__self__", None)
    if getattr(owner, "calls_share_setup", False):
        return max(1, int(getattr(benchmark, "number", 1) or 1))
    return 1


def measure(
    shim: ctypes.CDLL, index: int, name: str, benchmark, iterations: int, started: float
) -> None:
    calls = calls_per_run(benchmark)
    for run in range(iterations):
        if run:
            benchmark.do_teardown()
        if benchmark.do_setup():  # NotImplementedError in setup: n/a here, as in asv
            report(index, name, "skipped", error="setup raised NotImplementedError")
            return
        params = benchmark._build_params()
        body = benchmark.func
        gc.collect()
        shim.dashbench_zero()
        shim.dashbench_start()
        for _ in range(calls):
            body(*params)
        shim.dashbench_stop()
        shim.dashbench_dump(f"dashbench {index} {run}".encode())
    benchmark.do_teardown()
    report(index, name, "ok", calls=calls, seconds=round(time.monotonic() - started, 2))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shim", required=True, help="the compiled client-request library")
    parser.add_argument("--benchmarks", required=True, help="the asv suite's directory")
    parser.add_argument("--iterations", type=int, default=3, help="runs per id")
    parser.add_argument("names", nargs="+", metavar="NAME", help="asv benchmark names")
    args = parser.parse_args()
    make_deterministic()
    shim = ctypes.CDLL(args.shim)
    from asv_runner.discovery import get_benchmark_from_name

    for index, name in enumerate(args.names):
        try:
            started = time.monotonic()
            benchmark = get_benchmark_from_name(args.benchmarks, name)
            measure(shim, index, name, benchmark, args.iterations, started)
        except Exception:  # one broken id must not stop the others
            report(index, name, "failed", error=traceback.format_exc(limit=5))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Base classes the suite's asv classes inherit: timing profiles and the common setup.

asv reads timing attributes (``number``, ``repeat``, ...) and ``setup`` through the class, so
inheriting them keeps every module to what differs per Criterion id: the graph and the
timed body.

This asv_runner re-runs ``setup``/``teardown`` around every timed call of a class with a
setup hook (asv#966), so an explicit ``number`` there means "time that many freshly set-up
calls and sum them". Each sample then averages ``number`` calls, which is what narrows the
quartile spread of millisecond-scale, thread-pool-noisy invokes.

Because setup runs before every timed call, a freshly compiled graph would be timed on its
first invoke only, which LangGraph makes 30-40 % slower than later ones (measured on 1.2.24).
Criterion times many iterations per compiled graph, so its samples are steady-state: setup
therefore ends with ``prime()``, one untimed run of the timed body.

``repeat = (10, 20, 5.0)``: at least 10 samples, up to 20 while a round has spent under 5 s.
On a quiet machine 20 samples fit easily; under load the cap trades samples for keeping the
whole suite inside its budget. ``rounds = 1``: the instruction counts now carry the regression
signal, and the wall times serve the speedups, whose intervals come from the samples; a second
round (asv's default) doubled the suite's time to narrow a run-to-run spread of 20-30% that
more samples cannot shrink on a shared machine. ``dashbench calibrate --write`` raises the
rounds of ids whose A/A noise more samples can shrink, through ``effort.json``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dashbench.workloads.common import run_config

from .common import declare

EFFORT_FILE = Path(__file__).with_name("effort.json")


def load_efforts(path: Path = EFFORT_FILE) -> dict[str, float]:
    """asv name -> rounds multiplier; none when calibration has not asked for more."""
    try:
        table = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except ValueError as exc:
        raise ValueError(
            f"{path}: not valid JSON ({exc}); redo `dashbench calibrate --write`"
        ) from exc
    if not isinstance(table, dict) or not all(
        isinstance(v, (int, float)) and v >= 1 for v in table.values()
    ):
        raise ValueError(f"{path}: expected an object of asv names to multipliers >= 1")
    return table


def scaled_rounds(cls: type, rounds: int, efforts: dict[str, float]) -> int:
    """``rounds`` times the largest multiplier asked for one of the class's own ``time_`` ids."""
    module = cls.__module__.split(".", 1)[-1]  # asv names drop the benchmarks package
    factors = [
        efforts.get(f"{module}.{cls.__name__}.{name}", 1.0)
        for name in vars(cls)
        if name.startswith("time_")
    ]
    return math.ceil(rounds * max(factors, default=1.0))


EFFORTS = load_efforts()


class Calibrated:
    """Base of every timing class: its pair id is declared (common.declare) and its rounds
    follow the calibration's effort table."""

    rounds = 1
    _base_rounds = rounds  # before scaling, so a subclass of a scaled class is not scaled twice

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        declare(cls)
        if "rounds" in vars(cls):
            cls._base_rounds = cls.rounds
        cls.rounds = scaled_rounds(cls, cls._base_rounds, EFFORTS)


class CompileTiming(Calibrated):
    """Graph build + compile, no setup: asv calibrates ``number`` to fill ``sample_time``."""

    sample_time = 0.05
    repeat = (10, 20, 5.0)
    warmup_time = 0.2


class InvokeTiming(Calibrated):
    """A millisecond-scale ``invoke``/``stream`` behind a per-call setup."""

    number = 10
    repeat = (10, 20, 5.0)
    warmup_time = 0.2

    def prime(self) -> None:
        """Run the class's ``time_`` body once, untimed, so the timed call is not the first."""
        for name in dir(type(self)):
            if name.startswith("time_"):
                getattr(self, name)()


class CompiledGraph(InvokeTiming):
    """Criterion's per-sample closure: build and compile the graph (``build``), untimed.

    Subclasses set ``build = staticmethod(<workload builder>)`` and time ``self.app``.
    """

    build: Callable[[], Any]

    def setup(self) -> None:
        self.app = self.build()
        self.config = run_config()
        self.prime()

"""Measurement effort: calibration asks for more rounds only where more samples can help."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import harness
from dashbench.gate.calibrate import EFFORT_CAP, Calibration, efforts_for


def calibration(name: str, detectable: float | None, effort: float, share: float | None):
    language = "rust" if name.startswith("criterion.") else "python"
    return Calibration(name, language, 3, [1.0, 1.0, 1.0], 0.1, 0.15, False, detectable, effort,
                       share)  # fmt: skip


def test_only_sampling_limited_python_timings_that_miss_the_target_get_more_rounds() -> None:
    table = efforts_for(
        [
            calibration("g.A.time_sampled", 0.15, 2.25, 0.9),
            calibration("g.B.time_drifting", 0.40, 16.0, 0.1),  # more samples cannot help
            calibration("g.C.time_fine", 0.08, 1.0, 1.0),
            calibration("g.D.time_hopeless", None, 100.0, 1.0),
            calibration("g.D.peakmem_hopeless", None, 100.0, 1.0),
            calibration("criterion.g.track_sampled", 0.15, 2.25, 0.9),  # Criterion's own knobs
        ],
        target=0.10,
    )
    assert table == {"g.A.time_sampled": 2.2, "g.D.time_hopeless": EFFORT_CAP}


def test_timing_classes_take_their_rounds_from_the_table(monkeypatch) -> None:
    monkeypatch.setattr(harness, "EFFORTS", {"toy.Slow.time_slow": 2.5})

    class Slow(harness.InvokeTiming):
        __module__ = "benchmarks.toy"

        def time_slow(self) -> None:
            pass

    class Other(harness.InvokeTiming):
        __module__ = "benchmarks.toy"

        def time_other(self) -> None:
            pass

    class Below(Slow):  # a subclass is not scaled twice
        pass

    assert (Slow.rounds, Other.rounds, Below.rounds) == (3, 1, 1)


def test_effort_table_is_read_and_bad_tables_are_named(tmp_path: Path) -> None:
    path = tmp_path / "effort.json"
    assert harness.load_efforts(path) == {}
    path.write_text(json.dumps({"g.A.time_a": 2.0}))
    assert harness.load_efforts(path) == {"g.A.time_a": 2.0}
    path.write_text('{"g.A.time_a": ')
    with pytest.raises(ValueError, match=f"{path}: not valid JSON"):
        harness.load_efforts(path)
    path.write_text(json.dumps({"g.A.time_a": 0.5}))
    with pytest.raises(ValueError, match="multipliers >= 1"):
        harness.load_efforts(path)

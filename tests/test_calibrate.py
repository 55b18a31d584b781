"""`dashbench calibrate`: thresholds from A/A spread, detection power through the gate's fit."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from test_regressions import PY, PY_OTHER, RUST, asv, make_toy_repo, run_existing, toy_config

from dashbench import cli
from dashbench.gate.calibrate import Limits, Run, calibrate_one, detected, false_alarm
from dashbench.gate.project import asv_thresholds, load_project

TIME = Limits(floor=0.02, target=0.10)


def runs(*medians: float, ci: float = 0.02) -> list[Run]:
    return [Run(m, m * (1 - ci), m * (1 + ci)) for m in medians]


def test_quiet_benchmark_gets_a_threshold_that_catches_ten_percent() -> None:
    c = calibrate_one("x.Y.time_z", runs(1.00e-3, 1.01e-3, 0.995e-3, ci=0.01), 1.5, TIME)
    assert c.spread == pytest.approx(1.01 / 0.995 - 1)
    assert c.threshold == pytest.approx(round(1.5 * c.spread, 3))
    assert not c.false_alarm
    assert c.detectable is not None and c.detectable <= 0.10
    assert c.effort == 1.0


def test_detection_is_limited_by_the_threshold_the_spread_sets() -> None:
    c = calibrate_one("criterion.g.track_f", runs(1.0, 1.03, 0.98), 1.5, TIME)
    assert c.language == "rust"
    assert c.threshold == pytest.approx(0.077)
    assert not c.false_alarm
    # The fit sees a step just over the threshold, in every rotation of the A/A runs.
    assert c.detectable is not None and 0.077 < c.detectable <= 0.09
    assert c.effort == 1.0


def test_noisy_benchmark_falls_short_and_says_whether_samples_would_help() -> None:
    drifting = calibrate_one("x.Y.time_z", runs(1.0, 1.1, 0.95, ci=0.02), 1.5, TIME)
    assert drifting.threshold == pytest.approx(round(1.5 * (1.1 / 0.95 - 1), 3))
    assert drifting.detectable is not None and drifting.detectable > 0.10
    assert drifting.effort == pytest.approx((drifting.detectable / 0.10) ** 2, abs=0.05)
    # Narrow CIs, wide gaps between runs: the machine drifted; more samples would not help.
    assert drifting.sampling_share is not None and drifting.sampling_share < 0.05
    sampled = calibrate_one("x.Y.time_z", runs(1.0, 1.1, 0.95, ci=0.3), 1.5, TIME)
    assert sampled.sampling_share == 1.0  # the CIs alone cover the run-to-run gaps
    very = calibrate_one("criterion.g.track_f", runs(1.0, 1.2, 0.9, ci=0.1), 1.5, TIME)
    assert very.threshold == pytest.approx(0.5) and very.detectable > 0.5


def test_threshold_below_the_spread_raises_false_alarms() -> None:
    aa = runs(1.0, 1.0, 1.3, ci=0.01)
    assert false_alarm(aa, 0.02)  # a stretch of commits at the slow run's level looks like a step
    assert not false_alarm(aa, 0.5)


def test_a_step_under_the_threshold_is_not_detected() -> None:
    aa = runs(1.0, 1.005, 0.998, ci=0.005)
    assert detected(aa, 0.05, 0.08)
    assert not detected(aa, 0.10, 0.08)


@pytest.fixture
def toy_aa(tmp_path: Path) -> Path:
    """Three real asv A/A runs of the toy at HEAD, each a machine, with different levels."""
    root = tmp_path / "toy"
    _repo, shas = make_toy_repo(root, toy_config())
    levels = json.loads((root / "values.json").read_text())
    for i, scale in enumerate((1.0, 1.02, 0.99)):
        checkout = tmp_path / f"aa-{i}"
        checkout.mkdir()
        (checkout / "values.json").write_text(json.dumps({k: v * scale for k, v in levels.items()}))
        run_existing(root, shas[-1], f"aa-{i}", checkout)
    return root


def test_calibrate_reads_real_aa_results_and_writes_thresholds(toy_aa, tmp_path, capsys) -> None:
    config = toy_aa / "asv.conf.json"
    output = tmp_path / "calibration.json"
    args = ["calibrate", "--config", str(config), "--results", str(toy_aa / ".asv" / "results")]
    code = cli.main(
        [*args, "--machines", "aa-0", "aa-1", "aa-2", "--output", str(output), "--write"]
    )
    assert code == 0, capsys.readouterr().err
    result = {c["benchmark"]: c for c in json.loads(output.read_text())["calibrations"]}
    assert set(result) == {PY, PY_OTHER, RUST}
    for c in result.values():
        assert c["runs"] == 3
        assert c["spread"] == pytest.approx(1.02 / 0.99 - 1)
        assert c["threshold"] == 0.05  # 1.5 x 3% is under the default floor
        assert not c["false_alarm"]
        assert c["detectable"] is not None
    # The gate reads the written rows: each benchmark gets exactly its calibrated threshold, an
    # uncalibrated one keeps the hand-set default of its language, and asv.conf.json keeps only
    # those defaults while asv's publish gets a table that gives the same answers.
    project = load_project(config)
    for name, c in result.items():
        assert project.threshold(name) == c["threshold"]
        folded = [v for r, v in asv_thresholds(project).items() if re.match(r, name)]
        assert max(folded) == c["threshold"]
    assert project.threshold("criterion.other.track_new") == 0.2
    assert project.threshold("toy_seq.Other.track_new") == 0.05
    assert project.site.conf.regressions_thresholds == {r"criterion\.": 0.2, ".*": 0.05}
    rows = json.loads((toy_aa / "calibration" / "thresholds.json").read_text())["thresholds"]
    assert rows == {name: c["threshold"] for name, c in result.items()}
    # The toy's tracks have no rounds to raise: the effort table is written, and empty.
    assert json.loads((toy_aa / "benchmarks" / "effort.json").read_text()) == {}
    asv(toy_aa, "publish")
    # Calibrating again replaces the rows, one per benchmark, and leaves the config alone.
    before = config.read_text()
    assert cli.main([*args, "--machines", "aa-0", "aa-1", "--write"]) == 0
    again = json.loads((toy_aa / "calibration" / "thresholds.json").read_text())["thresholds"]
    assert set(again) == set(result) and config.read_text() == before


def test_no_aa_data_is_an_error(tmp_path, capsys) -> None:
    root = tmp_path / "toy"
    make_toy_repo(root, toy_config())
    (tmp_path / "empty").mkdir()
    code = cli.main(
        ["calibrate", "--config", str(root / "asv.conf.json"), "--results", str(tmp_path / "empty")]
    )
    assert code == 2
    assert "no benchmark measured in two or more A/A runs" in capsys.readouterr().err


@pytest.mark.slow
def test_runs_aa_itself(tmp_path, capsys) -> None:
    """The orchestration: N asv runs of one commit into private results, one machine each."""
    root = tmp_path / "toy"
    py = f"{sys.version_info.major}.{sys.version_info.minor}"
    _repo, shas = make_toy_repo(root, toy_config(pythons=[py]))
    workdir = tmp_path / "aa"
    code = cli.main(
        [
            "calibrate",
            "--config",
            str(root / "asv.conf.json"),
            "--runs",
            "2",
            "--workdir",
            str(workdir),
            "--output",
            str(tmp_path / "c.json"),
        ]
    )
    assert code == 0, capsys.readouterr().err
    cal = json.loads((tmp_path / "c.json").read_text())
    assert cal["conditions"]["machines"] == ["aa-0", "aa-1"]
    # The toy's levels come from the commit itself, so A/A medians agree exactly.
    assert {c["benchmark"]: c["spread"] for c in cal["calibrations"]} == {
        PY: 0.0,
        PY_OTHER: 0.0,
        RUST: 0.0,
    }
    assert all(c["threshold"] == 0.05 for c in cal["calibrations"])  # asv's default: the floor
    assert len(list((workdir / "results" / "aa-0").glob(f"{shas[-1][:8]}-*.json"))) == 1

"""`dashbench report` end to end on a tiny real asv project whose names carry injection payloads.

The project is a temporary git repository with two commits whose subjects, benchmark names
and pairing reasons hold ``<script>``, HTML and Markdown injection. asv really runs it (an
existing environment, samples recorded), really publishes it, and the report is built from
those results. ``build_injection_project`` is shared with the browser test.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from dashbench.cli import main

FLAG = "__dashbench_pwned"
PAYLOAD = (
    f"<script>window.{FLAG}=1;alert(1)</script>"
    f'<img src=x onerror="window.{FLAG}=2">'
    f"[click](javascript:window.{FLAG}=3) **bold** _em_ | cell `code` <b>bold</b>"
)
MACHINE = "testbox"

_BENCH = '''
"""Real work on both sides: the 'rust' side is a smaller loop timed in the same process."""
import time

PAYLOAD = {payload!r}


def _work(n):
    return sum(i * i for i in range(n))


class Inject:
    repeat = 7
    number = 1
    warmup_time = 0

    def time_work(self):
        _work(20000)

    time_work.pretty_name = PAYLOAD

    def time_other(self):
        _work(5000)

    time_other.pretty_name = "other " + PAYLOAD


class rust_side:
    def track_work(self):
        samples = []
        for _ in range(9):
            start = time.perf_counter()
            _work(2000)
            samples.append(time.perf_counter() - start)
        return {{"samples": samples, "number": 1}}

    track_work.pretty_name = PAYLOAD + " (rust)"


class rust_missing:
    def setup(self):
        raise NotImplementedError("no Criterion result at this commit")

    def track_other(self):
        return 1.0
'''


# Instruction counts of the approximate pair, one module per language as in the real suite;
# the report divides them into the work ratio.
_COUNTS = """
class inject:
    unit = "instructions"

    def track_other(self):
        return {count}
"""


def table_rows(page: str) -> list[list[str]]:
    """The cells of every body row of every table in a rendered page."""
    rows = re.findall(r"<tr>(.*?)</tr>", page, re.S)
    return [cells for row in rows if (cells := re.findall(r"<td[^>]*>(.*?)</td>", row, re.S))]


def _asv(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    asv = Path(sys.executable).with_name("asv")
    env = {**os.environ, "HOME": str(project.parent / "home")}
    return subprocess.run(
        [str(asv), *args], cwd=project, env=env, text=True, capture_output=True, check=True
    )


def _git(project: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=project, text=True, capture_output=True, check=True
    ).stdout.strip()


def build_injection_project(root: Path) -> Path:
    """A real asv project with two benchmarked commits and hostile text everywhere."""
    project = root / "inject"
    (project / "benchmarks").mkdir(parents=True)
    (project / "benchmarks" / "__init__.py").write_text("")
    (project / "benchmarks" / "bench.py").write_text(_BENCH.format(payload=PAYLOAD))
    counts = project / "benchmarks" / "instructions"
    counts.mkdir()
    (counts / "__init__.py").write_text("")
    (counts / "python.py").write_text(_COUNTS.format(count=300_000.0))
    (counts / "rust.py").write_text(_COUNTS.format(count=1_200.0))
    conf = {
        "version": 1,
        "project": "inject",
        "repo": ".",
        "branches": ["main"],
        "environment_type": "existing",
        "benchmark_dir": "benchmarks",
        "results_dir": ".asv/results",
        "html_dir": ".asv/html",
        "dashbench": {"pairs": "pairs.json"},
    }
    (project / "asv.conf.json").write_text(json.dumps(conf, indent=2))
    pairs = [
        {
            "criterion_id": f"inject/{PAYLOAD}",
            "group": "inject",
            "python": "bench.Inject.time_work",
            "rust": "bench.rust_side.track_work",
            "pairing": "exact",
            "reason": None,
        },
        {
            "criterion_id": "inject/other",
            "group": "inject",
            "python": "bench.Inject.time_other",
            "rust": "bench.rust_missing.track_other",
            "pairing": "approximate",
            "reason": PAYLOAD,
        },
    ]
    (project / "pairs.json").write_text(json.dumps({"pairs": pairs}, indent=2))
    (project / ".gitignore").write_text(".asv/\n")
    _git(project, "init", "-q", "-b", "main")
    _git(project, "config", "user.email", "bench@example.invalid")
    _git(project, "config", "user.name", "Bench")
    _git(project, "add", ".")
    _git(project, "commit", "-q", "-m", f"first {PAYLOAD}")
    (project / "README").write_text("second commit\n")
    _git(project, "add", "README")
    _git(project, "commit", "-q", "-m", f"second {PAYLOAD}")
    _asv(project, "machine", "--yes", "--machine", MACHINE)
    for sha in _git(project, "rev-list", "--reverse", "main").split():
        _asv(
            project,
            "run",
            "--machine",
            MACHINE,
            "-E",
            f"existing:{sys.executable}",
            "--set-commit-hash",
            sha,
            "--record-samples",
        )
    _asv(project, "publish")
    return project


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = build_injection_project(tmp_path_factory.mktemp("report"))
    code = main(["report", "--config", str(project / "asv.conf.json")])
    assert code == 0
    return project


@pytest.mark.slow
def test_report_page_has_real_numbers_and_inert_payloads(published: Path) -> None:
    page = (published / ".asv/html/dashbench/report.html").read_text()
    body = page.split('<main id="dashbench-report">', 1)[1]
    # The payload reached the page, as text only.
    assert "&lt;script&gt;window.__dashbench_pwned=1" in body
    assert "<script" not in page.lower()
    assert "onerror" not in re.sub(r"&lt;img src=x onerror=", "", body)
    assert "javascript:" not in re.sub(r"\(javascript:", "", body)
    assert 'href="javascript' not in body and "<b>" not in body
    # The exact pair has a measured speedup with an interval, and a change since commit 1.
    rows = table_rows(body)
    exact = next(cells for cells in rows if "__dashbench_pwned=1" in cells[0])
    assert re.fullmatch(r"<strong>[0-9.,]+\u00d7</strong>", exact[3])
    assert re.fullmatch(r"[0-9.,]+ to [0-9.,]+", exact[4])
    assert exact[5] == "n/a"  # no instruction counts for this pair
    assert re.fullmatch(r"[+-][0-9.]+%", exact[6])
    # The approximate pair's Rust side raised NotImplementedError: n/a, with its reason escaped.
    # A plain id links to its equivalence record; the payload id above stays unlinked text.
    record = '<a href="equivalence.html#equiv-inject-other">inject/other</a>'
    approx = next(cells for cells in rows if cells[0] == record)
    assert approx[4] == "<strong>n/a</strong>" and approx[5] == "n/a"
    # Its instruction counts give the work ratio, Python / Rust, wall time or not.
    assert approx[6] == "250\u00d7"
    assert approx[1].startswith("&lt;script&gt;window.__dashbench_pwned=1")
    assert "Speedup per pair" in body and ".svg" in body


@pytest.mark.slow
def test_report_is_linked_from_the_site_once(published: Path) -> None:
    index = published / ".asv/html/index.html"
    assert index.read_text().count('href="dashbench/report.html"') == 1
    assert main(["report", "--config", str(published / "asv.conf.json")]) == 0
    text = index.read_text()
    assert text.count('href="dashbench/report.html"') == 1
    # asv's CDN libraries are served from the site (npm ci installed them), and one script
    # policy allows exactly those files plus asv's own inline code.
    assert not re.search(r"<script[^>]+src=\"https?:", text)
    assert text.count('id="dashbench-csp"') == 1
    assert (published / ".asv/html/vendor/jquery/dist/jquery.min.js").is_file()


@pytest.mark.slow
def test_markdown_to_stdout_escapes_and_filters(
    published: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    conf = str(published / "asv.conf.json")
    assert main(["report", "--config", conf, "--commits", "1", "--markdown", "-"]) == 0
    text = capsys.readouterr().out
    assert "&lt;script&gt;" in text and "<script" not in text
    # The page names the crate it measured (here the default): the reference crate is not DashFlow.
    assert "Rust side: the Criterion suite of the crate at <code>rust</code>." in text
    assert r"\[click\]\(javascript:" in text
    # One commit selected: no previous commit, so every change is n/a.
    history = text.split("### History", 1)[1]
    assert len([line for line in history.splitlines() if line.startswith("| <code>")]) == 1
    first, second = _git(published, "rev-list", "--reverse", "main").split()
    assert (
        main(["report", "--config", conf, "--range", f"{first}..{second}", "--markdown", "-"]) == 0
    )
    text = capsys.readouterr().out
    assert second[:8] in text and first[:8] not in text
    assert main(["report", "--config", conf, "--range=-x..y"]) == 2
    assert main(["report", "--config", conf, "--machine", "nosuch"]) == 2
    assert "--machine 'nosuch': no results" in capsys.readouterr().err

"""`dashbench regressions` over a real asv history: real `asv run` per commit, real `asv publish`.

The toy project's track_ benchmarks report values committed in ``values.json``, so each commit's
level is known and the gate's verdict can be checked exactly; everything between (asv's results,
statistics, published graphs, index.json) is asv's own; the gate fits the published series.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import git
import markdown
import pytest
from asv_config import asv_config

from dashbench import cli

PY = "toy_seq.ThreeNodesSimple.track_3_nodes_simple"
PY_OTHER = "toy_seq.FiveNodesComplex.track_5_nodes_complex"
RUST = "criterion.sequential_execution.track_3_nodes_simple"
PAIR_ID = "sequential_execution/3_nodes_simple"
PAIR = {
    "criterion_id": PAIR_ID,
    "group": "sequential_execution",
    "python": PY,
    "rust": RUST,
    "pairing": "exact",
    "reason": None,
}

BENCHMARKS = '''\
"""Toy suite: each track reports the level its commit wrote into values.json, with spread."""
import json
import os


def _level(name):
    env_dir = os.environ.get("ASV_ENV_DIR")
    path = os.path.join(env_dir, "project") if env_dir else os.environ["TOY_CHECKOUT"]
    with open(os.path.join(path, "values.json")) as f:
        return json.load(f)[name]


def _samples(name):
    level = _level(name)
    return {"samples": [level * (1 + k / 400) for k in range(-4, 5)], "number": 1}
'''

PY_MODULE = (
    BENCHMARKS
    + """

class ThreeNodesSimple:
    def track_3_nodes_simple(self):
        return _samples("3_nodes_simple")
    track_3_nodes_simple.unit = "seconds"


class FiveNodesComplex:
    def track_5_nodes_complex(self):
        return _samples("5_nodes_complex")
    track_5_nodes_complex.unit = "seconds"
"""
)

RUST_MODULE = (
    BENCHMARKS
    + """

class sequential_execution:
    def track_3_nodes_simple(self):
        return _samples("rust/3_nodes_simple")
    track_3_nodes_simple.unit = "seconds"
"""
)


def toy_config(**extra: object) -> dict[str, object]:
    return asv_config(
        "toy",
        regressions_thresholds={r"criterion\.": 0.2, ".*": 0.05},
        # The toy has nothing to build: benchmarks read the commit's checkout in the env.
        build_command=[],
        install_command=["python -c pass"],
        uninstall_command=["python -c pass"],
        dashbench={"pairs": "pairs.json"},
        **extra,
    )


def commit(repo: git.Repo, message: str, files: dict[str, str]) -> str:
    root = Path(repo.working_tree_dir)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    repo.index.add(list(files))
    return repo.index.commit(message).hexsha


# Levels per commit (seconds). Steps: python 3_nodes +40% at c3; rust +60% at c5; rust +10% at
# c6 (below its 20% threshold); 5_nodes stays flat.
HISTORY = [
    (
        "Initial toy",
        {"3_nodes_simple": 1.0e-3, "5_nodes_complex": 2.0e-3, "rust/3_nodes_simple": 1e-5},
    ),
    ("Docs only", None),
    (
        "Slow down 3_nodes <script>alert(1)</script> | pipe, see [perf notes]"
        "(https://example.com/perf) and [x](javascript:alert(2))",
        {"3_nodes_simple": 1.4e-3},
    ),
    ("Refactor", None),
    ("Rust: slower node", {"rust/3_nodes_simple": 1.6e-5}),
    ("Rust: a little slower", {"rust/3_nodes_simple": 1.76e-5}),
    ("Tidy", None),
    ("Tidy again", None),
]


def make_toy_repo(root: Path, config: dict[str, object]) -> tuple[git.Repo, list[str]]:
    repo = git.Repo.init(root, initial_branch="main")
    with repo.config_writer() as cw:
        cw.set_value("user", "name", "Toy Author")
        cw.set_value("user", "email", "toy@example.invalid")
    levels: dict[str, float] = {}
    shas = []
    for i, (subject, change) in enumerate(HISTORY):
        levels.update(change or {})
        files = {"values.json": json.dumps(levels), "notes.txt": f"commit {i}\n"}
        if i == 0:
            files.update(
                {
                    "asv.conf.json": json.dumps(config, indent=2),
                    "benchmarks/__init__.py": "",
                    "benchmarks/toy_seq.py": PY_MODULE,
                    "benchmarks/criterion.py": RUST_MODULE,
                    "pairs.json": json.dumps({"pairs": [PAIR]}),
                }
            )
        shas.append(commit(repo, subject, files))
    return repo, shas


def asv(root: Path, *args: str, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "asv", *args],
        cwd=root,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, f"asv {args} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


def run_existing(root: Path, sha: str, machine: str, checkout: Path, *extra: str) -> None:
    """`asv run` of the toy in this interpreter, recorded as ``sha``, levels from ``checkout``."""
    asv(root, "machine", "--yes", "--machine", machine)
    asv(
        root,
        "run",
        "-E",
        f"existing:{sys.executable}",
        "--set-commit-hash",
        sha,
        "--machine",
        machine,
        *extra,
        env={"TOY_CHECKOUT": str(checkout)},
    )


@pytest.fixture(scope="module")
def toy(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """The toy history benchmarked commit by commit in an existing environment, then published."""
    root = tmp_path_factory.mktemp("toy")
    repo, shas = make_toy_repo(root, toy_config())
    for sha in shas:
        repo.git.checkout(sha)
        run_existing(root, sha, "toybox", root, "--quick")
    repo.git.checkout("main")
    asv(root, "publish")
    return root, shas


def gate(root: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(["regressions", "--config", str(root / "asv.conf.json"), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_flags_exactly_the_steps_above_their_thresholds(toy, capsys) -> None:
    root, shas = toy
    code, out, err = gate(root, "--format", "json", capsys=capsys)
    assert code == 1, err
    found = {(r["benchmark"], r["commit"]): r for r in json.loads(out)["regressions"]}
    # The 10% rust step at shas[5] stays under the 20% rust threshold; 5_nodes never moved.
    assert set(found) == {(PY, shas[2]), (RUST, shas[4])}
    py, rust = found[PY, shas[2]], found[RUST, shas[4]]
    assert py["language"] == "python" and rust["language"] == "rust"
    assert py["ratio"] == pytest.approx(1.4, rel=1e-6)
    assert py["before"] == pytest.approx(1.0e-3) and py["after"] == pytest.approx(1.4e-3)
    assert rust["ratio"] == pytest.approx(1.6, rel=1e-6)
    assert py["threshold"] == 0.05 and rust["threshold"] == 0.2
    assert py["subject"].startswith("Slow down 3_nodes")
    assert py["last_good"] is None  # every commit was measured: the step is at one commit
    assert py["pair_id"] == rust["pair_id"] == PAIR_ID


def test_rust_slowdown_is_a_speedup_drop_python_slowdown_is_not(toy, capsys) -> None:
    root, shas = toy
    _, out, _ = gate(root, "--format", "json", capsys=capsys)
    drops = json.loads(out)["speedup_drops"]
    # Python got 40% slower at shas[2] (speedup up), Rust 60% slower at shas[4] (speedup down
    # 100 -> 87.5: 1.4e-3 / 1.6e-5); Rust's 10% at shas[5] is under the pair's 20.8%.
    assert [(d["pair_id"], d["commit"]) for d in drops] == [(PAIR_ID, shas[4])]
    assert drops[0]["before"] == pytest.approx(140.0) and drops[0]["after"] == pytest.approx(87.5)
    # Both sides' noise: 20% and 5% thresholds combine in quadrature (log scale) to 20.8%.
    assert drops[0]["threshold"] == pytest.approx(0.2077, abs=1e-4)
    assert drops[0]["last_good"] is None


def test_range_keeps_only_steps_inside_it(toy, capsys) -> None:
    root, shas = toy
    code, out, _ = gate(root, "--range", f"{shas[3]}..{shas[7]}", "--format", "json", capsys=capsys)
    assert code == 1
    assert [(r["benchmark"], r["commit"]) for r in json.loads(out)["regressions"]] == [
        (RUST, shas[4])
    ]
    code, out, _ = gate(root, "--range", f"{shas[5]}..{shas[7]}", capsys=capsys)
    assert code == 0
    assert "No benchmark regressions." in out


def test_markdown_escapes_untrusted_subjects(toy, capsys) -> None:
    """Defect 3 (issue 11): HTML, pipes and Markdown links in a subject stay inert text."""
    root, shas = toy
    code, out, _ = gate(root, capsys=capsys)
    assert code == 1
    row = next(line for line in out.splitlines() if shas[2][:10] in line)
    assert "<script>" not in out
    assert "&lt;script&gt;alert\\(1\\)&lt;/script&gt; \\| pipe" in row
    assert "\\[perf notes\\]\\(https://example\\.com/perf\\)" in row
    assert "\\[x\\]\\(javascript:alert\\(2\\)\\)" in row
    assert row.count(" | ") == 7  # the escaped pipe does not add a column
    rendered = markdown.markdown(out, extensions=["tables"])
    assert "<a " not in rendered and "<script" not in rendered
    assert "see [perf notes](https://example.com/perf)" in rendered


@pytest.mark.parametrize(
    "args, message",
    [
        (["--range", "nonsense..HEAD"], "--range 'nonsense..HEAD'"),
        (["--range", "HEAD"], "expected A..B"),
    ],
)
def test_bad_range_is_an_error_not_a_regression(toy, capsys, args, message) -> None:
    root, _ = toy
    code, _, err = gate(root, *args, capsys=capsys)
    assert code == 2
    assert message in err


def test_missing_or_corrupt_site_exits_2(toy, tmp_path, capsys) -> None:
    root, _ = toy
    config = json.loads((root / "asv.conf.json").read_text())
    config["repo"] = str(root)
    config["html_dir"] = str(tmp_path / "html")
    (tmp_path / "asv.conf.json").write_text(json.dumps(config))
    argv = ["regressions", "--config", str(tmp_path / "asv.conf.json")]
    assert cli.main(argv) == 2
    assert "index.json not found" in capsys.readouterr().err
    shutil.copytree(root / ".asv" / "html", tmp_path / "html")
    graphs = (tmp_path / "html" / "graphs").rglob(f"{PY}.json")
    graph = next(g for g in graphs if "summary" not in g.parts)
    graph.write_text("[[0, 1e-3], [1, ")
    assert cli.main(argv) == 2
    assert f"{graph}: cannot read graph data" in capsys.readouterr().err
    graph.write_text('[[0, 1e-3], ["one", 2e-3]]')
    assert cli.main(argv) == 2
    assert f"{graph}: unexpected graph data" in capsys.readouterr().err
    (tmp_path / "html" / "index.json").write_text('{"benchmarks": [')
    assert cli.main(argv) == 2
    assert "cannot read index.json" in capsys.readouterr().err


def test_missing_config_exits_2(tmp_path, capsys) -> None:
    assert cli.main(["regressions", "--config", str(tmp_path / "nope.json")]) == 2
    assert "nope.json" in capsys.readouterr().err


def test_unexpected_failure_exits_2_never_1(toy, capsys, monkeypatch) -> None:
    from dashbench.gate import regressions

    def explode(*_args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(regressions, "commits_in_range", explode)
    root, shas = toy
    code, _, err = gate(root, "--range", f"{shas[0]}..{shas[7]}", capsys=capsys)
    assert code == 2
    assert "internal error" in err


def test_help_documents_exit_codes(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["regressions", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for line in ("0  no regression", "1  at least one regression", "2  error"):
        assert line in out


def test_report_page_carries_the_gates_findings(toy, tmp_path, capsys) -> None:
    root, shas = toy
    out = tmp_path / "report"
    argv = ["report", "--config", str(root / "asv.conf.json"), "--output-dir", str(out)]
    assert cli.main(argv) == 0, capsys.readouterr().err
    page = (out / "report.html").read_text()
    assert "Benchmark regressions (all published commits)" in page
    assert f"<td>{shas[2][:10]}</td>" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    # Defect 3 (issue 11): a link in a subject is text on the page, not a refusal to write it.
    assert "[perf notes](https://example.com/perf)" in page
    assert 'href="https:' not in page and 'href="javascript:' not in page
    assert "Speedup drops" in page and shas[4][:10] in page


@pytest.mark.parametrize("start", ["first", None, "no-such-commit"])
def test_regressions_first_commits_is_honoured(toy, tmp_path, capsys, start) -> None:
    root, shas = toy
    config = json.loads((root / "asv.conf.json").read_text())
    # Python series start at shas[3] (after their step), or are not checked at all (None).
    first = shas[3] if start == "first" else start
    config.update(
        repo=str(root),
        html_dir=str(root / ".asv" / "html"),
        results_dir=str(root / ".asv" / "results"),
        regressions_first_commits={r"toy_seq\.": first},
        dashbench={"pairs": str(root / "pairs.json")},
    )
    (tmp_path / "asv.conf.json").write_text(json.dumps(config))
    code = cli.main(
        ["regressions", "--config", str(tmp_path / "asv.conf.json"), "--format", "json"]
    )
    out, err = capsys.readouterr()
    if start == "no-such-commit":
        assert code == 2 and "regressions_first_commits 'no-such-commit'" in err
        return
    assert code == 1, err
    assert [(r["benchmark"], r["commit"]) for r in json.loads(out)["regressions"]] == [
        (RUST, shas[4])
    ]

"""A benchmark environment installs the measured commit's workloads and the bridges' needs only."""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tools" / "install_measured.py"
_spec = importlib.util.spec_from_file_location("install_measured", SCRIPT)
assert _spec is not None and _spec.loader is not None
install_measured = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(install_measured)

# Import name -> distribution, for the bridges' third-party imports. asv_runner is left out:
# asv installs it into every environment itself (pinned in constraints/tool.txt).
DISTRIBUTION = {"asv": "asv", "git": "gitpython", "fastjsonschema": "fastjsonschema"}


def _wheel(path: Path, metadata: str) -> Path:
    """A wheel whose METADATA is ``metadata``, laid out as setuptools lays it out."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("dashbench-0.1.0.dist-info/METADATA", metadata)
    return path


HEADER = "Metadata-Version: 2.4\nName: dashbench\nVersion: 0.1.0\n"
DEV = 'Provides-Extra: dev\nRequires-Dist: pytest; extra == "dev"\n'


@pytest.mark.parametrize(
    ("requires", "wanted"),
    [
        # With the extra: the workloads only, never the tool's own dependencies.
        (
            "Requires-Dist: asv<0.7,>=0.6\nRequires-Dist: matplotlib\n"
            "Provides-Extra: workloads\n"
            'Requires-Dist: langgraph; extra == "workloads"\n'
            'Requires-Dist: langgraph-checkpoint-sqlite; extra == "workloads"\n',
            ["langgraph", "langgraph-checkpoint-sqlite"],
        ),
        # A commit from before the extra gets all it declared, but no other extra.
        ("Requires-Dist: asv>=0.6\nRequires-Dist: langgraph\n", ["asv>=0.6", "langgraph"]),
    ],
)
def test_a_wheel_asks_for_what_its_commit_needs(tmp_path: Path, requires: str, wanted: list):
    wheel = _wheel(tmp_path / "dashbench-0.1.0-py3-none-any.whl", HEADER + requires + DEV)
    assert install_measured.requirements(wheel) == wanted


def test_a_missing_wheel_is_one_line_and_exit_2(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path / "none.whl")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr == f"install_measured.py: {tmp_path / 'none.whl'}: no such wheel\n"


def test_the_bridges_list_follows_their_imports() -> None:
    """A new third-party import in a bridge must reach the benchmark environments too."""
    ours = {"rust_bridge", "callgrind_bridge", "asv_runner"}
    found = set()
    for path in [*ROOT.glob("rust_bridge/**/*.py"), *ROOT.glob("callgrind_bridge/**/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name.partition(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                found.add(node.module.partition(".")[0])
    third_party = found - set(sys.stdlib_module_names) - ours
    assert {DISTRIBUTION[name] for name in third_party} == set(install_measured.BRIDGES)


@pytest.mark.slow
def test_this_checkouts_wheel_asks_for_the_workloads_extra(tmp_path: Path) -> None:
    """The wheel asv builds (asv.conf.json's build_command), read as the install step reads it."""
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("dashbench-*.whl")
    assert install_measured.requirements(wheel) == ["langgraph", "langgraph-checkpoint-sqlite"]

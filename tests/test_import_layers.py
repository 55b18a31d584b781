"""No import cycles between dashbench's subpackages and the repository's top-level packages.

Issue 12: the gate imported the report's data module while the report imported the gate, so
neither could change without the other. Site loading and series reading now live in one neutral
module (:mod:`dashbench.site`) both use. This test reads every module's imports from its syntax
tree (no import runs, so an import inside a function counts too) and fails on any cycle, naming
the import that closes it.
"""

from __future__ import annotations

import ast
import itertools
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("dashbench", "rust_bridge", "callgrind_bridge", "benchmarks")


def unit_of(module: str) -> str | None:
    """The layer a module belongs to: a top-level package, or for dashbench a subpackage
    (``dashbench.gate``) or a top-level module (``dashbench.site``)."""
    parts = module.split(".")
    if parts[0] not in PACKAGES:
        return None  # the standard library or a third-party package
    if parts[0] != "dashbench":
        return parts[0]
    if len(parts) == 1:
        return "dashbench"
    return ".".join(parts[:2])


def is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set[str]:
    """Absolute names of the modules ``path`` imports, wherever the import statement is."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                anchor = parts[: len(parts) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            # `from dashbench import speedup` imports the module dashbench.speedup
            found.update(
                f"{base}.{alias.name}" for alias in node.names if is_module(f"{base}.{alias.name}")
            )
    return found


def layer_graph() -> dict[str, dict[str, str]]:
    """unit -> {imported unit: "file imports module"} (one witness per arrow)."""
    graph: dict[str, dict[str, str]] = defaultdict(dict)
    for top in PACKAGES:
        for path in sorted((ROOT / top).rglob("*.py")):
            source = unit_of(module_name(path))
            for target in map(unit_of, imported_modules(path)):
                if target is not None and target != source and source is not None:
                    witness = f"{path.relative_to(ROOT)} imports {target}"
                    graph[source].setdefault(target, witness)
    return graph


def find_cycle(graph: dict[str, dict[str, str]]) -> list[str] | None:
    """One cycle as the list of arrows' witnesses, or None."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    stack: list[str] = []

    def visit(unit: str) -> list[str] | None:
        state[unit] = 1
        stack.append(unit)
        for target in graph.get(unit, {}):
            if state.get(target) == 1:
                loop = [*stack[stack.index(target) :], target]
                return [graph[a][b] for a, b in itertools.pairwise(loop)]
            if target not in state and (cycle := visit(target)):
                return cycle
        stack.pop()
        state[unit] = 2
        return None

    for unit in sorted(graph):
        if unit not in state and (cycle := visit(unit)):
            return cycle
    return None


def test_no_import_cycle_between_layers() -> None:
    graph = layer_graph()
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + "; ".join(cycle or [])


def test_gate_and_report_share_the_neutral_site_module() -> None:
    graph = layer_graph()
    assert "dashbench.site" in graph["dashbench.gate"]
    assert "dashbench.site" in graph["dashbench.report"]
    assert "dashbench.report" not in graph["dashbench.gate"]


def test_the_cycle_finder_sees_a_cycle(tmp_path: Path) -> None:
    """The detector itself: an arrow back closes a cycle, and it is named."""
    graph = {"a": {"b": "a.py imports b"}, "b": {"c": "b.py imports c"}}
    assert find_cycle(graph) is None
    graph["c"] = {"a": "c.py imports a"}
    assert find_cycle(graph) == ["a.py imports b", "b.py imports c", "c.py imports a"]

"""`dashbench status`: what has been measured, and where each piece lives on disk.

Output is spread over asv's results, two stores, the site, the last nightly's record and a few
caches outside the project; this command reads them all (nothing is measured or written) so a
newcomer can see the state of a project in one screen.
"""

from __future__ import annotations

import argparse
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from asv.machine import MachineCollection
from asv.results import iter_results

from callgrind_bridge.store import CountStore
from dashbench.pipeline.asvjob import open_project
from dashbench.pipeline.nightly import last_nightly_path, read_last_nightly
from rust_bridge.cargo import cache_path as cargo_cache_path
from rust_bridge.options import add_command
from rust_bridge.settings import load_settings
from rust_bridge.store import CriterionStore

# `dashbench status --help`
SUMMARY = (
    "what is measured (per machine and environment, the stores, the last nightly and "
    "its gate) and where each lives on disk"
)
DESCRIPTION = __doc__.split("\n\n")[1]

SHOWN = 5  # newest commits listed per line; the rest are counted


@dataclass
class Series:
    """The commits one asv machine has results for in one environment, newest first."""

    machine: str
    env: str
    commits: list[str] = field(default_factory=list)


@dataclass
class Store:
    path: str
    commits: list[str]
    files: list[str] = field(default_factory=list)  # count store: languages and environments


@dataclass
class Status:
    config: str
    results_dir: str
    series: list[Series]
    criterion: Store
    counts: Store
    last_nightly: dict[str, Any] | None
    site: str
    site_published: bool
    places: dict[str, str]


def _series(results_dir: Path) -> list[Series]:
    """Per machine and environment, the commits with results (newest commit date first)."""
    found: dict[tuple[str, str], list[tuple[int, str]]] = {}
    if results_dir.is_dir():
        for results in iter_results(str(results_dir)):
            key = (results.params.get("machine", "?"), results.env_name)
            found.setdefault(key, []).append((results.date or 0, results.commit_hash))
    return [
        Series(machine, env, [c for _, c in sorted(rows, reverse=True)])
        for (machine, env), rows in sorted(found.items())
    ]


def collect(config: str) -> Status:
    project = open_project(config)
    settings = load_settings(project.config_path)
    count_files = sorted({p.stem for p in settings.count_store.glob("*/*.json")})
    return Status(
        config=str(project.config_path),
        results_dir=str(project.results_dir),
        series=_series(project.results_dir),
        criterion=Store(str(settings.store), CriterionStore(settings.store).commits()),
        counts=Store(
            str(settings.count_store), CountStore(settings.count_store).commits(), count_files
        ),
        last_nightly=read_last_nightly(project),
        site=str(project.html_dir),
        site_published=(project.html_dir / "index.json").is_file(),
        places={
            "last nightly record": str(last_nightly_path(project)),
            "asv environments": str(Path(project.site.conf.env_dir)),
            "corrupt files moved aside": str(project.results_dir.parent / "quarantine"),
            "Rust build": str(settings.cargo_target_dir()),
            "asv machine descriptions": os.fspath(MachineCollection.get_machine_file_path()),
            "cargo source choice (cache)": str(cargo_cache_path()),
        },
    )


def _commits(commits: list[str]) -> str:
    if not commits:
        return "none yet"
    shown = " ".join(c[:8] for c in commits[:SHOWN])
    more = f" (+{len(commits) - SHOWN} more)" if len(commits) > SHOWN else ""
    return f"{len(commits)} commit(s): {shown}{more}"


def render(status: Status) -> str:
    lines = [f"config: {status.config}", "", f"asv results: {status.results_dir}"]
    if not status.series:
        lines.append("  nothing measured yet (`make demo` or `dashbench nightly`)")
    for s in status.series:
        lines.append(f"  machine {s.machine}, environment {s.env}: {_commits(s.commits)}")
    lines += [
        f"Criterion store (Rust wall time): {status.criterion.path}",
        f"  {_commits(status.criterion.commits)}",
        f"count store (instructions): {status.counts.path}",
        f"  {_commits(status.counts.commits)}"
        + (f"; entries: {', '.join(status.counts.files)}" if status.counts.files else ""),
        f"site: {status.site} ({'published' if status.site_published else 'not published yet'})",
    ]
    last = status.last_nightly
    if last is None:
        lines.append("last nightly: none recorded")
    else:
        commits = " ".join(c[:8] for c in last.get("commits", [])) or "no new commit"
        lines.append(
            f"last nightly: finished {last.get('finished')} on machine {last.get('machine')}, "
            f"benchmarked {commits}; gate: {last.get('verdict')} (exit {last.get('gate')})"
        )
    lines += ["", "elsewhere:"]
    width = max(map(len, status.places))
    lines += [f"  {name.ljust(width)}  {path}" for name, path in status.places.items()]
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    status = collect(args.config)
    if args.json:
        print(json.dumps(asdict(status), indent=1))
    else:
        print(render(status), end="")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(subparsers, "status", run, SUMMARY, description=DESCRIPTION)
    parser.add_argument("--json", action="store_true", help="machine-readable output")

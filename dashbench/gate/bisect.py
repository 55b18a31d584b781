"""`dashbench bisect NAME GOOD BAD`: `asv find` for either language, and the culprit told in full.

asv does the search (it builds and measures each probed commit; Rust tracks fill the Criterion
store on demand). This command resolves pair ids to asv names, makes GOOD itself the known-good
end of asv's range, reads the culprit off asv's log and describes it with gitpython, with the
values asv saved for the culprit and its parent.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from dataclasses import asdict, dataclass

import git
from asv.results import iter_results_for_machine_and_hash

from callgrind_bridge.track import FILTER_VAR as COUNTS_FILTER_VAR
from dashbench.errors import DashbenchError
from dashbench.gate.project import (
    Project,
    language_of,
    load_project,
    metric_of,
    pair_ids,
    pair_sides,
)
from dashbench.pairs import count_name
from dashbench.revisions import option_safe, resolve_commit

_CULPRIT = re.compile(r"Greatest (?:regression|improvement) found: ([0-9a-f]{7,40})")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass(frozen=True)
class Culprit:
    benchmark: str
    language: str
    commit: str
    author: str
    date: str
    subject: str
    diffstat: str
    before: float | None  # value asv recorded at the culprit's parent
    after: float | None  # value asv recorded at the culprit


def resolve_benchmark(
    project: Project, name: str, lang: str | None, metric: str = "instructions"
) -> str:
    """An asv benchmark name as given, or one side of a pair id ("group/function") in the
    chosen metric: its instruction count, or its wall-time benchmark."""
    if "/" not in name:
        if lang is not None and language_of(name) != lang:
            raise DashbenchError(f"{name!r} is a {language_of(name)} benchmark, not {lang}")
        return name
    side = lang or "python"
    if metric == "instructions":
        pair_sides(project.pairs(), name)  # an unknown pair id is a user error
        return count_name(name, side)
    return pair_sides(project.pairs(), name)[side]


def asv_range(good: git.Commit, bad: git.Commit) -> str:
    """asv searches (first, last] of its range; start it one before GOOD so GOOD is the low end."""
    return f"{good.hexsha}^..{bad.hexsha}" if good.parents else bad.hexsha


def run_asv_find(project: Project, spec: str, benchmark: str, extra: list[str]) -> str:
    """``asv find``; a count benchmark's probes count only its own id (seconds, not the whole
    language's pass per probe)."""
    cmd = [sys.executable, "-m", "asv", "--config", str(project.config_path), "find"]
    cmd += [*extra, "--", spec, f"^{re.escape(benchmark)}$"]
    env = dict(os.environ)
    if metric_of(benchmark) == "instructions":
        env[COUNTS_FILTER_VAR] = f"^{re.escape(pair_ids(project.pairs())[benchmark])}$"
    proc = subprocess.run(
        cmd, cwd=project.root, capture_output=True, text=True, check=False, env=env
    )
    output = _ANSI.sub("", proc.stdout + proc.stderr)
    match = _CULPRIT.search(output)
    if proc.returncode != 0 or match is None:
        tail = "\n".join(output.strip().splitlines()[-15:])
        raise DashbenchError(f"`asv find` failed (exit {proc.returncode}):\n{tail}")
    return match.group(1)


def recorded_value(project: Project, machine: str | None, sha: str, benchmark: str) -> float | None:
    """The value `asv find` saved for ``benchmark`` at ``sha`` (first environment that has it)."""
    if machine is None:
        return None
    for results in iter_results_for_machine_and_hash(str(project.results_dir), machine, sha):
        value = results.get_result_value(benchmark, [])
        if value and value[0] is not None:
            return float(value[0])
    return None


def describe(
    project: Project, repo: git.Repo, benchmark: str, sha: str, machine: str | None
) -> Culprit:
    commit = repo.commit(sha)
    parent = commit.parents[0].hexsha if commit.parents else None
    return Culprit(
        benchmark=benchmark,
        language=language_of(benchmark),
        commit=commit.hexsha,
        author=f"{commit.author.name} <{commit.author.email}>",
        date=commit.authored_datetime.isoformat(),
        subject=commit.summary,
        diffstat=repo.git.show("--stat", "--format=", commit.hexsha).strip(),
        before=recorded_value(project, machine, parent, benchmark) if parent else None,
        after=recorded_value(project, machine, commit.hexsha, benchmark),
    )


def bisect(
    project: Project,
    name: str,
    good: str,
    bad: str,
    lang: str | None = None,
    machine: str | None = None,
    environment: str | None = None,
    metric: str = "instructions",
) -> Culprit:
    repo = project.repo()
    benchmark = resolve_benchmark(project, name, lang, metric)
    good_commit = resolve_commit(repo, good, "GOOD")
    bad_commit = resolve_commit(repo, bad, "BAD")
    if good_commit == bad_commit or not repo.is_ancestor(good_commit, bad_commit):
        raise DashbenchError(f"GOOD {good!r} must be an ancestor of BAD {bad!r}")
    spec = asv_range(good_commit, bad_commit)
    extra = ([f"--machine={option_safe(machine, '--machine')}"] if machine else []) + (
        [f"--environment={option_safe(environment, '-E')}"] if environment else []
    )
    prefix = run_asv_find(project, spec, benchmark, extra)
    candidates = [
        c for c in repo.git.rev_list("--first-parent", spec).split() if c.startswith(prefix)
    ]
    if len(candidates) != 1:
        raise DashbenchError(f"`asv find` named {prefix!r}, which is not one commit of {spec}")
    return describe(project, repo, benchmark, candidates[0], machine)


def to_text(c: Culprit) -> str:
    values = ""
    if c.before is not None and c.after is not None and c.before:
        values = f"value:   {c.before:.4g} -> {c.after:.4g} ({c.after / c.before:.2f}x)\n"
    return (
        f"culprit for {c.benchmark} ({c.language}):\n"
        f"commit  {c.commit}\nAuthor: {c.author}\nDate:   {c.date}\n\n    {c.subject}\n\n"
        f"{values}{c.diffstat}\n"
    )


def run(args: argparse.Namespace) -> int:
    project = load_project(args.config)
    repo = project.repo()
    resolve_commit(repo, args.good, "GOOD")  # checked here, before any git or asv runs
    resolve_commit(repo, args.bad, "BAD")
    culprit = bisect(
        project,
        args.name,
        args.good,
        args.bad,
        args.lang,
        args.machine,
        args.environment,
        args.metric,
    )
    print(json.dumps(asdict(culprit), indent=2) if args.json else to_text(culprit), end="\n")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "bisect",
        help="find the commit that slowed a benchmark down (asv find), either language",
        description="Run `asv find` between GOOD and BAD and describe the culprit commit. NAME is "
        "an asv benchmark name or a pair id (Criterion id such as "
        "sequential_execution/3_nodes_simple); --lang picks the pair's side.",
        epilog="exit codes: 0 culprit found, 2 error (bad name/commits, asv find failed)",
    )
    parser.add_argument("name", metavar="NAME")
    parser.add_argument("good", metavar="GOOD")
    parser.add_argument("bad", metavar="BAD")
    parser.add_argument(
        "--lang", choices=("python", "rust"), help="side of a pair id (default: python)"
    )
    parser.add_argument(
        "--config", default="asv.conf.json", help="asv config (default: %(default)s)"
    )
    parser.add_argument("--machine", help="asv machine name (passed to asv find)")
    parser.add_argument("-E", "--environment", help="asv environment spec (passed to asv find)")
    parser.add_argument("--json", action="store_true", help="print the culprit as JSON")
    parser.add_argument(
        "--metric",
        choices=("instructions", "time"),
        default="instructions",
        help="for a pair id: bisect its instruction count (default; deterministic, each probe "
        "counts that one id) or its wall time (noisy on shared machines)",
    )
    parser.set_defaults(handler=run)

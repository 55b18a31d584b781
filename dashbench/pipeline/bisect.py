"""`dashbench bisect NAME GOOD BAD`: the commit that moved one benchmark, either language.

A binary search over the first-parent commits of GOOD..BAD, with fresh measurements
(:mod:`dashbench.pipeline.probe`): each probe is judged against the current good and bad ends
measured beside it, and is "bad" when its value is nearer the bad end's on a log scale. A pair
id bisects its instruction count by default, which is deterministic; ``--metric time`` bisects
its wall time with interleaved rounds. Nothing is measured into the published results: the
bisection keeps its own results directory under ``.asv/bisect/``, and prints each probe as it
goes.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import statistics
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import git
from asv.util import human_value

from dashbench.errors import DashbenchError
from dashbench.gate.project import Project, language_of, load_project, metric_of, pair_sides
from dashbench.pairs import count_name
from dashbench.pipeline.asvjob import derived_config, ensure_machine
from dashbench.pipeline.probe import Measure, Workspace, probe_for
from dashbench.revisions import option_safe, resolve_commit
from rust_bridge.options import add_command, add_env, add_machine
from rust_bridge.output import Say

# `dashbench bisect --help`
SUMMARY = "find the commit that moved a benchmark, either language"
DESCRIPTION = (
    "Binary search of GOOD..BAD (first parents) for the commit where NAME "
    "stepped. Each probe is measured fresh beside the current good and bad ends, into the "
    "bisection's own results directory (.asv/bisect/...); the published results are not "
    "touched. Each probe is printed as it is judged."
)
EXIT_CODES = (
    "exit codes: 0 culprit found, 2 error (bad name or commits, no step between "
    "GOOD and BAD, a measurement failed)"
)

DEFAULT_ROUNDS = 3
ATTEMPTS = 3  # measurements of one wall-time probe before giving up on the machine
AMBIGUOUS = (1 / 3, 2 / 3)  # a probe's position between its ends that is measured again


@dataclass(frozen=True)
class Culprit:
    benchmark: str
    language: str
    commit: str
    author: str
    date: str
    subject: str
    diffstat: str
    before: float | None  # the value at the culprit's parent, as the last probe measured it
    after: float | None  # the value at the culprit
    results_dir: str  # where the bisection's own measurements are


@dataclass(frozen=True)
class Target:
    """What is bisected: one asv benchmark, in its unit, with its gate threshold."""

    benchmark: str
    unit: str
    threshold: float

    def show(self, value: float) -> str:
        return human_value(value, self.unit)


def resolve_benchmark(project: Project, name: str, lang: str | None, metric: str) -> str:
    """An asv benchmark name as given, or one side of a pair id ("group/function") in the
    chosen metric: its instruction count, or its wall-time benchmark."""
    if "/" not in name:
        if lang is not None and language_of(name) != lang:
            raise DashbenchError(f"{name!r} is a {language_of(name)} benchmark, not {lang}")
        return name
    sides = pair_sides(project.pairs(), name)  # an unknown pair id is a user error
    if lang is None:
        raise DashbenchError(
            f"{name!r} is a pair id with a Python and a Rust side: choose one with --lang"
        )
    return count_name(name, lang) if metric == "instructions" else sides[lang]


def candidates(repo: git.Repo, good: git.Commit, bad: git.Commit) -> list[str]:
    """GOOD, then the first-parent commits after it up to BAD, oldest first."""
    if good == bad or not repo.is_ancestor(good, bad):
        raise DashbenchError(
            f"GOOD {good.hexsha[:12]} must be an ancestor of BAD {bad.hexsha[:12]}"
        )
    after = repo.git.rev_list("--first-parent", "--reverse", f"{good.hexsha}..{bad.hexsha}")
    return [good.hexsha, *after.split()]


def search(
    commits: list[str], measure: Measure, target: Target, say: Say, exact: bool = False
) -> tuple[int, float, float]:
    """Index of the first bad commit, and the values of its parent and of itself.

    A wall-time probe is measured again (``ATTEMPTS`` times at most) instead of judged when its
    own good and bad ends no longer show at least half the step seen between GOOD and BAD (a
    burst of load swamped the step), or when it sits in the middle third between its ends on a
    log scale (measured at load 6, a commit with the good end's code read 1.5x the good end,
    just past the midpoint). Its position between the ends is then the mean over the attempts
    that showed the step. Counts need neither check.
    """
    lo, hi = 0, len(commits) - 1
    ends = measure([commits[lo], commits[hi]])
    low, high = ends[commits[lo]], ends[commits[hi]]
    say(f"GOOD {commits[lo][:12]} {target.show(low)}, BAD {commits[hi][:12]} {target.show(high)}")
    if low <= 0 or high <= 0 or abs(math.log(high / low)) < math.log1p(target.threshold):
        raise DashbenchError(
            f"{target.benchmark}: GOOD and BAD differ by {high / low:.3f}x, within its "
            f"threshold of {target.threshold:.1%}; there is no step to bisect"
        )
    step = math.log(high / low)
    probes = math.ceil(math.log2(hi - lo)) if hi - lo > 1 else 0
    for k in range(1, probes + 1):
        if hi - lo <= 1:
            break
        mid = (lo + hi) // 2
        positions: list[float] = []  # 0 at the good end, 1 at the bad end, per attempt
        for attempt in range(1, ATTEMPTS + 1):
            values = measure([commits[lo], commits[mid], commits[hi]])
            low, value, high = (values[commits[i]] for i in (lo, mid, hi))
            shown = math.log(high / low) / step
            if exact or shown >= 0.5:
                positions.append(math.log(value / low) / math.log(high / low))
                judged = low, value, high
                where = statistics.mean(positions)
                if exact or not AMBIGUOUS[0] < where < AMBIGUOUS[1]:
                    break
                why = f"it sits {where:.2f} of the way from its good end to its bad end"
            else:
                why = (
                    f"its ends differ by only {high / low:.3f}x (GOOD..BAD: {math.exp(step):.3f}x)"
                )
            again = f"measuring again ({attempt}/{ATTEMPTS})"
            say(f"probe {k}/{probes} {commits[mid][:12]}: {why}; {again}")
        if not positions:
            raise DashbenchError(
                f"{target.benchmark}: the load swamped the step at every one of {ATTEMPTS} "
                "measurements of a probe; bisect the instruction count, or try more --rounds "
                "on a quieter machine"
            )
        bad = statistics.mean(positions) > 0.5
        low, value, high = judged
        say(
            f"probe {k}/{probes} {commits[mid][:12]} {target.show(value)} "
            f"(good end {target.show(low)}, bad end {target.show(high)}): "
            f"{'bad' if bad else 'good'}"
        )
        lo, hi = (lo, mid) if bad else (mid, hi)
        low, high = (low, value) if bad else (value, high)
    return hi, low, high


def describe(
    repo: git.Repo, target: Target, sha: str, values: tuple[float, float], where: Path
) -> Culprit:
    commit = repo.commit(sha)
    return Culprit(
        benchmark=target.benchmark,
        language=language_of(target.benchmark),
        commit=commit.hexsha,
        author=f"{commit.author.name} <{commit.author.email}>",
        date=commit.authored_datetime.isoformat(),
        subject=commit.summary,
        diffstat=repo.git.show("--stat", "--format=", commit.hexsha).strip(),
        before=values[0],
        after=values[1],
        results_dir=str(where),
    )


@contextlib.contextmanager
def workspace(project: Project, benchmark: str) -> Iterator[Workspace]:
    """``.asv/bisect/<time>-<benchmark>/``, kept afterwards, and a config pointing asv there."""
    stamp = time.strftime("%Y%m%dT%H%M%S")
    root = project.results_dir.parent / "bisect" / f"{stamp}-{benchmark.replace('/', '_')}"
    root.mkdir(parents=True, exist_ok=True)
    results = root / "results"
    with derived_config(project, results_dir=str(results), html_dir=str(root / "html")) as config:
        yield Workspace(project, root, config)


def bisect(
    project: Project,
    name: str,
    good: str,
    bad: str,
    lang: str | None = None,
    machine: str | None = None,
    environment: str | None = None,
    metric: str = "instructions",
    rounds: int = DEFAULT_ROUNDS,
    say: Say | None = None,
) -> Culprit:
    say = say or (lambda line: print(line, file=sys.stderr, flush=True))
    if rounds < 1:
        raise DashbenchError(f"--rounds {rounds}: must be at least 1")
    repo = project.repo()
    commits = candidates(repo, resolve_commit(repo, good, "GOOD"), resolve_commit(repo, bad, "BAD"))
    benchmark = resolve_benchmark(project, name, lang, metric)
    unit = "instructions" if metric_of(benchmark) == "instructions" else "seconds"
    target = Target(benchmark, unit, project.threshold(benchmark))
    machine = ensure_machine(option_safe(machine, "--machine") if machine else None)
    environment = option_safe(environment, "-E") if environment else None
    with workspace(project, benchmark) as space:
        measure, exact = probe_for(space, benchmark, machine, environment, rounds, say)
        how = "counted once per commit" if exact else f"{rounds} interleaved rounds per probe"
        say(f"bisecting {benchmark} over {len(commits) - 1} commit(s), {how}; into {space.root}")
        culprit, before, after = search(commits, measure, target, say, exact)
    found = describe(repo, target, commits[culprit], (before, after), space.root)
    change = f"{target.show(before)} -> {target.show(after)}"
    say(f"culprit {found.commit[:12]} {found.subject!r}: {change}")
    return found


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
    culprit = bisect(
        project,
        args.name,
        args.good,
        args.bad,
        args.lang,
        args.machine,
        args.env,
        args.metric,
        args.rounds,
    )
    print(json.dumps(asdict(culprit), indent=2) if args.json else to_text(culprit), end="\n")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(
        subparsers, "bisect", run, SUMMARY, description=DESCRIPTION, epilog=EXIT_CODES
    )
    parser.add_argument(
        "name",
        metavar="NAME",
        help="an asv benchmark name, or a pair id (a Criterion id such as "
        "sequential_execution/3_nodes_simple, with --lang)",
    )
    parser.add_argument("good", metavar="GOOD", help="a commit without the change (git revision)")
    parser.add_argument("bad", metavar="BAD", help="a later commit with it (git revision)")
    parser.add_argument(
        "--lang",
        choices=("python", "rust"),
        help="the side of a pair id to bisect (required for one)",
    )
    parser.add_argument(
        "--metric",
        choices=("instructions", "time"),
        default="instructions",
        help="for a pair id: its instruction count (default; deterministic, each commit "
        "counted once) or its wall time (interleaved rounds, see --rounds)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=DEFAULT_ROUNDS,
        help="wall time: rounds per commit of each probe, interleaved (default: %(default)s)",
    )
    add_machine(parser, "asv machine name the probes record under (default: this host's)")
    add_env(parser, "asv environment the Python probes run in (default: asv's first)")
    parser.add_argument("--json", action="store_true", help="print the culprit as JSON")

"""`dashbench regressions`: the gate CI can trust, over what asv's publish step already found.

asv's publish fits steps to every series (weighted L1, ``asv.step_detect``) and keeps the upward
ones above the ``regressions_thresholds`` of asv.conf.json in ``html/regressions.json``. This
command does not re-detect anything for single benchmarks: it maps asv's revisions to commits,
keeps the steps inside the requested range, names language and pair, and turns the verdict into
an exit code. Speedup drops come from :mod:`dashbench.gate.speedup_drops`.
"""

from __future__ import annotations

import argparse
import html
import json
import math
from dataclasses import asdict, dataclass
from typing import Any

import git

from dashbench.errors import DashbenchError
from dashbench.gate.project import Project, language_of, load_project, pair_ids, read_json
from dashbench.gate.speedup_drops import SpeedupDrop, find_speedup_drops

EXIT_OK = 0
EXIT_REGRESSION = 1

HELP_EPILOG = """\
exit codes:
  0  no regression in the range
  1  at least one regression (benchmark step or speedup drop) in the range
  2  error: missing or corrupt site, bad config, bad range, ...; never reported as 1

Without --range the command reports every regression the last `asv publish` lists (asv keeps
only steps whose worse level is still the latest value). With --range A..B it keeps the steps
whose commit (the first benchmarked commit after the step) is in `git rev-list A..B`.
"""


@dataclass(frozen=True)
class Regression:
    """One upward step asv found, located at a commit."""

    benchmark: str
    language: str
    pair_id: str | None
    where: dict[str, str]  # graph parameters that tell machines/environments apart
    commit: str  # first benchmarked commit showing the slower level
    subject: str
    last_good: (
        str | None
    )  # last benchmarked commit before it, when commits in between are unmeasured
    before: float
    after: float
    ratio: float
    threshold: float


def commits_in_range(repo: git.Repo, spec: str) -> set[str]:
    """Full hashes of ``git rev-list SPEC``; a spec git rejects is a user error."""
    if ".." not in spec:
        raise DashbenchError(f"--range {spec!r}: expected A..B")
    try:
        return set(repo.git.rev_list(spec).split())
    except git.GitCommandError as exc:
        raise DashbenchError(f"--range {spec!r}: {exc.stderr.strip() or exc}") from exc


def _subject(repo: git.Repo, sha: str) -> str:
    try:
        return repo.commit(sha).summary
    except (ValueError, git.BadName):
        return "(commit not in repository)"


def load_regressions(project: Project) -> list[Regression]:
    """Every step in the published regressions.json, with revisions resolved to commits."""
    html_dir = project.html_dir
    data = read_json(html_dir / "regressions.json", "regressions.json")
    index = read_json(html_dir / "index.json", "index.json")
    try:
        entries = data["regressions"]
        rev_to_hash = {int(k): v for k, v in index["revision_to_hash"].items()}
    except (KeyError, TypeError, ValueError) as exc:
        raise DashbenchError(f"{html_dir}: unexpected site layout ({exc!r})") from exc
    repo = project.repo()
    pairs = pair_ids(project.pairs())
    found = []
    for entry in entries:
        try:
            name, _graph_path, params, _idx, _last, _best, jumps = entry
        except (TypeError, ValueError) as exc:
            raise DashbenchError(f"{html_dir / 'regressions.json'}: bad entry {entry!r}") from exc
        base = name.split("(", 1)[0]
        for rev_before, rev_after, before, after in jumps:
            commit = rev_to_hash[rev_after]
            found.append(
                Regression(
                    benchmark=name,
                    language=language_of(base),
                    pair_id=pairs.get(base),
                    where={str(k): str(v) for k, v in (params or {}).items()},
                    commit=commit,
                    subject=_subject(repo, commit),
                    last_good=None if rev_before is None else rev_to_hash[rev_before],
                    before=before,
                    after=after,
                    ratio=after / before if before else math.inf,
                    threshold=project.threshold(name),
                )
            )
    return found


def _cell(text: str) -> str:
    """Markdown table cell from untrusted text: no HTML, no column breaks, no line breaks."""
    return html.escape(" ".join(text.split())).replace("|", "\\|")


def _value(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if abs(seconds) >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds:.3g} s"


def to_markdown(regressions: list[Regression], drops: list[SpeedupDrop], scope: str) -> str:
    lines = [f"## Benchmark regressions ({_cell(scope)})", ""]
    if regressions:
        lines += [
            "| benchmark | lang | pair id | commit | subject | before | after | ratio |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for r in regressions:
            where = " ".join(f"{k}={v}" for k, v in r.where.items())
            commit = (
                r.commit[:10] if r.last_good is None else f"{r.last_good[:10]}..{r.commit[:10]}"
            )
            lines.append(
                f"| `{_cell(r.benchmark)}` {_cell(where)} | {r.language}"
                f" | {_cell(r.pair_id or '-')}"
                f" | {commit} | {_cell(r.subject)} | {_value(r.before)} | {_value(r.after)}"
                f" | {r.ratio:.2f}x |"
            )
    else:
        lines.append("No benchmark regressions.")
    lines += ["", f"## Speedup drops ({_cell(scope)})", ""]
    if drops:
        lines += [
            "| pair id | commit | subject | speedup before | speedup after | ratio |",
            "|---|---|---|---|---|---|",
        ]
        for d in drops:
            lines.append(
                f"| {_cell(d.pair_id)} {_cell(d.where)} | {d.commit[:10]} | {_cell(d.subject)}"
                f" | {d.before:.3g}x | {d.after:.3g}x | {d.after / d.before:.2f} |"
            )
    else:
        lines.append("No speedup drops.")
    return "\n".join(lines) + "\n"


def gate(project: Project, spec: str | None) -> tuple[list[Regression], list[SpeedupDrop]]:
    """The regressions and speedup drops in scope: all published ones, or those in ``spec``."""
    regressions = load_regressions(project)
    drops = find_speedup_drops(project)
    if spec is not None:
        in_range = commits_in_range(project.repo(), spec)
        regressions = [r for r in regressions if r.commit in in_range]
        drops = [d for d in drops if d.commit in in_range]
    return regressions, drops


def run(args: argparse.Namespace) -> int:
    project = load_project(args.config)
    regressions, drops = gate(project, args.range)
    scope = args.range or "last published run"
    if args.format == "json":
        document: dict[str, Any] = {
            "scope": scope,
            "regressions": [asdict(r) for r in regressions],
            "speedup_drops": [asdict(d) for d in drops],
        }
        print(json.dumps(document, indent=2))
    else:
        print(to_markdown(regressions, drops, scope), end="")
    return EXIT_REGRESSION if regressions or drops else EXIT_OK


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "regressions",
        help="list regressions asv's step detection found (both languages); exit 1 if any",
        description="List the regressions in the published asv site, in Python and Rust "
        "benchmarks, and drops of paired speedups.",
        epilog=HELP_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--config", default="asv.conf.json", help="asv config (default: %(default)s)"
    )
    parser.add_argument("--range", metavar="A..B", help="only steps at commits in git's A..B")
    parser.add_argument("--format", choices=("md", "json"), default="md")
    parser.set_defaults(handler=run)

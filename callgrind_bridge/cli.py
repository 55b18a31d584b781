"""``dashbench counts``: instruction-count passes and what the count store holds."""

from __future__ import annotations

import argparse
import json
import sys

from callgrind_bridge.manifest import load_manifest
from callgrind_bridge.passes import PassOptions, python_pass, rust_pass
from callgrind_bridge.store import LANGUAGES, CountStore
from rust_bridge.checkout import resolve_sha
from rust_bridge.options import add_actions, add_command, add_env
from rust_bridge.settings import Settings, load_settings

SUMMARY = "instruction counts (callgrind) of the timed regions: run a pass, show the store"


def register(subparsers: argparse._SubParsersAction) -> None:
    group = add_command(subparsers, "counts", None, SUMMARY, description=__doc__)
    sub = add_actions(group)

    run = add_command(sub, "run", _run, "count one commit into the store", config=False)
    run.add_argument("--commit", default="HEAD", help="commit to measure (default HEAD)")
    run.add_argument(
        "--lang", choices=[*LANGUAGES, "all"], default="all", help="which side (default all)"
    )
    run.add_argument("--iterations", type=int, help="runs of each body (default 3 Python, 5 Rust)")
    run.add_argument("--filter", help="only Criterion ids matching this regex")
    run.add_argument(
        "--python",
        default=sys.executable,
        help="interpreter whose installed workloads the Python side counts (default: this one; "
        "`asv run` counts each commit in its own environment)",
    )
    add_env(run, "store the Python counts under this asv environment")
    run.add_argument("--again", action="store_true", help="measure ids the store already has")

    show = add_command(sub, "show", _show, "print a commit's counts, both languages", config=False)
    show.add_argument("--commit", default="HEAD", help="commit to show (default HEAD)")
    add_env(show, "the asv environment of the Python counts")
    show.add_argument("--json", action="store_true", help="machine-readable output")


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(args.config)


def _run(args: argparse.Namespace) -> int:
    settings = _settings(args)
    commit = resolve_sha(settings.git_dir, args.commit)
    items = load_manifest(settings.count_manifest)
    options = PassOptions(args.iterations, args.filter, only_missing=not args.again)
    say = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731
    entries = []
    if args.lang in ("python", "all"):
        say(f"counting Python at {commit[:8]} with {args.python}")
        entries.append(
            python_pass(
                settings,
                commit,
                items,
                python=args.python,
                benchmarks_dir=settings.suite_dir,
                env_name=args.env,
                options=options,
                progress=say,
            )
        )
    if args.lang in ("rust", "all"):
        say(f"counting Rust at {commit[:8]}")
        entries.append(rust_pass(settings, commit, items, options=options, progress=say))
    for entry in entries:
        say(
            f"{entry.language} {commit[:8]}: {len(entry.counts)} counted, "
            f"{len(entry.failures)} failed, {len(entry.skipped)} n/a "
            f"-> {CountStore(settings.count_store).entry_path(commit, entry.language, entry.env)}"
        )
    return 2 if any(e.failures for e in entries) else 0


def _show(args: argparse.Namespace) -> int:
    settings = _settings(args)
    commit = resolve_sha(settings.git_dir, args.commit)
    store = CountStore(settings.count_store)
    entries = {
        "python": store.get(commit, "python", args.env),
        "rust": store.get(commit, "rust"),
    }
    rows = []
    for item in load_manifest(settings.count_manifest):
        values = {
            lang: (e.instructions(item.criterion_id) if e else None) for lang, e in entries.items()
        }
        rows.append({"id": item.criterion_id, **values})
    if args.json:
        print(json.dumps({"commit": commit, "rows": rows}, indent=1))
        return 0
    print(f"{'id':58} {'python':>14} {'rust':>12} {'work ratio':>10}")
    for row in rows:
        py, rs = row["python"], row["rust"]
        ratio = f"{py / rs:10.1f}" if py and rs else f"{'n/a':>10}"
        print(f"{row['id']:58} {_count(py):>14} {_count(rs):>12} {ratio}")
    return 0


def _count(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f}"

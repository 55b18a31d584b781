"""``dashbench criterion``: inspect Criterion trees, fill the store, keep the manifest, backfill."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rust_bridge.checkout import resolve_sha
from rust_bridge.errors import BridgeError
from rust_bridge.options import add_actions, add_command, add_env, add_machine
from rust_bridge.output import format_seconds
from rust_bridge.reader import DEFAULT_BASELINE, CriterionTree, Problem, read_tree
from rust_bridge.settings import Settings, load_settings
from rust_bridge.store import CriterionStore, StoreEntry

SUMMARY = "Criterion (Rust) results: show, import, run, manifest, backfill"
EXIT_OK = 0
EXIT_ERROR = 2


def register(subparsers: argparse._SubParsersAction) -> None:
    group = add_command(subparsers, "criterion", None, SUMMARY, description=__doc__)
    sub = add_actions(group)

    show = add_command(
        sub, "show", _show, "list what a Criterion tree holds, and its problems", config=False
    )
    show.add_argument("dir", type=Path, help="a Criterion output directory (target/criterion)")
    show.add_argument("--baseline", default=DEFAULT_BASELINE, help="new (default), base or a name")
    show.add_argument("--json", action="store_true", help="machine-readable output")

    imp = add_command(
        sub, "import", _import, "put a Criterion tree made elsewhere into the store", config=False
    )
    imp.add_argument("dir", type=Path, help="a Criterion output directory (target/criterion)")
    imp.add_argument("--commit", required=True, help="the commit the tree was measured at")
    imp.add_argument("--baseline", default=DEFAULT_BASELINE, help="new (default), base or a name")

    run = add_command(sub, "run", _run, "cargo bench one commit into the store", config=False)
    run.add_argument("--commit", default="HEAD", help="commit to measure (default HEAD)")
    run.add_argument("--filter", help="Criterion filter: a regex on benchmark ids")
    run.add_argument("--quick", action="store_true", help="1 s warm-up and measurement")
    run.add_argument("--checkout", type=Path, help="an existing checkout of that commit to use")

    manifest = add_command(
        sub, "manifest", _manifest, "regenerate the committed Criterion manifest", config=False
    )
    manifest.add_argument(
        "--from",
        dest="source",
        type=Path,
        help="take ids from this Criterion tree instead of `cargo bench -- --list`",
    )
    manifest.add_argument("--output", type=Path, help="where to write (default from settings)")

    backfill = add_command(
        sub, "backfill", _backfill, "store entries of past commits -> asv results", config=False
    )
    backfill.add_argument("--range", required=True, dest="range_spec", help="git range A..B")
    add_machine(backfill, "asv machine name (default: this machine's)")
    add_env(
        backfill, "asv environment name of the rows (default: %(default)s)", "criterion-backfill"
    )
    backfill.add_argument(
        "--run-missing", action="store_true", help="cargo bench commits with no store entry"
    )
    backfill.add_argument("--quick", action="store_true", help="quick mode for --run-missing")


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(args.config)


def printable(text: str) -> str:
    """``text`` as is, or quoted with escapes when it holds a newline or another control
    character: an id or a path must not start a line that passes for the tool's own."""
    return text if text.isprintable() else repr(text)


def print_problems(problems: list[Problem]) -> None:
    for problem in problems:
        print(f"problem: {printable(str(problem))}", file=sys.stderr)


def _read(args: argparse.Namespace) -> CriterionTree:
    tree = read_tree(args.dir, args.baseline)
    print_problems(tree.problems)
    if not tree.records:
        raise BridgeError(
            f"{args.dir}: no readable Criterion benchmark for baseline {args.baseline!r}"
            + (f" ({len(tree.problems)} problem(s) above)" if tree.problems else "")
        )
    return tree


def _show(args: argparse.Namespace) -> int:
    tree = _read(args)
    if args.json:
        rows = [
            {
                "id": r.full_id,
                "median": r.median.point,
                "mean": r.mean.point,
                "median_ci": [r.median.lower, r.median.upper],
                "mean_ci": [r.mean.lower, r.mean.upper],
                "confidence_level": r.median.confidence_level,
                "samples": len(r.samples),
                "throughput": None
                if r.throughput is None
                else {"kind": r.throughput.kind, "amount": r.throughput.amount},
                "directory": r.directory,
            }
            for r in tree.records
        ]
        problems = [{"path": p.path, "message": p.message} for p in tree.problems]
        json.dump({"benchmarks": rows, "problems": problems}, sys.stdout, indent=2)
        print()
        return EXIT_OK
    ids = [printable(r.full_id) for r in tree.records]
    width = max(map(len, ids))
    print(f"{'id':<{width}}  {'median':>10}  {'mean':>10}  {'median CI':>23}  {'n':>4}  throughput")
    for r, shown_id in zip(tree.records, ids, strict=True):
        ci = f"{format_seconds(r.median.lower)} - {format_seconds(r.median.upper)}"
        throughput = "" if r.throughput is None else f"{r.throughput.amount} {r.throughput.kind}"
        print(
            f"{shown_id:<{width}}  {format_seconds(r.median.point):>10}  "
            f"{format_seconds(r.mean.point):>10}  {ci:>23}  {len(r.samples):>4}  "
            f"{throughput}"
        )
    print(f"{len(tree.records)} benchmark(s), {len(tree.problems)} problem(s)")
    return EXIT_OK


def _import(args: argparse.Namespace) -> int:
    settings = _settings(args)
    commit = resolve_sha(settings.git_dir, args.commit)
    tree = _read(args)
    provenance = {
        "producer": "import",
        "source": str(Path(args.dir).resolve()),
        "baseline": args.baseline,
    }
    entry = CriterionStore(settings.store).put(
        commit, tree.records, problems=tree.problems, provenance=provenance
    )
    print(
        f"imported {len(tree.records)} benchmark(s) for {commit} into "
        f"{CriterionStore(settings.store).entry_path(commit)} "
        f"({len(entry.records)} in the entry)"
    )
    return EXIT_OK


def _run(args: argparse.Namespace) -> int:
    from rust_bridge.runner import RunOptions, run_commit

    settings = _settings(args)
    commit = resolve_sha(settings.git_dir, args.commit)
    entry = run_commit(
        settings,
        commit,
        RunOptions(filter=args.filter, quick=args.quick),
        checkout=args.checkout,
        progress=lambda line: print(line, file=sys.stderr),
    )
    return _summarise(entry, commit, settings)


def _summarise(entry: StoreEntry, commit: str, settings: Settings) -> int:
    run = entry.runs[-1] if entry.runs else {}
    print_problems(entry.problems)
    for failure in entry.failures.values():
        print(f"failed: {printable(failure.full_id)}: {failure.reason}", file=sys.stderr)
    print(
        f"{commit}: {len(entry.records)} result(s), {len(entry.failures)} failure(s) in "
        f"{CriterionStore(settings.store).entry_path(commit)}"
        + (f" ({run['duration_s']:.0f} s)" if "duration_s" in run else "")
    )
    if not entry.records:
        raise BridgeError(f"{commit}: nothing was measured")
    return EXIT_OK


def _manifest(args: argparse.Namespace) -> int:
    from rust_bridge.manifest import build_manifest, ids_from_titles, write_manifest

    settings = _settings(args)
    if args.source is not None:
        tree = _read(argparse.Namespace(dir=args.source, baseline=DEFAULT_BASELINE))
        ids = [(r.group_id, r.full_id) for r in tree.records]
    else:
        from rust_bridge.runner import list_ids

        ids = ids_from_titles(
            list_ids(settings.crate_dir(), settings.rust_bench, settings.cargo_target_dir())
        )
    entries = build_manifest(ids)
    output = args.output or settings.manifest
    write_manifest(output, entries, settings.rust_crate, settings.rust_bench)
    classes = len({e.class_name for e in entries})
    print(f"{output}: {len(entries)} Criterion id(s) in {classes} class(es)")
    return EXIT_OK


def _backfill(args: argparse.Namespace) -> int:
    from rust_bridge.backfill import backfill

    settings = _settings(args)
    report = backfill(
        settings,
        args.range_spec,
        machine=args.machine,
        env_name=args.env,
        run_missing=args.run_missing,
        quick=args.quick,
        progress=lambda line: print(line, file=sys.stderr),
    )
    for line in report.lines():
        print(line)
    if not report.imported:
        raise BridgeError(f"{args.range_spec}: no commit had Criterion results to import")
    return EXIT_OK

"""`dashbench report` (speedups into the asv site) and `dashbench pairs` (the pairing table)."""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

from dashbench.errors import DashbenchError
from dashbench.pairs import build_pairs, diff_pairs, load_pairs, write_pairs
from dashbench.report.build import build_markdown
from dashbench.report.charts import render_charts
from dashbench.report.data import load_series, load_site
from dashbench.report.page import link_from_site, write_page
from dashbench.report.vendor import restrict_scripts, vendor_assets
from rust_bridge.settings import load_settings

_RANGE = re.compile(r"[^\s-]\S*\.\.\S+")  # no leading "-": git must not read an option


def register(subparsers: argparse._SubParsersAction) -> None:
    report = subparsers.add_parser(
        "report",
        help="paired Python/Rust speedups as Markdown and as a page in the asv site",
        description="For every machine and environment: per pair the speedup (Python median / "
        "Rust median) with a 95%% bootstrap interval and its change since the previous commit; "
        "geometric means over exact pairs. Run after `asv publish`.",
    )
    report.add_argument("--config", default="asv.conf.json", help="asv config (asv.conf.json)")
    report.add_argument("--machine", help="only this asv machine")
    report.add_argument("--env", help="only this asv environment name")
    which = report.add_mutually_exclusive_group()
    which.add_argument("--commits", type=int, metavar="N", help="only the newest N commits")
    which.add_argument("--range", dest="commit_range", metavar="A..B", help="git range A..B")
    report.add_argument(
        "--output-dir", type=Path, help="where report.html goes (default: <html_dir>/dashbench)"
    )
    report.add_argument(
        "--markdown", metavar="FILE", help="also write the Markdown here ('-' for stdout)"
    )
    report.set_defaults(handler=run_report)

    pairs = subparsers.add_parser(
        "pairs",
        help="check or regenerate dashbench/pairs.json from the two suites",
        description="Builds the pairing table from the paired markers in benchmarks/<group>.py "
        "and the Criterion manifest, and compares it with (or writes it to) the committed file.",
    )
    pairs.add_argument("--config", default="asv.conf.json", help="asv config (asv.conf.json)")
    mode = pairs.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true", help="fail if the table has drifted")
    mode.add_argument("--write", action="store_true", help="rewrite the table")
    pairs.set_defaults(handler=run_pairs)


def run_report(args: argparse.Namespace) -> int:
    if args.commits is not None and args.commits < 1:
        raise DashbenchError(f"--commits {args.commits}: must be at least 1")
    if args.commit_range is not None and not _RANGE.fullmatch(args.commit_range):
        raise DashbenchError(f"--range {args.commit_range!r}: expected A..B")
    site = load_site(args.config)
    series = load_series(site, args.machine, args.env, args.commits, args.commit_range)
    out_dir = (args.output_dir or site.html_dir / "dashbench").resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    site_prefix = Path(os.path.relpath(site.html_dir.resolve(), out_dir)).as_posix() + "/"
    charts = {(s.machine, s.env): render_charts(s, out_dir) for s in series}
    page = write_page(out_dir, build_markdown(series, charts, site_prefix), site_prefix)
    if args.markdown is not None:
        text = build_markdown(series)
        if args.markdown == "-":
            sys.stdout.write(text)
        else:
            Path(args.markdown).write_text(text, encoding="utf-8")
    linked = ""
    if out_dir.is_relative_to(site.html_dir.resolve()):
        link_from_site(site.html_dir, page)
        linked = " (linked from the site's navigation bar)"
        _vendor(site.html_dir, site.root)
    print(f"dashbench report: wrote {page}{linked}", file=sys.stderr)
    return 0


def _vendor(html_dir: Path, root: Path) -> None:
    """Serve asv's CDN libraries from the site when npm has installed them, then allow only
    the scripts the site really uses (asv's pages put benchmark names into markup)."""
    candidates = [root / "node_modules", Path(__file__).resolve().parents[2] / "node_modules"]
    node_modules = next((p for p in candidates if p.is_dir()), candidates[0])
    remote = vendor_assets(html_dir, node_modules)
    restrict_scripts(html_dir, remote)
    if remote:
        print(
            "dashbench report: asv's site still loads from CDNs: " + ", ".join(remote),
            file=sys.stderr,
        )


def run_pairs(args: argparse.Namespace) -> int:
    site = load_site(args.config)
    settings = load_settings(args.config)
    built = build_pairs(site.root / site.conf.benchmark_dir, settings.manifest)
    if args.write:
        write_pairs(site.pairs_path, built)
        print(f"dashbench pairs: wrote {len(built)} pairs to {site.pairs_path}", file=sys.stderr)
        return 0
    problems = diff_pairs(load_pairs(site.pairs_path), built)
    if problems:
        raise DashbenchError(
            f"{site.pairs_path} has drifted from the suites (run `dashbench pairs --write`):\n  "
            + "\n  ".join(problems)
        )
    print(f"dashbench pairs: {site.pairs_path} matches both suites", file=sys.stderr)
    return 0

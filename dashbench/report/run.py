"""What `dashbench report` and `dashbench pairs` do, once their arguments are parsed."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from callgrind_bridge.manifest import CountedId, manifest_json
from dashbench.errors import DashbenchError
from dashbench.gate.project import Project
from dashbench.gate.regressions import gate, to_markdown
from dashbench.pairs import RECORDS, build_pairs, diff_pairs, load_pairs, write_pairs
from dashbench.report.build import build_markdown
from dashbench.report.charts import render_charts
from dashbench.report.page import link_from_site, write_page, write_records
from dashbench.report.vendor import restrict_scripts, vendor_assets
from dashbench.revisions import check_range
from dashbench.site import load_series, load_site, read_json
from rust_bridge.fs import write_json_atomically, write_text_atomically


def run_report(args: argparse.Namespace) -> int:
    if args.commits is not None and args.commits < 1:
        raise DashbenchError(f"--commits {args.commits}: must be at least 1")
    if args.commit_range is not None:
        check_range(args.commit_range)
    for what, value in (("--machine", args.machine), ("--env", args.env)):
        if value is not None and not value.strip():
            raise DashbenchError(f"{what} {value!r}: must not be empty")
    site = load_site(args.config)
    series = load_series(
        site, args.machine, args.env, args.commits, args.commit_range, intervals="latest"
    )
    out_dir = (args.output_dir or site.html_dir / "dashbench").resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    site_prefix = Path(os.path.relpath(site.html_dir.resolve(), out_dir)).as_posix() + "/"
    charts = {(s.machine, s.env): render_charts(s, out_dir) for s in series}
    crate = site.bridge.rust_crate
    findings = _gate_section(Project(Path(args.config).resolve(), site), args.commit_range)
    page = write_page(
        out_dir, build_markdown(series, charts, site_prefix, crate) + findings, site_prefix
    )
    write_records(out_dir, site.root / RECORDS, site_prefix)
    if args.markdown is not None:
        text = build_markdown(series, rust_crate=crate)
        if args.markdown == "-":
            sys.stdout.write(text)
        else:
            write_text_atomically(Path(args.markdown), text)
    linked = ""
    if out_dir.is_relative_to(site.html_dir.resolve()):
        link_from_site(site.html_dir, page)
        linked = " (linked from the site's navigation bar)"
        _vendor(site.html_dir, site.root)
    print(f"dashbench report: wrote {page}{linked}", file=sys.stderr)
    return 0


def _gate_section(project: Project, commit_range: str | None) -> str:
    """The regression gate's findings, so the site shows the verdict CI acted on. Only a site
    not published yet leaves it out; a damaged one stops the report as it stops the gate."""
    if not (project.html_dir / "index.json").exists():
        return "\n\n## Regression gate\n\nNot available: the site has not been published.\n"
    verdict = gate(project, commit_range)
    return "\n\n" + to_markdown(verdict, commit_range or "all published commits")


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
    settings = site.bridge
    built = build_pairs(site.root / site.conf.benchmark_dir, settings.manifest)
    counted = manifest_json([CountedId(p.criterion_id, p.python) for p in built])
    if args.write:
        write_pairs(site.pairs_path, built)
        write_json_atomically(settings.count_manifest, counted, indent=2)
        print(
            f"dashbench pairs: wrote {len(built)} pairs to {site.pairs_path} and the counted "
            f"ids to {settings.count_manifest}",
            file=sys.stderr,
        )
        return 0
    problems = diff_pairs(load_pairs(site.pairs_path), built)
    if read_json(settings.count_manifest, "count manifest") != counted:
        problems.append(f"{settings.count_manifest} does not list the pairs' ids")
    if problems:
        raise DashbenchError(
            f"{site.pairs_path} has drifted from the suites (run `dashbench pairs --write`):\n  "
            + "\n  ".join(problems)
        )
    print(f"dashbench pairs: {site.pairs_path} matches both suites", file=sys.stderr)
    return 0

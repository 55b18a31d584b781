"""What `dashbench report` and `dashbench pairs` do, once their arguments are parsed."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from callgrind_bridge.manifest import CountedId, manifest_json
from dashbench.errors import DashbenchError
from dashbench.gate.project import Project
from dashbench.gate.regressions import Verdict, gate, to_markdown
from dashbench.pairs import RECORDS, build_pairs, diff_pairs, load_pairs, write_pairs
from dashbench.report.build import build_markdown
from dashbench.report.charts import render_charts
from dashbench.report.page import link_from_site, write_page, write_records
from dashbench.report.vendor import restrict_scripts, vendor_assets
from dashbench.revisions import check_range
from dashbench.site import load_series, load_site, read_json
from rust_bridge.fs import write_json_atomically, write_text_atomically


@dataclass(frozen=True)
class ReportOptions:
    """Which series the report covers and where it goes (``dashbench report``'s options)."""

    machine: str | None = None
    env: str | None = None
    commits: int | None = None
    commit_range: str | None = None
    output_dir: Path | None = None  # default: <html_dir>/dashbench, linked from the site


@dataclass(frozen=True)
class Report:
    page: Path  # the HTML page written
    linked: bool  # from the site's navigation bar (the page is inside the site)
    markdown: str  # the report as Markdown, with no links into the site (job summaries)


def write_report(project: Project, verdict: Verdict | None, options: ReportOptions) -> Report:
    """Write the report page, with ``verdict`` as its regression-gate section (None: the site
    is not published yet), and return it. The caller computes the verdict, so a nightly gates
    once and shows in the site exactly the verdict CI acted on."""
    if options.commits is not None and options.commits < 1:
        raise DashbenchError(f"--commits {options.commits}: must be at least 1")
    if options.commit_range is not None:
        check_range(options.commit_range)
    for what, value in (("--machine", options.machine), ("--env", options.env)):
        if value is not None and not value.strip():
            raise DashbenchError(f"{what} {value!r}: must not be empty")
    site = project.site
    series = load_series(
        site,
        options.machine,
        options.env,
        options.commits,
        options.commit_range,
        intervals="latest",
    )
    out_dir = (options.output_dir or site.html_dir / "dashbench").resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    site_prefix = Path(os.path.relpath(site.html_dir.resolve(), out_dir)).as_posix() + "/"
    charts = {(s.machine, s.env): render_charts(s, out_dir) for s in series}
    crate = site.bridge.rust_crate
    findings = _gate_section(verdict, options.commit_range)
    page = write_page(
        out_dir, build_markdown(series, charts, site_prefix, crate) + findings, site_prefix
    )
    write_records(out_dir, site.root / RECORDS, site_prefix)
    linked = out_dir.is_relative_to(site.html_dir.resolve())
    if linked:
        link_from_site(site.html_dir, page)
        _vendor(site.html_dir, site.root)
    return Report(page, linked, build_markdown(series, rust_crate=crate))


def published(project: Project) -> bool:
    return (project.html_dir / "index.json").exists()


def run_report(args: argparse.Namespace) -> int:
    project = Project(Path(args.config).resolve(), load_site(args.config))
    options = ReportOptions(
        args.machine, args.env, args.commits, args.commit_range, args.output_dir
    )
    if options.commit_range is not None:
        check_range(options.commit_range)  # before the gate runs git on it
    verdict = gate(project, options.commit_range) if published(project) else None
    report = write_report(project, verdict, options)
    if args.markdown == "-":
        sys.stdout.write(report.markdown)
    elif args.markdown is not None:
        write_text_atomically(Path(args.markdown), report.markdown)
    linked = " (linked from the site's navigation bar)" if report.linked else ""
    print(f"dashbench report: wrote {report.page}{linked}", file=sys.stderr)
    return 0


def _gate_section(verdict: Verdict | None, commit_range: str | None) -> str:
    """The regression gate's findings, so the site shows the verdict CI acted on. Only a site
    not published yet leaves it out; a damaged one stops the report as it stops the gate."""
    if verdict is None:
        return "\n\n## Regression gate\n\nNot available: the site has not been published.\n"
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

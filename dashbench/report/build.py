"""The report as Markdown: what a pull-request comment, a job summary and the site page share.

Every untrusted string goes through ``md_text``/``md_code``; numbers are formatted here, and a
missing value is always written "n/a".
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping

from dashbench import speedup as sp
from dashbench.escape import md_code, md_text, url_part
from dashbench.pairs import RECORDS, record_anchor
from dashbench.site import CommitReport, PairResult, Series
from rust_bridge.output import format_seconds

NA = "n/a"
EQUIVALENCE_PAGE = "equivalence.html"  # written beside the report page
_PLAIN_ID = re.compile(r"[A-Za-z0-9_]+/[A-Za-z0-9_]+")
TIMES = "\u00d7"  # multiplication sign

INTRO = (
    "Speedup = LangGraph (Python) median / Rust (Criterion) median: how many times faster "
    "Rust runs the same workload. The interval is a 95% percentile bootstrap from both sides' "
    "samples (n/a when a side recorded fewer than "
    f"{sp.MIN_SAMPLES}). Geometric means cover **exact** pairs only; approximate pairs do "
    "different work on each side and are listed apart with the reason. "
    "Change is relative to the previous reported commit. n/a means no data, never an estimate. "
    "Work ratio = Python instructions / Rust instructions for one run of the same timed body, "
    "counted by callgrind: deterministic where the speedup is noisy, but blind to waiting "
    "(I/O, sleeps, lock contention) and to cache misses, which the speedup includes. "
    f"Each pair links to its equivalence record ({RECORDS}, also a page of the site): what "
    "one call does on each side, as the check that holds every pair to its label compared it."
)


def fmt_seconds(value: float | None) -> str:
    return NA if value is None else format_seconds(value)


def _number(value: float) -> str:
    """Three significant digits, without the exponent .3g gives from 1000 on."""
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"


def fmt_ratio(value: float | None) -> str:
    return NA if value is None else f"{_number(value)}{TIMES}"


def fmt_interval(speedup: sp.Speedup | None) -> str:
    if speedup is None or not speedup.has_interval:
        return NA
    return f"{_number(speedup.low)} to {_number(speedup.high)}"


def fmt_change(value: float | None) -> str:
    return NA if value is None else f"{value * 100:+.1f}%"


def fmt_geomean(value: sp.GeoMean) -> str:
    return f"{fmt_ratio(value.value)} ({value.count}/{value.total})"


def fmt_commit(report: CommitReport) -> str:
    when = ""
    if report.commit.date is not None:
        stamp = datetime.datetime.fromtimestamp(report.commit.date / 1000, datetime.timezone.utc)
        when = f" ({stamp:%Y-%m-%d %H:%M} UTC)"
    return f"{md_code(report.commit.sha[:8])} {md_text(report.commit.subject)}{when}"


def _graph_link(label: str, name: str, site_prefix: str | None) -> str:
    if site_prefix is None:
        return label
    return f"[{label}]({site_prefix}index.html#{url_part(name)})"


def _record_link(criterion_id: str, site_prefix: str | None) -> str:
    """The id, linked to its equivalence record when it is a plain ``group/function`` id (a
    record anchor is made of nothing else): the site's page beside the report, else the
    repository's file."""
    if not _PLAIN_ID.fullmatch(criterion_id):
        return md_text(criterion_id)
    target = RECORDS if site_prefix is None else EQUIVALENCE_PAGE
    return f"[{md_text(criterion_id)}]({target}#{record_anchor(criterion_id)})"


def _pair_cells(row: PairResult, site_prefix: str | None) -> list[str]:
    return [
        _record_link(row.pair.criterion_id, site_prefix),
        _graph_link(fmt_seconds(row.python.median), row.pair.python, site_prefix),
        _graph_link(fmt_seconds(row.rust.median), row.pair.rust, site_prefix),
        f"**{fmt_ratio(row.speedup.value if row.speedup else None)}**",
        fmt_interval(row.speedup),
        fmt_ratio(row.work_ratio),
        fmt_change(row.change),
    ]


def _table(header: list[str], rows: list[list[str]], text_columns: int = 1) -> list[str]:
    """A Markdown table whose first ``text_columns`` columns are text, the rest numbers."""
    align = ["---" if i < text_columns else "---:" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(cells) + " |" for cells in rows]
    return [*lines, ""]


def _approximate_cells(row: PairResult, site_prefix: str | None) -> list[str]:
    first, *rest = _pair_cells(row, site_prefix)
    return [first, md_text(row.pair.reason), *rest]


_PAIR_HEADER = ["pair", "Python", "Rust", "speedup", "95% interval", "work ratio", "change"]


def _latest(series: Series, site_prefix: str | None) -> list[str]:
    latest = series.commits[-1]
    previous = series.commits[-2] if len(series.commits) > 1 else None
    overall_change = sp.relative_change(
        latest.overall.value, previous.overall.value if previous else None
    )
    lines = [
        f"Latest commit: {fmt_commit(latest)}",
        "",
        f"**Overall geometric mean, exact pairs: {fmt_geomean(latest.overall)}**; "
        f"change since the previous commit: {fmt_change(overall_change)}; "
        f"work ratio (instructions): {fmt_geomean(latest.work)}",
        "",
        "### Per group (exact pairs)",
        "",
    ]
    before = previous.groups if previous else {}
    group_rows = []
    for group, value in latest.groups.items():
        prior = before.get(group)
        change = sp.relative_change(value.value, prior.value if prior else None)
        group_rows.append([md_text(group), fmt_geomean(value), fmt_change(change)])
    lines += _table(["group", "geometric mean (pairs with data)", "change"], group_rows)
    exact = [r for r in latest.rows if r.pair.exact]
    approximate = [r for r in latest.rows if not r.pair.exact]
    lines += ["### Exact pairs", ""]
    lines += _table(_PAIR_HEADER, [_pair_cells(r, site_prefix) for r in exact])
    lines += ["### Approximate pairs (not in any geometric mean)", ""]
    lines += _table(
        ["pair", "why approximate", *_PAIR_HEADER[1:]],
        [_approximate_cells(r, site_prefix) for r in approximate],
        text_columns=2,
    )
    return lines


def _history(series: Series) -> list[str]:
    groups = list(series.commits[-1].groups)
    rows = []
    for report in reversed(series.commits):
        cells = [fmt_commit(report), fmt_ratio(report.overall.value)]
        cells += [fmt_ratio(report.groups[g].value if g in report.groups else None) for g in groups]
        rows.append(cells)
    header = ["commit", "overall", *(md_text(g) for g in groups)]
    return [
        "### History: geometric mean of exact pairs per commit (newest first)",
        "",
        *_table(header, rows),
    ]


def build_markdown(
    series_list: list[Series],
    charts: Mapping[tuple[str, str], list[tuple[str, str]]] | None = None,
    site_prefix: str | None = None,
    rust_crate: str | None = None,
) -> str:
    """The whole report. ``charts`` maps (machine, env) to (alt text, relative src) images;
    ``site_prefix`` is the relative path to asv's index.html, for links to its graphs.
    ``rust_crate`` names the crate measured: the embedded reference crate is not DashFlow, and
    the page must not let a reader take one for the other."""
    lines = ["# Rust vs LangGraph (Python): paired speedups", "", INTRO, ""]
    if rust_crate:
        lines += [f"Rust side: the Criterion suite of the crate at {md_code(rust_crate)}.", ""]
    if not series_list:
        lines += ["No machine has results for the paired benchmarks yet.", ""]
    for series in series_list:
        lines += [f"## Machine {md_code(series.machine)}, environment {md_code(series.env)}", ""]
        if not series.commits:
            lines += ["No commits with results in the selected range.", ""]
            continue
        lines += _latest(series, site_prefix)
        for alt, src in (charts or {}).get((series.machine, series.env), []):
            lines += [f"![{md_text(alt)}]({src})", ""]
        lines += _history(series)
    return "\n".join(lines)

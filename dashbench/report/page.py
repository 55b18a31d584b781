"""The report as an HTML page inside asv's site, and the link to it from asv's navigation bar.

``asv publish`` rebuilds its html directory from scratch, so the report is written after it
and the link is re-added each time; adding it twice is a no-op.
"""

from __future__ import annotations

import html
import os
from pathlib import Path

import markdown

from dashbench.errors import DashbenchError
from dashbench.escape import check_html
from dashbench.report.build import EQUIVALENCE_PAGE
from dashbench.report.files import write_text

PAGE_NAME = "report.html"
NAV_ID = "nav-li-dashbench-report"
_NAV_ANCHOR = '<li id="nav-li-regressions">'

_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src 'self'; \
style-src 'unsafe-inline'">
<title>{title}</title>
<style>
body {{ font-family: sans-serif; margin: 1.5em auto; max-width: 72em; padding: 0 1em; }}
table {{ border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }}
th, td {{ border: 1px solid #ccc; padding: 0.25em 0.6em; }}
th {{ background: #f3f3f3; }}
tr:nth-child(even) td {{ background: #fafafa; }}
img {{ max-width: 100%; border: 1px solid #eee; }}
nav {{ margin-bottom: 1em; }}
</style>
</head>
<body>
<nav><a href="{site}index.html">&larr; benchmark site</a> &middot;
<a href="report.md">Markdown</a></nav>
<main id="dashbench-report">
{body}
</main>
</body>
</html>
"""


def render_html(text: str, site_prefix: str, title: str = "Rust vs LangGraph speedups") -> str:
    """Markdown to a standalone page; the body is checked for active content before use."""
    body = markdown.markdown(text, extensions=["tables", "fenced_code"], output_format="html")
    check_html(body)
    return _TEMPLATE.format(title=html.escape(title), site=html.escape(site_prefix), body=body)


def write_page(out_dir: Path, text: str, site_prefix: str) -> Path:
    """Write report.html and report.md into ``out_dir``; returns the page's path."""
    page = out_dir / PAGE_NAME
    write_text(page, render_html(text, site_prefix))
    write_text(out_dir / "report.md", text)
    return page


def write_records(out_dir: Path, records: Path, site_prefix: str) -> Path | None:
    """The equivalence records (docs/equivalence.md) as a page beside the report, so the
    report's links to them work in the published site; None when the checkout has none."""
    try:
        text = records.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    page = out_dir / EQUIVALENCE_PAGE
    write_text(page, render_html(text, site_prefix, title="Equivalence records"))
    return page


def link_from_site(html_dir: Path, page: Path, label: str = "Speedups") -> bool:
    """Add a navigation-bar entry to asv's index.html; False if it was already there."""
    index = html_dir / "index.html"
    try:
        text = index.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise DashbenchError(f"{index}: not found; run `asv publish` before the report") from exc
    if f'id="{NAV_ID}"' in text:
        return False
    if _NAV_ANCHOR not in text:
        raise DashbenchError(f"{index}: asv's navigation bar was not found; cannot link the report")
    href = Path(os.path.relpath(page, html_dir)).as_posix()
    entry = f'<li id="{NAV_ID}"><a href="{html.escape(href)}">{html.escape(label)}</a></li>\n\t'
    write_text(index, text.replace(_NAV_ANCHOR, entry + _NAV_ANCHOR, 1))
    return True

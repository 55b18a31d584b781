"""Charts for the report page, drawn by matplotlib as static SVG files.

SVGs are shown through ``<img>``, where a browser runs no script, and matplotlib draws text as
paths with ``$`` escaped, so a hostile benchmark name stays a picture of its characters.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import matplotlib
from matplotlib import ticker
from matplotlib.figure import Figure

from dashbench.report.files import replacing
from dashbench.site import Series

_STYLE = {
    "svg.fonttype": "path",
    "svg.hashsalt": "dashbench",  # stable element ids, so unchanged data gives unchanged files
    "font.size": 8,
}
_EXACT, _APPROXIMATE = "#1f77b4", "#d62728"


def _label(text: str, limit: int = 60) -> str:
    """Untrusted text as a literal, short tick label: ``$`` would start matplotlib mathtext."""
    text = text if len(text) <= limit else text[: limit - 1] + "\u2026"
    return text.replace("$", r"\$")


def _plain_ticks(axis: matplotlib.axis.Axis) -> None:
    """Speedups read as 3, 20, 150 rather than powers of ten; the 2..9 marks between powers
    are labelled only when the axis spans less than a decade, where they are all there is."""
    axis.set_major_formatter(ticker.FormatStrFormatter("%g"))
    low, high = sorted(axis.get_view_interval())
    narrow = low > 0 and high / low < 10
    axis.set_minor_formatter(ticker.FormatStrFormatter("%g") if narrow else ticker.NullFormatter())


def chart_slug(machine: str, env: str) -> str:
    """A file-name-safe key for untrusted machine/env names."""
    return hashlib.sha1(f"{machine}\0{env}".encode()).hexdigest()[:12]


def _save(fig: Figure, path: Path) -> None:
    with replacing(path) as tmp:
        fig.savefig(tmp, format="svg", bbox_inches="tight", metadata={"Date": None})


def speedup_chart(series: Series, path: Path) -> None:
    """Latest commit: every pair's speedup with its interval, exact and approximate apart."""
    rows = sorted(series.commits[-1].rows, key=lambda r: (not r.pair.exact, r.pair.criterion_id))
    fig = Figure(figsize=(8, 1.0 + 0.2 * len(rows)))
    ax = fig.add_subplot()
    for exact, colour, marker in ((True, _EXACT, "o"), (False, _APPROXIMATE, "s")):
        shown = [(y, r.speedup) for y, r in enumerate(rows) if r.pair.exact is exact and r.speedup]
        spans = [(y, s) for y, s in shown if s.has_interval]
        # One artist per kind, not per pair: drawing cost grows with artists, not points.
        ax.hlines(
            [y for y, _ in spans],
            [s.low for _, s in spans],
            [s.high for _, s in spans],
            color=colour,
            linewidth=2,
            alpha=0.6,
        )
        ax.scatter(
            [s.value for _, s in shown], [y for y, _ in shown], c=colour, marker=marker, s=16
        )
    for y, row in enumerate(rows):
        if row.speedup is None:
            ax.annotate("n/a", (0.01, y), xycoords=("axes fraction", "data"), va="center")
    ax.set_yticks(range(len(rows)), [_label(r.pair.criterion_id) for r in rows])
    ax.set_ylim(len(rows) - 0.5, -0.5)
    if any(r.speedup for r in rows):
        ax.set_xscale("log")
        _plain_ticks(ax.xaxis)
    ax.axvline(1.0, color="black", linewidth=0.8)
    ax.set_xlabel("speedup (Python median / Rust median), 95% bootstrap interval; log scale")
    ax.set_title("Speedup per pair at the latest commit (blue: exact, red: approximate)")
    ax.grid(axis="x", which="both", alpha=0.3)
    _save(fig, path)


def group_chart(series: Series, path: Path) -> None:
    """Geometric mean of the exact pairs per group, over the reported commits."""
    commits = series.commits
    fig = Figure(figsize=(8, 4.5))
    ax = fig.add_subplot()
    xs = range(len(commits))
    groups = sorted({g for c in commits for g in c.groups})
    cmap = matplotlib.colormaps["tab20"]
    plotted = False
    for i, group in enumerate([*groups, None]):
        values = [(c.overall if group is None else c.groups.get(group)) for c in commits]
        ys = [v.value if v is not None and v.value is not None else float("nan") for v in values]
        if all(y != y for y in ys):  # all NaN: nothing to draw for this group
            continue
        plotted = True
        style = {"color": "black", "linewidth": 2.5} if group is None else {"color": cmap(i)}
        ax.plot(xs, ys, marker="o", markersize=3, label=_label(group or "overall"), **style)
    if plotted:
        ax.set_yscale("log")
        _plain_ticks(ax.yaxis)
        ax.legend(fontsize=6, loc="center left", bbox_to_anchor=(1.0, 0.5))
    step = max(1, len(commits) // 20)
    ax.set_xticks(list(xs)[::step], [c.commit.sha[:8] for c in commits][::step], rotation=60)
    ax.set_ylabel("geometric mean speedup (exact pairs)")
    ax.set_title("Speedup per group over commits (oldest left)")
    ax.grid(alpha=0.3)
    _save(fig, path)


def render_charts(series: Series, out_dir: Path) -> list[tuple[str, str]]:
    """Draw both charts for one machine/env; returns (alt text, file name) pairs."""
    if not series.commits:
        return []
    slug = chart_slug(series.machine, series.env)
    pairs_file, groups_file = f"speedups-{slug}.svg", f"groups-{slug}.svg"
    with matplotlib.rc_context(_STYLE):
        speedup_chart(series, out_dir / pairs_file)
        group_chart(series, out_dir / groups_file)
    return [
        ("Speedup per pair with its 95% interval", pairs_file),
        ("Geometric mean speedup per group over commits", groups_file),
    ]

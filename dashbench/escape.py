"""Keeping untrusted text (benchmark names, commit subjects, machine names) inert.

Markdown passes raw HTML through and turns brackets into links, so every untrusted string is
HTML-escaped and then has Markdown's punctuation backslash-escaped before it joins the
document. ``check_html`` then re-reads the rendered page and refuses it if anything active
got through anyway: defence in depth, because a missed escape must fail loudly, not execute.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

from dashbench.errors import DashbenchError

# Characters Python-Markdown (with its tables extension) and GitHub both honour a backslash on.
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")
_WHITESPACE = re.compile(r"\s+")


def md_text(value: object) -> str:
    """Untrusted text as one line of literal Markdown: no HTML, no links, no emphasis, no cells."""
    text = _WHITESPACE.sub(" ", str(value)).strip()
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", html.escape(text, quote=False))


def md_code(value: object) -> str:
    """Untrusted text in a code span. Markdown still parses inside inline HTML, so the text is
    escaped exactly as ``md_text`` does; a backtick span could not escape its own backticks."""
    return "<code>" + md_text(value) + "</code>"


def url_part(value: str) -> str:
    """A name made safe to sit inside a relative URL (asv benchmark names, file names)."""
    return quote(value, safe="")


ALLOWED_TAGS = frozenset(
    [
        "a",
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "code",
        "pre",
        "em",
        "strong",
        "ul",
        "ol",
        "li",
        "img",
        "br",
        "hr",
    ]
)
ALLOWED_ATTRIBUTES = frozenset({"href", "src", "alt", "title", "style", "id", "class"})
_ALIGN_STYLE = re.compile(r"text-align: (left|right|center);")


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            value = value or ""
            if name not in ALLOWED_ATTRIBUTES:
                self.problems.append(f"attribute {name}= on <{tag}>")
            elif name in ("href", "src") and not _safe_url(value):
                self.problems.append(f"{name}={value!r} on <{tag}>")
            elif name == "style" and not _ALIGN_STYLE.fullmatch(value):
                self.problems.append(f"style={value!r} on <{tag}>")


def _safe_url(value: str) -> bool:
    """Relative links and fragments only: the report never links off the site."""
    parts = urlsplit(value.strip())
    return not parts.scheme and not parts.netloc and not value.strip().startswith("//")


def check_html(fragment: str) -> None:
    """Raise if the rendered fragment holds anything but the report's own inert markup."""
    checker = _Checker()
    checker.feed(fragment)
    checker.close()
    if checker.problems:
        raise DashbenchError(
            "refusing to write the report: rendered HTML contains "
            + "; ".join(sorted(set(checker.problems)))
        )

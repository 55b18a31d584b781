"""Escaping of untrusted text and the post-render check that backs it up."""

from __future__ import annotations

import markdown
import pytest

from dashbench.errors import DashbenchError
from dashbench.escape import check_html, md_code, md_text

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "![x](javascript:alert(1))",
    "<https://example.invalid>",
    "**bold** _em_ `code` | cell \\",
    "<a href='javascript:alert(1)'>x</a>",
    "&lt;script&gt; already escaped",
    "line\nbreak\r\n# heading",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_escaped_text_renders_as_itself_and_inert(text: str) -> None:
    cell = f"| a | b |\n| --- | --- |\n| {md_text(text)} | {md_code(text)} |\n"
    html = markdown.markdown(md_text(text) + "\n\n" + cell, extensions=["tables"])
    check_html(html)  # nothing active survived
    assert "<script" not in html and "<img" not in html and "<a " not in html
    assert html.count("<td>") == 2  # a pipe in the text did not add a cell


def test_markdown_sees_only_literal_characters() -> None:
    rendered = markdown.markdown(md_text("**bold** [x](y) <b>"))
    assert rendered == "<p>**bold** [x](y) &lt;b&gt;</p>"


@pytest.mark.parametrize(
    ("fragment", "problem"),
    [
        ("<script>x</script>", "tag <script>"),
        ('<p onclick="x">a</p>', "attribute onclick="),
        ('<a href="javascript:alert(1)">a</a>', "href='javascript:alert(1)'"),
        ('<a href="https://elsewhere.invalid/">a</a>', "href='https://elsewhere.invalid/'"),
        ('<img src="//elsewhere.invalid/x.png">', "src='//elsewhere.invalid/x.png'"),
        ('<td style="background: url(x)">a</td>', "style="),
        ("<iframe></iframe>", "tag <iframe>"),
    ],
)
def test_check_html_refuses_active_or_foreign_content(fragment: str, problem: str) -> None:
    with pytest.raises(DashbenchError, match="refusing to write the report") as err:
        check_html(fragment)
    assert problem in str(err.value)


def test_check_html_accepts_the_reports_own_markup() -> None:
    check_html(
        '<h2>x</h2><table><tr><td style="text-align: right;"><a href="../index.html#a.b">1 ms'
        '</a></td></tr></table><img alt="c" src="speedups-0123.svg"><code>x</code>'
    )

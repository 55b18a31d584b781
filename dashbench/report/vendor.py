"""Serve asv's JavaScript and CSS libraries from the site itself instead of public CDNs.

asv 0.6's index.html loads jQuery, flot, bootstrap and friends from CDNs, so its graphs stay
blank wherever those hosts are unreachable (air-gapped runners, this build machine) and every
reader's browser contacts third parties. The same versions are pinned in package.json and
installed by ``npm ci``; after ``asv publish`` they are copied under ``html/vendor/`` and the
tags rewritten to them. A file whose bytes match the CDN's integrity hash keeps it; the flot
builds on npm are unminified, so those tags lose the hash that no longer applies.
"""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
from pathlib import Path

from dashbench.errors import DashbenchError
from dashbench.report.files import write_text

# CDN URL in asv's index.html -> (npm package, file inside it).
ASSETS: dict[str, tuple[str, str]] = {
    "https://code.jquery.com/jquery-3.3.1.min.js": ("jquery", "dist/jquery.min.js"),
    "https://cdnjs.cloudflare.com/ajax/libs/flot/0.8.3/jquery.flot.min.js": (
        "flot",
        "jquery.flot.js",
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/flot/0.8.3/jquery.flot.time.min.js": (
        "flot",
        "jquery.flot.time.js",
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/flot/0.8.3/jquery.flot.selection.min.js": (
        "flot",
        "jquery.flot.selection.js",
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/flot/0.8.3/jquery.flot.categories.min.js": (
        "flot",
        "jquery.flot.categories.js",
    ),
    "https://cdn.jsdelivr.net/npm/flot-orderbars@1.0.0/js/jquery.flot.orderBars.js": (
        "flot-orderbars",
        "js/jquery.flot.orderBars.js",
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/stupidtable/1.0.1/stupidtable.min.js": (
        "stupid-table-plugin",
        "stupidtable.min.js",
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/blueimp-md5/2.19.0/js/md5.min.js": (
        "blueimp-md5",
        "js/md5.min.js",
    ),
    "https://cdn.jsdelivr.net/npm/bootstrap@3.1.1/dist/js/bootstrap.min.js": (
        "bootstrap",
        "dist/js/bootstrap.min.js",
    ),
    "https://cdn.jsdelivr.net/npm/bootstrap@3.1.1/dist/css/bootstrap.min.css": (
        "bootstrap",
        "dist/css/bootstrap.min.css",
    ),
}
# Files a vendored stylesheet refers to relatively (bootstrap's icon font).
_COMPANIONS = {("bootstrap", "dist/css/bootstrap.min.css"): "dist/fonts"}
_TAG = re.compile(r"<(script|link)\b[^>]*?\b(?:src|href)=\"(https://[^\"]+)\"[^>]*>")
_INTEGRITY = re.compile(r"\s+integrity=\"([^\"]*)\"")


def _sri_matches(data: bytes, integrity: str) -> bool:
    algorithm, _, digest = integrity.partition("-")
    try:
        return base64.b64encode(hashlib.new(algorithm, data).digest()).decode() == digest
    except ValueError:
        return False


def vendor_assets(html_dir: Path, node_modules: Path) -> list[str]:
    """Rewrite index.html to local copies; returns the CDN URLs that stay remote."""
    index = html_dir / "index.html"
    text = index.read_text(encoding="utf-8")
    remote: list[str] = []

    def local(match: re.Match[str]) -> str:
        tag, url = match.group(0), match.group(2)
        source = ASSETS.get(url)
        path = node_modules / source[0] / source[1] if source else None
        if source is None or not path.is_file():
            remote.append(url)
            return tag
        relative = f"vendor/{source[0]}/{source[1]}"
        (html_dir / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, html_dir / relative)
        if companion := _COMPANIONS.get(source):
            shutil.copytree(
                node_modules / source[0] / companion,
                html_dir / "vendor" / source[0] / companion,
                dirs_exist_ok=True,
            )
        integrity = _INTEGRITY.search(tag)
        if integrity and not _sri_matches(path.read_bytes(), integrity.group(1)):
            tag = _INTEGRITY.sub("", tag)
        return tag.replace(url, relative)

    rewritten = _TAG.sub(local, text)
    if rewritten != text:
        write_text(index, rewritten)
    return remote


_INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S)
_HANDLER = re.compile(r"\son[a-z]+=\"([^\"]*)\"")
CSP_ID = "dashbench-csp"


def _hash_source(code: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(code.encode()).digest()).decode() + "'"


def restrict_scripts(html_dir: Path, remote: list[str]) -> bool:
    """Allow only the site's own script files, the CDNs still used, and the template's inline
    code by hash; False if the policy was already there.

    asv's pages build markup from benchmark names with string concatenation, so a name such as
    ``<img src=x onerror=...>`` runs in a reader's browser. Everything in index.html itself is
    asv's template (data arrives later as JSON), so hashing its inline code allows exactly that
    and nothing a benchmark name injects at run time.
    """
    index = html_dir / "index.html"
    text = index.read_text(encoding="utf-8")
    if f'id="{CSP_ID}"' in text:
        return False
    sources = ["'self'"]
    sources += sorted(
        {"https://" + url.split("/")[2] for url in remote if url.startswith("https://")}
    )
    sources += sorted({_hash_source(code) for code in _INLINE_SCRIPT.findall(text)})
    handlers = sorted({_hash_source(code) for code in _HANDLER.findall(text)})
    if handlers:
        sources += ["'unsafe-hashes'", *handlers]
    policy = f"script-src {' '.join(sources)}; object-src 'none'; base-uri 'self'"
    meta = f'<meta id="{CSP_ID}" http-equiv="Content-Security-Policy" content="{policy}">'
    head = re.search(r"<head[^>]*>", text)
    if head is None:
        raise DashbenchError(f"{index}: no <head>; cannot add the script policy")
    write_text(index, text[: head.end()] + "\n    " + meta + text[head.end() :])
    return True

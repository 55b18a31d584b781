"""The committed list of Criterion ids and the asv names they appear under.

asv addresses results by benchmark name, so the names must not depend on what one commit
happened to produce: they come from this file, regenerated only on purpose. Names are made
deterministic from the ids alone: every character that is not valid in a Python identifier
becomes ``_`` (asv also splits names on ``.`` and ``-``), and ids that still collide get
``_2``, ``_3`` in sorted id order.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from rust_bridge.errors import BridgeError
from rust_bridge.fs import write_json_atomically

MODULE = "criterion"  # benchmarks/criterion.py
METHOD_PREFIX = "track_"
_NOT_IDENT = re.compile(r"[^A-Za-z0-9_]")


@dataclass(frozen=True)
class ManifestEntry:
    criterion_id: str
    group: str
    class_name: str
    method: str

    @property
    def asv_name(self) -> str:
        return f"{MODULE}.{self.class_name}.{self.method}"

    @property
    def pretty_name(self) -> str:
        return f"{self.criterion_id} (rust)"


def sanitize(text: str) -> str:
    return _NOT_IDENT.sub("_", text) or "_"


def build_manifest(ids: Iterable[tuple[str, str]]) -> list[ManifestEntry]:
    """Entries for ``(group_id, full_id)`` pairs, sorted by id, with unique asv names."""
    entries: list[ManifestEntry] = []
    taken: set[tuple[str, str]] = set()
    for group, full_id in sorted(set(ids), key=lambda pair: pair[1]):
        class_name = sanitize(group)
        if class_name[0].isdigit():
            class_name = "_" + class_name
        rest = full_id[len(group) + 1 :] if full_id.startswith(group + "/") else full_id
        base = METHOD_PREFIX + sanitize(rest)
        method, n = base, 1
        while (class_name, method) in taken:
            n += 1
            method = f"{base}_{n}"
        taken.add((class_name, method))
        entries.append(ManifestEntry(full_id, group, class_name, method))
    return entries


def ids_from_titles(titles: Iterable[str]) -> list[tuple[str, str]]:
    """``(group, full_id)`` from ``cargo bench -- --list`` titles, whose group ends at the first
    ``/``. Titles Criterion cut at 100 bytes cannot be trusted, so they are refused."""
    pairs = []
    for title in titles:
        if len(title.encode()) > 100 and title.endswith("..."):
            raise BridgeError(
                f"benchmark id {title!r} is cut in `--list` output; "
                "regenerate the manifest from a Criterion tree (--from DIR)"
            )
        pairs.append((title.split("/", 1)[0], title))
    return pairs


def load_manifest(path: Path) -> list[ManifestEntry]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return [
            ManifestEntry(e["criterion_id"], e["group"], e["class_name"], e["method"])
            for e in data["benchmarks"]
        ]
    except FileNotFoundError:
        raise BridgeError(f"{path}: manifest not found (dashbench criterion manifest)") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise BridgeError(f"{path}: malformed Criterion manifest ({exc!r})") from exc


def write_manifest(path: Path, entries: list[ManifestEntry], crate: str, bench: str) -> None:
    """Write deterministically (no timestamps), so regenerating an unchanged suite is no diff."""
    data = {
        "about": "Criterion ids mirrored as asv track_ benchmarks by benchmarks/criterion.py; "
        "regenerate with `dashbench criterion manifest`.",
        "crate": crate,
        "bench": bench,
        "benchmarks": [
            {**asdict(e), "asv_name": e.asv_name, "pretty_name": e.pretty_name} for e in entries
        ],
    }
    write_json_atomically(path, data, indent=2, ensure_ascii=False)

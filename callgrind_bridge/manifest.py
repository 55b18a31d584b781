"""The committed list of counted ids: which Criterion id, which asv wall-time benchmark.

asv addresses benchmarks by name, so the track_ classes are built from this file, never from
what a commit happens to contain. ``dashbench pairs --write`` derives it from the
pairing table; a test fails when the two drift apart.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path

from rust_bridge.errors import BridgeError
from rust_bridge.fs import read_json_list

_ID = re.compile(r"^[A-Za-z0-9_]+/[A-Za-z0-9_]+$")
_ASV_NAME = re.compile(r"^[A-Za-z0-9_.]+$")


@dataclass(frozen=True)
class CountedId:
    criterion_id: str  # "group/function", the pair id
    python: str  # the asv wall-time benchmark whose body the Python count runs

    @property
    def group(self) -> str:
        return self.criterion_id.split("/", 1)[0]

    @property
    def method(self) -> str:
        return "track_" + self.criterion_id.split("/", 1)[1]


def load_manifest(path: Path) -> list[CountedId]:
    items = []
    for row in read_json_list(path, "ids", "count manifest"):
        try:
            item = CountedId(row["criterion_id"], row["python"])
        except (KeyError, TypeError) as exc:
            raise BridgeError(f"{path}: malformed row {row!r}") from exc
        if not _ID.match(item.criterion_id) or not _ASV_NAME.match(item.python):
            raise BridgeError(f"{path}: id {item.criterion_id!r} or name {item.python!r} is unsafe")
        items.append(item)
    if len({i.criterion_id for i in items}) != len(items):
        raise BridgeError(f"{path}: an id is listed twice")
    return items


def manifest_json(items: list[CountedId]) -> dict:
    return {
        "about": "Ids counted under callgrind (benchmarks/instructions/); regenerate with "
        "`dashbench pairs --write`.",
        "ids": [asdict(i) for i in sorted(items, key=lambda i: i.criterion_id)],
    }

"""The one place that writes shared files and locks them.

Readers (asv's track_ benchmarks, the report, a second nightly) may look at any moment, so a
file is replaced whole or not at all: a temporary file beside it, fsynced, then renamed over
it. The new file gets the mode a plain ``open`` would give (0666 less the umask), not
``mkstemp``'s 0600, so a web server or another user can still read the site and the stores.
Locks are advisory ``fcntl`` locks, which the kernel drops when their holder dies, with an
optional timeout so a stuck holder is named instead of waited on forever.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rust_bridge.errors import BridgeError

POLL_SECONDS = 0.1


def read_json_list(
    path: Path, key: str, what: str, error: type[BridgeError] = BridgeError
) -> list[Any]:
    """The ``key`` list of the JSON object in ``path``; a missing, unreadable or misshapen
    file is one ``error`` naming the file and ``what`` it should have been."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise error(f"{path}: {what} not found") from exc
    except (OSError, ValueError) as exc:
        raise error(f"{path}: not a readable JSON file: {exc}") from exc
    rows = data.get(key) if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise error(f"{path}: expected an object whose {key!r} is a list")
    return rows


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_bytes_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_text_atomically(path: Path, text: str) -> None:
    write_bytes_atomically(path, text.encode("utf-8"))


def write_json_atomically(path: Path, data: Any, **dump_kwargs: Any) -> None:
    # dumps, not dump: dump streams through the pure-Python encoder, ~10x slower.
    write_text_atomically(path, json.dumps(data, allow_nan=False, **dump_kwargs) + "\n")


@contextlib.contextmanager
def file_lock(path: Path, *, timeout: float | None = None) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created if missing) for the block.

    ``timeout`` None waits as long as it takes; otherwise a BridgeError names the lock file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = None if timeout is None else time.monotonic() + timeout
    with open(path, "a") as fh:
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | (0 if deadline is None else fcntl.LOCK_NB))
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:  # type: ignore[operator]
                    raise BridgeError(
                        f"{path}: still locked by another process after {timeout:g} s"
                    ) from None
                time.sleep(POLL_SECONDS)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)

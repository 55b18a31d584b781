"""The one place that reads untrusted files, writes shared files and locks them.

Readers (asv's track_ benchmarks, the report, a second nightly) may look at any moment, so a
file is replaced whole or not at all: a temporary file beside it, fsynced, then renamed over
it. The new file gets the mode a plain ``open`` would give (0666 less the umask), not
``mkstemp``'s 0600, so a web server or another user can still read the site and the stores.
A writer killed mid-way leaves its temporary file behind; stores remove such files under their
lock (:func:`remove_stale_temps`). Locks are advisory ``fcntl`` locks, which the kernel drops
when their holder dies, with an optional timeout so a stuck holder is named instead of waited
on forever. Every failure is a :class:`BridgeError` naming the file, never a traceback.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rust_bridge.errors import BridgeError

POLL_SECONDS = 0.1
TEMP_SUFFIX = ".tmp"


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


def read_regular_file(path: str | Path) -> bytes:
    """The bytes of ``path`` if it is a regular file.

    Opened non-blocking and checked with fstat before reading, so a FIFO or a device named like
    a data file is refused instead of hanging the reader. Raises FileNotFoundError when absent
    and OSError (with a strerror) for anything else the caller should name.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(0, "not a regular file", str(path))
        return fh.read()


class UnreadableFile(ValueError):
    """A file that is there but cannot be taken as JSON; the message says why, in a line."""


def read_json(path: str | Path) -> Any:
    """The JSON in the regular file ``path``; FileNotFoundError when it is absent, else
    UnreadableFile for anything short of a sound document, whatever the damage."""
    try:
        return json.loads(read_regular_file(path))
    except FileNotFoundError:
        raise
    except RecursionError:
        raise UnreadableFile("invalid JSON (nested too deeply to read)") from None
    except ValueError as exc:  # bad JSON or UTF-8, or an integer past Python's digit limit
        text = str(exc)
        raise UnreadableFile(f"invalid JSON ({text[:100]}{'...' * (len(text) > 100)})") from None
    except OSError as exc:
        raise UnreadableFile(f"cannot read ({exc.strerror})") from None


def stage_bytes(path: Path, data: bytes) -> Path:
    """Write ``data`` to a fsynced temporary file beside ``path`` with the umask's mode; the
    caller renames it over ``path`` (or removes it)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
    except OSError as exc:
        raise BridgeError(f"{path}: cannot write ({exc.strerror or exc})") from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError):  # a full disk, a quota
            raise BridgeError(f"{path}: cannot write ({exc.strerror or exc})") from exc
        raise
    return Path(tmp)


def replace(tmp: Path, path: Path) -> None:
    """Rename a staged file over ``path``; on failure remove it and name ``path``."""
    try:
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise BridgeError(f"{path}: cannot write ({exc.strerror or exc})") from exc


def write_bytes_atomically(path: Path, data: bytes) -> None:
    replace(stage_bytes(path, data), path)


def write_text_atomically(path: Path, text: str) -> None:
    write_bytes_atomically(path, text.encode("utf-8"))


def write_json_atomically(path: Path, data: Any, **dump_kwargs: Any) -> None:
    # dumps, not dump: dump streams through the pure-Python encoder, ~10x slower.
    write_text_atomically(path, json.dumps(data, allow_nan=False, **dump_kwargs) + "\n")


def remove_stale_temps(root: Path, pattern: str) -> int:
    """Remove this module's temporary files matching ``pattern`` under ``root``; return how
    many. Only call it while holding the lock every writer of ``root`` takes: then no live
    writer owns one, and any left are from a writer that was killed."""
    removed = 0
    for tmp in root.glob(pattern):
        if tmp.name.startswith(".") and tmp.name.endswith(TEMP_SUFFIX):
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
                removed += 1
    return removed


@contextlib.contextmanager
def file_lock(path: Path, *, timeout: float | None = None) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created if missing) for the block.

    ``timeout`` None waits as long as it takes; otherwise a BridgeError names the lock file.
    """
    deadline = None if timeout is None else time.monotonic() + timeout
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(path, "a")  # noqa: SIM115 - closed by the with below
    except OSError as exc:
        raise BridgeError(f"{path}: cannot create the lock ({exc.strerror or exc})") from exc
    with fh:
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

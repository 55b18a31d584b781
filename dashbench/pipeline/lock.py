"""One writer per results directory.

asv writes its results files in place, so two runs on the same directory would interleave their
writes (and both would rewrite ``benchmarks.json``). An advisory ``fcntl`` lock on a file inside
the results directory serialises the whole job; the kernel drops it when the holder dies, so a
killed run never leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from dashbench.errors import DashbenchError

LOCK_NAME = ".dashbench.lock"


def _holder(fh) -> str:
    fh.seek(0)
    text = fh.read().strip()
    return text or "another dashbench process"


@contextlib.contextmanager
def results_lock(results_dir: Path, *, wait: bool, what: str) -> Iterator[None]:
    """Hold the lock on ``results_dir`` for the block; wait for it or refuse at once."""
    path = results_dir / LOCK_NAME
    try:
        results_dir.mkdir(parents=True, exist_ok=True)
        fh = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - held for the whole block below
    except OSError as exc:
        raise DashbenchError(f"{path}: cannot take the results lock: {exc.strerror}") from exc
    with fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fh)
            if not wait:
                raise DashbenchError(
                    f"{results_dir} is in use by {holder}; not waiting (--no-wait). "
                    "Run again when it has finished, or pass --wait."
                ) from None
            print(f"waiting for {holder} to release {path} ...", file=sys.stderr, flush=True)
            fcntl.flock(fh, fcntl.LOCK_EX)
        fh.seek(0)
        fh.truncate()
        fh.write(f"{what} (pid {os.getpid()}, since {time.strftime('%Y-%m-%d %H:%M:%S')})\n")
        fh.flush()
        try:
            yield
        finally:
            fh.seek(0)
            fh.truncate()
            fcntl.flock(fh, fcntl.LOCK_UN)

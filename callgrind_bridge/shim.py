"""Build the client-request library the Python harness loads with ctypes.

A C shim over valgrind's own ``callgrind.h`` rather than a copy of its inline assembly: the
header is the one valgrind ships (so every architecture valgrind supports works), and ctypes
needs no build step inside each benchmark environment. It is compiled once per source and
compiler into a cache directory, atomically, so concurrent passes never load half a library.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from rust_bridge.errors import BridgeError

SOURCE = Path(__file__).with_name("shim.c")
HEADER = "valgrind/callgrind.h"


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "dashbench" / "callgrind"


def build_shim(directory: Path | None = None) -> Path:
    """The path of the compiled shim, building it if needed."""
    compiler = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        raise BridgeError("no C compiler (cc) to build the callgrind shim: install 'gcc'")
    source = SOURCE.read_bytes()
    key = hashlib.sha256(source + compiler.encode()).hexdigest()[:16]
    directory = directory or cache_dir()
    target = directory / f"libdashbench_callgrind-{key}.so"
    if target.is_file():
        return target
    directory.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".shim.", suffix=".so")
    os.close(fd)
    try:
        cmd = [compiler, "-O2", "-shared", "-fPIC", "-o", tmp, str(SOURCE)]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            hint = " (install Debian's 'valgrind' package)" if HEADER in done.stderr else ""
            raise BridgeError(f"cannot build the callgrind shim{hint}:\n{done.stderr.strip()}")
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return target

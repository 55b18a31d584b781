"""Running a counting harness under callgrind and reading back its per-region counts.

Both harnesses (``pyharness.py`` and the crate's ``dashbench-count``) speak one protocol:
instrumentation is off at start (``--instr-atstart=no``); around each run of a timed body
they zero the counters, switch instrumentation on, run the body, switch it off and dump the
counters with the label ``dashbench <n> <i>`` (n: the id's position in the request, i: the
run); after each id they print one JSON line ``{"index", "id", "status"[, "error"]}``.

Determinism: a fixed hash seed, a fixed malloc mmap threshold, a minimal fixed environment
and working directory and, through ``setarch -R``, no address-space randomisation, so dict and
set layouts and buffer growth (and so the instructions spent on them) repeat run to run.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rust_bridge.errors import BridgeError
from rust_bridge.output import Say

PACKAGE_HINT = "install Debian's 'valgrind' package (apt-get install valgrind)"
FLAGS = ("--tool=callgrind", "--instr-atstart=no")
LABEL = re.compile(r"^dashbench (\d+) (\d+)$")
# A fixed mmap threshold turns off glibc's sliding one, which otherwise moves with the heap's
# history and decides whether a growing buffer is copied in user space or remapped.
DETERMINISM_ENV = {"PYTHONHASHSEED": "0", "GLIBC_TUNABLES": "glibc.malloc.mmap_threshold=131072"}
# The harness gets these of the caller's environment and nothing else: every other variable
# (asv's per-run paths and names, a CI runner's) changes the sizes the process allocates and so
# the heap layout that address-keyed dicts and pickle's memo probe.
PASSED_ENV = ("PATH", "HOME", "RUSTUP_HOME", "CARGO_HOME", "LANG", "LC_ALL")
SCRATCH = Path("/tmp/dashbench-count-scratch")  # one fixed TMPDIR and working directory


@functools.cache
def valgrind_version() -> str:
    """``valgrind-3.19.0``; a missing valgrind is a user error naming the package."""
    try:
        done = subprocess.run(["valgrind", "--version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BridgeError(
            f"valgrind not found ({exc}): {PACKAGE_HINT}; the wall-time metric does not need it"
        ) from exc
    if done.returncode != 0:
        raise BridgeError(f"`valgrind --version` exited {done.returncode}: {PACKAGE_HINT}")
    return done.stdout.strip()


def no_aslr_prefix() -> list[str]:
    """``setarch -R`` where util-linux has it: the same addresses in every run."""
    return ["setarch", os.uname().machine, "-R"] if shutil.which("setarch") else []


def provenance(iterations: int) -> dict[str, Any]:
    return {
        "valgrind": valgrind_version(),
        "flags": list(FLAGS),
        "aslr": "off" if no_aslr_prefix() else "on",
        "env": DETERMINISM_ENV,
        "iterations": iterations,
    }


@dataclass
class HarnessRun:
    """What one valgrind process reported: statuses per request index, counts per label."""

    returncode: int
    statuses: dict[int, dict[str, Any]] = field(default_factory=dict)
    counts: dict[tuple[int, int], int] = field(default_factory=dict)
    log_tail: str = ""


def harness_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The whole environment of a harness process: a few of ours, fixed paths, the seeds."""
    SCRATCH.mkdir(parents=True, exist_ok=True)
    env = {k: os.environ[k] for k in PASSED_ENV if k in os.environ}
    return {**env, **(extra or {}), "TMPDIR": str(SCRATCH), **DETERMINISM_ENV}


def run_harness(
    cmd: list[str],
    out_dir: Path,
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    progress: Say | None = None,
) -> HarnessRun:
    """Run ``cmd`` under callgrind with dumps into ``out_dir`` (which must be empty).

    ``env`` adds to the harness's fixed environment; ``cwd`` defaults to the scratch dir."""
    valgrind_version()
    log = out_dir / "valgrind.log"
    full = [
        *no_aslr_prefix(),
        "valgrind",
        *FLAGS,
        f"--callgrind-out-file={out_dir / 'callgrind.out.%p'}",
        f"--log-file={log}",
        *cmd,
    ]
    proc = subprocess.Popen(
        full,
        cwd=cwd or SCRATCH,
        env=harness_env(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
    )
    assert proc.stdout is not None
    run = HarnessRun(returncode=0)
    other: list[str] = []
    with proc:
        for line in proc.stdout:
            status = _status_line(line)
            if status is None:
                other.append(line.rstrip("\n"))
                continue
            run.statuses[status["index"]] = status
            if progress is not None:
                took = f" in {status['seconds']} s" if "seconds" in status else ""
                progress(f"  {status['id']}: {status['status']}{took}")
    run.returncode = proc.returncode
    run.counts = read_dumps(out_dir)
    tail = other[-20:]
    if log.is_file():
        tail += log.read_text(encoding="utf-8", errors="replace").splitlines()[-20:]
    run.log_tail = "\n".join(tail)
    return run


def _status_line(line: str) -> dict[str, Any] | None:
    if not line.startswith("{"):
        return None
    try:
        data = json.loads(line)
    except ValueError:
        return None
    ok = isinstance(data, dict) and isinstance(data.get("index"), int) and "status" in data
    return data if ok else None


def read_dumps(out_dir: Path) -> dict[tuple[int, int], int]:
    """(request index, run) -> instructions, from the dumps the harness triggered."""
    counts: dict[tuple[int, int], int] = {}
    for path in sorted(out_dir.glob("callgrind.out.*")):
        label, total = parse_dump(path)
        if label is not None and (match := LABEL.match(label)):
            counts[(int(match[1]), int(match[2]))] = total
    return counts


def parse_dump(path: Path) -> tuple[str | None, int]:
    """The client-request label of one dump (None for other triggers) and its ``Ir`` total."""
    label, events, totals = None, None, None
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if line.startswith("desc: Trigger: Client Request: "):
                label = line.split(": ", 3)[3].strip()
            elif line.startswith("events: "):
                events = line.split()[1:]
            elif line.startswith("totals: "):
                totals = line.split()[1:]
    if totals is None or events is None or "Ir" not in events:
        raise BridgeError(f"{path}: callgrind dump without an Ir total (truncated?)")
    return label, int(totals[events.index("Ir")])

"""Which crate source cargo builds from: the public registry, or Debian's packaged crates.

The crate never changes; only ``--config`` does. Debian's directory source is used when the
registry cannot be reached and Debian's crates are installed. The probe asks cargo itself (a
one-result ``cargo search`` with no retries), so no host name is written here, and its answer
is cached per user for a day because every ``cargo bench`` call needs it.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import time
from pathlib import Path

from rust_bridge.errors import BridgeError
from rust_bridge.fs import write_json_atomically

DEBIAN_REGISTRY = Path("/usr/share/cargo/registry")
DEBIAN_CONFIG = Path(__file__).with_name("debian-source.toml")
ENV_OVERRIDE = "DASHBENCH_CARGO_SOURCE"
SOURCES = ("debian", "registry")
PROBE_CRATE = "serde"
PROBE_TIMEOUT = 20.0
CACHE_TTL = 24 * 3600.0


def cargo_source() -> str:
    """``"debian"`` or ``"registry"``: the override if set, else the cached or fresh probe."""
    override = os.environ.get(ENV_OVERRIDE, "").strip().lower()
    if override:
        if override not in SOURCES:
            raise BridgeError(f"{ENV_OVERRIDE}={override!r}: expected one of {SOURCES}")
        return override
    return _detected_source()


def cargo_config_args(source: str | None = None) -> list[str]:
    """Arguments that go right after ``cargo`` (before the subcommand)."""
    source = source or cargo_source()
    return ["--config", str(DEBIAN_CONFIG)] if source == "debian" else []


@functools.cache
def _detected_source() -> str:
    cache = cache_path()
    try:
        cached = json.loads(cache.read_text())
        if time.time() - cached["checked_at"] < CACHE_TTL and cached["source"] in SOURCES:
            return cached["source"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    source = "debian" if DEBIAN_REGISTRY.is_dir() and not registry_reachable() else "registry"
    write_json_atomically(cache, {"source": source, "checked_at": time.time()})
    return source


def registry_reachable() -> bool:
    """Whether cargo can query its default registry right now."""
    env = {**os.environ, "CARGO_NET_RETRY": "0"}
    try:
        done = subprocess.run(
            ["cargo", "search", PROBE_CRATE, "--limit", "1"],
            cwd=Path.home(),  # outside any project whose .cargo/config could redirect the source
            env=env,
            capture_output=True,
            timeout=PROBE_TIMEOUT,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def cache_path() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "dashbench" / "cargo-source.json"

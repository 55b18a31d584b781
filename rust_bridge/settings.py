"""Where the bridge finds the crate, the manifest and the store.

The values live under the top-level ``"dashbench"`` key of ``asv.conf.json`` (asv keeps keys it
does not know), so asv's config and dashbench's never drift apart. Relative paths are taken
from the directory holding ``asv.conf.json``, as asv does for its own paths.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asv.config import Config

from rust_bridge.errors import BridgeError

CONF_NAME = "asv.conf.json"
DEFAULTS: dict[str, str] = {
    "rust_crate": "rust",
    "rust_bench": "graph_benchmarks",
    "criterion_manifest": "benchmarks/criterion_manifest.json",
    "criterion_store": ".asv/criterion",
    "count_manifest": "benchmarks/instructions_manifest.json",
    "count_store": ".asv/counts",
}


@dataclass(frozen=True)
class Settings:
    root: Path  # the directory of asv.conf.json; relative paths start here
    rust_crate: str  # crate directory, relative to the repository root
    rust_bench: str  # the `cargo bench --bench` target
    manifest: Path
    store: Path
    count_manifest: Path  # the instruction-count ids (callgrind_bridge)
    count_store: Path
    conf_path: Path | None = None
    repo: Path | None = None  # asv's "repo" when it is a local checkout; else ``root``
    criterion_args: tuple[str, ...] = ()  # Criterion's effort for full (not --quick) runs
    benchmark_dir: Path | None = None  # asv's benchmark_dir; None: ``<root>/benchmarks``

    @property
    def suite_dir(self) -> Path:
        """The asv suite (its ``benchmark_dir``), whose bodies the Python counts run."""
        return self.benchmark_dir or self.root / "benchmarks"

    @property
    def git_dir(self) -> Path:
        """The repository whose commits are benchmarked (worktrees are made from it)."""
        return self.repo or self.root

    def crate_dir(self, checkout: Path | None = None) -> Path:
        """The crate in ``checkout``, else in the tracked repository (which is not the config's
        directory when the config sits outside it, as examples/dashflow/ does)."""
        return (checkout or self.git_dir) / self.rust_crate

    def cargo_target_dir(self) -> Path:
        """One target dir for every commit, so only the crate itself recompiles between them."""
        if env := os.environ.get("CARGO_TARGET_DIR"):
            return Path(env).resolve()
        return self.crate_dir() / "target"


def load_settings(conf: Path | str | None = None, root: Path | None = None) -> Settings:
    """Settings from ``conf`` (an asv.conf.json), else $ASV_CONF_DIR's, else ``root``'s.

    Missing file or key means the defaults, relative to ``root`` (or the working directory).
    """
    path = _find_conf(conf, root)
    if path is None:
        return settings_from_config(None, Path(root or Path.cwd()))
    try:
        loaded = Config.load(str(path))
    except Exception as exc:  # asv raises UserError or JSON errors for a bad file
        raise BridgeError(f"{path}: cannot read asv config: {exc}") from exc
    return settings_from_config(loaded, path)


def settings_from_config(conf: Config | None, path: Path) -> Settings:
    """The bridge's settings from an asv config already loaded from ``path``; with no config,
    the defaults relative to the directory ``path``. Lets a caller that loaded asv.conf.json
    for its own needs share that one load."""
    values: dict[str, Any] = dict(DEFAULTS)
    repo = None
    criterion_args: list[str] = []
    benchmark_dir = None
    if conf is not None:
        own = getattr(conf, "dashbench", None) or {}
        benchmark_dir = path.parent / conf.benchmark_dir
        if (path.parent / conf.repo).is_dir():
            repo = (path.parent / conf.repo).resolve()
        if not isinstance(own, dict):
            raise BridgeError(f"{path}: the 'dashbench' key must be an object")
        values.update({k: v for k, v in own.items() if k in DEFAULTS})
        for key in DEFAULTS:
            if not isinstance(values[key], str) or not values[key]:
                raise BridgeError(
                    f"{path}: dashbench.{key} must be a non-empty string, got {values[key]!r}"
                )
        criterion_args = own.get("criterion_args", [])
        if not isinstance(criterion_args, list) or not all(
            isinstance(a, str) for a in criterion_args
        ):
            raise BridgeError(f"{path}: dashbench.criterion_args must be a list of strings")
        base = path.parent
    else:
        base = path
    base = base.resolve()
    return Settings(
        root=base,
        rust_crate=values["rust_crate"],
        rust_bench=values["rust_bench"],
        manifest=base / values["criterion_manifest"],
        store=base / values["criterion_store"],
        count_manifest=base / values["count_manifest"],
        count_store=base / values["count_store"],
        conf_path=path if conf is not None else None,
        repo=repo,
        criterion_args=tuple(criterion_args),
        benchmark_dir=None if benchmark_dir is None else benchmark_dir.resolve(),
    )


def _find_conf(conf: Path | str | None, root: Path | None) -> Path | None:
    if conf is not None:
        path = Path(conf)
        if not path.is_file():
            raise BridgeError(f"{path}: asv config not found")
        return path.resolve()
    for directory in (os.environ.get("ASV_CONF_DIR"), root, Path.cwd() if root is None else None):
        if directory and (Path(directory) / CONF_NAME).is_file():
            return (Path(directory) / CONF_NAME).resolve()
    return None

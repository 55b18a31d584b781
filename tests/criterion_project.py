"""The throwaway project the Criterion command tests import into: one commit, a store."""

from __future__ import annotations

import json
from pathlib import Path

import git


def make_criterion_project(base: Path) -> tuple[Path, str]:
    """A git repository at ``base/project`` whose asv.conf.json puts the Criterion store in
    ``store/`` and the manifest in ``bench/``; returns it and its one commit."""
    root = base / "project"
    root.mkdir()
    conf = {
        "version": 1,
        "project": "p",
        "repo": ".",
        "branches": ["main"],
        "dashbench": {"criterion_store": "store", "criterion_manifest": "bench/manifest.json"},
    }
    (root / "asv.conf.json").write_text(json.dumps(conf))
    repo = git.Repo.init(root, initial_branch="main")
    repo.index.add(["asv.conf.json"])
    return root, repo.index.commit("one").hexsha

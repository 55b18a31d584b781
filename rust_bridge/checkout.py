"""Commits and checkouts of the tracked repository, through gitpython."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import git

from rust_bridge.errors import BridgeError
from rust_bridge.store import check_commit


def open_repo(path: Path) -> git.Repo:
    try:
        return git.Repo(path, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError) as exc:
        raise BridgeError(f"{path}: not inside a git repository") from exc


def resolve_sha(repo_dir: Path, rev: str) -> str:
    """The full hash of ``rev``; a full hash is accepted as is where there is no repository."""
    try:
        repo = git.Repo(repo_dir, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return check_commit(rev.lower())
    try:
        return repo.commit(rev).hexsha
    except (git.BadName, ValueError) as exc:
        raise BridgeError(f"{rev!r} is not a commit of {repo.working_dir}") from exc


def head_of(path: Path) -> str | None:
    """The commit checked out at ``path``, or None if it is not a git checkout."""
    try:
        return git.Repo(path).head.commit.hexsha
    except (git.InvalidGitRepositoryError, git.NoSuchPathError, ValueError):
        return None


@contextlib.contextmanager
def worktree(repo_dir: Path, commit: str, path: Path | None = None) -> Iterator[Path]:
    """A detached worktree of ``commit`` at ``path`` (default: a temporary directory),
    removed afterwards whatever happens.

    Callers that build with a shared cargo target dir pass a fixed ``path`` (and hold a lock
    on it): cargo keys a crate's artifacts by its path, so a fixed path rebuilds only what
    changed between commits.
    """
    repo = open_repo(repo_dir)
    with contextlib.ExitStack() as stack:
        if path is None:
            path = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="dashbench-wt-")))
            path = path / commit[:12]
        elif path.exists():  # left behind by a killed run, possibly of another repository
            shutil.rmtree(path)
            repo.git.worktree("prune")
        repo.git.worktree("add", "--detach", "--quiet", str(path), commit)
        try:
            yield path
        finally:
            repo.git.worktree("remove", "--force", str(path))

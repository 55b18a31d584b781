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
    """The full hash of ``rev``, a commit that exists; a full hash is accepted as is where
    there is no repository. Resolved by gitpython, so ``rev`` never reaches git's argv."""
    if rev.startswith("-"):
        raise BridgeError(f"{rev!r} is not a revision (it starts with '-')")
    try:
        repo = git.Repo(repo_dir, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return check_commit(rev.lower())
    try:
        # gitpython hands back the null hash without looking it up; check_commit refuses it.
        return check_commit(repo.commit(rev).hexsha)
    except (git.BadName, ValueError) as exc:
        raise BridgeError(f"{rev!r} is not a commit of {repo.working_dir}") from exc


def commits_in_range(repo_dir: Path, range_spec: str) -> list[str]:
    """The commits of ``A..B`` (or ``A..``, ``..B``, or ``B`` and all its ancestors), newest
    first along first parents, as asv lists a range. Each end is resolved on its own first, so
    only full hashes reach ``git rev-list``."""
    repo = open_repo(repo_dir)
    start, dots, end = range_spec.partition("..")
    if not (start or end) or end.startswith("."):
        raise BridgeError(f"range {range_spec!r}: expected A..B, A.., ..B or a single commit")
    if dots:
        first, last = (resolve_sha(repo_dir, rev or "HEAD") for rev in (start, end))
        rev = f"{first}..{last}"
    else:
        rev = resolve_sha(repo_dir, start)
    return [c.hexsha for c in repo.iter_commits(rev, first_parent=True)]


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

"""User-given revisions, ranges and names on their way to git's or asv's command line.

git and asv read any argument that starts with ``-`` as an option: a ``--range`` of
``--output=FILE`` would make ``git rev-list`` truncate FILE. So every string a user gives that
reaches an argv passes through here first, and anything that reads as an option is refused.
"""

from __future__ import annotations

import re

import git

from dashbench.errors import DashbenchError


def option_safe(value: str, what: str) -> str:
    """``value`` unchanged if no tool can take it for an option; else a user error."""
    if not value or value.startswith("-") or any(c in value for c in "\0\n\r"):
        raise DashbenchError(
            f"{what} {value!r}: must be non-empty, not start with '-' and hold no line break"
        )
    return value


def check_regex(pattern: str, what: str) -> re.Pattern[str]:
    """A user's regex, compiled; an invalid one is a user error, not a traceback."""
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise DashbenchError(f"{what} {pattern!r}: not a regular expression: {exc}") from exc


def check_range(spec: str, what: str = "--range") -> str:
    """A git range ``A..B`` (or ``A...B``) that git will read as a revision, never an option."""
    option_safe(spec, what)
    if ".." not in spec:
        raise DashbenchError(f"{what} {spec!r}: expected A..B")
    return spec


def resolve_commit(repo: git.Repo, rev: str, what: str) -> git.Commit:
    """The commit ``rev`` names in ``repo``.

    gitpython takes 40 hex digits on trust (the null commit included), so the object is read
    to prove it exists before anyone runs git on it.
    """
    option_safe(rev, what)
    try:
        commit = repo.commit(rev)
        commit.size  # noqa: B018 - reading the object is the existence check
    except (git.BadName, git.BadObject, ValueError) as exc:
        raise DashbenchError(f"{what} {rev!r}: not a commit in {repo.working_tree_dir}") from exc
    return commit

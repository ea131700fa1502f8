"""The checkout as a sorted list of relative paths, read once so the workspace triggers stay pure."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from issueplan.errors import UsageError
from issueplan.model import Workspace

# Folders that are never evidence of CI, monitoring or load tests, and can hold a huge number of files.
SKIPPED_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", "node_modules", "bower_components", ".venv", "venv", "env", "__pycache__",
        ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".cache", ".gradle", ".idea",
        "site-packages", "dist", "build", "target", ".next", ".terraform",
    }
)  # fmt: skip


def read_workspace(root: Path, max_files: int = 20_000) -> Workspace:
    """List the checkout's files as relative POSIX paths, sorted.

    Heavy folders (SKIPPED_DIRS) are not entered; symlinks are neither followed nor listed, so nothing outside
    the checkout is looked at. The walk is in sorted order and stops after `max_files` paths, so a capped
    listing is still the same on every run.
    """
    if not root.is_dir():
        raise UsageError(f"{root}: the workspace is not a directory; pass the repository checkout")
    paths: list[str] = []
    for folder, dirs, files in os.walk(root, followlinks=False):
        here = Path(folder)
        dirs[:] = sorted(name for name in dirs if name not in SKIPPED_DIRS and not (here / name).is_symlink())
        for name in sorted(files):
            if len(paths) >= max_files:
                return Workspace(root=str(root), paths=tuple(sorted(paths)))
            if not (here / name).is_symlink():
                paths.append((here / name).relative_to(root).as_posix())
    return Workspace(root=str(root), paths=tuple(sorted(paths)))


@cache
def compile_glob(pattern: str) -> re.Pattern[str]:
    """`*` and `?` stay within one folder; `**/` spans zero or more folders; matching ignores case."""
    regex = ""
    rest = pattern
    while rest:
        if rest.startswith("**/"):
            regex, rest = regex + "(?:.*/)?", rest[3:]
        elif rest.startswith("**"):
            regex, rest = regex + ".*", rest[2:]
        elif rest[0] == "*":
            regex, rest = regex + "[^/]*", rest[1:]
        elif rest[0] == "?":
            regex, rest = regex + "[^/]", rest[1:]
        else:
            regex, rest = regex + re.escape(rest[0]), rest[1:]
    return re.compile(regex, re.IGNORECASE)


def matches_any(paths: Iterable[str], globs: Iterable[str]) -> bool:
    compiled = [compile_glob(glob) for glob in globs]
    return any(pattern.fullmatch(path) for path in paths for pattern in compiled)

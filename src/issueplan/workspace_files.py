"""What the action writes into the workspace belongs to the workspace's owner, not to the container's root.

GitHub runs a Docker action as root with the runner's checkout mounted as the workspace. Files root creates
there stay root's: a later step, running as the runner's user, can read them but can neither replace nor
delete them, and a self-hosted runner's cleanup of the workspace fails on them. So each file the action writes
there, and each directory between it and the workspace, goes to the workspace directory's owner and group.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path


def hand_to_workspace_owner(workspace: Path, *paths: Path | None) -> None:
    """Give each of `paths` inside `workspace`, and the directories between it and the workspace, the
    workspace's owner and group.

    Best effort, and only where it is needed: when running as root, for entries root owns whose owner or group
    differs from the workspace's. A path outside the workspace (the runner's file-command files, a symlink
    that leads out) is left alone, and a failure (a read-only or root-squashed mount) leaves that entry as it
    was.
    """
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return
    try:
        root = workspace.resolve(strict=True)
        owner = root.stat()
    except OSError:
        return
    for path in paths:
        if path is None:
            continue
        for entry in _entries_between(root, path):
            _chown(entry, owner.st_uid, owner.st_gid)


def _entries_between(root: Path, path: Path) -> Iterator[Path]:
    """The entries from `root` (exclusive) down to `path` (inclusive), as found on disk; none if `path` lies
    outside `root` once its directory's symlinks are followed."""
    absolute = Path.cwd() / path
    try:
        where = absolute.parent.resolve(strict=True) / absolute.name
        relative = where.relative_to(root)
    except (OSError, ValueError):
        return
    entry = root
    for part in relative.parts:
        entry /= part
        yield entry


def _chown(entry: Path, uid: int, gid: int) -> None:
    try:
        found = entry.lstat()
        if found.st_uid != os.geteuid() or (found.st_uid, found.st_gid) == (uid, gid):
            return
        # Not following a symlink: the link itself is the workspace's entry; its target may be anywhere.
        os.chown(entry, uid, gid, follow_symlinks=False)
    except OSError:
        return

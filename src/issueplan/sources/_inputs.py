"""From the user's inputs (files, directories, globs) to the result files to read, each with the zero-config
suite it would belong to; and the safe first look at a file (RELIABILITY I8).

A directory argument is a results root: each immediate subdirectory is one suite named after it, a
file directly in the root is a suite named after its stem. A file given directly (or matched by a glob)
belongs to a suite named after its parent directory, or after its stem when it has none ("junit.xml" given
from the current directory). A symlink is followed only when it resolves inside its root or the workspace;
a FIFO, socket or device is never opened, so it cannot block the run.
"""

from __future__ import annotations

import glob
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from issueplan.model import Problem

_GLOB_CHARS = frozenset("*?[")


@dataclass(frozen=True, order=True)
class Candidate:
    """A path that may be a result file. `rel` is its path below its root, POSIX, for declared-suite globs."""

    display: str
    rel: str
    suite: str
    in_root: bool
    bases: tuple[Path, ...]
    path: Path


@dataclass(frozen=True)
class Head:
    """The first bytes of a regular file that passed the safety checks, and its size."""

    data: bytes
    size: int


def discover(inputs: Sequence[str | Path], workspace: Path | None) -> tuple[list[Candidate], list[Problem]]:
    """Every candidate file under `inputs`, one per real file (the same file reached twice is read once)."""
    extra = (workspace.resolve(),) if workspace is not None else ()
    found: list[Candidate] = []
    problems: list[Problem] = []
    for given in inputs:
        text = str(given)
        if isinstance(given, str) and _GLOB_CHARS & set(text):
            # glob.glob, not Path.glob: a user's pattern may be absolute
            matches = sorted(glob.glob(text, recursive=True))  # noqa: PTH207 - see above
            if not matches:
                problems.append(Problem(file=text, message="no file matches this pattern"))
            for match in matches:
                found.extend(_expand(Path(match), extra, problems))
        elif not os.path.lexists(text):
            problems.append(Problem(file=text, message="not found"))
        else:
            found.extend(_expand(Path(text), extra, problems))
    unique: dict[str, Candidate] = {}
    for candidate in sorted(found, key=lambda c: (not c.in_root, c.display)):
        unique.setdefault(os.path.realpath(candidate.path), candidate)
    return sorted(unique.values()), problems


def _expand(path: Path, extra: tuple[Path, ...], problems: list[Problem]) -> Iterator[Candidate]:
    if path.is_dir() and not path.is_symlink():
        yield from _walk_root(path, extra, problems)
        return
    parent = path.parent.name
    suite = parent if parent not in {"", ".", ".."} else path.stem
    yield Candidate(
        display=path.as_posix(),
        rel=path.name,
        suite=suite,
        in_root=False,
        bases=(path.parent.resolve(), *extra),
        path=path,
    )


def _walk_root(root: Path, extra: tuple[Path, ...], problems: list[Problem]) -> Iterator[Candidate]:
    bases = (root.resolve(), *extra)
    for directory, subdirectories, files in os.walk(root, followlinks=False):
        here = Path(directory)
        subdirectories.sort()
        for name in subdirectories:
            linked = here / name
            if linked.is_symlink() and not _inside(linked, bases):
                problems.append(Problem(file=linked.as_posix(), message=_outside_message(root)))
        for name in sorted(files):
            path = here / name
            rel = path.relative_to(root)
            suite = rel.parts[0] if len(rel.parts) > 1 else path.stem
            yield Candidate(
                display=path.as_posix(),
                rel=rel.as_posix(),
                suite=suite,
                in_root=True,
                bases=bases,
                path=path,
            )


def first_look(candidate: Candidate, size: int) -> Head | Problem:
    """The first `size` bytes of the candidate, unless it must not be read (a symlink out, a FIFO…)."""
    path = candidate.path
    try:
        link = path.lstat()
        if stat.S_ISLNK(link.st_mode) and not _inside(path, candidate.bases):
            return Problem(file=candidate.display, message=_outside_message(candidate.bases[0]))
        target = path.stat()
        if not stat.S_ISREG(target.st_mode):
            return Problem(
                file=candidate.display, message="not read: not a regular file (a FIFO, socket or device)"
            )
        # O_NONBLOCK: should the path be swapped for a FIFO after the check, open() still cannot hang
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as error:
        return Problem(file=candidate.display, message=f"cannot read: {error.strerror or error}")
    with os.fdopen(descriptor, "rb") as stream:
        opened = os.fstat(stream.fileno())
        if not stat.S_ISREG(opened.st_mode):
            return Problem(file=candidate.display, message="not read: not a regular file")
        return Head(data=stream.read(size), size=opened.st_size)


def _inside(path: Path, bases: tuple[Path, ...]) -> bool:
    try:
        target = path.resolve()
    except (OSError, RuntimeError):  # a symlink loop leads nowhere readable
        return False
    return any(target.is_relative_to(base) for base in bases)


def _outside_message(root: Path) -> str:
    return f"not read: symlink out of {root.as_posix()} (a result must stay inside its root or the workspace)"

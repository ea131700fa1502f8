"""From the user's inputs (files, directories, globs) to the result files to read, each with the zero-config
suite it would belong to; and the safe first look at a file (RELIABILITY I8).

A directory argument is a results root: each immediate subdirectory is one suite named after it, a
file directly in the root is a suite named after its stem. A file given directly (or matched by a glob)
belongs to a suite named after its parent directory, or after its stem when it has none ("junit.xml" given
from the current directory). Folders and globs are walked by `_walk`: nothing is entered or read that
resolves outside the root given or the workspace, a folder is entered once, and a file reached twice (a
symlink, a hard link, two arguments) is read once. A FIFO, socket or device is never opened, so it cannot
block the run. An argument that yields no file is reported in `Discovery.unmatched`, for the caller to judge.

A tree costs little per file: what scandir told the walk (the file's type, for its identity) is kept with the
candidate, a file that was a regular file when listed is opened at once (O_NOFOLLOW: had it become a symlink,
the careful checks run), and a small file is read whole by that one open, so that it is sniffed and parsed
from the same bytes. That open's stat tells a file seen before (by device and inode) before it is read.
Surefire's `X.txt` beside `TEST-X.xml` is no candidate (see `_is_surefire_summary`).
"""

# Real annotations, not strings: pydantic and NamedTuple build classes faster (model/report.py's docstring).

import os
import stat
from collections.abc import Iterator, Sequence
from operator import attrgetter
from pathlib import Path
from typing import NamedTuple

from issueplan.model import Problem
from issueplan.sources._walk import (
    LEADS_OUT,
    Listing,
    Walker,
    glob_paths,
    inside,
    is_glob,
    outside_message,
    trusted_root,
    walk_files,
)

_new_tuple = tuple.__new__
NOT_REGULAR = "not read: not a regular file (a FIFO, socket or device)"


class Candidate(NamedTuple):
    """A path that may be a result file: `display` is its path as the user's argument or the walk spells it
    (POSIX, `Path.as_posix()`), `rel` its path below its root, for declared-suite globs. A tree's thousands
    of candidates are strings: a Path is made only for a file that is read from its path."""

    display: str
    rel: str
    suite: str
    in_root: bool
    bases: tuple[Path, ...]
    # scandir's entry when the file was found by walking a folder: its type and identity at no extra cost
    entry: os.DirEntry[str] | None = None

    @property
    def path(self) -> Path:
        return Path(self.display)

    @property
    def suffix(self) -> str:
        """`self.path.suffix`, without making the Path."""
        name = self.display.rpartition("/")[2]
        dot = name.rfind(".")
        return name[dot:] if 0 < dot < len(name) - 1 else ""


class Head(NamedTuple):
    """The first bytes of a regular file that passed the safety checks, its size, and all of it when it was
    small enough to be read at once."""

    data: bytes
    size: int
    content: bytes | None = None


class Discovery(NamedTuple):
    """The candidate files of a run, the problems met finding them, and the arguments that matched no file."""

    candidates: tuple[Candidate, ...]
    problems: tuple[Problem, ...]
    unmatched: tuple[Problem, ...]


def discover(inputs: Sequence[str | Path], workspace: Path | None) -> Discovery:
    """Every candidate file under `inputs`, in the order of their paths. The same file reached twice (a
    symlink, a hard link, an overlapping glob) is read once, by device and inode: the first by path, and a
    file in a results root before one given by itself. When both kinds were given, that choice is made
    here; else `first_look`, given the run's `seen` files, makes it with the stat it makes anyway, so a tree
    of thousands of files is not stat'ed once more."""
    extra = (workspace.resolve(),) if workspace is not None else ()
    found: list[Candidate] = []
    problems: list[Problem] = []
    unmatched: list[Problem] = []
    # A glob's matches share few folders: each is resolved once, not once per file (a resolve is a stat per
    # path segment).
    bases: dict[Path, tuple[Path, ...]] = {}
    for given in inputs:
        text = str(given)
        before = (len(found), len(problems))
        if isinstance(given, str) and is_glob(text):
            for match in glob_paths(text, workspace, problems):
                found.extend(_expand(match, workspace, (extra, bases), problems))
            reason = "no file matches this pattern"
        elif not os.path.lexists(text):
            reason = "not found"
        else:
            found.extend(_expand(Path(text), workspace, (extra, bases), problems))
            reason = "no file in this folder"
        if (len(found), len(problems)) == before:  # a file refused (a symlink out) matched: it is reported
            unmatched.append(Problem(file=text, message=reason))
    # Overlapping arguments (`results/**` yields the folder and what is in it) meet the same link twice.
    once = tuple(dict.fromkeys(problems))
    # A stable sort by a C-level key: candidates of one display keep the order of the arguments.
    by_display = attrgetter("display")
    ordered = sorted(found, key=by_display)
    if len({candidate.in_root for candidate in found}) > 1:
        unique: dict[object, Candidate] = {}
        # The candidates found in a root first, each group by display
        for candidate in sorted(ordered, key=attrgetter("in_root"), reverse=True):
            unique.setdefault(_identity(candidate), candidate)
        # One candidate per file, so one per display: sorting by it is sorting by every field, only cheaper.
        ordered = sorted(unique.values(), key=by_display)
    return Discovery(tuple(ordered), once, tuple(unmatched))


def _identity(candidate: Candidate) -> object:
    """The file's device and inode (symlinks followed), or its real path when it cannot be stat'ed."""
    try:
        info = candidate.entry.stat() if candidate.entry is not None else candidate.path.stat()
    except OSError:  # unreadable: first_look reports it; the path is its identity
        return os.path.realpath(candidate.display)
    return (info.st_dev, info.st_ino)


def _expand(
    path: Path,
    workspace: Path | None,
    homes: tuple[tuple[Path, ...], dict[Path, tuple[Path, ...]]],
    problems: list[Problem],
) -> Iterator[Candidate]:
    """The candidates `path` stands for: the files of a folder (a results root), or the file itself, whose
    allowed roots are its resolved folder and the workspace (`homes`: the workspace, and each folder's
    roots as resolved so far)."""
    extra, bases = homes
    if path.is_dir():
        root = trusted_root(path, workspace)
        if root is None:
            problems.append(Problem(file=path.as_posix(), message=LEADS_OUT))
            return
        yield from _walk_root(path, (root, *extra), problems)
        return
    folder = path.parent
    if folder not in bases:
        bases[folder] = (folder.resolve(), *extra)
    suite = folder.name if folder.name not in {"", ".", ".."} else path.stem
    yield Candidate(path.as_posix(), path.name, suite, in_root=False, bases=bases[folder])


def _walk_root(root: Path, bases: tuple[Path, ...], problems: list[Problem]) -> Iterator[Candidate]:
    """The files below `root`, each named by strings built once per folder (see Listing.prefix)."""
    walker = Walker(allowed=bases, problems=problems, report_root=root)
    for listing, files in walk_files(root, walker):
        display = listing.prefix
        rel = "".join(f"{part}/" for part in listing.parts)
        suite = listing.parts[0] if listing.parts else None
        for entry in files:
            name = entry.name
            if name.endswith(".txt") and _is_surefire_summary(name, listing):  # the call only for a .txt
                continue
            own = suite if suite is not None else Path(name).stem
            # tuple.__new__ is what the NamedTuple's own __new__ calls, without a Python frame of its own
            yield _new_tuple(Candidate, (display + name, rel + name, own, True, bases, entry))


def _is_surefire_summary(name: str, listing: Listing) -> bool:
    """Maven Surefire writes `X.txt` beside `TEST-X.xml`: the XML's counts and failures again, as text. No
    reader takes it, and in a results root a file no reader takes, with a suffix no result file has, is not
    even noted: looking at it would cost a tree of 5,000 reports 5,000 opens to change nothing."""
    return name.endswith(".txt") and f"TEST-{name[:-4]}.xml" in listing.names


def first_look(
    candidate: Candidate, size: int, whole: int, seen: set[object] | None = None
) -> Head | Problem | None:
    """The first `size` bytes of the candidate (all of it when it holds at most `whole`), unless it must not
    be read (a symlink out, a FIFO…). With `seen`, the files looked at so far: None for one of them (a hard
    link, a symlink, an overlapping argument), which is not read or reported again. A file read is known by
    the stat of its open, one refused by the identity `discover` would give it."""
    look = _look(candidate, size, whole, seen)
    if seen is None or look is None or isinstance(look, Head):  # a plain class's check, not a model's
        return look
    refused = _identity(candidate)
    if refused in seen:
        return None
    seen.add(refused)
    return look


def _look(candidate: Candidate, size: int, whole: int, seen: set[object] | None) -> Head | Problem | None:
    path = candidate.display
    listed_regular = candidate.entry is not None and candidate.entry.is_file(follow_symlinks=False)
    try:
        if not (listed_regular or stat.S_ISREG(os.lstat(path).st_mode)):
            return _careful_look(candidate, size, whole, seen)
        # O_NOFOLLOW: should a symlink have taken the file's place since, the careful checks judge it
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
    except OSError:
        return _careful_look(candidate, size, whole, seen)
    return _head(candidate, descriptor, (size, whole), seen)


def _careful_look(
    candidate: Candidate, size: int, whole: int, seen: set[object] | None
) -> Head | Problem | None:
    """first_look for anything but a plain regular file: each check that may refuse it, with its reason."""
    path = candidate.path
    try:
        link = path.lstat()
        if stat.S_ISLNK(link.st_mode) and not inside(path, candidate.bases):
            return Problem(file=candidate.display, message=outside_message(candidate.bases[0]))
        target = path.stat()
        if not stat.S_ISREG(target.st_mode):
            return Problem(file=candidate.display, message=NOT_REGULAR)
        # O_NONBLOCK: should the path be swapped for a FIFO after the check, open() still cannot hang
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as error:
        return Problem(file=candidate.display, message=f"cannot read: {error.strerror or error}")
    return _head(candidate, descriptor, (size, whole), seen)


def _head(
    candidate: Candidate, descriptor: int, sizes: tuple[int, int], seen: set[object] | None
) -> Head | Problem | None:
    size, whole = sizes
    try:
        opened = os.fstat(descriptor)
        if not stat.S_ISREG(opened.st_mode):
            return Problem(file=candidate.display, message="not read: not a regular file")
        known = (opened.st_dev, opened.st_ino)
        if seen is not None and known in seen:
            return None
        length = opened.st_size
        # One byte more than fstat said: had the file grown since, its reader streams it from the path.
        content = _read_whole(descriptor, length) if length <= whole else None
        data = content[:size] if content is not None else _read_up_to(descriptor, size)
    except OSError as error:
        return Problem(file=candidate.display, message=f"cannot read: {error.strerror or error}")
    finally:
        os.close(descriptor)
    if seen is not None:
        seen.add(known)  # once read: a file that could not be is known by its path's stat (`first_look`)
    # tuple.__new__ is what the NamedTuple's own __new__ calls, without a Python frame of its own
    return _new_tuple(Head, (data, length, None if content is None or len(content) > length else content))


def _read_whole(descriptor: int, size: int) -> bytes:
    """The `size` bytes fstat promised, and one more should the file have grown since: one read, unless
    the system returned fewer than promised (then the rest is read as _read_up_to does)."""
    data = os.read(descriptor, size + 1)
    return data if len(data) >= size else data + _read_up_to(descriptor, size + 1 - len(data))


def _read_up_to(descriptor: int, count: int) -> bytes:
    """At most `count` bytes from the start, fewer only at the end of the file (os.read may return less)."""
    chunks = []
    while count > 0 and (chunk := os.read(descriptor, count)):
        chunks.append(chunk)
        count -= len(chunk)
    return b"".join(chunks)

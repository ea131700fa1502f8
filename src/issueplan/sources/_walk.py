"""Walking a results folder or a glob without leaving where it may look (RELIABILITY I8, I12).

Every folder entered and every path yielded is resolved and must lie inside one of the allowed roots (the
results root given, or the workspace): a symlink that points elsewhere is reported as a Problem and not
followed. A folder is entered once however it is reached (its device and inode are remembered), so two
symlinks forming a loop end the walk instead of hanging it; a link that loops on itself is a Problem.

Globs follow `glob.glob(recursive=True)` on POSIX: `*`, `?` and `[...]` match within one path segment and
never a hidden name (one starting with `.`) unless the segment itself starts with `.`; `**` spans zero or
more folders (not hidden ones); matching is case-sensitive; a trailing `/` matches folders only.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from fnmatch import fnmatchcase
from functools import cached_property
from operator import attrgetter
from pathlib import Path

from issueplan.model import Problem

GLOB_CHARS = frozenset("*?[")
_by_name = attrgetter("name")
_State = frozenset[int]


LOOP = "not read: a symlink loop"
LEADS_OUT = "not read: a symlink leads this path out of the workspace"


def is_glob(text: str) -> bool:
    return bool(GLOB_CHARS & set(text))


def outside_message(root: Path) -> str:
    return f"not read: symlink out of {root.as_posix()} (a result must stay inside its root or the workspace)"


def inside(path: Path, allowed: tuple[Path, ...]) -> bool:
    """Whether `path`, all symlinks resolved, lies inside one of the allowed (resolved) roots."""
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):  # a symlink loop or a dangling link leads nowhere readable
        return False
    return any(target.is_relative_to(base) for base in allowed)


def trusted_root(path: Path, workspace: Path | None) -> Path | None:
    """The resolved root a path given by the user may be walked as; None when a symlink leads it out.

    A path the user typed outside the workspace (`/tmp/results`) is trusted as typed; one that lies in the
    workspace (where the code under test can plant symlinks) must still resolve inside it.
    """
    try:
        resolved = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if workspace is None:
        return resolved if not path.is_symlink() else None
    spelled = Path(os.path.abspath(path))  # noqa: PTH100 - lexical on purpose: symlinks are what is checked
    homes = {Path(os.path.abspath(workspace)), workspace.resolve()}  # noqa: PTH100 - as above
    in_workspace = any(spelled.is_relative_to(home) for home in homes)
    if in_workspace and not resolved.is_relative_to(workspace.resolve()):
        return None
    return resolved


class Listing:
    """One folder, its entries sorted by name, and the folder's parts below the walk's top.

    This class and `Walker` are plain classes, not dataclasses: a dataclass compiles its generated methods
    when the module loads, a cost every `plan` paid for two classes it builds a handful of times."""

    def __init__(self, folder: Path, parts: tuple[str, ...], entries: tuple[os.DirEntry[str], ...]) -> None:
        self.folder = folder
        self.parts = parts
        self.entries = entries

    @cached_property
    def names(self) -> frozenset[str]:
        """The entries' names, for a look at a file's siblings."""
        return frozenset(entry.name for entry in self.entries)

    @cached_property
    def prefix(self) -> str:
        """What `(folder / name).as_posix()` puts before a name of this folder: no `./` for the current
        folder, no second `/` after the root."""
        text = self.folder.as_posix()
        return "" if text == "." else text if text.endswith("/") else f"{text}/"


class Walker:
    """One walk's allowed roots, the folders already entered, and the problems met on the way."""

    def __init__(self, *, allowed: tuple[Path, ...], problems: list[Problem], report_root: Path) -> None:
        self.allowed = allowed
        self.problems = problems
        self.report_root = report_root
        self.entered: set[tuple[int, int]] = set()

    def list(self, folder: Path, parts: tuple[str, ...] = ()) -> Listing | None:
        """The folder's entries, or None when it was entered before (a loop) or cannot be read."""
        try:
            info = folder.stat()
            if (info.st_dev, info.st_ino) in self.entered:
                return None
            self.entered.add((info.st_dev, info.st_ino))
            with os.scandir(folder) as listing:
                entries = tuple(sorted(listing, key=_by_name))
        except OSError as error:
            self.problems.append(Problem(file=folder.as_posix(), message=f"cannot read: {error.strerror}"))
            return None
        return Listing(folder, parts, entries)

    def enter(self, entry: os.DirEntry[str], parts: tuple[str, ...]) -> Listing | None:
        """The listing of `entry` when it is a folder that stays inside the allowed roots."""
        if not (is_dir(entry) and self.safe(entry)):
            return None
        return self.list(Path(entry.path), (*parts, entry.name))

    def safe(self, entry: os.DirEntry[str]) -> bool:
        """False, with a Problem, for a symlink that leads out of the allowed roots or nowhere."""
        if not entry.is_symlink():
            return True
        path = Path(entry.path)
        if inside(path, self.allowed):
            return True
        try:
            path.resolve(strict=True)
        except RuntimeError:
            message = LOOP
        except OSError as error:
            message = LOOP if error.errno == errno.ELOOP else "not read: a dangling symlink"
        else:
            message = outside_message(self.report_root)
        self.problems.append(Problem(file=path.as_posix(), message=message))
        return False


def is_dir(entry: os.DirEntry[str]) -> bool:
    """Whether the entry is a folder, or a symlink to one (a loop or a dangling link is neither)."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def walk_files(root: Path, walker: Walker) -> Iterator[tuple[Listing, list[os.DirEntry[str]]]]:
    """Every folder below `root` that could be listed, with its files (hidden ones too), in its listing's
    order; callers sort them. An entry is scandir's: what it knows of the file (its type, its inode) costs
    no further system call, and a plain file (no symlink) needs no check of where it leads."""
    pending = [found] if (found := walker.list(root)) else []
    while pending:
        listing = pending.pop()
        files = []
        for entry in listing.entries:
            if entry.is_file(follow_symlinks=False):  # what nearly every entry is: a plain file, as listed
                files.append(entry)
            elif is_dir(entry):
                pending.extend([below] if (below := walker.enter(entry, listing.parts)) else [])
            elif not entry.is_symlink() or walker.safe(entry):
                files.append(entry)
        yield listing, files


def glob_paths(pattern: str, workspace: Path | None, problems: list[Problem]) -> list[Path]:
    """The files and folders `pattern` matches, sorted like glob.glob's, without leaving the allowed roots."""
    absolute = pattern.startswith("/")
    segments = [part for part in pattern.split("/") if part]
    folders_only = pattern.endswith("/")
    split = next((i for i, part in enumerate(segments) if is_glob(part)), len(segments))
    literal, rest = segments[:split], _collapse(segments[split:])
    base = Path(("/" if absolute else "") + "/".join(literal)) if literal or absolute else Path()
    root = trusted_root(base, workspace)
    if root is None:
        if base.is_symlink() or base.exists():
            problems.append(Problem(file=base.as_posix(), message=LEADS_OUT))
        return []
    extra = (workspace.resolve(),) if workspace is not None else ()
    walker = Walker(allowed=(root, *extra), problems=problems, report_root=base)
    matches: list[Path] = []
    start = _closure(frozenset({0}), rest)
    if literal and len(rest) in start:
        matches.append(base)
    pending = [(found, start)] if (found := walker.list(base)) else []
    while pending:
        listing, state = pending.pop()
        for entry in listing.entries:
            folder = is_dir(entry)
            after = _closure(_step(state, rest, entry.name), rest)
            wanted = len(rest) in after and (folder or not folders_only)
            deeper = folder and any(i < len(rest) for i in after)
            if not (wanted or deeper) or not walker.safe(entry):  # a link is judged once, only if it matters
                continue
            if wanted:
                matches.append(Path(entry.path))  # as glob.glob spells it: no "./" when none was typed
            if deeper and (below := walker.list(Path(entry.path), (*listing.parts, entry.name))):
                pending.append((below, after))
    return sorted(set(matches), key=lambda path: path.as_posix())


def _collapse(segments: list[str]) -> list[str]:
    collapsed: list[str] = []
    for part in segments:
        if not (part == "**" and collapsed and collapsed[-1] == "**"):
            collapsed.append(part)
    return collapsed


def _closure(state: _State, rest: list[str]) -> _State:
    """A `**` may match no folder at all: from it, the next segment is reachable too."""
    found = set(state)
    for start in sorted(state):
        index = start
        while index < len(rest) and rest[index] == "**":
            index += 1
            found.add(index)
    return frozenset(found)


def _step(state: _State, rest: list[str], name: str) -> _State:
    hidden = name.startswith(".")
    after: set[int] = set()
    for index in state:
        if index >= len(rest):
            continue
        segment = rest[index]
        if segment == "**":
            if not hidden:
                after.add(index)  # consumed by `**`: still inside it (files only end a trailing `**`)
            continue
        if hidden and is_glob(segment) and not segment.startswith("."):
            continue
        if fnmatchcase(name, segment):
            after.add(index + 1)
    return frozenset(after)

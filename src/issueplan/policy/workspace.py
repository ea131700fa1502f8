"""The checkout as a sorted list of relative paths, and what content probes find in its small files, read
once so the workspace triggers stay pure.

A content probe (a rule's `ContentSignal`) recognises a tool by what its files say where their names do not
tell: a k6 script imports `k6/http`, a locustfile imports `locust`. Reading is bounded: only regular files
of at most PROBE_FILE_BYTES are opened (never through a symlink, never a FIFO), each at most once per run,
in the probe's order (its globs in order, then path), stopping at the first match; each probe opens at most
PROBE_FILES files of its own (one whose globs are broad cannot starve the others), so a run opens at most
PROBE_FILES times the number of probes.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

from issueplan.errors import UsageError
from issueplan.model import ContentMatch, Workspace
from issueplan.policy.rule import Rule
from issueplan.policy.trigger_spec import AllOf, AnyOf, ContentSignal, TriggerSpec, WorkspaceLacks

PROBE_FILE_BYTES = 64 * 1024
PROBE_FILES = 200

# Folders that are never evidence of CI, monitoring or load tests, and can hold a huge number of files.
SKIPPED_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", "node_modules", "bower_components", ".venv", "venv", "env", "__pycache__",
        ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".cache", ".gradle", ".idea",
        "site-packages", "dist", "build", "target", ".next", ".terraform",
    }
)  # fmt: skip


def read_workspace(
    root: Path,
    max_files: int = 20_000,
    *,
    probes: Iterable[ContentSignal] = (),
    probe_files: int = PROBE_FILES,
) -> Workspace:
    """List the checkout's files as relative POSIX paths, sorted, and run the content `probes` over them.

    Heavy folders (SKIPPED_DIRS) are not entered; symlinks are neither followed nor listed, so nothing outside
    the checkout is looked at. The walk is in sorted order and stops after `max_files` paths, so a capped
    listing is still the same on every run.
    """
    listed = _list_paths(root, max_files)
    unique = dict(sorted({probe.key: probe for probe in probes}.items()))
    needles = {needle for probe in unique.values() for needle in probe.contains}
    reader = _ContentReader(root, needles, budget=probe_files)
    contents = tuple(reader.probe(probe, listed.paths) for probe in unique.values())
    return listed.model_copy(update={"contents": contents})


def content_probes(rules: Iterable[Rule]) -> tuple[ContentSignal, ...]:
    """Every content signal of the enabled rules' workspace triggers: what read_workspace must look for."""
    return tuple(signal for rule in rules if rule.enabled for signal in _signals(rule.trigger))


def _signals(spec: TriggerSpec) -> Iterator[ContentSignal]:
    if isinstance(spec, WorkspaceLacks):
        yield from spec.contents
    elif isinstance(spec, AnyOf | AllOf):
        for child in spec.triggers:
            yield from _signals(child)


class _ContentReader:
    """Reads each small regular file at most once, each probe within its budget of newly opened files, and
    keeps only which of the probes' strings a file contains (never the bytes: memory stays small)."""

    def __init__(self, root: Path, needles: set[str], *, budget: int) -> None:
        self.root = root
        self.budget = budget
        self.needles = sorted(needles)
        self.seen: dict[str, frozenset[str] | None] = {}

    def probe(self, signal: ContentSignal, paths: tuple[str, ...]) -> ContentMatch:
        looked_into = unread = opened = 0
        for path in _candidates(signal.globs, paths):
            if path not in self.seen:
                if opened >= self.budget:
                    unread += 1
                    continue
                opened += 1
                self.seen[path] = self._contained(path)
            contained = self.seen[path]
            if contained is None:
                unread += 1
                continue
            looked_into += 1
            hit = next((needle for needle in signal.contains if needle in contained), None)
            if hit is not None:
                return ContentMatch(probe=signal.key, path=path, needle=hit, looked_into=looked_into)
        return ContentMatch(probe=signal.key, looked_into=looked_into, unread=unread)

    def _contained(self, path: str) -> frozenset[str] | None:
        data = _small_file(self.root / path)
        return None if data is None else frozenset(n for n in self.needles if n.encode() in data)


def _candidates(globs: tuple[str, ...], paths: tuple[str, ...]) -> list[str]:
    """The paths matching `globs`, those of the first glob first (the most telling files), then by path.

    One alternation tried in glob order finds each path's first matching glob in a single match, so a
    checkout of 20,000 paths costs one regex match per path and signal, not one per glob. Globs that no path
    can match (`_possible`) are left out of it, and with none left nothing is compiled."""
    possible = _possible(globs, paths)
    if not possible:
        return []
    combined = re.compile(
        "|".join(f"(?P<g{index}>{compile_glob(globs[index]).pattern})" for index in possible),
        re.IGNORECASE,
    )
    ranked = []
    for path in paths:
        found = combined.fullmatch(path)
        if found is not None and found.lastgroup is not None:
            ranked.append((int(found.lastgroup[1:]), path))
    return [path for _, path in sorted(ranked)]


def _small_file(path: Path) -> bytes | None:
    """The file's bytes when it is a regular file of at most PROBE_FILE_BYTES; None otherwise. O_NOFOLLOW
    and O_NONBLOCK: a path swapped for a symlink or a FIFO since the walk is not followed nor waited on."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as stream:
        info = os.fstat(stream.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size > PROBE_FILE_BYTES:
            return None
        return stream.read(PROBE_FILE_BYTES + 1)[:PROBE_FILE_BYTES]


def _list_paths(root: Path, max_files: int) -> Workspace:
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
    listed, wanted = tuple(paths), tuple(globs)
    compiled = [compile_glob(wanted[index]) for index in _possible(wanted, listed)]
    return any(pattern.fullmatch(path) for path in listed for pattern in compiled)


def _possible(globs: tuple[str, ...], paths: tuple[str, ...]) -> list[int]:
    """The indices of the globs that some path may match: a path a glob matches ends with the glob's literal
    tail (what follows its last wildcard), so a glob whose tail no path ends with needs no regex at all.

    Compiling a glob's regex costs more than matching it against a small checkout's every path (the default
    policy's globs were a twentieth of `plan`'s start-up), and most globs name files a checkout lacks. The
    test is a necessary condition only: the regex still decides. It compares lower-cased ASCII, which is what
    re.IGNORECASE does there; a non-ASCII path or tail (where case folding has exceptions) is never ruled out.
    One substring search of all the paths, each followed by a newline, tests a tail: linear in the listing."""
    joined = "\n".join(paths)
    if not joined.isascii():
        return list(range(len(globs)))
    ends = joined.lower() + "\n"
    return [
        index for index, glob in enumerate(globs) if _tail(glob) + "\n" in ends or not _tail(glob).isascii()
    ]


def _tail(glob: str) -> str:
    return glob[max(glob.rfind("*"), glob.rfind("?")) + 1 :].lower()

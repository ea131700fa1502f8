"""LCOV tracefiles (geninfo, gcovr, llvm-cov export, c8/nyc, cargo-llvm-cov) → Coverage.

Read line by line. `DA`/`BRDA` records are counted when present; the `LF`/`LH`/`BRF`/`BRH` summaries stand in
when a producer wrote only those. A file named by several records (one per test name) is merged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from issueplan.model import Coverage, CoverageCounts, FileCoverage, FileResult, Problem

FORMAT = "lcov"
MAX_PROBLEMS = 20

_RECORD = re.compile(rb"^(?:TN|SF):", re.MULTILINE)
_COUNTS = ("LF", "LH", "BRF", "BRH")


@dataclass
class _Source:
    hits: dict[int, int] = field(default_factory=dict)
    branches: dict[tuple[int, str, str], int] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    records: int = 0


def detect(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf")
    return (
        b"\0" not in text and not text.lstrip().startswith((b"<", b"{", b"[")) and bool(_RECORD.search(text))
    )


def read(path: Path) -> FileResult:
    file = str(path)
    sources: dict[str, _Source] = {}
    problems: list[Problem] = []
    current: _Source | None = None
    try:
        with path.open(encoding="utf-8-sig", errors="replace", newline=None) as stream:
            for number, raw in enumerate(stream, start=1):
                line = raw.strip()
                if not line or line.startswith("TN:"):
                    continue
                if line == "end_of_record":
                    current = None
                    continue
                key, _, value = line.partition(":")
                if key == "SF":
                    current = sources.setdefault(value.replace("\\", "/"), _Source())
                    current.records += 1
                elif current is None:
                    _note(problems, Problem(file=file, line=number, message=f"'{key}' outside an SF record"))
                elif not _add(current, key, value):
                    _note(problems, Problem(file=file, line=number, message=f"unreadable '{key}' record"))
    except OSError as error:
        problems.append(Problem(file=file, message=f"cannot read: {error}"))
        return FileResult(file=file, format=FORMAT, problems=tuple(problems))
    if not sources:
        problems.append(Problem(file=file, message="not an LCOV tracefile: no SF record"))
        return FileResult(file=file, format=FORMAT, problems=tuple(problems[-MAX_PROBLEMS:]))
    return FileResult(file=file, format=FORMAT, coverage=_coverage(sources), problems=tuple(problems))


def _note(problems: list[Problem], problem: Problem) -> None:
    """Keep the first few: a binary or garbage file would otherwise yield one Problem per line."""
    if len(problems) < MAX_PROBLEMS:
        problems.append(problem)


def _add(source: _Source, key: str, value: str) -> bool:
    """Fold one record into `source`; False when it is malformed. Other keys (FN, FNDA…) are ignored."""
    fields = value.split(",")
    try:
        if key == "DA":
            line, hits = int(fields[0]), int(float(fields[1]))
            source.hits[line] = source.hits.get(line, 0) + max(hits, 0)
        elif key == "BRDA":
            branch = (int(fields[0]), fields[1], fields[2])
            taken = 0 if fields[3] == "-" else int(float(fields[3]))
            source.branches[branch] = source.branches.get(branch, 0) + max(taken, 0)
        elif key in _COUNTS:
            source.counts[key] = source.counts.get(key, 0) + int(value)
    # OverflowError: a count of `inf` or `1e400` parses as a float no int can hold
    except (ValueError, IndexError, OverflowError):
        return False
    return True


def _coverage(sources: dict[str, _Source]) -> Coverage:
    files = tuple(_file_coverage(path, source) for path, source in sorted(sources.items()))
    return Coverage.measured(CoverageCounts.total(files), files)


def _file_coverage(path: str, source: _Source) -> FileCoverage:
    # The summary lines are the producer's own count (llvm-cov may strip DA lines): trust them, unless several
    # records of one file were merged, where only the DA union avoids counting a line twice.
    counts = {} if source.records > 1 and source.hits else source.counts
    measured = CoverageCounts(
        lines_valid=counts.get("LF", len(source.hits)),
        lines_covered=counts.get("LH", sum(1 for hits in source.hits.values() if hits > 0)),
        branches_valid=counts.get("BRF", len(source.branches)),
        branches_covered=counts.get("BRH", sum(1 for taken in source.branches.values() if taken > 0)),
    )
    return FileCoverage.measured(path, measured)

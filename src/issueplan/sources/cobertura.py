"""Cobertura XML (coverage.py, gcovr, Istanbul, coverlet, AltCover, sbt-scoverage, …) → Coverage.

Parsed as a stream with the shared hardened parser (`_xml`): the standard `<!DOCTYPE coverage SYSTEM
"http://cobertura…/coverage-04.dtd">` is never fetched and no entity is expanded (RELIABILITY I5).
Per-file figures are counted from `<class>/<lines>` (methods repeat the same lines); totals are the root's
attributes when the producer wrote them, else the sums.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from lxml import etree

from issueplan.model import (
    Coverage,
    CoverageCounts,
    FileCoverage,
    FileResult,
    Problem,
    coverage_rate,
)
from issueplan.sources._xml import declared_entities, entity_problem, stream_events, syntax_problem

FORMAT = "cobertura"

_ROOT = re.compile(rb"<coverage[\s>]")
_MARKERS = re.compile(rb"line-rate|lines-valid|cobertura|<packages", re.IGNORECASE)
# `<sources>` names a few folders; more, or longer, is no source root worth trusting for a link.
MAX_SOURCES = 20
SOURCE_CAP = 1000
_CONDITIONS = re.compile(r"\((\d+)\s*/\s*(\d+)\)")
# Attribute texts repeat (`hits="0"`, `number="12"`, `condition-coverage="50% (1/2)"`): each distinct one
# is worked out once, up to this many per kind and file (beyond, a text is worked out each time it comes).
_KNOWN_TEXTS = 4096
_get = etree._Element.get  # unbound, with bytes names: no bound method per call, no name encoded per call


@dataclass
class _Known:
    """What each distinct attribute text of one file means: a line number (None: no line), a hits count
    (0 for one that is no count or is negative), a branch's (valid, covered) (() for none)."""

    numbers: dict[str | None, int | None] = field(default_factory=dict)
    hits: dict[str | None, int] = field(default_factory=dict)
    conditions: dict[str, tuple[int, int] | tuple[()]] = field(default_factory=dict)


@dataclass
class _Lines:
    """Hits per line number, and (valid, covered) branches per line, for one source file."""

    hits: dict[int, int] = field(default_factory=dict)
    branches: dict[int, tuple[int, int]] = field(default_factory=dict)


def detect(head: bytes) -> bool:
    return _ROOT.search(head) is not None and _MARKERS.search(head) is not None


def read(path: Path) -> FileResult:
    file = str(path)
    files: dict[str, _Lines] = {}
    root: dict[str, str] = {}
    sources: list[str] = []
    known = _Known()
    try:
        with path.open("rb") as stream:
            for event, element in stream_events(
                stream, events=("start", "end"), tags=("coverage", "class", "source")
            ):
                if event == "start":
                    if element.tag == "coverage" and not root:
                        entities = declared_entities(element)
                        if entities:
                            return FileResult(
                                file=file, format=FORMAT, problems=(entity_problem(file, entities),)
                            )
                        root = {str(key): str(value) for key, value in element.attrib.items()}
                elif element.tag == "source":
                    if element.text and element.text.strip() and len(sources) < MAX_SOURCES:
                        sources.append(element.text.strip()[:SOURCE_CAP])
                elif element.tag == "class":
                    _add_class(files, element, known)
                    element.clear()  # a finished class is counted: free it, the stream stays small
    except etree.XMLSyntaxError as error:
        return FileResult(file=file, format=FORMAT, problems=(syntax_problem(file, error),))
    except OSError as error:
        problem = Problem(file=file, message=f"cannot read: {error.strerror or error}")
        return FileResult(file=file, format=FORMAT, problems=(problem,))
    if not root:
        problem = Problem(file=file, message="not a Cobertura report: no <coverage> element")
        return FileResult(file=file, format=FORMAT, problems=(problem,))
    coverage = _coverage(root, files)
    return FileResult(file=file, format=FORMAT, coverage=coverage, source_roots=tuple(sources))


def _add_class(files: dict[str, _Lines], element: etree._Element, known: _Known) -> None:
    """Add the class's `lines/line` hits and branches to its file's. This loop is the reader's cost: lxml's
    own child iterators (no path search), attributes read by their bytes name, no call per line that can be
    inlined, and each distinct number, hits and condition text worked out once (a dict lookup costs a third
    of an `int()`)."""
    filename = _get(element, b"filename") or _get(element, b"name") or ""
    lines = files.setdefault(filename.replace("\\", "/"), _Lines())
    hits, numbers, counts = lines.hits, known.numbers, known.hits
    for block in element.iterchildren("lines"):
        for line in block.iterchildren("line"):
            text = _get(line, b"number")
            number = numbers.get(text, False)  # False: not known yet (0 is a number, and `0 is False` is not)
            if number is False:
                number = _learn(numbers, text, _line_number)
            if number is None:
                continue
            text = _get(line, b"hits")
            count = counts.get(text, False)
            if count is False:
                count = _learn(counts, text, _hit_count)
            hits[number] = hits.get(number, 0) + count
            # most lines are no branch: the condition text is only looked at on those that are
            if _get(line, b"branch") == "true":
                condition = _get(line, b"condition-coverage") or ""
                branch = known.conditions.get(condition)
                if branch is None:
                    branch = _learn(known.conditions, condition, _branch)
                if branch:
                    lines.branches[number] = branch


_Text = TypeVar("_Text", str, str | None)
_Meaning = TypeVar("_Meaning")


def _learn(memo: dict[_Text, _Meaning], text: _Text, meaning: Callable[[_Text], _Meaning]) -> _Meaning:
    """`meaning(text)`, remembered while the memo has room."""
    value = meaning(text)
    if len(memo) < _KNOWN_TEXTS:
        memo[text] = value
    return value


def _line_number(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def _hit_count(text: str | None) -> int:
    """A line's hits; 0 when absent, not a number or negative."""
    try:
        count = int(text) if text is not None else 0
    except ValueError:
        return 0
    return max(count, 0)


def _branch(condition: str) -> tuple[int, int] | tuple[()]:
    """(valid, covered) branches of a `condition-coverage` text such as `50% (1/2)`; () if it says none."""
    found = _CONDITIONS.search(condition)
    if found is None:
        return ()
    covered, valid = int(found.group(1)), int(found.group(2))
    return (valid, min(covered, valid))


def _coverage(root: dict[str, str], files: dict[str, _Lines]) -> Coverage:
    per_file = tuple(_file_coverage(path, lines) for path, lines in sorted(files.items()))
    total = CoverageCounts.total(per_file)
    # The root's own totals win where the producer states them (per-file lines may be partial).
    declared_valid, declared_covered = _int(root.get("lines-valid")), _int(root.get("lines-covered"))
    if declared_valid is not None and declared_covered is not None:
        total = total.model_copy(update={"lines_valid": declared_valid, "lines_covered": declared_covered})
    declared_branches, declared_taken = _int(root.get("branches-valid")), _int(root.get("branches-covered"))
    if declared_branches is not None and declared_taken is not None:
        total = total.model_copy(
            update={"branches_valid": declared_branches, "branches_covered": declared_taken}
        )
    measured = Coverage.measured(total, per_file)
    line_rate, branch_rate = _rate(root.get("line-rate")), _rate(root.get("branch-rate"))
    if declared_branches == 0:  # coverage.py without --branch writes branch-rate="0": no data, not 0 %
        branch_rate = None
    return measured.model_copy(
        update={
            "line_rate": measured.line_rate if line_rate is None else line_rate,
            "branch_rate": measured.branch_rate if branch_rate is None else branch_rate,
        }
    )


def _file_coverage(path: str, lines: _Lines) -> FileCoverage:
    # `FileCoverage.measured` without the CoverageCounts it would validate first: one model per file
    valid = len(lines.hits)
    covered = valid - list(lines.hits.values()).count(0)  # hits are never negative
    branches = lines.branches.values()
    branches_valid = sum(valid for valid, _ in branches)
    branches_covered = sum(covered for _, covered in branches)
    return FileCoverage(
        path=path,
        lines_valid=valid,
        lines_covered=covered,
        branches_valid=branches_valid,
        branches_covered=branches_covered,
        line_rate=coverage_rate(covered, valid),
        branch_rate=coverage_rate(branches_covered, branches_valid),
    )


def _rate(text: str | None) -> float | None:
    """A rate attribute as 0.0-1.0; None when absent or not a number (some producers write 'NaN')."""
    try:
        value = float(text) if text is not None else None
    except ValueError:
        return None
    if value is None or not 0.0 <= value <= 1.0:
        return None
    return value


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None

"""xUnit.net XML: v1 (`<assembly><class><test>`) and v2/v3 (`<assemblies><assembly><collection><test>`).

Counting: a test is a test method — `type` and `method` — as xUnit.net itself defines it; `name` is only a
display name (a theory's data row carries its arguments there, a DisplayName anything at all). The rows of
one theory, written one after another within their class or collection, are one test: the worst row
decides (failure > passed > skipped; a row that passed beside a skipped one leaves the test passed, as
publish-unit-test-result-action counts them). A `<test>` without a method is a test of its own.
`result`: Pass → passed, Fail → failure (xUnit.net has no error verdict for a test), Skip / NotRun →
skipped; a missing or unknown result is an error. v2's `<errors><error>` (a fixture's setup or cleanup
failed) counts as an errored test named after what failed, as the JUnit reader does for a suite-level error.

Streamed with the shared hardened parser; each finished test is freed, so memory does not grow with the file.
Duration is the sum of the tests' `time` (`0,014` with a decimal comma is accepted: .NET writes the
machine's culture).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from lxml import etree

from issueplan.model import READ_CAP, Case, CaseOutcome, FileResult, Problem, cap_text
from issueplan.sources._case_tally import CaseTally, worst
from issueplan.sources._dotnet import (
    element_text,
    first_line,
    short_name,
    trace_location,
)
from issueplan.sources._junit_case import seconds
from issueplan.sources._xml import (
    declared_entities,
    entity_problem,
    root_start,
    source_line,
    stream_events,
    syntax_problem,
)

FORMAT = "xunit"
_EMPTY = "the file is empty: no xUnit.net report in it"
ROOTS = frozenset({b"assemblies", b"assembly"})  # the root elements `detect` may accept
_ROOTS = frozenset({"assemblies", "assembly"})
_GROUPS = frozenset({"assembly", "collection", "class"})
_TAGS = ("assemblies", "assembly", "collection", "class", "test", "error")
# An `<assembly>` root is also a Maven assembly descriptor or a Windows manifest: xUnit.net's own attributes
# or elements must be there too.
_MARKS = re.compile(rb"\b(?:test-framework|run-date|total)\s*=|<(?:class|collection|test)[\s>/]")
_RESULTS: dict[str, CaseOutcome | None] = {
    "pass": None,  # nosec B105 - an xUnit result name, not a password
    "fail": CaseOutcome.FAILED,
    "skip": CaseOutcome.SKIPPED,
    "notrun": CaseOutcome.SKIPPED,
}


def detect(head: bytes) -> bool:
    """True for an `<assemblies>` root, or an `<assembly>` root with xUnit.net's attributes or elements."""
    root = root_start(head)
    if root is None:
        return False
    if root[0] == b"assemblies":
        return True
    return root[0] == b"assembly" and _MARKS.search(head) is not None


def read(path: Path) -> FileResult:
    """Read one xUnit.net XML file. Never raises on bad input: what went wrong is in `problems`."""
    file = str(path)
    try:
        if path.stat().st_size == 0:
            return _failed(file, Problem(file=file, message=_EMPTY))
        with path.open("rb") as stream:
            return _read_stream(file, stream)
    except OSError as error:
        return _failed(file, Problem(file=file, message=f"cannot read the file: {error.strerror or error}"))


def read_bytes(file: str, data: bytes) -> FileResult:
    """`read` of a file the loader has read whole already (see sources/__init__.py's WHOLE_READERS)."""
    if not data:
        return _failed(file, Problem(file=file, message=_EMPTY))
    return _read_stream(file, io.BytesIO(data))


@dataclass(slots=True)
class _Theory:
    """The test being read: the rows so far of one method, and the Case of the row that decides."""

    key: tuple[str, str] | None
    outcome: CaseOutcome | None
    case: Case | None


def _read_stream(file: str, stream: IO[bytes]) -> FileResult:
    counts = CaseTally()
    problems: list[Problem] = []
    pending: _Theory | None = None
    checked = False
    events = stream_events(stream, events=("start", "end"), tags=_TAGS)
    try:
        for event, element in events:
            if not checked:
                refusal = _check_root(file, element)
                if refusal is not None:
                    return _failed(file, refusal)
                checked = True
            if event == "start":
                continue
            if element.tag == "test":
                pending = _take_test(element, counts, pending)
            else:
                _flush(counts, pending)
                pending = None
                if element.tag == "error":
                    counts.add(CaseOutcome.ERROR, None if counts.full else _fixture_case(element))
            _free(element)
    except etree.XMLSyntaxError as error:
        _flush(counts, pending)
        pending = None
        kept = f"; the tests before it are kept ({counts.tests})" if counts.tests else ""
        problems.append(syntax_problem(file, error, kept=kept))
        if not checked:
            return _failed(file, *problems)
    if not checked:
        root = events.root
        refusal = _check_root(file, root) if root is not None else None
        message = "not an xUnit.net report: no <assemblies> or <assembly> root"
        return _failed(file, refusal or Problem(file=file, message=message))
    _flush(counts, pending)
    problems.extend(counts.problems(file))
    return FileResult(
        file=file,
        format=FORMAT,
        totals=counts.totals(),
        cases=counts.sorted_cases(),
        problems=tuple(problems),
    )


def _check_root(file: str, element: etree._Element) -> Problem | None:
    root = element.getroottree().getroot()
    tag = str(root.tag)
    if tag not in _ROOTS:
        message = f"not an xUnit.net report: the root element is <{tag}>, not <assemblies> or <assembly>"
        return Problem(file=file, line=source_line(root), message=message)
    entities = declared_entities(root)
    return entity_problem(file, entities) if entities else None


def _take_test(test: etree._Element, counts: CaseTally, pending: _Theory | None) -> _Theory:
    """Add one `<test>` row to the theory being read, or close that one and start a new test."""
    counts.duration += seconds(test.get("time"))
    parent = test.getparent()
    classname = test.get("type") or (
        parent.get("name") if parent is not None and parent.tag == "class" else None
    )
    method = test.get("method")
    key = (classname or "", method) if method else None
    raw = test.get("result")
    outcome = _RESULTS.get(raw.strip().lower(), CaseOutcome.ERROR) if raw else CaseOutcome.ERROR
    if pending is not None and key is not None and key == pending.key:
        decided = worst(pending.outcome, outcome)
        if decided is not pending.outcome:
            pending.outcome = decided
            pending.case = _case(test, classname or "", outcome, raw) if not counts.full else None
        return pending
    _flush(counts, pending)
    case = _case(test, classname or "", outcome, raw) if outcome is not None and not counts.full else None
    return _Theory(key, outcome, case)


def _flush(counts: CaseTally, pending: _Theory | None) -> None:
    if pending is not None:
        counts.add(pending.outcome, pending.case)


def _case(test: etree._Element, classname: str, outcome: CaseOutcome | None, raw: str | None) -> Case | None:
    if outcome is None:
        return None
    failure = test.find("failure")
    reason = test.find("reason")
    message, trace, kind = _failureelement_text(failure)
    if not message and reason is not None:
        # v2 writes the reason as text, v1 inside a `<message>`.
        message = element_text(reason) or element_text(reason.find("message"))
    if not message and outcome is CaseOutcome.ERROR:
        message = f"unknown result {raw.strip()!r}" if raw else "the test has no result"
    file, line = trace_location(trace)
    return Case(
        classname=classname,
        name=short_name(test.get("name") or test.get("method") or "", classname),
        file=file,
        line=line,
        outcome=outcome,
        message=cap_text(message, READ_CAP),
        type=kind,
        trace=cap_text(trace, READ_CAP),
    )


def _fixture_case(error: etree._Element) -> Case:
    """v2's `<error type="test-class-cleanup" name="Ns.Class">`: a fixture that failed, as an errored test."""
    message, trace, kind = _failureelement_text(error.find("failure"))
    what = error.get("type") or "error"
    file, line = trace_location(trace)
    return Case(
        classname="",
        name=f"{error.get('name') or 'assembly'} ({what})",
        file=file,
        line=line,
        outcome=CaseOutcome.ERROR,
        message=cap_text(message or what, READ_CAP),
        type=kind,
        trace=cap_text(trace, READ_CAP),
    )


def _failureelement_text(failure: etree._Element | None) -> tuple[str, str, str]:
    """(message, stack trace, exception type) of a `<failure>`; empty strings when there is none."""
    if failure is None:
        return "", "", ""
    message = element_text(failure.find("message"))
    trace = element_text(failure.find("stack-trace"), indented=True)
    kind = (failure.get("exception-type") or "").strip()
    return message or first_line(trace), trace, kind


def _free(element: etree._Element) -> None:
    """A finished test or group is counted: clear it and its earlier siblings, so the tree stays small."""
    if element.tag not in _GROUPS and element.tag not in {"test", "error"}:
        return  # the root: nothing after it
    parent = element.getparent()
    element.clear()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def _failed(file: str, *problems: Problem) -> FileResult:
    return FileResult(file=file, format=FORMAT, problems=problems)

"""NUnit XML reader: NUnit 2 (`<test-results>`) and NUnit 3 (`<test-run>`, or a lone `<test-suite>`), streamed
in bounded memory, hostile input turned into Problems.

Counting (what the corpus' expected counts use): one result per `<test-case>`, whatever the nesting of
`<test-suite>`s; `_nunit_case` says how a case gets its outcome, `_nunit_tally` when adjacent cases are one
test.
A suite's own `<failure>` counts as an errored test only when no test case carries it (a OneTimeSetUp that
failed before any case was written, a OneTimeTearDown that failed after them). The totals the file declares
are not compared with the cases: they count each run of a parameterised case, which we count once.

Duration is the sum of the cases' `duration` (NUnit 3) or `time` (NUnit 2) attributes, never a suite's: a
suite's time includes its setup and may or may not include its nested suites.

Every non-passing case is kept up to CASE_CAP per file (the counts stay exact; a Problem says how many were
left out), sorted by class, name, file and line so that reordered test runs give the same result.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import IO

from lxml import etree

from issueplan.model import FileResult, Problem
from issueplan.sources._nunit_case import suite_case
from issueplan.sources._nunit_tally import Tally
from issueplan.sources._xml import (
    EventStream,
    declared_entities,
    entity_problem,
    root_start,
    source_line,
    stream_events,
    syntax_problem,
)

FORMAT = "nunit"
_EMPTY = "the file is empty: no NUnit report in it"
ROOTS = frozenset({b"test-run", b"test-results", b"test-suite"})  # the root elements `detect` accepts
CASE_CAP = 1000
_ROOTS = frozenset({"test-run", "test-results", "test-suite"})
_TAGS = ("test-suite", "test-case")


# A root element named test-run/test-results/test-suite after an optional BOM, XML declaration, comments, PIs
# and DOCTYPE. No other format has these roots: JUnit's are `testsuites`/`testsuite`, TRX's `TestRun`.
def detect(head: bytes) -> bool:
    """True when the first bytes of a file are an XML prolog followed by an NUnit root element."""
    root = root_start(head)
    return root is not None and root[0] in ROOTS


def read(path: Path) -> FileResult:
    """Read one NUnit XML file. Never raises on bad input: what went wrong is in `problems`."""
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


def _read_stream(file: str, stream: IO[bytes]) -> FileResult:
    walk = _Walk(file, Tally(CASE_CAP))
    events = stream_events(stream, events=("start", "end"), tags=_TAGS)
    problems: list[Problem] = []
    try:
        refusal = walk.run(events)
    except etree.XMLSyntaxError as error:
        walk.tally.flush()
        kept = f"; the test cases before it are kept ({walk.tally.tests})" if walk.tally.tests else ""
        problems.append(syntax_problem(file, error, kept=kept))
        if walk.root is None:
            return _failed(file, *problems)
        refusal = None
    if refusal is None and walk.root is None and events.root is not None:
        # The document held no test-suite or test-case at all, so no event ever came to check its root by.
        refusal = walk.check_root(events.root)
    if refusal is not None:
        return _failed(file, refusal)
    if walk.root is None:
        return _failed(file, Problem(file=file, message="not an NUnit report: no test-run/test-results root"))
    tally = walk.tally
    problems.extend(tally.problems(file))
    return FileResult(
        file=file,
        format=FORMAT,
        totals=tally.totals(),
        cases=tally.sorted_cases(),
        problems=tuple(problems),
    )


class _Walk:
    """The pass over a file's test-suite and test-case events; `root` is its root's tag once accepted."""

    def __init__(self, file: str, tally: Tally) -> None:
        self.file = file
        self.tally = tally
        self.root: str | None = None
        self._failing_at_start: list[int] = []  # per open suite: failed tests before it began
        # Per open suite, the namespaces around it, dotted: NUnit 2 names a suite by its last part only.
        self._namespaces: list[str] = []

    def run(self, events: EventStream) -> Problem | None:
        """Count every case of `events`; a Problem, and nothing counted, when the root is refused."""
        tally = self.tally
        for event, element in events:
            if self.root is None:
                refusal = self.check_root(element)
                if refusal is not None:
                    return refusal
            if event == "start":
                if element.tag == "test-suite":
                    tally.flush()  # a case before the suite is not a run of one in it
                    self._failing_at_start.append(tally.failing)
                    self._enter_namespace(element)
                continue
            if element.tag == "test-case":
                tally.record(element)
            else:
                tally.flush()
                start = self._failing_at_start.pop() if self._failing_at_start else tally.failing
                namespace = self._namespaces.pop() if self._namespaces else ""
                case = suite_case(element, namespace, failed_inside=tally.failing > start)
                if case is not None:
                    tally.add_suite(case)
            _release(element)
        tally.flush()
        return None

    def _enter_namespace(self, suite: etree._Element) -> None:
        namespace = self._namespaces[-1] if self._namespaces else ""
        self._namespaces.append(namespace)
        if suite.get("type") == "Namespace":
            self._namespaces[-1] = f"{namespace}{suite.get('name') or ''}."

    def check_root(self, element: etree._Element) -> Problem | None:
        """Refuse a document whose root is not NUnit's, or whose DTD declares entities."""
        root = element.getroottree().getroot()
        tag = str(root.tag)
        if tag not in _ROOTS:
            message = f"not an NUnit report: the root element is <{tag}>, not <test-run> or <test-results>"
            return Problem(file=self.file, line=source_line(root), message=message)
        entities = declared_entities(root)
        if entities:
            return entity_problem(self.file, entities)
        self.root = tag
        return None


def _release(element: etree._Element) -> None:
    """Free a counted case or suite and the counted one before it, so memory does not grow with the file.

    Only counted siblings go: a suite's own `<failure>` sits before its cases and is read at the suite's end.
    """
    element.clear()
    parent = element.getparent()
    if parent is None:
        return
    previous = element.getprevious()
    while previous is not None and previous.tag in _TAGS:
        parent.remove(previous)
        previous = element.getprevious()


def _failed(file: str, *problems: Problem) -> FileResult:
    return FileResult(file=file, format=FORMAT, problems=problems)

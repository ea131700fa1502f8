"""JUnit XML reader: every common dialect, streamed in bounded memory, hostile input turned into Problems.

Counting (what the corpus' expected counts use): one result per `<testcase>` element, whatever the nesting
of `<testsuites>` / `<testsuite>`; declared `tests=` / `failures=` attributes are never summed, only compared,
and a disagreement becomes one informational Problem per file. `_junit_case` says how a case gets its outcome.
An `<error>` or `<failure>` directly under a `<testsuite>` (its setup failed) counts as an errored case named
after the suite. Adjacent cases with one name, class and file of which at least one failed or errored are one
test run several times (pytest-rerunfailures, Gradle's test-retry, jest-junit with retries): it counts once,
flaky if its last attempt passed, else failed (a pass before a failure is a rerun written without its
failure). Repeats that all passed or were skipped are separate tests (parameterised tests sharing a title are
common in jest, mocha).

Duration is the sum of the cases' `time` attributes (absent, negative or garbage → 0), never a suite's `time`:
suites nest, and their time may or may not include the nested ones and the setup, depending on the producer.

Most files are read by `_junit_batch`, which gets the same result faster; the rest, by `_count` below.

Every non-passing case is kept up to CASE_CAP per file (the counts stay exact; a Problem says how many were
left out), sorted by class, name, file and line so that reordered test runs give the same result.
"""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import IO

from lxml import etree

from issueplan.model import Case, CaseOutcome, FileResult, Problem, checked_test_result, checked_totals
from issueplan.sources._junit_batch import read_document, read_runs
from issueplan.sources._junit_case import SUITE_RESULTS, seconds, suite_case
from issueplan.sources._junit_tally import SuiteCount, Tally, identity, record_case
from issueplan.sources._xml import (
    EventStream,
    declared_entities,
    entity_problem,
    root_start,
    source_line,
    stream_events,
    syntax_problem,
)

FORMAT = "junit"
_EMPTY = "the file is empty: no JUnit report in it"
ROOTS = frozenset({b"testsuites", b"testsuite"})  # the root elements `detect` accepts
CASE_CAP = 1000
_SUITES = frozenset({"testsuites", "testsuite"})
_TAGS = ("testsuites", "testsuite", "testcase")
_INFINITY = math.inf


# A root element named testsuites/testsuite after an optional BOM, XML declaration, comments, PIs and DOCTYPE.
def detect(head: bytes) -> bool:
    """True when the first bytes of a file are an XML prolog followed by a testsuites/testsuite root."""
    root = root_start(head)
    return root is not None and root[0] in ROOTS


def read(path: Path) -> FileResult:
    """Read one JUnit XML file. Never raises on bad input: what went wrong is in `problems`."""
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
    tally = Tally(CASE_CAP)
    if read_document(data, tally):
        return _result(file, tally, [])
    return _read_per_case(file, io.BytesIO(data))


def _read_stream(file: str, stream: IO[bytes]) -> FileResult:
    # Nearly every report has the shape the batched reader takes, which includes a testsuites/testsuite root
    # without a DOCTYPE (so no entity declared): such a file is read in one pass. Any other is checked, then
    # read again case by case.
    tally = Tally(CASE_CAP)
    if read_runs(stream, tally):
        return _result(file, tally, [])
    stream.seek(0)
    return _read_per_case(file, stream)


def _read_per_case(file: str, stream: IO[bytes]) -> FileResult:
    root, refusal = _first_root(file, stream)
    if refusal is not None:
        return _failed(file, refusal)
    stream.seek(0)
    tally = Tally(CASE_CAP)
    problems: list[Problem] = []
    events = stream_events(stream, events=("end",), tags=_TAGS)
    try:
        _count(events, _Suites(tally))
    except etree.XMLSyntaxError as error:
        tally.flush()
        kept = f"; the test cases before it are kept ({tally.tests})" if tally.tests else ""
        problems.append(syntax_problem(file, error, kept=kept))
        if root is None:
            return _failed(file, *problems)
    if root is None and events.root is not None:
        # The root and everything in it carried none of the tags asked for, so no event ever came.
        root, refusal = _check_root(file, events.root)
        if refusal is not None:
            return _failed(file, refusal)
    if root is None:
        return _failed(file, Problem(file=file, message="not a JUnit report: no testsuites/testsuite root"))
    return _result(file, tally, problems)


def _result(file: str, tally: Tally, problems: list[Problem]) -> FileResult:
    problems.extend(tally.problems(file))
    # The tally's counts are ints, its duration a float, the cases and problems models: checked.
    totals = checked_totals(
        tally.tests, tally.failures, tally.errors, tally.skipped, tally.flaky, round(tally.duration, 6)
    )
    cases = tuple(sorted(tally.cases, key=_case_order)) if len(tally.cases) > 1 else tuple(tally.cases)
    return checked_test_result(file, FORMAT, totals, cases, tuple(problems))


def _first_root(file: str, stream: IO[bytes]) -> tuple[str | None, Problem | None]:
    """The root, checked at the first start tag of interest, before anything is counted.

    The counting pass asks for `end` events only, and lxml's iterparse knows its root only once the whole
    document is read: this short pass stops at the first start tag, so that a file cut right after its root
    is still a (broken) JUnit report, and a refused file is refused before it is read any further.
    """
    try:
        for _, element in stream_events(stream, events=("start",), tags=_TAGS):
            return _check_root(file, element)
    except etree.XMLSyntaxError:
        pass  # the counting pass meets the same error and reports it
    return None, None


def _check_root(file: str, element: etree._Element) -> tuple[str, Problem | None]:
    """Refuse a document whose root is not JUnit, or whose DTD declares entities."""
    root = element.getroottree().getroot()
    tag = str(root.tag)
    if tag not in _SUITES:
        message = f"not a JUnit report: the root element is <{tag}>, not <testsuites> or <testsuite>"
        return tag, Problem(file=file, line=source_line(root), message=message)
    entities = declared_entities(root)
    if entities:
        return tag, entity_problem(file, entities)
    return tag, None


def _count(events: EventStream, suites: _Suites) -> None:  # noqa: PLR0912, PLR0915 - hot loop, state in locals
    """Count the cases of `events` into `suites.tally`. This loop is the reader's cost, hence its shape.

    A passing case in a suite (nearly every case) costs three attribute reads: `time`, `status`, `name`.
    It cannot be a rerun of the case before it when its name differs, so it is only counted (`passes`), the
    tally hearing of a run of such passes in one call; the last one is kept uncleared (`run_head`) in case
    the next case shares its name, when its identity is read. Any other case goes through `record_case`.
    """
    tally = suites.tally
    duration = 0.0
    passes = 0
    run_head: etree._Element | None = None
    run_name: str | None = None  # the name of the case before
    parent_now: etree._Element | None = None  # the parent of the case before
    suite: etree._Element | None = None  # parent_now if it is a suite, whose counted cases are freed
    last: etree._Element | None = None  # the element released last in parent_now, now its first child
    try:
        for _, element in events:
            parent = element.getparent()
            if parent is not parent_now or element.tag != "testcase":
                if passes:
                    tally.passes(passes, identity(run_head, run_name))
                    passes = 0
                if element.tag != "testcase":
                    suites.leave(element)
                    parent_now = None
                    continue
                suites.enter(parent)
                suite = parent if parent is not None and parent.tag in _SUITES else None
                parent_now, last = parent, None
            get = element.get  # bytes keys: lxml takes them as they are, a str key is encoded on every call
            raw = get(b"time")
            if raw:
                try:
                    value = float(raw)  # inlined, as most times are plain numbers
                except ValueError:
                    value = seconds(raw)
                if 0.0 < value < _INFINITY:
                    duration += value
            name = get(b"name")
            status = get(b"status")
            if suite is not None and status is None and not len(element) and (not name or name != run_name):
                passes += 1
                run_head = element
            else:
                if passes:
                    # The passes' last identity matters only to a case that may be its rerun.
                    tally.passes(passes, identity(run_head, run_name) if name and name == run_name else None)
                    passes = 0
                record_case(tally, element, name, status, suites.innermost.file)
            run_name = name
            if suite is not None:
                previous = element.getprevious()
                if previous is last and previous is not None:
                    del suite[0]  # the case before, counted already, and nothing in between
                elif previous is not None:
                    if passes:
                        tally.passes(passes, identity(run_head, run_name))
                        passes = 0
                    suites.release(element)
                last = element
    finally:
        if passes:
            tally.passes(passes, identity(run_head, run_name))
        tally.duration += duration


class _Suites:
    """The open `<testsuites>`/`<testsuite>` elements, outermost first, with what each declares.

    Only `end` events come, so a suite opens at the first event inside it or at its own end. No case ends
    between its start tag and that event, so its counts start where they would have at the start tag.
    """

    def __init__(self, tally: Tally) -> None:
        self.tally = tally
        self._open: list[tuple[etree._Element, SuiteCount]] = []

    @property
    def innermost(self) -> SuiteCount:
        return self._open[-1][1]

    def enter(self, element: etree._Element | None) -> None:
        """Open every suite around `element`, itself included, that is not open yet."""
        top = self._open[-1][0] if self._open else None
        opening: list[etree._Element] = []
        while element is not None and element is not top:
            if element.tag in _SUITES:
                opening.append(element)
            element = element.getparent()
        for suite in reversed(opening):
            self.tally.flush()
            self._open.append((suite, SuiteCount.of(suite, self.tally.elements())))

    def leave(self, element: etree._Element) -> None:
        """The end of a suite: its own `<error>`/`<failure>` children, its declared counts, its memory."""
        self.enter(element)
        self.tally.flush()
        _, suite = self._open.pop()
        for child in element:
            if child.tag in SUITE_RESULTS:
                self._suite_result(child, suite)
        self.tally.compare(suite)
        if self._open:
            self.release(element)
        element.clear()

    def release(self, element: etree._Element) -> None:
        """Free `element` and everything before it in its suite, so memory does not grow with the file.

        Siblings are inspected on the way out: a suite-level `<error>`/`<failure>` may sit before the cases.
        """
        element.clear()
        parent = element.getparent()
        if parent is None or parent.tag not in _SUITES:
            return
        first = parent[0]
        while first is not element:
            if first.tag in SUITE_RESULTS:
                self._suite_result(first, self.innermost)
            del parent[0]
            first = parent[0]

    def _suite_result(self, result: etree._Element, suite: SuiteCount) -> None:
        self.tally.record(None, CaseOutcome.ERROR, suite_case(suite.name, suite.file, result))
        self.tally.flush()


def _case_order(case: Case) -> tuple[str, str, str, int, str]:
    return (case.classname, case.name, case.file or "", case.line or 0, case.outcome.value)


def _failed(file: str, *problems: Problem) -> FileResult:
    return FileResult(file=file, format=FORMAT, problems=problems)

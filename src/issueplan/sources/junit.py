"""JUnit XML reader: every common dialect, streamed in bounded memory, hostile input turned into Problems.

Counting (what the corpus' expected counts use): one result per `<testcase>` element, whatever the nesting
of `<testsuites>` / `<testsuite>`; declared `tests=` / `failures=` attributes are never summed, only compared,
and a disagreement becomes one informational Problem per file. `_junit_case` says how a case gets its outcome.
An `<error>` or `<failure>` directly under a `<testsuite>` (its setup failed) counts as an errored case named
after the suite. Adjacent cases with one name, class and file of which at least one failed or errored are one
test run several times (pytest-rerunfailures style): it counts once, flaky if any attempt passed. Repeats that
all passed or were skipped are separate tests (parameterised tests sharing a title are common in jest, mocha).

Duration is the sum of the cases' `time` attributes (absent, negative or garbage → 0), never a suite's `time`:
suites nest, and their time may or may not include the nested ones and the setup, depending on the producer.

Every non-passing case is kept up to CASE_CAP per file (the counts stay exact; a Problem says how many were
left out), sorted by class, name, file and line so that reordered test runs give the same result.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import IO

from lxml import etree

from issueplan.model import Case, CaseOutcome, FileResult, Problem, TestTotals
from issueplan.sources._junit_case import (
    SUITE_RESULTS,
    build_case,
    declared_count,
    outcome_of,
    seconds,
    suite_case,
)
from issueplan.sources._junit_tally import SuiteCount, Tally
from issueplan.sources._xml import (
    declared_entities,
    entity_problem,
    source_line,
    stream_events,
    syntax_problem,
)

FORMAT = "junit"
CASE_CAP = 1000
_SUITES = frozenset({"testsuites", "testsuite"})
_TAGS = ("testsuites", "testsuite", "testcase")
# A root element named testsuites/testsuite after an optional BOM, XML declaration, comments, PIs and DOCTYPE.
_JUNIT_HEAD = re.compile(
    rb"\A(?:\s|<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]|\[.*?\])*>)*<testsuites?[\s/>]",
    re.DOTALL,
)


def detect(head: bytes) -> bool:
    """True when the first bytes of a file are an XML prolog followed by a testsuites/testsuite root."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode()
    return _JUNIT_HEAD.match(head.removeprefix(b"\xef\xbb\xbf")) is not None


def read(path: Path) -> FileResult:
    """Read one JUnit XML file. Never raises on bad input: what went wrong is in `problems`."""
    file = str(path)
    try:
        if path.stat().st_size == 0:
            return _failed(file, Problem(file=file, message="the file is empty: no JUnit report in it"))
        with path.open("rb") as stream:
            return _read_stream(file, stream)
    except OSError as error:
        return _failed(file, Problem(file=file, message=f"cannot read the file: {error.strerror or error}"))


def _read_stream(file: str, stream: IO[bytes]) -> FileResult:
    tally = Tally(CASE_CAP)
    stack: list[SuiteCount] = []
    root: str | None = None
    problems: list[Problem] = []
    events = stream_events(stream, events=("start", "end"), tags=_TAGS)
    try:
        for event, element in events:
            if root is None:
                root, refusal = _check_root(file, element)
                if refusal is not None:
                    return _failed(file, refusal)
            if event == "start":
                if element.tag != "testcase":
                    tally.flush()
                    stack.append(_suite_count(element, tally))
            elif element.tag == "testcase":
                _end_case(element, stack[-1], tally)
            else:
                _end_suite(element, stack, tally)
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
    problems.extend(tally.problems(file))
    return FileResult(
        file=file,
        format=FORMAT,
        totals=TestTotals(
            tests=tally.tests,
            failures=tally.failures,
            errors=tally.errors,
            skipped=tally.skipped,
            flaky=tally.flaky,
            duration=round(tally.duration, 6),
        ),
        cases=tuple(sorted(tally.cases, key=_case_order)),
        problems=tuple(problems),
    )


def _check_root(file: str, element: etree._Element) -> tuple[str, Problem | None]:
    """Refuse a document whose root is not JUnit, or whose DTD declares entities, at its first event."""
    root = element.getroottree().getroot()
    tag = str(root.tag)
    if tag not in _SUITES:
        message = f"not a JUnit report: the root element is <{tag}>, not <testsuites> or <testsuite>"
        return tag, Problem(file=file, line=source_line(root), message=message)
    entities = declared_entities(root)
    if entities:
        return tag, entity_problem(file, entities)
    return tag, None


def _suite_count(suite: etree._Element, tally: Tally) -> SuiteCount:
    skipped = suite.get("skipped")
    return SuiteCount(
        name=suite.get("name") or "",
        file=suite.get("file") or suite.get("filepath"),
        line=source_line(suite),
        declared=(
            declared_count(suite.get("tests")),
            declared_count(suite.get("failures")),
            declared_count(suite.get("errors")),
            declared_count(skipped if skipped is not None else suite.get("skips")),
        ),
        start=tally.elements(),
    )


def _end_case(testcase: etree._Element, suite: SuiteCount, tally: Tally) -> None:
    raw = testcase.get("time")
    if raw:
        try:
            value = float(raw)  # inlined: this runs once per case, and most times are plain numbers
        except ValueError:
            value = seconds(raw)
        if 0.0 < value < math.inf:
            tally.duration += value
    outcome: CaseOutcome | None = None
    case: Case | None = None
    if len(testcase) or testcase.get("status") is not None:
        outcome, detail = outcome_of(testcase)
        if outcome is not None and not tally.full:
            case = build_case(testcase, outcome, detail, suite.file)
    name = testcase.get("name")
    # Nameless cases are never reruns of one another: they are distinct tests nobody bothered to name.
    identity = (testcase.get("classname"), name, testcase.get("file")) if name else None
    tally.record(identity, outcome, case)
    _release(testcase, suite, tally)


def _end_suite(element: etree._Element, stack: list[SuiteCount], tally: Tally) -> None:
    tally.flush()
    suite = stack.pop()
    for child in element:
        if child.tag in SUITE_RESULTS:
            _suite_result(child, suite, tally)
    tally.compare(suite)
    parent = stack[-1] if stack else None
    if parent is not None:
        _release(element, parent, tally)
    element.clear()


def _suite_result(result: etree._Element, suite: SuiteCount, tally: Tally) -> None:
    tally.record(None, CaseOutcome.ERROR, suite_case(suite.name, suite.file, result))
    tally.flush()


def _release(element: etree._Element, suite: SuiteCount, tally: Tally) -> None:
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
            _suite_result(first, suite, tally)
        del parent[0]
        first = parent[0]


def _case_order(case: Case) -> tuple[str, str, str, int, str]:
    return (case.classname, case.name, case.file or "", case.line or 0, case.outcome.value)


def _failed(file: str, *problems: Problem) -> FileResult:
    return FileResult(file=file, format=FORMAT, problems=problems)

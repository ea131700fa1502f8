"""Visual Studio TRX (`dotnet test --logger trx`, vstest.console, MSTest, and the NUnit / xUnit adapters).

Counting: one test per result directly under `<Results>` (`UnitTestResult`, or another `*TestResult` kind);
its `outcome` decides, and a data-driven result's `<InnerResults>` rows are that one test's runs (the worst
row decides with it: error > failure > passed > skipped). Outcomes, from VSTest's TestOutcome:
- Passed, PassedButRunAborted, Completed, Warning: passed (the test itself did not fail);
- Failed: failure; Error, Timeout, Aborted, Disconnected, NotRunnable, or no outcome at all: error — the
  test never reached a verdict through no choice of its own (publish-unit-test-result-action also reads a
  missing outcome as an error);
- NotExecuted, Inconclusive, Pending, InProgress: skipped.
Theory rows of the xUnit and NUnit adapters are separate results with their own names: separate tests.

The class of a test lives in `TestDefinitions/UnitTest/TestMethod@className`, which dotnet writes after the
results and Visual Studio before them. Only the kept non-passing cases need it, so the stream is read once,
resolving classes of definitions met after their results; a second, definitions-only pass runs when some
are still unknown. Memory stays bounded by CASE_CAP, never by the number of tests.
Duration is the sum of the results' `duration` (`[d.]hh:mm:ss.fffffff`), like the JUnit reader's.
"""

from __future__ import annotations

import io
import re
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
from issueplan.sources._xml import (
    declared_entities,
    entity_problem,
    root_start,
    source_line,
    stream_events,
    syntax_problem,
)

FORMAT = "trx"
_EMPTY = "the file is empty: no TRX report in it"
ROOTS = frozenset({b"TestRun"})  # the root element `detect` may accept
_NAMESPACE = b"microsoft.com/schemas/VisualStudio/TeamTest/"
_SECTIONS = re.compile(rb"<(?:Results|TestDefinitions|ResultSummary|TestSettings|Times)[\s>/]")
_RESULT_KINDS = (
    "UnitTestResult",
    "TestResultAggregation",
    "GenericTestResult",
    "WebTestResult",
    "ManualTestResult",
)
_RESULT_TAGS = tuple("{*}" + kind for kind in _RESULT_KINDS)
# The result kinds and the definitions are asked for by name: every other element passes without an event.
_TAGS = ("{*}TestRun", *_RESULT_TAGS, "{*}UnitTest", "{*}TestEntry")
_OUTCOMES: dict[str, CaseOutcome | None] = {
    "passed": None,
    "passedbutrunaborted": None,
    "completed": None,
    "warning": None,
    "failed": CaseOutcome.FAILED,
    "error": CaseOutcome.ERROR,
    "timeout": CaseOutcome.ERROR,
    "aborted": CaseOutcome.ERROR,
    "disconnected": CaseOutcome.ERROR,
    "notrunnable": CaseOutcome.ERROR,
    "notexecuted": CaseOutcome.SKIPPED,
    "inconclusive": CaseOutcome.SKIPPED,
    "pending": CaseOutcome.SKIPPED,
    "inprogress": CaseOutcome.SKIPPED,
}
_DURATION = re.compile(r"^\s*(?:(\d+)\.)?(\d+):(\d+):(\d+(?:\.\d+)?)\s*$")


def detect(head: bytes) -> bool:
    """True for a `<TestRun>` root in the TeamTest namespace (or, without it, with TRX's own sections)."""
    root = root_start(head)
    if root is None or root[0] not in ROOTS:
        return False
    return _NAMESPACE in root[1] or _SECTIONS.search(head) is not None


def read(path: Path) -> FileResult:
    """Read one TRX file. Never raises on bad input: what went wrong is in `problems`."""
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
    counts = CaseTally()
    unresolved: dict[str, list[int]] = {}  # testId → indexes in counts.cases still without their class
    problems: list[Problem] = []
    checked = False
    events = stream_events(stream, events=("start", "end"), tags=_TAGS)
    try:
        for event, element in events:
            if not checked:
                refusal = _check_root(file, element)
                if refusal is not None:
                    return _failed(file, refusal)
                checked = True
            if event == "end":
                _take(element, counts, unresolved)
    except etree.XMLSyntaxError as error:
        kept = f"; the results before it are kept ({counts.tests})" if counts.tests else ""
        problems.append(syntax_problem(file, error, kept=kept))
        if not checked:
            return _failed(file, *problems)
    if not checked:
        root = events.root
        refusal = _check_root(file, root) if root is not None else None
        return _failed(file, refusal or Problem(file=file, message="not a TRX report: no <TestRun> root"))
    if unresolved:
        stream.seek(0)
        _resolve_classes(stream, counts, unresolved)
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
    name = etree.QName(root).localname
    if name != "TestRun":
        return Problem(
            file=file, line=source_line(root), message=f"not a TRX report: the root element is <{name}>"
        )
    entities = declared_entities(root)
    return entity_problem(file, entities) if entities else None


def _local(element: etree._Element) -> str:
    # Only elements reach here (the parser drops comments and PIs), so the tag is a `{namespace}name`.
    return str(element.tag).rpartition("}")[2]


def _take(element: etree._Element, counts: CaseTally, unresolved: dict[str, list[int]]) -> None:
    """One element of interest has ended: count a result, resolve a definition, then free what is done."""
    parent = element.getparent()
    if parent is None:
        return  # the root itself
    kind = _local(element)
    if kind == "UnitTest":
        indexes = unresolved.pop(element.get("id") or "", None)
        if indexes:
            _set_class(counts, indexes, _class_of(element))
    elif kind != "TestEntry":
        if _local(parent) != "Results":
            return  # a data-driven row: read with the result that holds it
        _count(element, counts, unresolved)
    element.clear()
    # Earlier siblings were counted already: dropping them keeps memory flat on a file of any size.
    while element.getprevious() is not None:
        del parent[0]


def _count(result: etree._Element, counts: CaseTally, unresolved: dict[str, list[int]]) -> None:
    counts.duration += _seconds(result.get("duration"))
    outcome, source = _judge(result)
    if outcome is None or counts.full:
        counts.add(outcome)
        return
    test_id = result.get("testId") or ""
    unresolved.setdefault(test_id, []).append(len(counts.cases))
    counts.add(outcome, _case(result.get("testName") or "", outcome, source))


def _judge(result: etree._Element) -> tuple[CaseOutcome | None, etree._Element]:
    """The outcome of a result and its data rows, and the element whose error text tells why."""
    decided: CaseOutcome | None = None
    runs: list[tuple[CaseOutcome | None, etree._Element]] = []
    for index, run in enumerate(result.iter(*_RESULT_TAGS)):
        raw = run.get("outcome")
        # A row without an outcome says nothing; only the result itself is an error for lacking one.
        if raw is None and index:
            continue
        outcome = _OUTCOMES.get(raw.strip().lower(), CaseOutcome.ERROR) if raw else CaseOutcome.ERROR
        decided = outcome if index == 0 else worst(decided, outcome)
        runs.append((outcome, run))
    explained = next(
        (run for outcome, run in runs if outcome is decided and _error_info(run) is not None), None
    )
    return decided, explained if explained is not None else result


def _error_info(run: etree._Element) -> etree._Element | None:
    return run.find("{*}Output/{*}ErrorInfo")


def _case(test_name: str, outcome: CaseOutcome, source: etree._Element) -> Case:
    """The Case of a non-passing result, its class still unknown (`_set_class`)."""
    info = _error_info(source)
    message = element_text(info.find("{*}Message")) if info is not None else ""
    trace = element_text(info.find("{*}StackTrace"), indented=True) if info is not None else ""
    if not message and outcome is CaseOutcome.SKIPPED:
        # The xUnit adapter writes a skip reason to standard output only.
        message = first_line(element_text(source.find("{*}Output/{*}StdOut")))
    if not message:
        message = first_line(trace) or _explanation(source.get("outcome"))
    file, line = trace_location(trace)
    return Case(
        name=test_name,
        file=file,
        line=line,
        outcome=outcome,
        message=cap_text(message, READ_CAP),
        trace=cap_text(trace, READ_CAP),
    )


def _explanation(raw: str | None) -> str:
    if raw is None:
        return "the result has no outcome"
    if raw.strip().lower() in _OUTCOMES:
        return f"{raw.strip()}, without a message"
    return f"unknown outcome {raw.strip()!r}"


def _class_of(definition: etree._Element) -> str:
    method = definition.find("{*}TestMethod")
    raw = (method.get("className") or "") if method is not None else ""
    # MSTest v1 writes an assembly-qualified name: `Ns.Class, Assembly, Version=…`.
    return raw.split(",", 1)[0].strip()


def _set_class(counts: CaseTally, indexes: list[int], classname: str) -> None:
    for index in indexes:
        case = counts.cases[index]
        counts.cases[index] = case.model_copy(
            update={"classname": classname, "name": short_name(case.name, classname)}
        )


def _resolve_classes(stream: IO[bytes], counts: CaseTally, unresolved: dict[str, list[int]]) -> None:
    """The second pass, for definitions written before their results: definitions only, stopping early."""
    try:
        for _, definition in stream_events(stream, events=("end",), tags=("{*}UnitTest",)):
            indexes = unresolved.pop(definition.get("id") or "", None)
            if indexes:
                _set_class(counts, indexes, _class_of(definition))
                if not unresolved:
                    return
            definition.clear()
    except etree.XMLSyntaxError:
        pass  # the first pass reported it; cases left unresolved keep an empty class


def _seconds(raw: str | None) -> float:
    """A TimeSpan (`00:00:01.5`, `1.02:03:04`) in seconds; absent or garbage → 0."""
    found = _DURATION.match(raw or "")
    if found is None:
        return 0.0
    days, hours, minutes, seconds = found.groups()
    return int(days or 0) * 86400 + int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def _failed(file: str, *problems: Problem) -> FileResult:
    return FileResult(file=file, format=FORMAT, problems=problems)

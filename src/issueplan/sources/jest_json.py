"""jest's JSON report (`jest --json --outputFile=…`, jest 29 and 30) → one result per test.

Counting: one case per entry of a test file's `assertionResults`. `status` says the outcome: `passed` (or
`focused`), `failed`, `pending` / `skipped` / `disabled` (skipped) and `todo` (skipped, its message says so).
A test that passed after failing is flaky: jest's retries (`jest.retryTimes`) rerun a failed test and report
only its last attempt, with `invocations` counting the attempts and, under `logErrorsBeforeRetry`, the failed
attempts' errors in `retryReasons`. A test file that failed without a failed test (it did not load, a hook
threw) is one errored case: its tests never ran, as a JUnit suite's own `<error>` says.

Failure or error, as JUnit tells them apart: an `expect` that did not hold (a `matcherResult` in
`failureDetails`) or an AssertionError is a failure; anything else thrown is an error.

Location: the test's own line (`location`, written with `--testLocationInResults`), else the first frame of
the trace in the test's file. Duration: from the run's `startTime` to the last file's `endTime` (files run in
parallel: their sum would overstate it), else the tests' durations summed.

The report is one JSON document, loaded whole under `_json`'s size cap; messages and traces are capped at
READ_CAP and at most TRACES_KEPT of a test's messages are kept.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from issueplan.model import READ_CAP, Case, CaseOutcome, FileResult, Problem, cap_text
from issueplan.sources._case_tally import CaseTally
from issueplan.sources._json import JsonValue, as_dict, as_int, as_list, as_number, as_str, load_json
from issueplan.sources._trace_locations import LINE_LIMIT, checkout_relative, trace_location

FORMAT = "jest-json"
TRACES_KEPT = 5

# jest writes its counters first (`numFailedTestSuites`, …, `numTotalTestSuites`, `numTotalTests`), before
# the `snapshot`, `coverageMap` and `testResults` that may be long: both totals are in any head.
_OPENS = re.compile(rb'\A\s*\{\s*"')
_TOTALS = (re.compile(rb'"numTotalTests"\s*:'), re.compile(rb'"numTotalTestSuites"\s*:'))
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
_ERROR_NAME = re.compile(r"^\s*([A-Za-z_$][\w$.]*)(?:\s*\[[^\]\n]*\])?:")
_FRAME = re.compile(r"^\s+at ")
_HEADLINE = re.compile(r"^\s*\u25cf\s+(.+?)\s*$")
_BOM = b"\xef\xbb\xbf"
_SEPARATOR = "\u203a"  # what jest prints between the parts of a test's path
_STATUSES: dict[str, CaseOutcome | None] = {
    "passed": None,
    "focused": None,
    "failed": CaseOutcome.FAILED,
    "pending": CaseOutcome.SKIPPED,
    "skipped": CaseOutcome.SKIPPED,
    "disabled": CaseOutcome.SKIPPED,
    "todo": CaseOutcome.SKIPPED,
}

Entry = dict[str, JsonValue]


def detect(head: bytes) -> bool:
    """True for a JSON object whose head holds jest's `numTotalTests` and `numTotalTestSuites`."""
    head = head.removeprefix(_BOM)
    return _OPENS.match(head) is not None and all(total.search(head) for total in _TOTALS)


def read(path: Path) -> FileResult:
    """Read one jest JSON report. Never raises on bad input: what went wrong is in `problems`."""
    file = str(path)
    try:
        empty = path.stat().st_size == 0
    except OSError:
        empty = False  # load_json says why it cannot be read
    if empty:
        return _refused(file, "the file is empty: no jest JSON report in it")
    document = load_json(path)
    if isinstance(document, Problem):
        return FileResult(file=file, format=FORMAT, problems=(document,))
    report = as_dict(document)
    if not isinstance(report.get("testResults"), list):
        return _refused(file, "not a jest JSON report: no `testResults` list")
    problems: list[Problem] = []
    tally = CaseTally()
    unknown: Counter[str] = Counter()
    test_files = _objects(file, "testResults", report["testResults"], problems)
    for test_file in test_files:
        _count_file(file, test_file, tally, unknown, problems)
    for status, count in sorted(unknown.items()):
        message = f"{count} tests have the status {status!r}, which jest does not write; they are not counted"
        problems.append(Problem(file=file, message=message))
    return tally.result(file, FORMAT, _duration(report, test_files), problems)


def _refused(file: str, message: str) -> FileResult:
    return FileResult(file=file, format=FORMAT, problems=(Problem(file=file, message=message),))


def _objects(file: str, key: str, value: JsonValue, problems: list[Problem]) -> list[Entry]:
    items = as_list(value)
    entries = [item for item in items if isinstance(item, dict)]
    if len(entries) < len(items):
        skipped = len(items) - len(entries)
        problems.append(Problem(file=file, message=f"{skipped} entries of `{key}` are not objects; skipped"))
    return entries


def _count_file(
    file: str, test_file: Entry, tally: CaseTally, unknown: Counter[str], problems: list[Problem]
) -> None:
    """The tests of one test file, and the file's own failure when no test of it failed."""
    source = as_str(test_file.get("name")) or ""
    results = test_file.get("assertionResults")
    if results is not None and not isinstance(results, list):
        where = cap_text(source, 500) or "a test file"
        problems.append(Problem(file=file, message=f"{where}: `assertionResults` is not a list; not counted"))
    failed = False
    for test in _objects(file, "assertionResults", results, problems):
        status = as_str(test.get("status"))
        if status not in _STATUSES:
            unknown[cap_text(str(status), 100)] += 1
            continue
        outcome = _outcome(test, _STATUSES[status])
        failed = failed or outcome in {CaseOutcome.FAILED, CaseOutcome.ERROR}
        tally.add(outcome, _case(test, outcome, source) if outcome is not None and not tally.full else None)
    if as_str(test_file.get("status")) == "failed" and not failed:
        tally.add(CaseOutcome.ERROR, None if tally.full else _file_case(test_file, source))


def _outcome(test: Entry, stated: CaseOutcome | None) -> CaseOutcome | None:
    if stated is CaseOutcome.FAILED:
        return _kind(test)
    if stated is None and ((as_int(test.get("invocations")) or 0) > 1 or as_list(test.get("retryReasons"))):
        return CaseOutcome.FLAKY
    return stated


def _kind(test: Entry) -> CaseOutcome:
    """FAILED for an expectation that did not hold, ERROR for anything else thrown."""
    details = [as_dict(detail) for detail in as_list(test.get("failureDetails"))[:TRACES_KEPT]]
    if any("matcherResult" in detail for detail in details):
        return CaseOutcome.FAILED
    name = _error_name(_texts(test.get("failureMessages")))
    return CaseOutcome.FAILED if "Assert" in name else CaseOutcome.ERROR


def _texts(value: JsonValue) -> str:
    """The first TRACES_KEPT messages of a list, colour codes removed, one after the other."""
    texts = [item for item in as_list(value)[:TRACES_KEPT] if isinstance(item, str)]
    # Reporters colour assertion diffs; escape codes are noise in an issue body.
    return "\n\n".join(_ANSI.sub("", cap_text(text, READ_CAP)).strip("\n") for text in texts)


def _error_name(trace: str) -> str:
    found = _ERROR_NAME.match(trace)
    return found.group(1) if found else ""


def _case(test: Entry, outcome: CaseOutcome, source: str) -> Case:
    title = as_str(test.get("title")) or ""
    ancestors = " ".join(title for title in as_list(test.get("ancestorTitles")) if isinstance(title, str))
    trace = _texts(test.get("failureMessages"))
    if outcome is CaseOutcome.FLAKY:
        trace = _texts(test.get("retryReasons"))
    message = _message(trace)
    name = _error_name(trace)
    if name and message.startswith(f"{name}:"):  # the name is the case's `type`, as mocha's reader keeps it
        message = message[len(name) + 1 :].strip()
    if outcome is CaseOutcome.FLAKY and not message:
        attempts = as_int(test.get("invocations")) or 2
        message = f"passed on retry {attempts - 1} (the earlier attempts failed)"
    elif as_str(test.get("status")) == "todo":
        message = "todo: not written yet"
    return Case(
        classname=cap_text(ancestors, READ_CAP),
        name=cap_text(title or as_str(test.get("fullName")) or "", READ_CAP),
        file=checkout_relative(source) if source else None,
        line=_own_line(as_dict(test.get("location")).get("line")) or _line_in(trace, source),
        outcome=outcome,
        message=cap_text(message, READ_CAP),
        type=name if outcome in {CaseOutcome.FAILED, CaseOutcome.ERROR} else "",
        trace=cap_text(trace, READ_CAP),
    )


def _file_case(test_file: Entry, source: str) -> Case:
    """A test file that failed on its own: `● Test suite failed to run` and why, in its `message`."""
    text = _ANSI.sub("", cap_text(as_str(test_file.get("message")) or "", READ_CAP)).strip("\n")
    lines = text.splitlines()
    headline = next((found.group(1) for line in lines[:5] if (found := _HEADLINE.match(line))), "")
    after = lines[next((i + 1 for i, line in enumerate(lines) if _HEADLINE.match(line)), 0) :]
    message = next((line.strip() for line in after if line.strip()), "")
    shown = checkout_relative(source) if source else ""
    return Case(
        classname="",
        name=f"{shown or '(unnamed test file)'} {_SEPARATOR} {headline or 'the test file failed'}",
        file=shown or None,
        line=_line_in(text, source),
        outcome=CaseOutcome.ERROR,
        message=cap_text(message or "the test file failed, and no test of it did", READ_CAP),
        type=_error_name(message),
        trace=text,
    )


def _message(trace: str) -> str:
    """The error's own text: what comes before the first stack frame."""
    kept: list[str] = []
    for line in trace.split("\n", LINE_LIMIT)[:LINE_LIMIT]:
        if _FRAME.match(line):
            break
        kept.append(line)
    return "\n".join(kept).strip()


def _own_line(value: JsonValue) -> int | None:
    line = as_int(value)
    return line if line is not None and 0 < line < 10**9 else None


def _line_in(trace: str, source: str) -> int | None:
    """The line of the first stack frame in the test's own file: where the test failed."""
    if not source:
        return None
    target = source.replace("\\", "/")
    for frame in trace.split("\n", 50)[:50]:
        if not _FRAME.match(frame):
            continue
        found = trace_location(frame)
        if found is None or not found.path:
            continue
        where = found.path.replace("\\", "/")
        if target == where or target.endswith(f"/{where}"):
            return found.line
    return None


def _duration(report: Entry, test_files: list[Entry]) -> float:
    start = as_number(report.get("startTime"))
    ends = [end for entry in test_files if (end := as_number(entry.get("endTime"))) is not None]
    if start is not None and ends and max(ends) >= start:
        return (max(ends) - start) / 1000
    tests = (test for entry in test_files for test in as_list(entry.get("assertionResults")))
    return sum(max(as_number(as_dict(test).get("duration")) or 0.0, 0.0) for test in tests) / 1000

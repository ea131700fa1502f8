"""Dart test JSON reporter streams (`dart test --reporter json`, `flutter test --machine`) → test results.

Counting follows the protocol's own rules (dart-lang/test, json_reporter.md): a test is what a `testStart`
announces; its `testDone` gives the result — `failure` (an expectation failed), `error` (anything else was
thrown) or `success` — and whether it was skipped. Hidden tests (the runner's `loading <file>` pseudo-tests,
setUpAll / tearDownAll) are not counted unless they failed. A test may report an `error` after its
`testDone`: it failed after all, and a hidden one becomes visible. A test started but never done (the runner
was killed, or the file is cut) is an error.

Duration: the runner's clock at the last event (every event's `time` is milliseconds since the run began).

The stream is read line by line (`_ndjson`); what stays in memory is one small record per test (late errors
can arrive until the end) and the details of the first CASE_CAP failing ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from issueplan.model import READ_CAP, Case, CaseOutcome, FileResult, Problem, cap_text
from issueplan.sources._case_tally import CASE_CAP, CaseTally
from issueplan.sources._json import JsonValue, as_dict, as_int, as_number, as_str
from issueplan.sources._ndjson import EventLines

FORMAT = "dart-json"

# The first event: the reporter's `start` (with its protocol version), or a suite / test event of a stream
# whose start line was lost.
_FIRST_EVENT = re.compile(
    rb'\A\s*\{(?=[^\n]*"type"\s*:\s*"start")(?=[^\n]*"protocolVersion"\s*:)'
    rb'|\A\s*\{(?=[^\n]*"type"\s*:\s*"(?:suite|testStart|allSuites)")(?=[^\n]*"(?:suite|test|count)"\s*:)'
)
_RESULTS = {"failure": CaseOutcome.FAILED, "error": CaseOutcome.ERROR}
_RANK = {CaseOutcome.ERROR: 0, CaseOutcome.FAILED: 1}
_ERROR_TYPE = re.compile(r"^((?:[A-Za-z_$][\w$]*)?(?:Exception|Error|Failure))\b")
_DRIVE = re.compile(r"^/[A-Za-z]:/")
_BOM = b"\xef\xbb\xbf"

TestId = int | str


def detect(head: bytes) -> bool:
    """True when the first line is a Dart JSON reporter event."""
    first = head.removeprefix(_BOM).lstrip().split(b"\n", 1)[0]
    return _FIRST_EVENT.match(first) is not None


def read(path: Path) -> FileResult:
    """Read one Dart test JSON stream. Never raises on bad input: what went wrong is in `problems`."""
    file = str(path)
    try:
        if path.stat().st_size == 0:
            return _failed(file, "the file is empty: no Dart test events in it")
        with path.open("rb") as stream:
            lines = EventLines(stream, file)
            run = _Run()
            for _, event in lines:
                run.take(event)
    except OSError as error:
        return _failed(file, f"cannot read the file: {error.strerror or error}")
    problems = lines.problems()
    if not run.seen:
        problems.append(Problem(file=file, message="not a Dart test JSON stream: no test event in it"))
        return FileResult(file=file, format=FORMAT, problems=tuple(problems))
    return run.result(file, problems)


@dataclass(slots=True)
class _Test:
    name: str
    suite: TestId | None
    file: str | None
    line: int | None
    skip_reason: str = ""
    done: bool = False
    hidden: bool = False
    skipped: bool = False
    result: CaseOutcome | None = None
    error: CaseOutcome | None = None  # the worst `error` event, before or after testDone
    message: str = ""  # the first error's, kept for the first CASE_CAP failing tests only
    trace: str = ""
    kept: bool = False

    def outcome(self) -> CaseOutcome | None:
        failed = [o for o in (self.result, self.error) if o is not None]
        if failed:
            return min(failed, key=_RANK.__getitem__)
        if not self.done:
            return CaseOutcome.ERROR
        return CaseOutcome.SKIPPED if self.skipped else None


class _Run:
    def __init__(self) -> None:
        self.tests: dict[TestId, _Test] = {}
        self.suites: dict[TestId, str] = {}
        self.clock = 0.0
        self.stored = 0  # failing tests whose details are kept, at most CASE_CAP
        self.seen = False

    def take(self, event: dict[str, JsonValue]) -> None:
        kind = as_str(event.get("type"))
        if kind is None:
            return
        self.seen = True
        time = as_number(event.get("time"))
        if time is not None and time > self.clock:
            self.clock = time
        if kind == "suite":
            suite = as_dict(event.get("suite"))
            suite_id, suite_path = _id(suite.get("id")), as_str(suite.get("path"))
            if suite_id is not None and suite_path:
                self.suites[suite_id] = suite_path
        elif kind == "testStart":
            self._start(as_dict(event.get("test")))
        elif kind in {"testDone", "error", "print"}:
            test_id = _id(event.get("testID"))
            if test_id is not None:
                # A result for a test whose start was lost still counts, under a name made from its id.
                test = self.tests.get(test_id) or self.tests.setdefault(
                    test_id, _Test(f"test {test_id}", None, None, None)
                )
                if kind == "testDone":
                    self._done(test, event)
                elif kind == "error":
                    self._error(test, event)
                else:
                    self._print(test, event)

    def _start(self, info: dict[str, JsonValue]) -> None:
        test_id = _id(info.get("id"))
        if test_id is None:
            return
        suite = _id(info.get("suiteID"))
        # Flutter's testWidgets reports its own source as `url`; `root_url` is the test file that called it.
        url = as_str(info.get("root_url")) or as_str(info.get("url"))
        line = as_int(info.get("root_line")) if info.get("root_url") else as_int(info.get("line"))
        metadata = as_dict(info.get("metadata"))
        self.tests[test_id] = _Test(
            name=as_str(info.get("name")) or f"test {test_id}",
            suite=suite,
            file=_path_of(url) if url else self.suites.get(suite) if suite is not None else None,
            line=line if line and line > 0 else None,
            skip_reason=as_str(metadata.get("skipReason")) or "",
        )

    def _done(self, test: _Test, event: dict[str, JsonValue]) -> None:
        test.done = True
        test.hidden = event.get("hidden") is True
        test.skipped = event.get("skipped") is True
        test.result = _RESULTS.get(as_str(event.get("result")) or "")
        if test.result is not None and not test.message:
            test.message = f"the test ended with result {event.get('result')!r}"
            self._keep(test, test.message, "")

    def _error(self, test: _Test, event: dict[str, JsonValue]) -> None:
        outcome = CaseOutcome.FAILED if event.get("isFailure") is True else CaseOutcome.ERROR
        if test.error is None or _RANK[outcome] < _RANK[test.error]:
            test.error = outcome
        if not test.trace:
            error = (as_str(event.get("error")) or "").strip("\n")
            stack = (as_str(event.get("stackTrace")) or "").strip("\n")
            self._keep(test, error, "\n".join(text for text in (error, stack) if text))

    def _print(self, test: _Test, event: dict[str, JsonValue]) -> None:
        if event.get("messageType") == "skip" and not test.skip_reason:
            test.skip_reason = (as_str(event.get("message")) or "").removeprefix("Skip: ")

    def _keep(self, test: _Test, message: str, trace: str) -> None:
        if not test.kept and self.stored >= CASE_CAP:
            return
        if not test.kept:
            test.kept, self.stored = True, self.stored + 1
        test.message, test.trace = cap_text(message.strip(), READ_CAP), cap_text(trace, READ_CAP)

    def result(self, file: str, problems: list[Problem]) -> FileResult:
        tally = CaseTally()
        unfinished = 0
        for test in self.tests.values():
            outcome = test.outcome()
            if test.hidden and outcome not in _RANK:
                continue
            unfinished += not test.done
            tally.add(outcome, self._case(test, outcome) if outcome is not None else None)
        if unfinished:
            tests = "1 test" if unfinished == 1 else f"{unfinished} tests"
            message = f"{tests} started but never finished (the run was cut short): counted as errors"
            problems.append(Problem(file=file, message=message))
        return tally.result(file, FORMAT, self.clock / 1000, problems)

    def _case(self, test: _Test, outcome: CaseOutcome) -> Case | None:
        if outcome is CaseOutcome.SKIPPED:
            message = test.skip_reason
        elif not test.done:
            message = "the test started but never finished: the run was cut short"
        elif test.kept:
            message = test.message
        else:
            return None  # past CASE_CAP: counted, not listed
        found = _ERROR_TYPE.match(test.message) if outcome in _RANK else None
        return Case(
            classname=self.suites.get(test.suite, "") if test.suite is not None else "",
            name=test.name,
            file=test.file,
            line=test.line,
            outcome=outcome,
            message=message,
            type=found.group(1) if found else "",
            trace=test.trace,
        )


def _id(value: JsonValue) -> TestId | None:
    return value if isinstance(value, int | str) and not isinstance(value, bool) else None


def _path_of(url: str) -> str:
    """A `file://` URL as a path; other URLs (`package:…`, `http:…`) as they are."""
    parsed = urlparse(url)
    if parsed.scheme != "file":
        return url
    path = unquote(parsed.path)
    return path[1:] if _DRIVE.match(path) else path  # file:///C:/x → C:/x


def _failed(file: str, message: str) -> FileResult:
    return FileResult(file=file, format=FORMAT, problems=(Problem(file=file, message=message),))

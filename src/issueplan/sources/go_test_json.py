"""`go test -json` event streams (and gotestsum's `--jsonfile`, the same events) → one result per test.

Counting: every test name of a package is one case, parents and subtests (`TestA/sub`) alike, as
go-junit-report and test-reporter count them. A test's result is its last pass/fail/skip event: gotestsum's
`--rerun-fails` appends new attempts to the same stream, and a test that failed and then passed is flaky.
A test left without a result (its binary panicked or timed out, or the file is cut) is an error. A package
that failed with no failing test of its own (build failure, TestMain, a crash outside any test) is one
errored case named after the package.

Duration: the packages' own Elapsed, the wall time of each test binary; summing the tests' Elapsed would count
a subtest's time again in its parent.

The stream is read line by line (`_ndjson`); what stays in memory is one small record per distinct test and
the output of the tests still running, capped, as their trace.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from issueplan.model import CUT_MARK, READ_CAP, Case, CaseOutcome, FileResult, Problem, cap_text
from issueplan.sources._case_tally import CASE_CAP, CaseTally
from issueplan.sources._json import JsonValue, as_number, as_str
from issueplan.sources._ndjson import EventLines
from issueplan.sources._trace_locations import go_location

FORMAT = "go-test-json"

_ACTIONS = (
    b"start|run|pause|cont|pass|bench|fail|output|skip|build-output|build-fail|attr"  # attr: Go 1.25 t.Attr
)
# The first event of a stream: an object with a known Action and a Package (or a build's ImportPath).
_FIRST_EVENT = re.compile(rb'\A\s*\{[^\n]*"Action"\s*:\s*"(?:' + _ACTIONS + rb')"')
_PACKAGE_KEY = re.compile(rb'\A\s*\{[^\n]*"(?:Package|ImportPath)"\s*:\s*"')
_RESULTS: dict[str, CaseOutcome | None] = {
    "pass": None,  # nosec B105 - a go test action name, not a password
    "fail": CaseOutcome.FAILED,
    "skip": CaseOutcome.SKIPPED,
}
# `=== RUN` and friends frame a test's output; its `--- FAIL: name (0.00s)` line only repeats the result.
_FRAME = re.compile(r"^\s*(?:=== (?:RUN|PAUSE|CONT|NAME)\b|--- (?:PASS|FAIL|SKIP): )")
# `# pkg` heads a build's output; FAIL / ok / exit status only repeat the verdict.
_PACKAGE_NOISE = re.compile(
    r"^(?:FAIL|PASS|ok)\b|^# |^exit status \d+|^coverage: |^testing: warning: no tests"
)
_NO_OUTPUT = {
    CaseOutcome.FAILED: "failed without output of its own (see its subtests)",
    CaseOutcome.SKIPPED: "skipped",
    CaseOutcome.ERROR: "the test binary panicked or timed out, or the output was cut before it ended",
    CaseOutcome.FLAKY: "failed, then passed when run again",
}
_BOM = b"\xef\xbb\xbf"


def detect(head: bytes) -> bool:
    """True when the first line is a `go test -json` event: a JSON object with a test Action and Package."""
    first = head.removeprefix(_BOM).lstrip().split(b"\n", 1)[0]
    return _FIRST_EVENT.match(first) is not None and _PACKAGE_KEY.match(first) is not None


def read(path: Path) -> FileResult:
    """Read one `go test -json` stream. Never raises on bad input: what went wrong is in `problems`."""
    file = str(path)
    try:
        if path.stat().st_size == 0:
            return _failed(file, "the file is empty: no go test -json events in it")
        with path.open("rb") as stream:
            lines = EventLines(stream, file)
            run = _Run()
            for _, event in lines:
                run.take(event)
    except OSError as error:
        return _failed(file, f"cannot read the file: {error.strerror or error}")
    problems = lines.problems()
    if not run.seen:
        problems.append(Problem(file=file, message="not a go test -json stream: no test event in it"))
        return FileResult(file=file, format=FORMAT, problems=tuple(problems))
    return run.result(file, problems)


@dataclass(slots=True)
class _Output:
    """A test's or a package's output lines, kept up to READ_CAP characters; the rest only counted."""

    parts: list[str] = field(default_factory=list)
    kept: int = 0
    total: int = 0
    result_line: str = ""

    def add(self, text: str) -> None:
        if _FRAME.match(text):
            if text.lstrip().startswith("---"):
                self.result_line = text.strip()
            return
        self.total += len(text)
        if self.kept < READ_CAP:
            part = text[: READ_CAP - self.kept]
            self.parts.append(part)
            self.kept += len(part)

    def text(self) -> str:
        # Go indents a test's log lines by four spaces per subtest level: noise in an issue body.
        kept = textwrap.dedent("".join(self.parts)).strip("\n")
        return kept + CUT_MARK.format(n=self.total - self.kept) if self.total > self.kept else kept


@dataclass(slots=True)
class _Test:
    package: str
    name: str
    done: bool = False
    outcome: CaseOutcome | None = None
    failed_before: bool = False  # an earlier attempt failed: a final pass makes the test flaky
    elapsed: float = 0.0
    output: _Output | None = field(default_factory=_Output)  # freed at the result, once the case is built
    case: Case | None = None


@dataclass(slots=True)
class _Package:
    name: str
    result: str | None = None
    elapsed: float | None = None
    output: _Output | None = field(default_factory=_Output)


class _Run:
    """The state of one stream: every test seen, every package seen, in the order they appeared."""

    def __init__(self) -> None:
        self.tests: dict[tuple[str, str], _Test] = {}
        self.packages: dict[str, _Package] = {}
        self.stored = 0  # cases built so far, at most CASE_CAP: the rest are only counted
        self.seen = False

    def take(self, event: dict[str, JsonValue]) -> None:
        action = as_str(event.get("Action"))
        package = as_str(event.get("Package"))
        if package is None:
            # Go 1.24's build events name the package being built as ImportPath ("pkg [pkg.test]").
            package = (as_str(event.get("ImportPath")) or "").split(" ", 1)[0]
        if action is None or (not package and "Test" not in event):
            return
        self.seen = True
        pkg = self.packages.get(package) or self.packages.setdefault(package, _Package(package))
        name = as_str(event.get("Test"))
        if name:
            self._test_event(pkg, name, action, event)
        elif action in _RESULTS:
            pkg.result, pkg.elapsed = action, as_number(event.get("Elapsed") or 0)
            if action != "fail":
                pkg.output = None
        elif action in {"output", "build-output"} and pkg.output is not None:
            pkg.output.add(as_str(event.get("Output")) or "")

    def _test_event(self, pkg: _Package, name: str, action: str, event: dict[str, JsonValue]) -> None:
        key = (pkg.name, name)
        test = self.tests.get(key)
        if test is None:
            if action not in _RESULTS and action != "run":
                return  # output of a benchmark or example that never ran as a test
            test = self.tests[key] = _Test(pkg.name, name)
        if action == "run" and test.done:  # a rerun: a new attempt with its own output
            test.done, test.output = False, _Output()
        elif action == "output" and test.output is not None:
            test.output.add(as_str(event.get("Output")) or "")
        elif action in _RESULTS:
            self._finish(test, _RESULTS[action], as_number(event.get("Elapsed") or 0) or 0.0)

    def _finish(self, test: _Test, outcome: CaseOutcome | None, elapsed: float) -> None:
        test.failed_before = test.failed_before or test.outcome is CaseOutcome.FAILED
        test.done, test.outcome, test.elapsed = True, outcome, elapsed
        if outcome is not None:
            output = test.output or _Output()
            if test.case is None and self.stored < CASE_CAP:
                self.stored += 1
                test.case = _case(test.package, test.name, outcome, output)
            elif test.case is not None:  # the newest attempt explains the result
                test.case = _case(test.package, test.name, outcome, output)
        elif test.case is not None and not test.failed_before:
            test.case = None  # skipped, then passed: nothing to list
            self.stored -= 1
        test.output = None

    def result(self, file: str, problems: list[Problem]) -> FileResult:
        tally = CaseTally()
        failing: set[str] = set()
        cut: set[str] = set()
        for test in self.tests.values():
            outcome, case = self._final(test)
            if outcome in {CaseOutcome.FAILED, CaseOutcome.ERROR}:
                failing.add(test.package)
            if not test.done and self.packages[test.package].result is None:
                cut.add(test.package)
            tally.add(outcome, case)
        for pkg in self.packages.values():
            if pkg.result == "fail" and pkg.name not in failing:
                tally.add(CaseOutcome.ERROR, _package_case(pkg) if not tally.full else None)
        if cut:
            names = ", ".join(sorted(cut)[:3]) + (" …" if len(cut) > 3 else "")
            message = (
                f"the stream ends before these packages finished: {names}; "
                "their unfinished tests count as errors"
            )
            problems.append(Problem(file=file, message=message))
        return tally.result(file, FORMAT, self._duration(), problems)

    def _final(self, test: _Test) -> tuple[CaseOutcome | None, Case | None]:
        if not test.done:
            # Its output so far (often a panic) explains it best; it is kept whatever the case cap says,
            # as only tests cut short still hold their output here.
            case = _case(test.package, test.name, CaseOutcome.ERROR, test.output or _Output())
            return CaseOutcome.ERROR, case.model_copy(update={"message": f"no result: {case.message}"})
        if test.outcome is None:
            if not test.failed_before:
                return None, None
            flaky = test.case.model_copy(update={"outcome": CaseOutcome.FLAKY}) if test.case else None
            return CaseOutcome.FLAKY, flaky
        return test.outcome, test.case

    def _duration(self) -> float:
        total = 0.0
        for pkg in self.packages.values():
            if pkg.elapsed is not None:
                total += pkg.elapsed
            else:  # a package cut short: its top-level tests are what is known of its time
                total += sum(
                    t.elapsed for t in self.tests.values() if t.package == pkg.name and "/" not in t.name
                )
        return total


def _case(package: str, name: str, outcome: CaseOutcome, output: _Output) -> Case:
    trace = output.text()
    message = next((line.strip() for line in trace.splitlines() if line.strip()), output.result_line)
    if not message:
        message = _NO_OUTPUT[outcome]
    found = go_location(trace, package)
    return Case(
        classname=package,
        name=name,
        file=found.path if found else None,
        line=found.line if found else None,
        path_known=found.rooted if found else True,
        outcome=outcome,
        message=cap_text(message, READ_CAP),
        type="panic" if "\npanic: " in f"\n{trace}" else "",
        trace=trace,
    )


def _package_case(pkg: _Package) -> Case:
    trace = (pkg.output or _Output()).text()
    lines = (line.strip() for line in trace.splitlines())
    message = next((line for line in lines if line and not _PACKAGE_NOISE.match(line)), "")
    found = go_location(trace, pkg.name)
    return Case(
        classname=pkg.name,
        name=pkg.name,
        file=found.path if found else None,
        line=found.line if found else None,
        path_known=found.rooted if found else True,
        outcome=CaseOutcome.ERROR,
        message=cap_text(message or "the package failed without a failing test", READ_CAP),
        trace=trace,
    )


def _failed(file: str, message: str) -> FileResult:
    return FileResult(file=file, format=FORMAT, problems=(Problem(file=file, message=message),))

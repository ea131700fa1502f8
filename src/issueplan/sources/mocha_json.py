"""Mocha's JSON reporter (`mocha --reporter json`) → one result per test.

Counting: one case per entry of `tests` (every test that ran or was pending, once). A test failed when its
`err` is not empty (or it is listed in `failures`), was skipped when listed in `pending`, and is flaky when
it passed on a retry (`currentRetry` > 0: mocha reports only a retried test's last attempt). Entries of
`failures` that are not tests are failed hooks (`"before all" hook for …`): each is one errored case, as a
JUnit suite's own `<error>` is. Files without `tests` (other writers of this shape) are counted from `passes`,
`failures` and `pending`.

Failure or error, as JUnit tells them apart: an assertion that did not hold (AssertionError of node/chai/
should, jest's and unexpected's errors, anything carrying `actual` and `expected`) is a failure; anything else
thrown (TypeError, a timeout, a plain Error) is an error.

Duration: mocha's own `stats.duration` (milliseconds, the whole run), else the tests' durations summed.
The report is one JSON document, loaded whole under `_json`'s size cap.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from issueplan.model import READ_CAP, Case, CaseOutcome, FileResult, Problem, cap_text
from issueplan.sources._case_tally import CaseTally
from issueplan.sources._json import JsonValue, as_dict, as_list, as_number, as_str, load_json
from issueplan.sources._trace_locations import checkout_relative

FORMAT = "mocha-json"

# `{"stats": {…}, "tests": [` — mocha writes `stats` first, a flat object with these counters, then the lists.
_HEAD = re.compile(
    rb'\A\s*\{\s*"stats"\s*:\s*\{([^{}]*)\}\s*,\s*"(?:tests|pending|failures|passes)"\s*:\s*\[',
)
_STATS_KEYS = (re.compile(rb'"passes"\s*:'), re.compile(rb'"pending"\s*:'), re.compile(rb'"failures"\s*:'))
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
_ERROR_NAME = re.compile(r"^\s*([A-Za-z_$][\w$.]*)(?:\s*\[[^\]\n]*\])?:")
_ASSERTION_NAMES = frozenset({"UnexpectedError", "ExpectationError", "ExpectationFailed"})
_ASSERTION_KEYS = ("showDiff", "matcherResult")
# A frame's path starts where a run of path characters starts (the lookbehind): tried from inside a run, the
# pattern would rescan the rest of it from each character, quadratic in a long line.
_FRAME = re.compile(r"(?<![^\s():])((?:[A-Za-z]:)?[^\s():]+):(\d+):\d+\)?\s*$")
_BOM = b"\xef\xbb\xbf"

Test = dict[str, JsonValue]


def detect(head: bytes) -> bool:
    """True when the file opens with mocha's `stats` object (passes, pending, failures) and a test list."""
    found = _HEAD.match(head.removeprefix(_BOM))
    return found is not None and all(key.search(found.group(1)) for key in _STATS_KEYS)


def read(path: Path) -> FileResult:
    """Read one Mocha JSON report. Never raises on bad input: what went wrong is in `problems`."""
    file = str(path)
    try:
        empty = path.stat().st_size == 0
    except OSError:
        empty = False  # load_json says why it cannot be read
    if empty:
        problem = Problem(file=file, message="the file is empty: no Mocha JSON report in it")
        return FileResult(file=file, format=FORMAT, problems=(problem,))
    document = load_json(path)
    if isinstance(document, Problem):
        return FileResult(file=file, format=FORMAT, problems=(document,))
    report = as_dict(document)
    lists = {key: report.get(key) for key in ("tests", "passes", "failures", "pending")}
    if not any(isinstance(value, list) for value in lists.values()):
        problem = Problem(
            file=file, message="not a Mocha JSON report: no tests, passes, failures or pending list"
        )
        return FileResult(file=file, format=FORMAT, problems=(problem,))
    problems: list[Problem] = []
    tests, failures, pending = (
        _objects(file, key, lists[key], problems) for key in ("tests", "failures", "pending")
    )
    if not isinstance(lists["tests"], list):
        tests = [*_objects(file, "passes", lists["passes"], problems), *failures, *pending]
    tally = CaseTally()
    failed, skipped = Counter(map(_key, failures)), Counter(map(_key, pending))
    for test in tests:
        key, err = _key(test), as_dict(test.get("err"))
        outcome: CaseOutcome | None = None
        if err or failed[key]:
            failed[key] -= 1
            outcome = _kind(err)
        elif skipped[key]:
            skipped[key] -= 1
            outcome = CaseOutcome.SKIPPED
        elif (as_number(test.get("currentRetry")) or 0) > 0:
            outcome = CaseOutcome.FLAKY
        tally.add(outcome, _case(test, outcome) if outcome is not None and not tally.full else None)
    for hook in failures:
        if failed[_key(hook)] > 0:  # a failure that is no test: a hook failed
            failed[_key(hook)] -= 1
            tally.add(CaseOutcome.ERROR, _case(hook, CaseOutcome.ERROR) if not tally.full else None)
    return tally.result(file, FORMAT, _duration(report, tests), problems)


def _objects(file: str, key: str, value: JsonValue, problems: list[Problem]) -> list[Test]:
    items = as_list(value)
    tests = [item for item in items if isinstance(item, dict)]
    if len(tests) < len(items):
        skipped = len(items) - len(tests)
        problems.append(Problem(file=file, message=f"{skipped} entries of `{key}` are not objects; skipped"))
    return tests


def _key(test: Test) -> tuple[str | None, str | None]:
    return (as_str(test.get("fullTitle")) or as_str(test.get("title")), as_str(test.get("file")))


def _kind(err: dict[str, JsonValue]) -> CaseOutcome:
    """FAILED for an assertion that did not hold, ERROR for anything else thrown."""
    name = _error_name(err)
    if "Assert" in name or name in _ASSERTION_NAMES:
        return CaseOutcome.FAILED
    if ("actual" in err and "expected" in err) or any(key in err for key in _ASSERTION_KEYS):
        return CaseOutcome.FAILED
    return CaseOutcome.ERROR


def _error_name(err: dict[str, JsonValue]) -> str:
    # mocha serialises an error's own properties: `name` is often on the prototype, so only the stack has it.
    name = as_str(err.get("name"))
    if name:
        return name
    found = _ERROR_NAME.match(as_str(err.get("stack")) or "")
    return found.group(1) if found else ""


def _case(test: Test, outcome: CaseOutcome) -> Case:
    title = as_str(test.get("title")) or ""
    full = as_str(test.get("fullTitle")) or title
    suite = full.removesuffix(title).strip() if title and full.endswith(title) else ""
    file = as_str(test.get("file"))
    err = as_dict(test.get("err"))
    # Reporters colour assertion diffs; escape codes are noise in an issue body.
    stack = _ANSI.sub("", as_str(err.get("stack")) or "").strip("\n")
    message = _ANSI.sub("", as_str(err.get("message")) or "").strip()
    if not message:
        message = next((line.strip() for line in stack.splitlines() if line.strip()), "")
    if outcome is CaseOutcome.FLAKY and not message:
        message = f"passed on retry {as_number(test.get('currentRetry')):g}"
    return Case(
        classname=suite,
        name=title or full,
        file=checkout_relative(file) if file else None,
        line=_line_in(stack, file),
        outcome=outcome,
        message=cap_text(message, READ_CAP),
        type=_error_name(err) if outcome in {CaseOutcome.FAILED, CaseOutcome.ERROR} else "",
        trace=cap_text(stack, READ_CAP),
    )


def _line_in(stack: str, file: str | None) -> int | None:
    """The line of the first stack frame in the test's own file: where the test failed."""
    if not file:
        return None
    target = file.replace("\\", "/")
    for frame in stack.splitlines()[:50]:
        found = _FRAME.search(frame)
        if found is None:
            continue
        where = found.group(1).replace("\\", "/").removeprefix("./")
        if target.endswith(where) or where.endswith(target):
            return int(found.group(2))
    return None


def _duration(report: dict[str, JsonValue], tests: list[Test]) -> float:
    stated = as_number(as_dict(report.get("stats")).get("duration"))
    if stated is not None and stated >= 0:
        return stated / 1000
    return sum(max(as_number(test.get("duration")) or 0.0, 0.0) for test in tests) / 1000

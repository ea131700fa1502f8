"""One JUnit `<testcase>` element → its outcome and, when it did not simply pass, a `Case`.

The dialects disagree on how a result is written; these are the rules, in order:
1. A `status` attribute that says the test did not run (`disabled`, `skipped`, `notrun`, tst / ctest / Bazel)
   makes the case skipped, whatever children it has: a runner that did not run a test cannot have failed it.
2. Otherwise the result children decide, one result per case: `<error>` > `<failure>` > `<skipped>`.
   Surefire's `<rerunFailure>` / `<rerunError>` beside a `<failure>` leave it failed (every rerun failed too).
3. Only rerun children (`<flakyFailure>`, `<flakyError>`, or reruns without a final failure, such as the
   `<rerun>` elements of pytest's `--junit-xml-reruns` reporter) → flaky: it failed, then passed, so it does
   not fail the suite but is listed.
4. Otherwise a `status` of `failed` / `errored` (tst) without a child still counts; anything else passed.
"""

from __future__ import annotations

import math

from lxml import etree

from issueplan.model import READ_CAP, Case, CaseOutcome, cap_text, checked_case
from issueplan.sources._trace_locations import checkout_relative, trace_location

_RESULTS = {"error": CaseOutcome.ERROR, "failure": CaseOutcome.FAILED, "skipped": CaseOutcome.SKIPPED}
_RANK = {CaseOutcome.ERROR: 0, CaseOutcome.FAILED: 1, CaseOutcome.SKIPPED: 2}
_RERUNS = frozenset({"flakyFailure", "flakyError", "rerunFailure", "rerunError", "rerun"})
_STATUSES = {
    "disabled": CaseOutcome.SKIPPED,
    "skipped": CaseOutcome.SKIPPED,
    "skip": CaseOutcome.SKIPPED,
    "notrun": CaseOutcome.SKIPPED,
    "ignored": CaseOutcome.SKIPPED,
    "pending": CaseOutcome.SKIPPED,
    "failed": CaseOutcome.FAILED,
    "fail": CaseOutcome.FAILED,
    "failure": CaseOutcome.FAILED,
    "errored": CaseOutcome.ERROR,
    "error": CaseOutcome.ERROR,
}
_SKIPPED, _FLAKY = CaseOutcome.SKIPPED, CaseOutcome.FLAKY  # globals: a read from the enum class costs more
SUITE_RESULTS = frozenset({"error", "failure"})
# The only children that give a case an outcome other than passed: a case without them (and without a
# `status`) passed, whatever output it holds.
RESULT_TAGS = frozenset(_RESULTS)
RERUN_TAGS = _RERUNS


def outcome_of(
    testcase: etree._Element, status: str | None
) -> tuple[CaseOutcome | None, etree._Element | None]:
    """The case's outcome (None: passed) and the child element that explains it, if any; `status` is the
    case's `status` attribute."""
    best: CaseOutcome | None = None
    detail: etree._Element | None = None
    rerun: etree._Element | None = None
    for child in testcase:
        tag = child.tag
        outcome = _RESULTS.get(tag)  # comments and entity references have a function as tag: no match
        if outcome is not None:
            if best is None or _RANK[outcome] < _RANK[best]:
                best, detail = outcome, child
        elif rerun is None and tag in _RERUNS:
            rerun = child
    said = _STATUSES.get(status.strip().lower()) if status else None
    if said is _SKIPPED:
        return said, detail
    if best is not None:
        return best, detail
    if rerun is not None:
        return _FLAKY, rerun
    return said, None


def build_case(
    testcase: etree._Element,
    outcome: CaseOutcome,
    detail: etree._Element | None,
    suite_file: str | None,
    name: str | None,
) -> Case:
    """A Case from a testcase element whose `name` attribute is `name` (the reader has read it already);
    message and trace capped, file/line from attributes or the trace."""
    trace = _text_of(detail) if detail is not None else ""
    get = testcase.get
    file = get(b"file") or suite_file
    file = checkout_relative(file) if file else None
    raw_line = get(b"line")
    line = _positive_int(raw_line) if raw_line is not None else None
    known = True
    if file is None and (found := trace_location(trace)) is not None:
        file, line, known = found.path, line or found.line, found.rooted
    # Every value is a str (lxml's attribute values and text), an int, the outcome or a bool: checked.
    return checked_case(
        get(b"classname") or "",
        name or "",
        file,
        line,
        outcome,
        _message(detail, trace),
        (detail.get(b"type") or "") if detail is not None else "",
        cap_text(trace, READ_CAP),
        known,
    )


def suite_case(suite_name: str, suite_file: str | None, result: etree._Element) -> Case:
    """An `<error>`/`<failure>` right under a `<testsuite>` (setup failed): an errored case named after it."""
    trace = _text_of(result)
    return Case(
        classname=suite_name,
        name=suite_name,
        file=suite_file,
        outcome=CaseOutcome.ERROR,
        message=_message(result, trace),
        type=result.get("type") or "",
        trace=cap_text(trace, READ_CAP),
    )


def seconds(raw: str | None) -> float:
    """A `time` attribute in seconds; absent, negative, NaN or garbage → 0. Accepts `2,503.1` and `0,5`."""
    if not raw:
        return 0.0
    try:
        value = float(raw)
    except ValueError:
        cleaned = raw.replace(",", "") if "." in raw else raw.replace(",", ".")
        try:
            value = float(cleaned)
        except ValueError:
            return 0.0
    return value if math.isfinite(value) and value > 0 else 0.0


def declared_count(raw: str | None) -> int | None:
    """A declared count attribute, or None when absent or not a non-negative integer."""
    if raw is None:
        return None
    try:
        value = int(raw.strip())
    except ValueError:
        return None
    return value if value >= 0 else None


def _text_of(result: etree._Element) -> str:
    text = result.text or ""
    if not text or text.isspace():  # what `not text.strip()` says, without a copy of the text
        # Surefire puts a rerun's trace in a <stackTrace> child rather than in the element's text.
        trace = result.find("stackTrace")
        if trace is not None:
            text = trace.text or ""
    return text.strip("\n")


def _message(result: etree._Element | None, trace: str) -> str:
    message = (result.get(b"message") or "").strip() if result is not None else ""
    if not message:
        message = next((line.strip() for line in trace.splitlines() if line.strip()), "")
    return cap_text(message, READ_CAP)


def _positive_int(raw: str | None) -> int | None:
    value = declared_count(raw)
    return value or None

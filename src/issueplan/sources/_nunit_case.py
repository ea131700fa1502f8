"""One NUnit `<test-case>` → its outcome and, when it did not simply pass, a `Case`; and when a suite's own
failure counts as a result of its own.

NUnit 3 (`<test-run>`) writes `result` = Passed | Failed | Skipped | Inconclusive | Warning and refines it in
`label` (Error, Cancelled, Invalid, Ignored, Explicit …):
- Failed is a failure whatever its label: NUnit's own summary lists errors among the failed tests, and the
  publishers whose expected counts the corpus carries count `label="Error"` as a failure too. The label
  becomes the Case's `type`, so that an unexpected exception stays visible.
- Skipped and Inconclusive → skipped (not run to a verdict); Warning → passed (NUnit does not fail a run
  for warnings).
NUnit 2 (`<test-results>`) writes `result` = Success | Failure | Error | Ignored | Inconclusive |
NotRunnable | Skipped | Cancelled: Error and Cancelled → error (NUnit 2 counts both as errors), Failure →
failure, the not-run ones → skipped. NUnit 2.2 writes no `result`, only `executed` and `success`; so,
without a known `result`: `executed="False"` or a not-runnable `runstate` → skipped, a `<failure>` child or
`success="False"` → failure, anything else passed.
"""

from __future__ import annotations

from lxml import etree

from issueplan.model import READ_CAP, Case, CaseOutcome, cap_text
from issueplan.sources._dotnet import trace_location

_RESULTS: dict[str, CaseOutcome | None] = {
    "passed": None,
    "success": None,
    "warning": None,
    "failed": CaseOutcome.FAILED,
    "failure": CaseOutcome.FAILED,
    "error": CaseOutcome.ERROR,
    "cancelled": CaseOutcome.ERROR,
    "skipped": CaseOutcome.SKIPPED,
    "ignored": CaseOutcome.SKIPPED,
    "inconclusive": CaseOutcome.SKIPPED,
    "notrunnable": CaseOutcome.SKIPPED,
}
_NOT_RUN = frozenset({"ignored", "skipped", "notrunnable", "explicit"})
# Results that say nothing beyond the outcome itself; any other (Ignored, NotRunnable, …) is kept as `type`.
_PLAIN = frozenset({"passed", "success", "failed", "failure", "skipped"})
# Suite results that mean the suite itself failed (NUnit 3, NUnit 2); `success="False"` in NUnit 2.2.
_FAILED_SUITE = frozenset({"failed", "failure", "error", "cancelled"})
_SITE_NAMES = {"SetUp": "OneTimeSetUp", "TearDown": "OneTimeTearDown"}
# What NUnit writes as the failure of a suite that failed only through its children (2.5, 2.6 and 3): NUnit 2
# writes no `site`, and a child it counts as failed (NotRunnable, in 2.6) may be one we count as skipped.
_CHILD_FAILED = frozenset({"child test failed", "one or more child tests had errors"})


def outcome_of(case: etree._Element) -> CaseOutcome | None:
    """The case's outcome; None: it passed."""
    result = (case.get("result") or "").strip().lower()
    if result in _RESULTS:
        return _RESULTS[result]
    if (case.get("executed") or "").strip().lower() == "false":
        return CaseOutcome.SKIPPED
    if (case.get("runstate") or "").strip().lower() in _NOT_RUN:
        return CaseOutcome.SKIPPED
    if case.find("failure") is not None or (case.get("success") or "").strip().lower() == "false":
        return CaseOutcome.FAILED
    return None


def names_of(case: etree._Element) -> tuple[str, str]:
    """(classname, name). NUnit 3 writes `classname`; NUnit 2 only a full name `Ns.Class.Method(args)`, cut at
    the last dot before the arguments (which may hold dots of their own)."""
    name = case.get("name") or ""
    classname = case.get("classname")
    if classname is not None:
        return classname, name
    full = case.get("fullname") or name
    if full != name and full.endswith("." + name):
        return full[: -len(name) - 1], name
    classname, dot, _ = full.split("(", 1)[0].rpartition(".")
    if dot:
        return classname, full[len(classname) + 1 :]
    return "", full


def build_case(case: etree._Element, outcome: CaseOutcome, names: tuple[str, str]) -> Case:
    """A Case from a test-case element: the failure (or skip reason) as message and trace, capped."""
    detail = case.find("reason" if outcome is CaseOutcome.SKIPPED else "failure")
    if detail is None:
        detail = case.find("failure" if outcome is CaseOutcome.SKIPPED else "reason")
    classname, name = names
    return _case(classname, name, outcome, detail, _type_of(case))


def suite_case(suite: etree._Element, namespace: str, *, failed_inside: bool) -> Case | None:
    """An errored case for a suite whose own failure no test case carries, else None. `namespace` (dotted)
    completes an NUnit 2 suite's name, which NUnit 3 writes in full in `fullname`.

    A suite fails with site="Child" (NUnit 2: no site, and a fixed message) because a case in it failed:
    that case is counted already. A failed OneTimeSetUp (site="SetUp") fails every case below, which NUnit
    writes as failed cases of their own (site="Parent"); only when none are written does the suite count,
    once. A failed OneTimeTearDown (site="TearDown") comes after its cases passed or failed: it always counts.
    """
    result = (suite.get("result") or "").strip().lower()
    if result not in _FAILED_SUITE and (result or (suite.get("success") or "").lower() != "false"):
        return None
    failure = suite.find("failure")
    site = suite.get("site") or ""
    if failure is None or site == "Child" or (failed_inside and site != "TearDown"):
        return None
    if _text(failure, "message").strip().lower() in _CHILD_FAILED:
        return None
    full = suite.get("fullname") or namespace + (suite.get("name") or "")
    name = _SITE_NAMES.get(site) or suite.get("name") or full
    return _case(full, name, CaseOutcome.ERROR, failure, suite.get("label") or "")


def _case(classname: str, name: str, outcome: CaseOutcome, detail: etree._Element | None, kind: str) -> Case:
    message = _text(detail, "message").strip()
    trace = _text(detail, "stack-trace").rstrip()
    trace = trace.lstrip("\r\n") if trace.strip() else ""
    if not message:
        message = next((line.strip() for line in trace.splitlines() if line.strip()), "")
    file, line = trace_location(trace)
    return Case(
        classname=classname,
        name=name,
        file=file,
        line=line,
        outcome=outcome,
        message=cap_text(message, READ_CAP),
        type=kind,
        trace=cap_text(trace, READ_CAP),
    )


def _type_of(case: etree._Element) -> str:
    label = case.get("label")
    if label:
        return label
    result = (case.get("result") or "").strip()
    return "" if result.lower() in _PLAIN else result


def _text(detail: etree._Element | None, tag: str) -> str:
    if detail is None:
        return ""
    return detail.findtext(tag) or ""

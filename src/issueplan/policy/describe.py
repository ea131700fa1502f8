"""True sentences about suites and findings, for item descriptions and evidence facts.

Every sentence states what was observed: counts without misleading zeros, the failing tests, the step outcome,
the missing report, and, when something cannot be known, says so and why. Text from the code under test is
quoted as is; rendering neutralises it in one place.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from issueplan.model import (
    Case,
    CaseOutcome,
    ContentMatch,
    Coverage,
    FileCoverage,
    Finding,
    PlanCoverage,
    Severity,
    StepOutcome,
    Suite,
    SuiteStatus,
)
from issueplan.policy.trigger_spec import WorkspaceLacks

CASES_LISTED = 3
FINDINGS_LISTED = 3
FILES_LISTED = 5
MESSAGE_CHARS = 120

_CASE_RANK = {CaseOutcome.FAILED: 0, CaseOutcome.ERROR: 0, CaseOutcome.FLAKY: 1, CaseOutcome.SKIPPED: 2}


def suite_title(name: str) -> str:
    """`api_tests` → `Api Tests`: the seed's titles."""
    return " ".join(word.capitalize() for word in name.replace("-", " ").replace("_", " ").split())


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def case_sort_key(case: Case) -> tuple[int, str, str, str, int, str, str, str]:
    """Failing cases first, then flaky, then skipped; within a rank by name, so input order never matters."""
    return (
        _CASE_RANK[case.outcome],
        case.classname,
        case.name,
        case.file or "",
        case.line or 0,
        case.message,
        case.type,
        case.trace,
    )


def finding_sort_key(finding: Finding) -> tuple[int, str, str, str, str]:
    return (
        finding.severity.rank,
        finding.tool.casefold(),
        finding.tool,
        finding.rule_id,
        finding.fingerprint,
    )


UNNAMED = "(unnamed test)"


def case_label(case: Case) -> str:
    """`tests.test_cart.test_total`; a name that already starts with its class (jest-junit puts the describe
    path in both: `orders endpoint` / `orders endpoint creates an order`) is shown once; a blank part is
    left out, and a case with neither is `(unnamed test)`."""
    classname, name = case.classname.strip(), case.name.strip()
    if not name:
        return classname or UNNAMED
    if not classname or name == classname or name.startswith((f"{classname} ", f"{classname}.")):
        return name
    return f"{classname}.{name}"


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= MESSAGE_CHARS else line[: MESSAGE_CHARS - 1] + "…"


def _counts(suite: Suite) -> str:
    """`3 failures, 1 error`: a zero is left out, so an error-only failure never reads '0 failures'."""
    parts = [plural(suite.failures, "failure")] if suite.failures else []
    if suite.errors:
        parts.append(plural(suite.errors, "error"))
    return ", ".join(parts)


def _extras(suite: Suite) -> list[str]:
    extras = [f"{suite.skipped} skipped"] if suite.skipped else []
    if suite.flaky:
        extras.append(f"{suite.flaky} flaky")
    return extras


def _failing_cases(suite: Suite) -> str:
    failing = sorted(
        (case for case in suite.cases if case.outcome in {CaseOutcome.FAILED, CaseOutcome.ERROR}),
        key=case_sort_key,
    )
    listed = []
    for case in failing[:CASES_LISTED]:
        message = _first_line(case.message) or _first_line(case.type) or case.outcome.value
        listed.append(f"{case_label(case)}: {message}")
    if len(failing) > CASES_LISTED:
        listed.append(f"and {len(failing) - CASES_LISTED} more")
    return f" ({'; '.join(listed)})" if listed else ""


def _skip_reason(suite: Suite) -> str:
    reasons = Counter(
        _first_line(case.message) for case in suite.cases if case.outcome is CaseOutcome.SKIPPED
    )
    reasons.pop("", None)
    if not reasons:
        return ""
    reason, _ = min(reasons.items(), key=lambda item: (-item[1], item[0]))
    return f": {reason}"


def _step(outcome: StepOutcome | None) -> str:
    return {
        StepOutcome.FAILURE: "the CI step failed",
        StepOutcome.CANCELLED: "the CI step was cancelled",
        StepOutcome.SKIPPED: "the CI step was skipped",
        StepOutcome.SUCCESS: "the CI step succeeded",
        None: "no CI step outcome is known",
    }[outcome]


def describe_suite(suite: Suite) -> str:
    """One sentence (no final period) saying what happened to `suite` in this run."""
    return _with_report(suite) if suite.has_report else _without_report(suite)


def _without_report(suite: Suite) -> str:
    name = suite.name
    if suite.outcome is StepOutcome.SUCCESS:
        return f"{name}: the CI step succeeded but wrote no test report, so whether its tests pass is unknown"
    if suite.outcome is StepOutcome.SKIPPED:
        return f"{name}: the CI step was skipped, so its tests did not run"
    if suite.outcome is None:
        return f"{name}: no result files and no CI step outcome were found, so it did not run this run"
    return f"{name}: {_step(suite.outcome)} before writing a test report, so which tests fail is unknown"


def _with_report(suite: Suite) -> str:
    name, tests = suite.name, plural(suite.tests, "test")
    if suite.status is SuiteStatus.FAILED and (suite.failures or suite.errors):
        counted = ", ".join([f"{_counts(suite)} in {tests}", *_extras(suite)])
        return f"{name} failed: {counted}{_failing_cases(suite)}"
    if suite.status is SuiteStatus.FAILED:
        return (
            f"{name}: {_step(suite.outcome)} although its test report shows no failing test "
            f"({', '.join([tests, *_extras(suite)])}), so the cause lies outside the reported tests"
        )
    if suite.status is SuiteStatus.SKIPPED and suite.tests and suite.skipped >= suite.tests:
        return f"{name}: all {tests} were skipped{_skip_reason(suite)}"
    if suite.status is SuiteStatus.SKIPPED:
        return f"{name}: {_step(suite.outcome)}, so its tests did not run"
    return f"{name} passed: {', '.join([tests, *_extras(suite)])}"


def severity_counts(findings: Iterable[Finding]) -> str:
    counts = Counter(finding.severity for finding in findings)
    return ", ".join(f"{counts[severity]} {severity.value}" for severity in Severity if counts[severity])


def describe_findings(findings: tuple[Finding, ...], qualifier: str = "") -> str:
    """`5 findings from 2 scanners: Bandit 3 (1 high, 1 medium, 1 low), pip-audit 2 (2 high)`.

    `qualifier` follows the count, e.g. " of high severity or above".
    """
    tools = sorted({finding.tool for finding in findings}, key=lambda tool: (tool.casefold(), tool))
    per_tool = []
    for tool in tools:
        own = [finding for finding in findings if finding.tool == tool]
        per_tool.append(f"{tool} {len(own)} ({severity_counts(own)})")
    scanners = plural(len(tools), "scanner")
    return f"{plural(len(findings), 'finding')}{qualifier} from {scanners}: {', '.join(per_tool)}"


def finding_label(finding: Finding) -> str:
    """One finding in a line, e.g. `Bandit B324 hashlib (high, CWE-327) at app/x.py:12` or
    `pip-audit PYSEC-2018-28 (high) in requests 2.19.1`."""
    name = f" {finding.rule_name}" if finding.rule_name and finding.rule_name != finding.rule_id else ""
    details = [finding.severity.value, *(f"CWE-{cwe}" for cwe in finding.cwe)]
    where = ""
    if finding.package:
        where = f" in {finding.package} {finding.version or ''}".rstrip()
    elif finding.path:
        where = f" at {finding.path}:{finding.line}" if finding.line else f" at {finding.path}"
    return f"{finding.tool} {finding.rule_id}{name} ({', '.join(details)}){where}"


def list_findings(findings: tuple[Finding, ...]) -> str:
    """The first few findings by severity, and how many more."""
    ordered = sorted(findings, key=finding_sort_key)
    listed = [finding_label(finding) for finding in ordered[:FINDINGS_LISTED]]
    if len(ordered) > FINDINGS_LISTED:
        listed.append(f"and {len(ordered) - FINDINGS_LISTED} more")
    return "; ".join(listed)


def describe_search(params: WorkspaceLacks, found: Sequence[ContentMatch | None]) -> str:
    """What a workspace rule looked for and did not find: every glob and every string, never a bare count."""
    text = f"the workspace has no {params.what}: no file matches {', '.join(params.globs)}"
    if params.contents:
        signals = "; ".join(f"{signal.what} ({', '.join(signal.contains)})" for signal in params.contents)
        text += f"; and no file's content shows {signals}"
        unread = max((match.unread for match in found if match is not None), default=0)
        if unread:
            skipped = plural(unread, "candidate file")
            text += f" ({skipped} not looked into: too large or beyond the read budget)"
    return text


def rate_of(rate: float | None, part: int, whole: int, noun: str) -> str | None:
    """`72.5% (725 of 1000 lines)`, or the rate alone when the report gave no counts; None when unmeasured."""
    if rate is None:
        return None
    counts = f" ({part} of {plural(whole, noun)})" if whole else ""
    return f"{rate:.1%}{counts}"


def describe_least_covered(files: Iterable[FileCoverage], shown: int = FILES_LISTED) -> str:
    """`least covered: app/a.py 10.0% (1 of 10 lines), …`; empty when no file has a line rate."""
    measured = sorted(
        (entry for entry in files if entry.line_rate is not None),
        key=lambda entry: (entry.line_rate or 0.0, entry.path),
    )
    listed = [
        f"{entry.path} {rate_of(entry.line_rate, entry.lines_covered, entry.lines_valid, 'line')}"
        for entry in measured[:shown]
    ]
    return f"least covered: {'; '.join(listed)}" if listed else ""


def describe_coverage(coverage: Coverage | PlanCoverage | FileCoverage) -> str:
    """`line coverage is 72.5% (725 of 1000 lines), branch coverage 60.0% (30 of 50 branches)`; no branch
    rate where the reports hold no branch data."""
    lines = rate_of(coverage.line_rate, coverage.lines_covered, coverage.lines_valid, "line") or "unknown"
    text = f"line coverage is {lines}"
    branches = rate_of(coverage.branch_rate, coverage.branches_covered, coverage.branches_valid, "branch")
    return f"{text}, branch coverage {branches}" if branches else text

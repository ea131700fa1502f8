"""The triggers that look at scanners' findings (policy/triggers.py documents them all)."""

from __future__ import annotations

from issueplan.model import Finding, FindingCategory, RunReport, Severity
from issueplan.policy.describe import describe_findings, finding_sort_key, list_findings, plural
from issueplan.policy.trigger_spec import FindingsAtLeast, FindingsWithCwe
from issueplan.policy.verdict import Observation, Reason, TriggerResult, Verdict


def _scanned_for(report: RunReport, category: FindingCategory) -> bool:
    """Whether a scanner that looks for `category` ran: a clean linter run says nothing about security."""
    return any(category in scan.categories for scan in report.scans) or any(
        finding.category is category for finding in report.findings
    )


def _findings_result(
    run: Observation, matched: list[Finding], facts: list[str], category: FindingCategory
) -> TriggerResult:
    ordered = tuple(sorted(matched, key=finding_sort_key))
    if ordered:
        reasons = Reason.in_order(Reason.of_severity(finding.severity) for finding in ordered)
        return TriggerResult(Verdict.FIRED, findings=ordered, facts=tuple(facts), reasons=reasons)
    return TriggerResult(Verdict.FINE if _scanned_for(run.report, category) else Verdict.UNKNOWN)


def findings_at_least(run: Observation, params: FindingsAtLeast) -> TriggerResult:
    """Fires when any finding of the category is at or above the threshold; one item for all of them."""
    threshold = params.severity or run.min_severity
    counted = [finding for finding in run.report.findings if finding.category is params.category]
    matched = [finding for finding in counted if finding.severity.at_least(threshold)]
    qualifier = (
        "" if threshold in {Severity.LOW, Severity.INFO} else f" of {threshold.value} severity or above"
    )
    if params.category is FindingCategory.QUALITY:
        qualifier = f" of code quality{qualifier}"
    facts = [describe_findings(tuple(matched), qualifier), f"most severe: {list_findings(tuple(matched))}"]
    below = len(counted) - len(matched)
    if below and qualifier == "":
        facts.append(f"{below} more below the minimum severity ({threshold.value}) are not counted")
    return _findings_result(run, matched, facts, params.category)


def findings_with_cwe(run: Observation, params: FindingsWithCwe) -> TriggerResult:
    """Fires when a security finding at or above the config's min_severity carries one of the listed CWEs."""
    wanted = set(params.cwes)
    matched = [
        finding
        for finding in run.report.findings
        if finding.category is FindingCategory.SECURITY
        and finding.severity.at_least(run.min_severity)
        and wanted.intersection(finding.cwe)
    ]
    cwes = sorted({cwe for finding in matched for cwe in finding.cwe if cwe in wanted})
    names = ", ".join(f"CWE-{cwe}" for cwe in cwes)
    facts = [
        f"{plural(len(matched), 'finding')} with a {params.what} ({names}): {list_findings(tuple(matched))}"
    ]
    return _findings_result(run, matched, facts, FindingCategory.SECURITY)

"""The compact Markdown written to GITHUB_STEP_SUMMARY, the triage view of a run: status, items (with their
issues), the issues the run created, updated, closed or reopened, suites in their real state, findings,
coverage, unreadable files. Times are dates or minutes; exact instants live in the issue markers only.

GitHub refuses a step summary over 1 MiB; this one is cut by whole table rows well below that, saying how
many rows were left out. Everything from the run comes redacted (render/clean.py) and is neutralised like
any other output.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from issueplan.model import (
    ActionItem,
    Finding,
    OverallStatus,
    Plan,
    RunReport,
    Severity,
    Suite,
    SuiteStatus,
)
from issueplan.render.links import SourceLinks
from issueplan.render.markdown import render_coverage, sorted_items
from issueplan.render.safety import Span, code_span, neutralise, truncate_sections
from issueplan.render.summary_evidence import failing_test_rows, finding_group_rows, flaky_test_rows
from issueplan.render.summary_issues import issue_reference, issue_rows
from issueplan.render.timestamp import due_in_words, format_date, format_minute

if TYPE_CHECKING:
    from issueplan.tracker.results import SyncResult

SUMMARY_LIMIT = 200 * 1024
# Each table is cut on its own first, so a long item list cannot push the suites or problems out.
ROW_LIMIT = 300
STATUS_EMOJI = {
    OverallStatus.CRITICAL_FAILURE: "🔴",
    OverallStatus.FAILING: "🟠",
    OverallStatus.DEGRADED: "🟡",
    OverallStatus.HEALTHY: "🟢",
}
SUITE_EMOJI = {SuiteStatus.PASSED: "✅", SuiteStatus.FAILED: "❌", SuiteStatus.SKIPPED: "⏭️"}


def render_summary(
    plan: Plan,
    report: RunReport | None = None,
    *,
    sync: SyncResult | None = None,
    issues_url: str | None = None,
    links: SourceLinks | None = None,
    limit: int = SUMMARY_LIMIT,
) -> str:
    """The job summary. Suites and findings come from `report` when given, else from the items' evidence.

    `sync` is what a sync did (or, in a dry run, would do): the items then show their issues, and every
    issue written is listed; `issues_url` (`https://github.com/OWNER/NAME/issues`) makes the numbers links.
    `links`, where the run knows its repository and commit, links each location to its line there.
    """
    counts = ", ".join(f"{count} {priority}" for priority, count in sorted_counts(plan) if count)
    generated = format_minute(plan.generated_at)
    sections = [
        f"## {STATUS_EMOJI[plan.overall_status]} issueplan: {plan.overall_status}\n\n",
        (
            f"{plan.summary.total} actions{f' ({counts})' if counts else ''}{_completion(plan)}"
            f" · scope {code_span(plan.scope)} · generated {generated}\n\n"
        ),
    ]
    items = sorted_items(plan.items)
    numbers = sync.issues if sync is not None else None
    if items:
        issue_head = ("| Issue ", "| --- ") if numbers is not None else ("", "")
        sections += _table(
            "### Action items",
            f"{issue_head[0]}| ID | Title | Priority | Team | Due date |\n"
            f"{issue_head[1]}| --- | --- | --- | --- | --- |",
            [_item_row(item, plan, numbers, issues_url) for item in items],
            "action items",
        )
    if sync is not None:
        from issueplan.render.summary_touched import touched_issues  # noqa: PLC0415 - a sync's summary only

        touched = touched_issues(sync, plan.items)
        sections += _table(
            "### Issues changed in this run",
            "| Issue | ID | Title | Change |\n| --- | --- | --- | --- |",
            issue_rows(touched, issues_url),
            "issues",
        ) or ["### Issues changed in this run\n\nNone: the issues already match the plan.\n\n"]
    suites = report.suites if report else _evidence_suites(items)
    if suites:
        sections += _table(
            "### Test suites",
            "| Suite | Kind | Status | Tests | Failures | Errors | Skipped | Flaky | Report |\n"
            "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
            [_suite_row(suite, report) for suite in sorted(suites, key=lambda s: s.name)],
            "suites",
        )
    failing, more_failing = failing_test_rows(suites, links)
    sections += _table(
        "### Failing tests",
        "| Suite | Test | Where | Message |\n| --- | --- | --- | --- |",
        failing,
        "failing tests",
        more=f"_… {more_failing} more failing tests not shown; the issues list them._\n\n"
        if more_failing
        else "",
    )
    # Flaky tests fail no suite, so no item names them: the summary is where they are seen.
    sections += _table(
        "### Flaky tests (failed, then passed on a rerun)",
        "| Suite | Test | Where |\n| --- | --- | --- |",
        flaky_test_rows(suites, links),
        "flaky tests",
    )
    findings = report.findings if report else _evidence_findings(items)
    if findings:
        by_severity = Counter(finding.severity for finding in findings)
        sections += _table(
            "### Findings by severity",
            "| Severity | Findings |\n| --- | ---: |",
            [f"| {severity} | {by_severity[severity]} |\n" for severity in Severity if by_severity[severity]],
            "severities",
        )
        groups, more_groups = finding_group_rows(findings, links)
        sections += _table(
            "### Findings by rule",
            "| Severity | Finding | Count | First location |\n| --- | --- | ---: | --- |",
            groups,
            "groups",
            more=f"_… {more_groups} more groups not shown; plan.json lists every finding._\n\n"
            if more_groups
            else "",
        )
    if plan.coverage is not None:
        sections.append(f"### Coverage\n\n{render_coverage(plan.coverage)}")
    problems = report.problems if report else plan.problems
    if problems:
        sections.append("### Files that could not be read\n\n")
        ordered = sorted(problems, key=lambda p: (p.file, p.line or 0, p.message))
        sections += [
            f"- {code_span(p.file if p.line is None else f'{p.file}:{p.line}')}: "
            f"{neutralise(p.message, Span.LINE)}\n"
            for p in ordered[:ROW_LIMIT]
        ]
        if len(ordered) > ROW_LIMIT:
            sections.append(f"- … {len(ordered) - ROW_LIMIT} more files not shown\n")
        sections.append("\n")
    return truncate_sections(sections, limit, keep_last=0, noun="parts").rstrip("\n") + "\n"


def sorted_counts(plan: Plan) -> list[tuple[str, int]]:
    by_priority = plan.summary.by_priority
    return [
        (priority.value, count) for priority, count in sorted(by_priority.items(), key=lambda p: p[0].rank)
    ]


def _completion(plan: Plan) -> str:
    completion = plan.summary.estimated_completion
    return f" · estimated completion {format_date(completion)}" if completion else ""


def _table(title: str, header: str, rows: list[str], what: str, *, more: str = "") -> list[str]:
    """A titled table of at most ROW_LIMIT rows, each its own section so a final cut falls between rows;
    `more` says what the caller left out before."""
    if not rows:
        return []
    shown = rows[:ROW_LIMIT]
    shown[0] = f"{title}\n\n{header}\n{shown[0]}"
    shown[-1] += "\n"
    if len(rows) > ROW_LIMIT:
        shown.append(f"_… {len(rows) - ROW_LIMIT} more {what} not shown._\n\n")
    elif more:
        shown.append(more)
    return shown


def _item_row(item: ActionItem, plan: Plan, numbers: Mapping[str, int] | None, issues_url: str | None) -> str:
    def cell(text: str) -> str:
        return neutralise(text, Span.CELL)

    issue = f"| {issue_reference(numbers.get(item.id), issues_url)} " if numbers is not None else ""
    due = f"{format_date(item.due_date)} ({due_in_words(item.due_date, plan.generated_at)})"
    row = f"| {cell(item.id)} | {cell(item.title)} | {item.priority} | {cell(item.team)} | {due} |\n"
    return issue + row


def _suite_row(suite: Suite, report: RunReport | None) -> str:
    name = neutralise(suite.name, Span.CELL)
    findings = _suite_findings(suite, report)
    if suite.status is SuiteStatus.PASSED and findings:
        # Its tests passed, but a scanner of this step reports findings: not a suite to call passed.
        status = f"⚠️ {findings} finding{'' if findings == 1 else 's'}"
    else:
        status = f"{SUITE_EMOJI[suite.status]} {suite.status}"
        if findings:
            status += f", {findings} finding{'' if findings == 1 else 's'}"
    has_report = "yes" if suite.has_report else "**no**"
    counts = f"{suite.tests} | {suite.failures} | {suite.errors} | {suite.skipped} | {suite.flaky}"
    return f"| {name} | {suite.kind} | {status} | {counts} | {has_report} |\n"


def _suite_findings(suite: Suite, report: RunReport | None) -> int:
    """The findings of the scanners whose files belong to this suite's step."""
    if report is None:
        return 0
    files = set(suite.files)
    return sum(scan.findings for scan in report.scans if scan.file in files)


def _evidence_suites(items: Iterable[ActionItem]) -> list[Suite]:
    unique = {suite.name: suite for item in items for suite in item.evidence.suites}
    return list(unique.values())


def _evidence_findings(items: Iterable[ActionItem]) -> list[Finding]:
    unique = {finding.fingerprint: finding for item in items for finding in item.evidence.findings}
    return list(unique.values())

"""The job summary's evidence tables: the failing tests and the groups of findings a triager starts from,
each location linked to its line at the run's commit where the run knows it, as in issue bodies
(render/links.py). They are short on purpose: the issues hold the full evidence, plan.json every finding.
"""

from __future__ import annotations

from collections.abc import Sequence

from issueplan.model import Case, CaseOutcome, Finding, FindingCategory, Suite
from issueplan.policy.describe import case_label
from issueplan.render.finding_groups import group_findings
from issueplan.render.links import SourceLinks, location
from issueplan.render.safety import Span, neutralise

FAILING_TEST_ROWS = 20
FINDING_GROUP_ROWS = 10
MESSAGE_CHARS = 120
_FAILING = {CaseOutcome.ERROR: 0, CaseOutcome.FAILED: 1}


def failing_test_rows(suites: Sequence[Suite], links: SourceLinks | None) -> tuple[list[str], int]:
    """Rows `| suite | test | where | message |` of the failed and errored tests, errors first in each
    suite, at most FAILING_TEST_ROWS; and how many failing tests the rows leave out (counted from the
    suites' totals, which the listed cases may not all carry)."""
    pairs = sorted(
        ((suite, case) for suite in suites for case in suite.cases if case.outcome in _FAILING),
        key=lambda pair: (pair[0].name, _FAILING[pair[1].outcome], pair[1].classname, pair[1].name),
    )
    rows = [
        f"| {neutralise(suite.name, Span.CELL)} | {neutralise(case_label(case), Span.CELL)} "
        f"| {case_location(case, links)} | {neutralise(_first_line(case.message), Span.CELL)} |\n"
        for suite, case in pairs[:FAILING_TEST_ROWS]
    ]
    total = max(sum(s.failures + s.errors for s in suites), len(pairs))
    return rows, total - len(rows)


def flaky_test_rows(suites: Sequence[Suite], links: SourceLinks | None) -> list[str]:
    """Rows `| suite | test | where |` of the flaky tests (failed, then passed on a rerun)."""
    pairs = sorted(
        ((suite, case) for suite in suites for case in suite.cases if case.outcome is CaseOutcome.FLAKY),
        key=lambda pair: (pair[0].name, pair[1].classname, pair[1].name),
    )
    return [
        f"| {neutralise(suite.name, Span.CELL)} | {neutralise(case_label(case), Span.CELL)} "
        f"| {case_location(case, links)} |\n"
        for suite, case in pairs
    ]


def case_location(case: Case, links: SourceLinks | None) -> str:
    """Where a test failed, linked where its path in the repository is known; `—` when the report and the
    trace name no file."""
    if not case.file:
        return "—"
    place = f"{case.file}:{case.line}" if case.line is not None else case.file
    url = links.blob(case.file, case.line) if links and case.path_known else None
    return location(place, url, in_table=True)


def finding_group_rows(findings: Sequence[Finding], links: SourceLinks | None) -> tuple[list[str], int]:
    """Rows `| severity | finding | count | first location |`, one per group of findings (render/
    finding_groups.py), most severe first, security before code quality, at most FINDING_GROUP_ROWS; and
    how many groups are left out."""
    # Security before code quality at one severity: a linter's many findings must not push advisories out.
    groups = sorted(
        group_findings(findings),
        key=lambda g: (g.severity.rank, g.findings[0].category is not FindingCategory.SECURITY),
    )
    rows = []
    for group in groups[:FINDING_GROUP_ROWS]:
        title = f"{group.tool} {group.rule_id}"
        name = (group.findings[0].rule_name or "").strip()
        if name and not group.package and name.casefold() not in group.rule_id.casefold():
            title += f" ({name})"  # Bandit's B324 says nothing; hashlib does
        title += f" in {group.package}" if group.package else ""
        # The first place a person can click, if the group has one in the repository.
        first = next(
            (f for f in group.findings if f.path and links and links.blob(f.path)), group.findings[0]
        )
        if first.path:
            place = f"{first.path}:{first.line}" if first.line is not None else first.path
            url = links.blob(first.path, first.line) if links else None
            where = location(place, url, in_table=True)
        else:
            where = neutralise(f"{first.package or ''} {first.version or ''}".strip() or "—", Span.CELL)
        rows.append(
            f"| {group.severity} | {neutralise(title, Span.CELL)} | {len(group.findings):,} | {where} |\n"
        )
    return rows, len(groups) - len(rows)


def _first_line(text: str) -> str:
    line = text.strip().split("\n", 1)[0].strip() if text.strip() else ""
    return line if len(line) <= MESSAGE_CHARS else line[: MESSAGE_CHARS - 1] + "…"

"""An item's evidence as Markdown sections: suite counts, failing tests with their messages, findings table.

Shared by the plan (a few cases per item) and the issue body (many, then truncated by section). Each returned
section is a self-contained piece of Markdown ending in a blank line, so a body can drop whole sections from
the end and stay well-formed. Text from the run comes redacted (render/clean.py); here it is neutralised
or fenced.
"""

from __future__ import annotations

from collections.abc import Sequence

from issueplan.model import Case, CaseOutcome, Evidence, Finding, Suite
from issueplan.render.safety import Span, code_block, code_span, neutralise

# Failed and errored cases first: they are why the item exists; flaky ones are context.
_CASE_ORDER = {CaseOutcome.ERROR: 0, CaseOutcome.FAILED: 1, CaseOutcome.FLAKY: 2}
FINDINGS_HEADER = "| Severity | Tool | Rule | CWE | Location |\n| --- | --- | --- | --- | --- |\n"


def render_evidence(
    evidence: Evidence,
    *,
    case_limit: int,
    finding_limit: int,
) -> list[str]:
    """The sections describing `evidence`, most telling first (facts, suites and their cases, findings)."""
    sections: list[str] = []
    if evidence.facts:
        facts = "".join(f"- {neutralise(fact, Span.LINE)}\n" for fact in evidence.facts)
        sections.append(facts + "\n")
    for suite in sorted(evidence.suites, key=lambda s: s.name):
        sections.extend(render_suite(suite, case_limit=case_limit))
    if evidence.findings:
        sections.extend(render_findings(evidence.findings, limit=finding_limit))
    return sections


def render_suite(suite: Suite, *, case_limit: int) -> list[str]:
    """A line of counts for the suite, then up to `case_limit` failing cases, then how many were left out."""
    name = code_span(suite.name)
    outcome = f", step outcome {suite.outcome}" if suite.outcome else ""
    report = "" if suite.has_report else " No test report was found for this suite."
    counts = (
        f"{count(suite.tests, 'test')}: {count(suite.failures, 'failure')}, {count(suite.errors, 'error')}, "
        f"{suite.skipped} skipped, {suite.flaky} flaky"
    )
    sections = [f"**Suite {name}** ({suite.kind}): {suite.status}{outcome}; {counts}.{report}\n\n"]
    cases = sorted(
        (case for case in suite.cases if case.outcome in _CASE_ORDER),
        key=lambda c: (_CASE_ORDER[c.outcome], c.classname, c.name, c.file or "", c.line or 0),
    )
    sections.extend(render_case(case) for case in cases[:case_limit])
    if len(cases) > case_limit:
        sections.append(f"_… {count(len(cases) - case_limit, 'more failing test')} of {name} not shown._\n\n")
    return sections


def render_case(case: Case) -> str:
    """One failing test: its name and place, then its message and trace in a fence it cannot close."""
    name = f"{case.classname}.{case.name}" if case.classname else case.name
    where = ""
    if case.file:
        place = f"{case.file}:{case.line}" if case.line is not None else case.file
        where = f" at {code_span(place)}"
    head = f"- {code_span(name)} ({case.outcome}){where}\n"
    # Most runners repeat the exception type at the start of the message; say it once.
    kind = "" if case.message.startswith(case.type) else case.type
    text = "\n\n".join(part for part in (kind, case.message, case.trace) if part.strip())
    if not text:
        return head + "\n"
    fenced = code_block(text, "text")
    # Indented under the list item so the block belongs to it.
    return head + "\n" + "".join(f"  {line}\n" for line in fenced.split("\n")) + "\n"


def render_findings(findings: Sequence[Finding], *, limit: int) -> list[str]:
    """A findings table, most severe first; each row is its own section so a body can cut between rows."""
    ordered = sorted(findings, key=_finding_order)
    rows = [_finding_row(finding) for finding in ordered[:limit]]
    rows[0] = FINDINGS_HEADER + rows[0]
    rows[-1] += "\n"
    if len(ordered) > limit:
        rows.append(f"_… {count(len(ordered) - limit, 'more finding')} not shown._\n\n")
    return rows


def count(number: int, noun: str) -> str:
    """`1 error`, `3 errors`."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _finding_order(finding: Finding) -> tuple[int, str, str, str, int, str, str]:
    return (
        finding.severity.rank,
        finding.tool,
        finding.rule_id,
        finding.path or finding.package or "",
        finding.line or 0,
        finding.version or "",
        finding.fingerprint,
    )


def _finding_row(finding: Finding) -> str:
    def cell(text: str) -> str:
        return neutralise(text, Span.CELL)

    rule = finding.rule_id if not finding.rule_name else f"{finding.rule_id} {finding.rule_name}"
    cwe = ", ".join(f"CWE-{number}" for number in finding.cwe)
    if finding.package:
        location = f"{finding.package} {finding.version or ''}".strip()
        if finding.fixed_versions:
            location += f" (fixed in {', '.join(finding.fixed_versions)})"
    elif finding.path:
        location = f"{finding.path}:{finding.line}" if finding.line is not None else finding.path
    else:
        location = ""
    return f"| {finding.severity} | {cell(finding.tool)} | {cell(rule)} | {cwe} | {cell(location)} |\n"

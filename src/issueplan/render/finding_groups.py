"""Findings grouped the way people fix them: one group per (tool, rule) for code scanners and per (tool,
package, advisory) for audits, each a short section with what makes it actionable.

A group says its severity, how many findings it holds, the rule's name and help, its CWEs, the fix (fixed
versions, the vulnerable range, whether a fix is available, the advisory and its aliases) and its first few
locations, linked to the line at the run's commit where the run knows it; then how many more it holds. Every
finding is counted, none silently dropped: a cut says how many groups and findings it left out, and plan.json
lists them all. Text from the run comes redacted (render/clean.py) and is neutralised here.
"""

# Real annotations, not strings: pydantic and NamedTuple build classes faster (model/report.py's docstring).

import re
from collections import Counter
from collections.abc import Sequence
from functools import cache
from typing import NamedTuple

from issueplan.model import Finding, Severity
from issueplan.render.links import SourceLinks, location
from issueplan.render.safety import Span, code_span, neutralise

MESSAGE_CHARS = 200


# Advisory ids whose page issueplan can link itself: the id is checked, so the URL is ours, not the report's.
# Compiled on first use: a plan without advisories needs none.
@cache
def _advisory_pages() -> tuple[tuple[re.Pattern[str], str], ...]:
    return (
        (re.compile(r"GHSA(?:-[23456789cfghjmpqrvwx]{4}){3}"), "https://github.com/advisories/{}"),
        (re.compile(r"CVE-\d{4}-\d{4,9}"), "https://nvd.nist.gov/vuln/detail/{}"),
        (re.compile(r"(?:PYSEC|RUSTSEC|GO|OSV)-\d{4}-\d{1,9}"), "https://osv.dev/vulnerability/{}"),
    )


class FindingGroup(NamedTuple):
    """The findings of one rule of one tool (or one advisory of one package), most severe first."""

    tool: str
    rule_id: str
    package: str | None
    findings: tuple[Finding, ...]

    @property
    def severity(self) -> Severity:
        return self.findings[0].severity


def group_findings(findings: Sequence[Finding]) -> list[FindingGroup]:
    """Groups, most severe first, then the largest, then by tool and rule: an order input cannot change."""
    groups: dict[tuple[str, str, str], list[Finding]] = {}
    for finding in findings:
        groups.setdefault((finding.tool, finding.rule_id, finding.package or ""), []).append(finding)
    built = [
        FindingGroup(tool, rule, package or None, tuple(sorted(members, key=_location_order)))
        for (tool, rule, package), members in groups.items()
    ]
    return sorted(
        built,
        key=lambda g: (g.severity.rank, -len(g.findings), g.tool.casefold(), g.rule_id, g.package or ""),
    )


def render_finding_groups(
    findings: Sequence[Finding], *, group_limit: int, locations: int, links: SourceLinks | None
) -> list[str]:
    """The findings as sections, one per group, each a well-formed piece a body may drop from the end."""
    groups = group_findings(findings)
    total = len(findings)
    head = f"**Findings**: {_count(total, 'finding')} in {_count(len(groups), 'group')}"
    head += " (code scanners by tool and rule, audits by package and advisory).\n\n"
    shown = groups[:group_limit]
    sections = [head, *(render_group(group, locations=locations, links=links) for group in shown)]
    left = groups[group_limit:]
    if left:
        hidden = sum(len(group.findings) for group in left)
        sections.append(
            f"_… {_count(len(left), 'more group')} ({_count(hidden, 'finding')}) not shown; "
            "plan.json lists every finding._\n\n"
        )
    return sections


def render_group(group: FindingGroup, *, locations: int, links: SourceLinks | None) -> str:
    first = group.findings[0]
    title = f"{group.tool} {group.rule_id}"
    if group.package:
        title += f" in {group.package}"
    facts = [_severities(group.findings), _count(len(group.findings), "finding")]
    facts += [f"CWE-{number}" for number in sorted({cwe for f in group.findings for cwe in f.cwe})]
    lines = [f"- **{neutralise(title, Span.LINE)}**: {', '.join(facts)}\n"]
    name = first.rule_name or ""
    if name and name.casefold() not in {group.rule_id.casefold(), first.message.strip().casefold()}:
        lines.append(f"  - Rule: {neutralise(name, Span.LINE)}\n")
    if first.rule_help and first.rule_help.strip() not in {name.strip(), first.message.strip()}:
        lines.append(f"  - Help: {neutralise(_first_line(first.rule_help), Span.LINE)}\n")
    fix = _fix(group)
    if fix:
        lines.append(f"  - Fix: {fix}\n")
    advisory = _advisory(group)
    if advisory:
        # A code scanner's link is the rule's help page (Bandit's more_info, SARIF helpUri), no advisory.
        lines.append(f"  - {'Advisory' if group.package else 'More info'}: {advisory}\n")
    messages = {f.message.strip() for f in group.findings}
    shared = len(messages) == 1 and first.message.strip()
    if shared:
        lines.append(f"  - Message: {neutralise(_first_line(first.message), Span.LINE)}\n")
    lines.extend(f"  - {_where(f, links, message=not shared)}\n" for f in group.findings[:locations])
    if len(group.findings) > locations:
        lines.append(f"  - _… {len(group.findings) - locations} more in this group._\n")
    return "".join(lines) + "\n"


def _severities(findings: Sequence[Finding]) -> str:
    counts = Counter(finding.severity for finding in findings)
    if len(counts) == 1:
        return findings[0].severity.value
    return ", ".join(f"{counts[s]} {s.value}" for s in Severity if counts[s])


def _where(finding: Finding, links: SourceLinks | None, *, message: bool) -> str:
    if finding.path:
        place = f"{finding.path}:{finding.line}" if finding.line is not None else finding.path
        url = links.blob(finding.path, finding.line) if links else None
        shown = location(place, url)
    elif finding.package:
        shown = code_span(f"{finding.package} {finding.version or ''}".strip())
    else:
        shown = "(no location)"
    if finding.package and finding.path and finding.version:
        shown += f" ({code_span(finding.version)})"
    text = _first_line(finding.message) if message else ""
    return f"{shown}: {neutralise(text, Span.LINE)}" if text else shown


def _fix(group: FindingGroup) -> str:
    parts = []
    fixed = sorted({version for f in group.findings for version in f.fixed_versions})
    if fixed:
        parts.append("fixed in " + ", ".join(code_span(version) for version in fixed))
    ranges = sorted({f.vulnerable_range for f in group.findings if f.vulnerable_range})
    if ranges:
        parts.append("vulnerable " + ", ".join(code_span(text) for text in ranges))
    available = {f.fix_available for f in group.findings if f.fix_available is not None}
    if available == {True} and not fixed:
        parts.append("a fix is available")
    elif available == {False}:
        parts.append("no fix available yet")
    return "; ".join(parts)


def _advisory(group: FindingGroup) -> str:
    ids = [group.rule_id, *sorted({alias for f in group.findings for alias in f.aliases})]
    linked = [_advisory_link(text) for text in ids]
    shown = [text for text in linked if text]
    if not shown:
        url = group.findings[0].advisory
        return code_span(url) if url else ""
    url = group.findings[0].advisory
    if url and not any(_advisory_link(text) for text in ids[:1]):
        shown.append(code_span(url))
    return ", ".join(shown)


def _advisory_link(advisory_id: str) -> str | None:
    for pattern, page in _advisory_pages():
        if pattern.fullmatch(advisory_id):
            return f"[{advisory_id}]({page.format(advisory_id)})"
    return None


def _first_line(text: str) -> str:
    line = text.strip().split("\n", 1)[0].strip() if text.strip() else ""
    return line if len(line) <= MESSAGE_CHARS else line[: MESSAGE_CHARS - 1] + "…"


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" if number == 1 else f"{number:,} {noun}s"


def _location_order(finding: Finding) -> tuple[int, str, int, str, str]:
    return (
        finding.severity.rank,
        finding.path or "",
        finding.line or 0,
        finding.version or "",
        finding.fingerprint,
    )

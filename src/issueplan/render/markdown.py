"""The plan as one Markdown document, in the shape users know from the seed report.

Title, summary, coverage, the items by priority (each with its fields, steps, criteria and evidence), then a
Mermaid Gantt chart of the due dates and a Mermaid graph of the dependencies. Same plan, same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime

from issueplan.model import ActionItem, Dependency, FileCoverage, Plan, PlanCoverage, Priority
from issueplan.render.evidence import render_evidence
from issueplan.render.links import SourceLinks
from issueplan.render.safety import Span, code_span, neutralise
from issueplan.render.timestamp import as_utc, due_in_words, format_date, format_minute

# A plan lists many items; a few failing tests each say enough, the issue body carries the rest.
CASE_LIMIT = 5
FINDING_LIMIT = 20
# A CommonMark hard line break: in a Markdown *file* GitHub joins consecutive lines, unlike in an issue.
HARD_BREAK = "\\"


def render_markdown(plan: Plan, *, source_links: SourceLinks | None = None) -> str:
    """The plan as Markdown; with `source_links`, its locations link to their lines at the run's commit."""
    parts = [_render_head(plan)]
    if plan.coverage is not None:
        parts.append(f"## Coverage\n\n{render_coverage(plan.coverage)}")
    parts.append("## Action Items\n\n")
    items = sorted_items(plan.items)
    for priority in Priority:
        chosen = [item for item in items if item.priority is priority]
        if chosen:
            parts.append(f"### {priority.value.capitalize()} Priority Actions\n\n")
            parts.extend(_render_item(item, plan, source_links) for item in chosen)
    if not items:
        parts.append("No action items: every observed check is healthy.\n\n")
    else:
        # Not code_block(): its comment defusing would break Mermaid's `-->`; every label here is sanitised.
        parts.append(f"## Timeline\n\n```mermaid\n{render_gantt(items)}\n```\n\n")
        parts.append(f"## Dependencies\n\n```mermaid\n{render_dependency_graph(items)}\n```\n\n")
    if plan.problems:
        parts.append(
            "## Problems\n\nThese files could not be read (fully); the plan uses everything else.\n\n"
        )
        parts.extend(
            f"- {code_span(_place(p.file, p.line))}: {neutralise(p.message, Span.LINE)}\n"
            for p in sorted(plan.problems, key=lambda p: (p.file, p.line or 0, p.message))
        )
        parts.append("\n")
    return "".join(parts).rstrip("\n") + "\n"


def sorted_items(items: Iterable[ActionItem]) -> list[ActionItem]:
    """The seed's order: priority, then due date, then type (security first), then id."""
    return sorted(items, key=lambda i: (i.priority.rank, as_utc(i.due_date), i.type.rank, i.id))


def _hard_breaks(text: str) -> str:
    """Keep single line breaks inside a paragraph: in a Markdown file GitHub would join them with a space."""
    return "\n\n".join((HARD_BREAK + "\n").join(para.split("\n")) for para in text.split("\n\n"))


def _render_head(plan: Plan) -> str:
    counts = plan.summary.by_priority
    completion = plan.summary.estimated_completion
    lines = [
        "# Product Improvement Plan",
        "",
        f"Generated: {format_minute(plan.generated_at)}" + HARD_BREAK,
        f"Scope: {neutralise(plan.scope, Span.LINE)}" + HARD_BREAK,
        f"Overall Status: {plan.overall_status}",
        "",
        "## Summary\n",
        f"- **Total Actions**: {plan.summary.total}",
        f"- **Critical Actions**: {counts.get(Priority.CRITICAL, 0)}",
        f"- **High Priority Actions**: {counts.get(Priority.HIGH, 0)}",
        f"- **Estimated Completion**: {_due(completion, plan) if completion else 'n/a'}",
    ]
    return "\n".join(lines) + "\n\n"


def _due(moment: datetime, plan: Plan) -> str:
    """`2026-12-04 (due in 3 days)`: plan.md is written fresh by every run, so it may count from `now`."""
    return f"{format_date(moment)} ({due_in_words(moment, plan.generated_at)})"


def _render_item(item: ActionItem, plan: Plan, source_links: SourceLinks | None) -> str:
    def line(text: str) -> str:
        return neutralise(text, Span.LINE)

    fields = [
        f"**Type**: {item.type}",
        f"**Effort**: {line(item.effort)}",
        f"**Assigned To**: {line(item.team)}",
        f"**Due Date**: {_due(item.due_date, plan)}",
    ]
    waits_on = [dep for dep in item.dependencies if dep.in_plan]
    if waits_on:
        fields.append(f"**Dependencies**: {', '.join(render_dependency(dep) for dep in waits_on)}")
    fields.extend(line(absent_dependency(dep)) for dep in item.dependencies if not dep.in_plan)
    parts = [
        f"#### {line(item.id)}: {line(item.title)}\n\n",
        f"**Description**: {_hard_breaks(neutralise(item.description))}\n\n",
        (HARD_BREAK + "\n").join(fields) + "\n\n",
    ]
    if item.steps:
        parts.append("**Implementation Steps**:\n" + "".join(f"- {line(s)}\n" for s in item.steps) + "\n")
    if item.acceptance_criteria:
        criteria = "".join(f"- {line(c)}\n" for c in item.acceptance_criteria)
        parts.append("**Acceptance Criteria**:\n" + criteria + "\n")
    evidence = render_evidence(
        item.evidence,
        case_limit=CASE_LIMIT,
        finding_limit=FINDING_LIMIT,
        links=source_links,
        said=item.description,
    )
    if evidence:
        parts.append("**Evidence**:\n\n" + "".join(evidence))
    parts.append("---\n\n")
    return "".join(parts)


def _rate(rate: float | None, part: int, whole: int) -> str:
    """`72.5% (725 of 1000)`, the rate alone without counts, `—` where nothing of the kind was measured."""
    if rate is None:
        return "—"
    return f"{rate:.1%} ({part} of {whole})" if whole else f"{rate:.1%}"


def _line_rate(coverage: PlanCoverage | FileCoverage) -> str:
    return _rate(coverage.line_rate, coverage.lines_covered, coverage.lines_valid)


def _branch_rate(coverage: PlanCoverage | FileCoverage) -> str:
    return _rate(coverage.branch_rate, coverage.branches_covered, coverage.branches_valid)


def render_coverage(coverage: PlanCoverage) -> str:
    """The coverage totals in a line, then the least covered files; no branch rate without branch data."""
    parts = [f"Lines {_line_rate(coverage)}"]
    if coverage.branch_rate is not None:
        parts.append(f"branches {_branch_rate(coverage)}")
    if coverage.files:
        parts.append(f"{coverage.files} {'file' if coverage.files == 1 else 'files'} measured")
    text = f"{' · '.join(parts)}\n\n"
    if coverage.least_covered:
        rows = "".join(
            f"| {code_span(e.path, in_table=True)} | {_line_rate(e)} | {_branch_rate(e)} |\n"
            for e in coverage.least_covered
        )
        text += f"Least covered files:\n\n| File | Lines | Branches |\n| --- | ---: | ---: |\n{rows}\n"
    return text


def render_dependency(dependency: Dependency) -> str:
    """An item this one waits on; one outside the plan is told in a sentence of its own."""
    return neutralise(dependency.id, Span.LINE)


def _place(file: str, line: int | None) -> str:
    return f"{file}:{line}" if line is not None else file


# --- Mermaid -----------------------------------------------------------------------------------------------

# Mermaid gives `:`, `;`, `#`, `%`, quotes, brackets and backticks meaning; labels keep only plain characters.
_MERMAID_UNSAFE = re.compile(r"[^\w .,/+-]")


def mermaid_label(text: str, limit: int = 60) -> str:
    cleaned = " ".join(_MERMAID_UNSAFE.sub(" ", text).split())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1].rstrip() + "…"


def mermaid_id(item_id: str) -> str:
    return "n_" + re.sub(r"\W", "_", item_id, flags=re.ASCII)


def render_gantt(items: Sequence[ActionItem]) -> str:
    """Each item a bar from first seen to due date, one section per priority, critical ones marked."""
    lines = [
        "gantt",
        "    title Due dates",
        "    dateFormat YYYY-MM-DD",
        "    axisFormat %b %d",
        "    tickInterval 1week",
    ]
    for priority in Priority:
        chosen = [item for item in items if item.priority is priority]
        if not chosen:
            continue
        lines.append(f"    section {priority.value.capitalize()}")
        for item in chosen:
            tag = "crit, " if priority is Priority.CRITICAL else ""
            start = as_utc(item.first_seen).date().isoformat()
            end = as_utc(item.due_date).date().isoformat()
            label = mermaid_label(f"{item.id} {item.title}")
            lines.append(f"    {label} :{tag}{mermaid_id(item.id)}, {start}, {end}")
    return "\n".join(lines)


def render_dependency_graph(items: Sequence[ActionItem]) -> str:
    """An arrow from each dependency to the item waiting on it; items outside the plan are dashed."""
    lines = ["graph LR"]
    known = {item.id for item in items}
    lines.extend(
        f'    {mermaid_id(item.id)}["{mermaid_label(f"{item.id}: {item.title}")}"]' for item in items
    )
    absent = sorted({dep.id for item in items for dep in item.dependencies if dep.id not in known})
    lines.extend(
        f'    {mermaid_id(dep_id)}["{mermaid_label(dep_id)} (not in this plan)"]:::absent'
        for dep_id in absent
    )
    for item in items:
        for dep in sorted(item.dependencies, key=lambda d: d.id):
            arrow = "-->" if dep.id in known else "-.->"
            lines.append(f"    {mermaid_id(dep.id)} {arrow} {mermaid_id(item.id)}")
    if absent:
        lines.append("    classDef absent stroke-dasharray: 5 5")
    return "\n".join(lines)


def absent_dependency(dependency: Dependency) -> str:
    """A dependency outside the plan, in words: why nothing waits on it now (the plan's Markdown and an issue
    body say it alike; kept here so that the plan does not load the issue body's markers and blocks)."""
    name = f"{dependency.id} ({dependency.title})" if dependency.title else dependency.id
    return (
        f"{name} is not part of this plan: its evidence was healthy or not observed in this run, so this"
        " item waits on nothing there."
    )

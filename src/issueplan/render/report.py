"""`issueplan parse` output: the RunReport as a terminal table, or as JSON with stable field names."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from issueplan.collector import collector_paused
from issueplan.model import Plan, RunReport, Severity
from issueplan.render.json_text import dumps_sorted


def render_report_json(report: RunReport) -> str:
    """The RunReport as JSON: sorted keys, stable field names, trailing newline. The dumped tree holds no
    cycles: the collector is paused while it is built (its walks were 1.3 s of 2 on 100k findings)."""
    with collector_paused():
        data: dict[str, Any] = report.model_dump(mode="json")
        return dumps_sorted(data)


def _row(cells: list[str], widths: list[int]) -> str:
    return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return [_row(header, widths), _row(["-" * w for w in widths], widths)] + [_row(r, widths) for r in rows]


def _clean(text: str) -> str:
    """Terminal output must not carry control characters from untrusted input (escape sequences)."""
    return "".join(ch if ch.isprintable() else "?" for ch in text)


def unrecognised_note(report: RunReport, shown: int = 10) -> str | None:
    """One line naming the files that are not recognised result files (not broken ones: no warning each),
    or None when there are none."""
    files = report.unrecognised
    if not files:
        return None
    listed = ", ".join(files[:shown]) + (f" and {len(files) - shown} more" if len(files) > shown else "")
    if len(files) == 1:
        return f"Note: 1 file is not a recognised result file, not read: {listed}"
    return f"Note: {len(files)} files are not recognised result files, not read: {listed}"


def render_report_table(report: RunReport) -> str:
    lines: list[str] = []
    if report.suites:
        rows = [
            [
                _clean(s.name),
                s.kind.value,
                s.status.value,
                str(s.tests),
                str(s.failures),
                str(s.errors),
                str(s.skipped),
                str(s.flaky),
                "yes" if s.has_report else f"no ({s.outcome.value if s.outcome else 'no outcome'})",
            ]
            for s in report.suites
        ]
        header = ["suite", "kind", "status", "tests", "failures", "errors", "skipped", "flaky", "report"]
        lines += ["Suites", "", *_table(header, rows), ""]
    else:
        lines += ["No test suites found.", ""]
    if report.findings:
        by_severity = Counter(f.severity for f in report.findings)
        counts = ", ".join(f"{by_severity[s]} {s.value}" for s in Severity if by_severity[s])
        tools = Counter(f.tool for f in report.findings)
        by_tool = ", ".join(f"{_clean(tool)} {n}" for tool, n in sorted(tools.items()))
        lines += [f"Findings: {len(report.findings)} ({counts}); by tool: {by_tool}", ""]
    elif report.scans:
        lines += [f"Findings: none ({len(report.scans)} scan(s) ran clean)", ""]
    if report.coverage is not None and report.coverage.line_rate is not None:
        branch = report.coverage.branch_rate
        branch_text = f", branches {branch:.1%}" if branch is not None else ""
        lines += [f"Coverage: lines {report.coverage.line_rate:.1%}{branch_text}", ""]
    note = unrecognised_note(report)
    if note:
        lines += [_clean(note), ""]
    if report.problems:
        lines.append(f"Problems ({len(report.problems)}):")
        for problem in report.problems:
            where = problem.file + (f":{problem.line}" if problem.line else "")
            lines.append(f"  {_clean(where)}: {_clean(problem.message)}")
        lines.append("")
    return "\n".join(lines)


def render_plan_table(plan: Plan, issues: Mapping[str, int]) -> str:
    """The plan in a few terminal lines: id, priority, due date, team, issue number, title."""
    if not plan.items:
        return "No action items: everything observed is healthy."
    rows = [
        [
            item.id,
            item.priority.value,
            item.due_date.date().isoformat(),
            _clean(item.team),
            f"#{issues[item.id]}" if item.id in issues else "",
            _clean(item.title),
        ]
        for item in plan.items
    ]
    return "\n".join(_table(["id", "priority", "due", "team", "issue", "title"], rows))

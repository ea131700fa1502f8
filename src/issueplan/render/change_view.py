"""The "what would this change" section of a dry run's job summary: the issues the run would open, close or
reopen compared with the tracker, so a pull request shows what it changes before it is merged.

Only opens, closes and reopens are listed: body and label updates follow from them or from the evidence, and
a reviewer asks what appears or goes away. Each list is capped; the log's change lines have them all.
"""

from __future__ import annotations

from collections.abc import Sequence

from issueplan.model import Plan
from issueplan.render.safety import Span, neutralise
from issueplan.tracker.changes import ChangeSet, CloseIssue, CreateIssue, ReopenIssue

LISTED = 25  # per list; the log lists every change


def render_change_view(changes: ChangeSet, plan: Plan, *, heading: str) -> str:
    """A Markdown section (ending in a blank line) listing would-open, would-close and would-reopen issues;
    one sentence when there are none."""
    items = {item.key: item for item in plan.items}
    opened: list[str] = []
    closed: list[str] = []
    reopened: list[str] = []
    for operation in changes.operations:
        if isinstance(operation, CreateIssue):
            item = items.get(operation.key)
            named = f"{item.id}: {item.title} ({item.priority.value})" if item else operation.id
            opened.append(neutralise(named, Span.LINE))
        elif isinstance(operation, CloseIssue):
            closed.append(f"#{operation.number} ({neutralise(operation.id, Span.LINE)})")
        elif isinstance(operation, ReopenIssue):
            item = items.get(operation.key)
            named = f"{operation.id}: {item.title}" if item else operation.id
            reopened.append(f"#{operation.number} ({neutralise(named, Span.LINE)})")
    lines = [f"### {heading}", ""]
    if not (opened or closed or reopened):
        lines += ["No issue would be opened, closed or reopened: the tracker already shows this plan.", ""]
        return "\n".join(lines) + "\n"
    for title, entries in (("Would open", opened), ("Would close", closed), ("Would reopen", reopened)):
        lines += _listed(title, entries)
    return "\n".join(lines) + "\n"


def _listed(title: str, entries: Sequence[str]) -> list[str]:
    if not entries:
        return []
    lines = [f"**{title}** ({len(entries)}):", ""]
    lines += [f"- {entry}" for entry in entries[:LISTED]]
    if len(entries) > LISTED:
        lines.append(f"- and {len(entries) - LISTED} more (listed in the log)")
    return [*lines, ""]

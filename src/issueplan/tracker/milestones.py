"""The milestone part of the diff (pure): one milestone per group of items, due on the latest of their dates.

Dates are compared as dates only: GitHub keeps the day of `due_on` and answers with midnight US-Pacific, so a
timestamp comparison would see a change on every run.
"""

from __future__ import annotations

from collections.abc import Sequence

from issueplan.model import ActionItem
from issueplan.tracker.catalog import milestone_description, milestone_title, owns_milestone
from issueplan.tracker.changes import (
    CloseDuplicate,
    CloseIssue,
    CreateMilestone,
    IssueState,
    Operation,
    UpdateIssue,
    UpdateMilestone,
)
from issueplan.tracker.options import SyncOptions
from issueplan.tracker.tracked import TrackedIssue, TrackerState


def diff_milestones(
    items: Sequence[ActionItem],
    issues: Sequence[TrackedIssue],
    issue_ops: Sequence[Operation],
    state: TrackerState,
    options: SyncOptions,
) -> list[Operation]:
    """Create or adjust the milestones the open items need; close ours once nothing open is left in them."""
    groups: dict[str, list[ActionItem]] = {}
    for item in items:
        title = milestone_title(item, options)
        if title is not None:
            groups.setdefault(title, []).append(item)
    existing = {milestone.title.casefold(): milestone for milestone in state.milestones}
    description = milestone_description(options)
    ops: list[Operation] = []
    for title, members in sorted(groups.items()):
        due = max(item.due_date.date() for item in members)
        milestone = existing.get(title.casefold())
        if milestone is None:
            ops.append(CreateMilestone(title=title, due_on=due, description=description))
            continue
        update = UpdateMilestone(
            number=milestone.number,
            title=milestone.title,
            due_on=due if milestone.due_on != due else None,
            state=IssueState.OPEN if milestone.state is IssueState.CLOSED else None,
            description=description if milestone.description != description else None,
        )
        if (update.due_on, update.state, update.description) != (None, None, None):
            ops.append(update)
    wanted = {title.casefold() for title in groups}
    leaving = _leaving(issues, issue_ops)
    ops.extend(
        UpdateMilestone(number=milestone.number, title=milestone.title, state=IssueState.CLOSED)
        for milestone in state.milestones
        if milestone.state is IssueState.OPEN
        and milestone.title.casefold() not in wanted
        and owns_milestone(milestone.title, options)
        and milestone.open_issues <= leaving.get(milestone.number, 0)
    )
    return ops


def _leaving(issues: Sequence[TrackedIssue], issue_ops: Sequence[Operation]) -> dict[int, int]:
    """Per milestone number, how many of its open issues this sync closes or moves elsewhere."""
    by_number = {issue.number: issue for issue in issues}
    counts: dict[int, int] = {}
    for op in issue_ops:
        moves = isinstance(op, UpdateIssue) and op.milestone is not None
        if not (moves or isinstance(op, CloseIssue | CloseDuplicate)):
            continue
        issue = (
            by_number.get(op.number) if isinstance(op, UpdateIssue | CloseIssue | CloseDuplicate) else None
        )
        if issue is not None and issue.is_open and issue.milestone is not None:
            counts[issue.milestone] = counts.get(issue.milestone, 0) + 1
    return counts

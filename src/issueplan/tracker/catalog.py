"""The labels and milestones issueplan owns: their names, fixed colours and descriptions.

Ownership is by name: the managed label, `priority: *`, `team: *`, `type: *` and `overdue` are ours and may be
set or removed on managed issues; any other label belongs to a human and is never removed (S14).
A milestone is ours when its title is one this catalog would produce.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from issueplan.model import ActionItem, Frozen, ItemType, Priority
from issueplan.modes import MilestoneMode
from issueplan.tracker.options import SyncOptions

OVERDUE = "overdue"
OWNED_PREFIXES = ("priority: ", "team: ", "type: ")

PRIORITY_COLORS = {
    Priority.CRITICAL: "b60205",
    Priority.HIGH: "d93f0b",
    Priority.MEDIUM: "fbca04",
    Priority.LOW: "0e8a16",
}
TYPE_COLORS = {
    ItemType.SECURITY: "5319e7",
    ItemType.BUG_FIX: "d73a4a",
    ItemType.ENHANCEMENT: "a2eeef",
    ItemType.INFRASTRUCTURE: "0052cc",
}
MANAGED_COLOR = "1d76db"
TEAM_COLOR = "c5def5"
OVERDUE_COLOR = "e11d21"

PRIORITY_MILESTONES = {
    Priority.CRITICAL: "Critical action items",
    Priority.HIGH: "High priority action items",
    Priority.MEDIUM: "Medium priority action items",
    Priority.LOW: "Low priority action items",
}
WEEK_MILESTONE = re.compile(r"^Action items due the week of \d{4}-\d{2}-\d{2}( \(.+\))?$")
DESCRIPTION_CAP = 100


class LabelSpec(Frozen):
    name: str
    color: str
    description: str


def managed_label(options: SyncOptions) -> LabelSpec:
    return LabelSpec(
        name=options.label,
        color=MANAGED_COLOR,
        description="Managed by issueplan: kept in sync with CI results",
    )


def item_label_specs(item: ActionItem, *, now: datetime) -> tuple[LabelSpec, ...]:
    """The owned labels an open item should carry, besides the managed label."""
    specs = [
        LabelSpec(
            name=f"priority: {item.priority.value}",
            color=PRIORITY_COLORS[item.priority],
            description=f"issueplan: {item.priority.value} priority",
        ),
        LabelSpec(
            name=f"team: {item.team}", color=TEAM_COLOR, description=f"issueplan: owned by {item.team}"
        ),
        LabelSpec(
            name=f"type: {item.type.value}",
            color=TYPE_COLORS[item.type],
            description=f"issueplan: {item.type.value.replace('_', ' ')}",
        ),
    ]
    if is_overdue(item, now=now):
        specs.append(LabelSpec(name=OVERDUE, color=OVERDUE_COLOR, description="issueplan: past its due date"))
    return tuple(
        LabelSpec(name=s.name, color=s.color, description=s.description[:DESCRIPTION_CAP]) for s in specs
    )


def is_overdue(item: ActionItem, *, now: datetime) -> bool:
    return item.due_date < now


def owns_label(name: str, options: SyncOptions) -> bool:
    folded = name.casefold()
    return folded in {options.label.casefold(), OVERDUE} or any(
        folded.startswith(prefix) for prefix in OWNED_PREFIXES
    )


def milestone_title(item: ActionItem, options: SyncOptions) -> str | None:
    """The milestone an item belongs in; other scopes get their own (the scope is appended)."""
    if options.milestones is MilestoneMode.NONE:
        return None
    if options.milestones is MilestoneMode.PRIORITY:
        title = PRIORITY_MILESTONES[item.priority]
    else:
        due = item.due_date.date()
        title = f"Action items due the week of {(due - timedelta(days=due.weekday())).isoformat()}"
    return title if options.scope == "default" else f"{title} ({options.scope})"


def owns_milestone(title: str, options: SyncOptions) -> bool:
    suffix = "" if options.scope == "default" else f" ({options.scope})"
    if not title.endswith(suffix):
        return False
    base = title.removesuffix(suffix) if suffix else title
    if base in PRIORITY_MILESTONES.values():
        return True
    return WEEK_MILESTONE.match(base) is not None and "(" not in base


def milestone_description(options: SyncOptions) -> str:
    return f"issueplan action items (scope {options.scope}); the due date is the latest of its open items."


def due_date(item: ActionItem) -> date:
    return item.due_date.date()

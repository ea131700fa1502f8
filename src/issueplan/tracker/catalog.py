"""The labels and milestones issueplan owns: names from the config (naming.py), fixed colours, descriptions.

Ownership is by name: the managed label and the names the priority, team, type and overdue templates produce
are ours and may be set or removed on managed issues; any other label belongs to a human and is never removed
(S14). The `flaky` label is set on flaky-test items but never owned: never removed, never recoloured. A
milestone is ours when its title is one the config's milestone names would produce.
"""

from __future__ import annotations

import functools
from datetime import date, datetime

from issueplan.model import ActionItem, Frozen, ItemType, Priority
from issueplan.naming import LabelNames
from issueplan.tracker.options import SyncOptions

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
FLAKY_COLOR = "f9d0c4"
# The items of the flaky-tests rule (policy/flaky.py): one test, or one suite's grouped tests.
FLAKY_KEY_PREFIX = "flaky/"

DESCRIPTION_CAP = 100
# The descriptions issueplan gives its milestones and priority labels: how a read recognises them without the
# config (when the managed label is gone, they are the other routes to its issues; tracker/state.py).
MILESTONE_DESCRIPTION = "issueplan action items"
_PRIORITY_DESCRIPTIONS = frozenset(f"issueplan: {priority.value} priority" for priority in Priority)


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


def item_label_specs(item: ActionItem, options: SyncOptions, *, now: datetime) -> tuple[LabelSpec, ...]:
    """The owned labels an open item should carry, besides the managed label."""
    flaky = item.key.startswith(FLAKY_KEY_PREFIX)
    return _label_specs(
        options.label_names, item.priority, item.team, item.type, flaky, is_overdue(item, now=now)
    )


# A sync asks for every item's labels twice, and items share a few priorities, teams and types.
@functools.lru_cache(maxsize=1024)
def _label_specs(
    names: LabelNames, priority: Priority, team: str, kind: ItemType, flaky: bool, overdue: bool
) -> tuple[LabelSpec, ...]:
    specs = [
        (
            names.priority.format(priority=priority.value),
            PRIORITY_COLORS[priority],
            f"issueplan: {priority.value} priority",  # see _PRIORITY_DESCRIPTIONS
        ),
        (names.team.format(team=team), TEAM_COLOR, f"issueplan: owned by {team}"),
        (names.type.format(type=kind.value), TYPE_COLORS[kind], f"issueplan: {kind.value.replace('_', ' ')}"),
    ]
    if flaky:
        specs.append((names.flaky, FLAKY_COLOR, "issueplan: fails, then passes on rerun"))
    if overdue:
        specs.append((names.overdue, OVERDUE_COLOR, "issueplan: past its due date"))
    return tuple(
        LabelSpec(name=name, color=color, description=description[:DESCRIPTION_CAP])
        for name, color, description in specs
    )


def is_overdue(item: ActionItem, *, now: datetime) -> bool:
    return item.due_date < now


def owns_label(name: str, options: SyncOptions) -> bool:
    return options.label_names.owns(name, managed=options.label)


def milestone_title(item: ActionItem, options: SyncOptions) -> str | None:
    """The milestone an item belongs in; other scopes get their own (the scope is appended)."""
    return options.milestone_names.title(item, mode=options.milestones, scope=options.scope)


def owns_milestone(title: str, options: SyncOptions) -> bool:
    return options.milestone_names.owns(title, scope=options.scope)


def milestone_description(options: SyncOptions) -> str:
    return f"{MILESTONE_DESCRIPTION} (scope {options.scope}); the due date is the latest of its open items."


def is_own_milestone(description: str) -> bool:
    return description.startswith(MILESTONE_DESCRIPTION)


def is_priority_label(description: str) -> bool:
    return description in _PRIORITY_DESCRIPTIONS


def due_date(item: ActionItem) -> date:
    return item.due_date.date()

"""Plain plan values for the tracker tests: items, plans, and a make_plan that honours known items."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

from issueplan.model import (
    ActionItem,
    Dependency,
    ItemType,
    KnownItem,
    OverallStatus,
    Plan,
    PlanSummary,
    Priority,
)

NOW = datetime(2025, 8, 20, 10, 5, 39, tzinfo=UTC)
SLA_DAYS = {Priority.CRITICAL: 3, Priority.HIGH: 10, Priority.MEDIUM: 31, Priority.LOW: 60}


def make_item(
    key: str,
    item_id: str,
    *,
    priority: Priority = Priority.HIGH,
    type_: ItemType = ItemType.BUG_FIX,
    team: str = "development_team",
    title: str | None = None,
    description: str = "Something failed.",
    first_seen: datetime = NOW,
    depends_on: Sequence[tuple[str, bool]] = (),
    steps: Sequence[str] = ("Look at the failure", "Fix it"),
) -> ActionItem:
    return ActionItem(
        id=item_id,
        key=key,
        rule="suite-failed",
        title=title or f"Fix: {key}",
        description=description,
        type=type_,
        priority=priority,
        team=team,
        effort="1 day",
        first_seen=first_seen,
        due_date=first_seen + timedelta(days=SLA_DAYS[priority]),
        dependencies=tuple(Dependency(id=dep, in_plan=in_plan) for dep, in_plan in depends_on),
        steps=tuple(steps),
        acceptance_criteria=("The suite passes",),
    )


def make_plan(
    items: Sequence[ActionItem],
    *,
    healthy: Sequence[str] = (),
    now: datetime = NOW,
    scope: str = "default",
) -> Plan:
    by_priority: dict[Priority, int] = {}
    for item in items:
        by_priority[item.priority] = by_priority.get(item.priority, 0) + 1
    return Plan(
        generated_at=now,
        scope=scope,
        overall_status=OverallStatus.FAILING if items else OverallStatus.HEALTHY,
        summary=PlanSummary(total=len(items), by_priority=by_priority),
        items=tuple(items),
        healthy=tuple(healthy),
    )


def remembering(items: Sequence[ActionItem], **plan_args: object) -> object:
    """A make_plan for sync_plan: known ids and first_seen win over the fresh ones, as build_plan does."""

    def build(known: Mapping[str, KnownItem]) -> Plan:
        kept = []
        for item in items:
            memory = known.get(item.key)
            if memory is None:
                kept.append(item)
                continue
            delay = item.due_date - item.first_seen
            kept.append(
                item.model_copy(
                    update={
                        "id": memory.id,
                        "first_seen": memory.first_seen,
                        "due_date": memory.first_seen + delay,
                    }
                )
            )
        return make_plan(kept, **plan_args)  # type: ignore[arg-type]

    return build

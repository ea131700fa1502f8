"""Where else to look for managed issues when the listing by the managed label cannot have found them all
(S20).

The evidence, all from the pages a read makes anyway: the managed label is gone from the repository (deleted
or renamed) while issueplan's milestones hold issues or its priority labels exist; or one of issueplan's
milestones holds more issues than the listing by label saw in it (a human took the label off). Only then
does the read list more: those milestones' issues, and with the label gone the priority labels' issues,
`state=all`, never the Search API (S3). Pure: the routes to read, no I/O.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from issueplan.tracker.catalog import is_own_milestone, is_priority_label

if TYPE_CHECKING:
    from issueplan.tracker.tracked import TrackedLabel, TrackedMilestone

Route = tuple[dict[str, Any], str]  # the listing's query, and what it reads (for messages)


def recovery_routes(
    label: str,
    labels: Iterable[TrackedLabel],
    milestones: Iterable[TrackedMilestone],
    listed: Iterable[Mapping[str, Any]],
) -> list[Route]:
    """The other listings to read (none on a healthy repository, so a no-op run keeps its read cost)."""
    labels, milestones = list(labels), list(milestones)
    seen = Counter(_milestone_number(raw) for raw in listed)  # pull requests too: milestones count them
    ours = [mil for mil in milestones if is_own_milestone(mil.description)]
    lost = label.casefold() not in {lab.name.casefold() for lab in labels} and (
        any(mil.open_issues + mil.closed_issues for mil in ours)
        or any(is_priority_label(lab.description) for lab in labels)
    )
    routes: list[Route] = [
        ({"state": "all", "milestone": str(mil.number)}, f"list the issues of milestone {mil.title!r}")
        for mil in ours
        if mil.open_issues + mil.closed_issues > (0 if lost else seen[mil.number])
    ]
    if lost:
        routes += [
            ({"state": "all", "labels": lab.name}, f"list the issues labelled {lab.name!r}")
            for lab in labels
            if is_priority_label(lab.description) and "," not in lab.name
        ]
    return routes


def _milestone_number(raw: Mapping[str, Any]) -> int | None:
    milestone = raw.get("milestone")
    number = milestone.get("number") if isinstance(milestone, dict) else None
    return number if type(number) is int else None

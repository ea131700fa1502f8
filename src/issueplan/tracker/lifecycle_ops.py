"""The lifecycle's operations for issues whose item is not in the plan (pure): healthy runs that close an
issue or count towards closing it, and the announcement of a passed `snooze:` date.

Items in the plan are diffed by tracker/diff.py, which asks tracker/lifecycle.py for their markers.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from issueplan.model import HealthyFact, Plan
from issueplan.render.comments import render_close_comment, render_flaky_comment, render_snooze_over_comment
from issueplan.render.managed_block import with_marker
from issueplan.render.marker import Marker
from issueplan.tracker.changes import (
    CloseIssue,
    CommentIssue,
    CreateLabel,
    Operation,
    StateReason,
    UpdateIssue,
)
from issueplan.tracker.lifecycle import (
    Run,
    healthy,
    is_snoozed,
    marker_of,
    settled,
    snooze_over,
)
from issueplan.tracker.options import SyncOptions
from issueplan.tracker.tracked import TrackedIssue, TrackerState

FLAKY_COLOR = "fbca04"
FLAKY_DESCRIPTION = "Keeps coming back; issueplan no longer closes it on its own"


def current_marker(issue: TrackedIssue, run: Run, options: SyncOptions) -> tuple[Marker, list[Operation]]:
    """The issue's marker as this run starts from it, and the comment a passed snooze date asks for (once).

    A human's removal of the flaky label is taken in; a passed `snooze:` date is recorded so it is announced
    only once."""
    marker = settled(issue, marker_of(issue), run)
    until = snooze_over(issue, run) if issue.is_open else None
    if until is None:
        return marker, []
    comment = CommentIssue(
        number=issue.number,
        key=issue.key,
        id=issue.item_id,
        comment=render_snooze_over_comment(until, run.place("snooze-over", issue, options)),
    )
    return marker.model_copy(update={"snooze_over": until}), [comment]


def unplanned_changes(
    kept: Mapping[str, TrackedIssue], plan: Plan, state: TrackerState, run: Run, options: SyncOptions
) -> list[Operation]:
    """Close what the run saw healthy often and long enough (decision 4: absent is not fixed), record a
    healthy run that does not close yet, mark flaky what passes on a commit it failed on, and leave snoozed
    and not-planned issues alone."""
    planned = {item.key for item in plan.items}
    healthy_keys, facts = set(plan.healthy), plan.healthy_facts
    ops: list[Operation] = []
    for key, issue in sorted(kept.items()):
        if key in planned or not issue.is_open or is_snoozed(issue, run):
            continue
        marker, comments = current_marker(issue, run, options)
        ops.extend(comments)
        seen = healthy(issue, marker, run) if key in healthy_keys else None
        if seen is not None and seen.closes:
            ops.append(
                CloseIssue(
                    number=issue.number,
                    key=key,
                    id=issue.item_id,
                    comment=_close_comment(
                        issue, run, options, facts.get(key, ()), streak=seen.streak, since=seen.since
                    ),
                    state_reason=StateReason.COMPLETED,
                    body=_rewritten(issue, seen.marker),
                )
            )
            continue
        if seen is not None and seen.turns_flaky:
            ops.extend(flaky_changes(issue, seen.marker, state, run, options, failed=False))
            continue
        if seen is not None:
            marker = seen.marker
        body = _rewritten(issue, marker)
        if body is not None:
            ops.append(UpdateIssue(number=issue.number, key=key, id=issue.item_id, body=body))
    return ops


def flaky_changes(
    issue: TrackedIssue,
    marker: Marker,
    state: TrackerState,
    run: Run,
    options: SyncOptions,
    *,
    failed: bool,
) -> list[Operation]:
    """An issue whose item passed and failed on one commit: the flaky label (made if missing), the marker
    that remembers it, and a comment saying so, once. With `failed` (its rule fires now) the body is the
    diff's to write; here only the label and the comment."""
    label = run.settings.flaky_label
    ops: list[Operation] = []
    if not any(known.name.casefold() == label.casefold() for known in state.labels):
        ops.append(CreateLabel(name=label, color=FLAKY_COLOR, description=FLAKY_DESCRIPTION))
    comment = render_flaky_comment(label, run.place("flaky", issue, options), failed=failed)
    ops.append(CommentIssue(number=issue.number, key=issue.key, id=issue.item_id, comment=comment))
    if not failed:
        labels = (
            (*issue.labels, label) if label.casefold() not in {n.casefold() for n in issue.labels} else None
        )
        ops.append(
            UpdateIssue(
                number=issue.number,
                key=issue.key,
                id=issue.item_id,
                body=_rewritten(issue, marker),
                labels=labels,
                old_labels=tuple(issue.labels) if labels else None,
            )
        )
    return ops


def _rewritten(issue: TrackedIssue, marker: Marker) -> str | None:
    """The body with `marker` in place of its marker line; None when that changes nothing."""
    if marker == marker_of(issue):
        return None
    body = with_marker(issue.body, marker)
    return body if body is not None and body != issue.body else None


def _close_comment(
    issue: TrackedIssue,
    run: Run,
    options: SyncOptions,
    facts: tuple[HealthyFact, ...],
    *,
    streak: int,
    since: datetime,
) -> str:
    if not options.close_comment:
        return ""
    return render_close_comment(
        facts, run.place("close", issue, options), healthy_runs=streak, healthy_since=since
    )

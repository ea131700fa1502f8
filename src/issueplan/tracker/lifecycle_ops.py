"""The lifecycle's operations for issues whose item is not in the plan (pure): healthy runs that close an
issue or count towards closing it, and the announcement of a passed `snooze:` date.

Items in the plan are diffed by tracker/diff.py, which asks tracker/lifecycle.py for their markers.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from issueplan.model import HealthyFact
from issueplan.render.comments import render_close_comment, render_snooze_over_comment
from issueplan.render.issue import with_marker
from issueplan.render.marker import Marker
from issueplan.tracker.changes import CloseIssue, CommentIssue, Operation, StateReason, UpdateIssue
from issueplan.tracker.lifecycle import (
    Run,
    healthy,
    is_snoozed,
    marker_of,
    settled,
    snooze_over,
)
from issueplan.tracker.options import SyncOptions
from issueplan.tracker.state import TrackedIssue


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
    kept: Mapping[str, TrackedIssue],
    planned: set[str],
    healthy_keys: set[str],
    run: Run,
    options: SyncOptions,
    facts: Mapping[str, tuple[HealthyFact, ...]],
) -> list[Operation]:
    """Close what the run saw healthy often and long enough (decision 4: absent is not fixed), record a
    healthy run that does not close yet, and leave snoozed and not-planned issues alone."""
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
        if seen is not None:
            marker = seen.marker
        body = _rewritten(issue, marker)
        if body is not None:
            ops.append(UpdateIssue(number=issue.number, key=key, id=issue.item_id, body=body))
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

"""diff_tracker with plain values: a plan, a TrackerState, the ChangeSet that follows. No mocks, no I/O."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import pytest
from tracker_plans import NOW, make_item, make_plan

from issueplan.errors import SafetyStopError
from issueplan.model import ActionItem, Priority
from issueplan.modes import MilestoneMode
from issueplan.render.issue import render_issue_body, render_issue_title
from issueplan.tracker.changes import (
    AddDependency,
    CloseDuplicate,
    CloseIssue,
    CreateIssue,
    CreateLabel,
    CreateMilestone,
    IssueState,
    ReopenIssue,
    StateReason,
    UpdateIssue,
    UpdateLabel,
    UpdateMilestone,
)
from issueplan.tracker.diff import diff_tracker
from issueplan.tracker.options import SyncOptions
from issueplan.tracker.tracked import TrackedIssue, TrackedLabel, TrackedMilestone, TrackerState

OPTIONS = SyncOptions()
OURS = ("issueplan", "priority: high", "team: development_team", "type: bug_fix")
LABELS = (
    TrackedLabel(
        name="issueplan", color="1d76db", description="Managed by issueplan: kept in sync with CI results"
    ),
    TrackedLabel(name="priority: high", color="d93f0b", description="issueplan: high priority"),
    TrackedLabel(
        name="team: development_team", color="c5def5", description="issueplan: owned by development_team"
    ),
    TrackedLabel(name="type: bug_fix", color="d73a4a", description="issueplan: bug fix"),
)
HIGH = TrackedMilestone(
    number=1,
    title="High priority action items",
    state=IssueState.OPEN,
    due_on=date(2025, 8, 30),
    description="issueplan action items (scope default); the due date is the latest of its open items.",
    open_issues=1,
)


def tracked(
    item: ActionItem,
    number: int,
    *,
    state: IssueState = IssueState.OPEN,
    reason: StateReason | None = None,
    labels: Sequence[str] = OURS,
    milestone: int | None = 1,
    body: str | None = None,
) -> TrackedIssue:
    return TrackedIssue(
        number=number,
        id=1000 + number,
        title=render_issue_title(item),
        body=body if body is not None else render_issue_body(item, scope="default"),
        state=state,
        state_reason=reason,
        labels=tuple(labels),
        milestone=milestone,
        created_at=NOW,
        key=item.key,
        item_id=item.id,
        scope="default",
        first_seen=item.first_seen,
    )


def in_sync(*issues: TrackedIssue) -> TrackerState:
    return TrackerState(issues=issues, labels=LABELS, milestones=(HIGH,))


def test_an_empty_tracker_gets_labels_milestone_and_one_create_per_item_in_that_order() -> None:
    items = [make_item("a", "BUG-001"), make_item("b", "BUG-002", priority=Priority.CRITICAL)]

    changes = diff_tracker(make_plan(items), TrackerState(), OPTIONS)

    kinds = [type(op) for op in changes.operations]
    assert kinds == [CreateLabel] * 5 + [CreateMilestone] * 2 + [CreateIssue] * 2
    create = changes.operations[-2]
    assert isinstance(create, CreateIssue)
    assert create.labels == OURS
    assert create.milestone == "High priority action items"


def test_a_tracker_in_sync_gives_an_empty_changeset() -> None:
    item = make_item("a", "BUG-001")
    assert diff_tracker(make_plan([item]), in_sync(tracked(item, 7)), OPTIONS).operations == ()


def test_only_the_fields_that_differ_are_updated_and_human_labels_stay() -> None:
    item = make_item("a", "BUG-001")
    issue = tracked(item, 7, labels=(*OURS, "needs-triage"))
    changed = item.model_copy(update={"description": "It fails in a new way.", "priority": Priority.HIGH})

    (update,) = diff_tracker(make_plan([changed]), in_sync(issue), OPTIONS).operations

    assert isinstance(update, UpdateIssue)
    assert update.body is not None
    assert "It fails in a new way." in update.body
    assert (update.title, update.labels, update.milestone) == (None, None, None)


def test_owned_labels_are_replaced_and_others_kept_when_the_priority_moves() -> None:
    item = make_item("a", "BUG-001")
    issue = tracked(item, 7, labels=(*OURS, "needs-triage"))
    critical = item.model_copy(update={"priority": Priority.CRITICAL})

    changes = diff_tracker(make_plan([critical]), in_sync(issue), OPTIONS)

    update = next(op for op in changes.operations if isinstance(op, UpdateIssue))
    assert update.labels is not None
    assert "needs-triage" in update.labels
    assert "priority: critical" in update.labels
    assert "priority: high" not in update.labels
    assert update.milestone == "Critical action items"


def test_a_milestone_a_human_chose_is_kept() -> None:
    item = make_item("a", "BUG-001")
    theirs = TrackedMilestone(number=9, title="Q3 release", state=IssueState.OPEN)
    state = TrackerState(issues=(tracked(item, 7, milestone=9),), labels=LABELS, milestones=(HIGH, theirs))

    changes = diff_tracker(make_plan([item]), state, OPTIONS)

    assert not [op for op in changes.operations if isinstance(op, UpdateIssue)]


def test_closed_as_not_planned_stays_closed_and_completed_is_reopened_with_a_comment() -> None:
    declined, returned = make_item("a", "BUG-001"), make_item("b", "BUG-002")
    state = in_sync(
        tracked(declined, 7, state=IssueState.CLOSED, reason=StateReason.NOT_PLANNED),
        tracked(returned, 8, state=IssueState.CLOSED, reason=StateReason.COMPLETED),
    )

    changes = diff_tracker(make_plan([declined, returned]), state, OPTIONS)

    (reopen,) = changes.operations
    assert isinstance(reopen, ReopenIssue)
    assert reopen.number == 8
    assert "reopened" in reopen.comment
    # The marker remembers the reopen (it decides damping and flakiness later), written with the reopen
    # itself (one edit); not-planned #7 is untouched.
    assert '"reopened":[' in (reopen.body or "")


def test_absent_is_not_fixed_only_healthy_keys_are_closed() -> None:
    healthy, absent = make_item("a", "BUG-001"), make_item("b", "BUG-002")
    keep = make_item("c", "BUG-003")
    state = in_sync(tracked(healthy, 7), tracked(absent, 8), tracked(keep, 9))

    changes = diff_tracker(make_plan([keep], healthy=["a"]), state, OPTIONS)

    (close,) = changes.operations
    assert isinstance(close, CloseIssue)
    assert (close.number, close.state_reason) == (7, StateReason.COMPLETED)
    assert "healthy" in close.comment


def test_two_issues_for_one_key_keep_the_oldest_and_close_the_other_as_duplicate() -> None:
    item = make_item("a", "BUG-001")

    changes = diff_tracker(make_plan([item]), in_sync(tracked(item, 12), tracked(item, 7)), OPTIONS)

    (duplicate,) = changes.operations
    assert isinstance(duplicate, CloseDuplicate)
    assert (duplicate.number, duplicate.of_number) == (12, 7)


def test_s19_an_issue_listed_twice_is_one_issue_and_never_a_duplicate_of_itself() -> None:
    item, other = make_item("a", "BUG-001"), make_item("b", "BUG-002")
    state = in_sync(tracked(item, 7), tracked(other, 8), tracked(item, 7))

    assert diff_tracker(make_plan([item, other]), state, OPTIONS).operations == ()


def test_s20_an_issue_that_lost_its_marker_blocks_creates_only() -> None:
    item, new = make_item("a", "BUG-001"), make_item("b", "BUG-002")
    state = in_sync(tracked(item, 7)).model_copy(update={"orphans": (9,)})

    assert diff_tracker(make_plan([item]), state, OPTIONS).operations == (), "nothing to create: no refusal"
    with pytest.raises(SafetyStopError, match=r"issue #9 has the managed label 'issueplan'.*edit history"):
        diff_tracker(make_plan([item, new]), state, OPTIONS)


def test_closing_more_than_half_of_the_open_issues_raises_unless_allowed() -> None:
    items = [make_item(key, f"BUG-00{n}") for n, key in enumerate("abcd")]
    state = in_sync(*(tracked(item, 10 + n) for n, item in enumerate(items)))
    plan = make_plan([], healthy=[item.key for item in items])

    with pytest.raises(SafetyStopError, match="allow-mass-close"):
        diff_tracker(plan, state, OPTIONS)
    allowed = diff_tracker(plan, state, SyncOptions(allow_mass_close=True))
    assert sum(isinstance(op, CloseIssue) for op in allowed.operations) == 4


def test_labels_compare_without_case_and_recolour_when_they_drifted() -> None:
    item = make_item("a", "BUG-001")
    labels = (
        TrackedLabel(name="IssuePlan", color="000000", description="old"),
        *LABELS[1:],
    )
    state = TrackerState(
        issues=(tracked(item, 7, labels=("IssuePlan", *OURS[1:])),), labels=labels, milestones=(HIGH,)
    )

    (recolour,) = diff_tracker(make_plan([item]), state, OPTIONS).operations

    assert isinstance(recolour, UpdateLabel)
    assert (recolour.name, recolour.color) == ("IssuePlan", "1d76db")


def test_an_overdue_item_gets_the_overdue_label() -> None:
    item = make_item("a", "BUG-001")
    later = make_plan([item], now=NOW + timedelta(days=30))

    changes = diff_tracker(later, in_sync(tracked(item, 7)), OPTIONS)

    assert (
        CreateLabel(name="overdue", color="e11d21", description="issueplan: past its due date")
        in changes.operations
    )
    update = next(op for op in changes.operations if isinstance(op, UpdateIssue))
    assert update.labels is not None
    assert "overdue" in update.labels


def test_milestone_due_dates_compare_by_day_and_follow_the_latest_open_item() -> None:
    first = make_item("a", "BUG-001")
    later = make_item("b", "BUG-002", first_seen=NOW + timedelta(days=4))

    changes = diff_tracker(make_plan([first, later]), in_sync(tracked(first, 7), tracked(later, 8)), OPTIONS)

    (move,) = changes.operations
    assert isinstance(move, UpdateMilestone)
    assert move.due_on == date(2025, 9, 3)


def test_week_milestones_and_no_milestones() -> None:
    item = make_item("a", "BUG-001")

    week = diff_tracker(make_plan([item]), TrackerState(), SyncOptions(milestones=MilestoneMode.WEEK))
    none = diff_tracker(make_plan([item]), TrackerState(), SyncOptions(milestones=MilestoneMode.NONE))

    titles = [op.title for op in week.operations if isinstance(op, CreateMilestone)]
    assert titles == ["Action items due the week of 2025-08-25"]
    assert not [op for op in none.operations if isinstance(op, CreateMilestone)]


def test_a_new_issue_waiting_on_an_existing_one_is_linked_by_that_issue() -> None:
    blocker = make_item("a", "BUG-001")
    blocked = make_item("b", "SEC-002", depends_on=[("BUG-001", True), ("INF-001", False)])

    changes = diff_tracker(make_plan([blocker, blocked]), in_sync(tracked(blocker, 7)), OPTIONS)

    (link,) = [op for op in changes.operations if isinstance(op, AddDependency)]
    assert (link.blocked_key, link.blocker_key, link.blocker_number) == ("b", "a", 7)
    create = next(op for op in changes.operations if isinstance(op, CreateIssue))
    assert "#7" in create.body


def test_other_scopes_are_never_touched() -> None:
    item = make_item("a", "BUG-001")
    theirs = tracked(item, 7).model_copy(update={"scope": "nightly"})
    state = TrackerState(issues=(theirs,), labels=LABELS, milestones=(HIGH,))

    changes = diff_tracker(make_plan([], healthy=["a"]), state, OPTIONS)

    assert not [op for op in changes.operations if getattr(op, "number", None) == 7]

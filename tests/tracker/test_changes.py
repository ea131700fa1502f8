"""The ChangeSet: apply order and the one-line descriptions --dry-run prints."""

from __future__ import annotations

from datetime import date

from issueplan.tracker.changes import (
    AddDependency,
    CloseDuplicate,
    CloseIssue,
    CreateIssue,
    CreateLabel,
    CreateMilestone,
    IssueState,
    Operation,
    ReopenIssue,
    UpdateIssue,
    UpdateLabel,
    UpdateMilestone,
    order_changes,
)

CREATE = CreateIssue(key="k", id="BUG-001", title="Fix it", body="b", labels=("issueplan",), milestone="M")
CLOSE = CloseIssue(number=3, key="j", id="BUG-002", comment="done")
LABEL = CreateLabel(name="overdue", color="e11d21", description="late")
MILESTONE = CreateMilestone(title="M", due_on=date(2025, 8, 23))
UPDATE = UpdateIssue(number=4, key="k", id="BUG-003", body="new")
LINK = AddDependency(blocked_key="k", blocked_id="SEC-002", blocker_key="j", blocker_id="SEC-001")


def test_labels_and_milestones_come_first_then_updates_creates_links_and_closes_last() -> None:
    changes = order_changes([CLOSE, LINK, CREATE, UPDATE, MILESTONE, LABEL])

    assert changes.operations == (LABEL, MILESTONE, UPDATE, CREATE, LINK, CLOSE)
    assert len(changes) == 6


def test_order_is_stable_within_a_phase() -> None:
    second = CreateIssue(key="a", id="BUG-009", title="t", body="b", labels=())
    assert order_changes([CREATE, second]).operations == (CREATE, second)


def test_every_operation_describes_itself_in_one_line() -> None:
    operations: list[Operation] = [
        LABEL,
        UpdateLabel(name="Priority: High", color="d93f0b", description="high"),
        MILESTONE,
        UpdateMilestone(number=2, title="M", due_on=date(2025, 9, 1), state=IssueState.CLOSED),
        CREATE,
        UPDATE,
        ReopenIssue(number=5, key="k", id="BUG-001", comment="back"),
        CLOSE,
        CloseDuplicate(number=9, key="k", of_number=4, comment="dup"),
        LINK,
    ]

    lines = order_changes(operations).describe()

    assert all(line and "\n" not in line for line in lines)
    assert "create issue BUG-001: 'Fix it' in 'M' [issueplan]" in lines
    assert "update issue #4 (BUG-003): body" in lines
    assert "update milestone 'M': due 2025-09-01, close" in lines
    assert "close issue #9 as a duplicate of #4 (k)" in lines
    assert "create milestone 'M', due 2025-08-23" in lines

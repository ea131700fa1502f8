"""The lifecycle through the pure diff: runs of one item with an advancing clock, the board kept in memory
(each run's ChangeSet applied to it), so damping, the reopen window, flakiness and snoozes are visible."""

from __future__ import annotations

from datetime import timedelta

from test_diff import HIGH, LABELS, tracked
from tracker_plans import NOW, make_item, make_plan

from issueplan.policy.lifecycle import Lifecycle
from issueplan.render.issue import parse_issue_body
from issueplan.tracker.changes import (
    CloseIssue,
    CreateIssue,
    IssueState,
    Operation,
    ReopenIssue,
    StateReason,
    UpdateIssue,
)
from issueplan.tracker.diff import diff_tracker
from issueplan.tracker.options import SyncOptions
from issueplan.tracker.state import TrackedIssue, TrackerState

ITEM = make_item("suite-failed/unit_tests", "BUG-001")


class Board:
    """Issues by number; `run` diffs one run against them and applies the result as GitHub would."""

    def __init__(self, lifecycle: Lifecycle | None = None) -> None:
        self.issues: dict[int, TrackedIssue] = {}
        self.options = SyncOptions(lifecycle=lifecycle or Lifecycle(), allow_mass_close=True)
        self.day = 0

    def run(self, fails: bool, *, days: int = 1) -> list[Operation]:
        self.day += days
        now = NOW + timedelta(days=self.day)
        plan = make_plan([ITEM] if fails else [], healthy=[] if fails else [ITEM.key], now=now)
        state = TrackerState(
            issues=tuple(self.issues[n] for n in sorted(self.issues)), labels=LABELS, milestones=(HIGH,)
        )
        ops = list(diff_tracker(plan, state, self.options).operations)
        for op in ops:
            self.apply(op)
        return ops

    def apply(self, op: Operation) -> None:
        if isinstance(op, CreateIssue):
            number = max(self.issues, default=0) + 1
            self.issues[number] = tracked(ITEM, number, body=op.body)
            return
        if not isinstance(op, UpdateIssue | CloseIssue | ReopenIssue):
            return
        issue = self.issues[op.number]
        update: dict[str, object] = {}
        if op.body is not None:
            update["body"] = op.body
            update["marker"] = parse_issue_body(op.body).marker  # type: ignore[union-attr]
        if isinstance(op, UpdateIssue | ReopenIssue) and op.labels is not None:
            update["labels"] = op.labels
        if isinstance(op, CloseIssue):
            update |= {"state": IssueState.CLOSED, "state_reason": StateReason.COMPLETED}
        if isinstance(op, ReopenIssue):
            update |= {"state": IssueState.OPEN, "state_reason": StateReason.REOPENED}
        self.issues[op.number] = issue.model_copy(update=update)

    def states(self) -> list[str]:
        return [self.issues[n].state.value for n in sorted(self.issues)]


def closes(ops: list[Operation]) -> bool:
    return any(isinstance(op, CloseIssue) for op in ops)


def test_a_reopened_issue_closes_only_after_three_healthy_runs_in_a_row() -> None:
    board = Board()
    board.run(fails=True)
    assert closes(board.run(fails=False)), "the first healthy run closes (close_after: 1)"
    assert any(isinstance(op, ReopenIssue) for op in board.run(fails=True))
    assert not closes(board.run(fails=False))
    assert not closes(board.run(fails=False))
    assert closes(board.run(fails=False)), "the third healthy run in a row closes a flapping issue"
    assert board.states() == ["closed"], "one issue throughout"


def test_a_failure_ends_the_healthy_streak() -> None:
    board = Board(Lifecycle(close_after=2))
    board.run(fails=True)
    assert not closes(board.run(fails=False))
    assert board.run(fails=True), "the failure after a healthy run is recorded"
    assert not closes(board.run(fails=False)), "the streak started again"
    assert closes(board.run(fails=False))


def test_a_failing_run_that_changes_nothing_writes_nothing() -> None:
    board = Board()
    board.run(fails=True)
    assert board.run(fails=True) == []


def test_close_after_two_closes_on_the_second_healthy_run() -> None:
    board = Board(Lifecycle(close_after=2))
    board.run(fails=True)
    assert not closes(board.run(fails=False))
    assert closes(board.run(fails=False))


def test_after_the_reopen_window_a_new_issue_follows_the_old_one() -> None:
    board = Board()
    board.run(fails=True)
    board.run(fails=False)
    ops = board.run(fails=True, days=11)
    (create,) = [op for op in ops if isinstance(op, CreateIssue)]
    assert "**Follows** #1" in create.body
    assert board.states() == ["closed", "open"]


def test_two_reopens_make_it_flaky_and_it_is_no_longer_closed() -> None:
    board = Board()
    board.run(fails=True)
    board.run(fails=False)
    board.run(fails=True)
    for _ in range(3):
        board.run(fails=False)
    ops = board.run(fails=True)
    (reopen,) = [op for op in ops if isinstance(op, ReopenIssue)]
    assert "labelled `flaky`" in reopen.comment
    issue = board.issues[1]
    assert "flaky" in issue.labels
    assert "**Flaky** since" in issue.body
    for _ in range(5):
        assert board.run(fails=False) == [], "a flaky issue is left open, with no write"


def test_a_snoozed_issue_gets_no_write_until_the_label_goes() -> None:
    board = Board()
    board.run(fails=True)
    board.issues[1] = board.issues[1].model_copy(update={"labels": (*board.issues[1].labels, "snoozed")})
    assert board.run(fails=False) == []
    board.issues[1] = board.issues[1].model_copy(
        update={"labels": tuple(name for name in board.issues[1].labels if name != "snoozed")}
    )
    assert closes(board.run(fails=False))


def test_a_snooze_date_in_the_body_quiets_the_issue_until_it_passes_then_says_so_once() -> None:
    board = Board()
    board.run(fails=True)
    until = (NOW + timedelta(days=3)).date().isoformat()
    board.issues[1] = board.issues[1].model_copy(
        update={"body": board.issues[1].body + f"\n\nsnooze: {until}\n"}
    )
    assert board.run(fails=False) == []
    assert board.run(fails=False) == []
    ops = board.run(fails=True)
    comments = [op for op in ops if type(op).__name__ == "CommentIssue"]
    assert len(comments) == 1
    assert f"The snooze until {until} has passed" in comments[0].comment  # type: ignore[attr-defined]
    assert [op for op in board.run(fails=True) if type(op).__name__ == "CommentIssue"] == []


def test_a_flaky_test_item_closes_after_five_clean_runs_and_seven_quiet_days() -> None:
    global ITEM  # noqa: PLW0603 - the board's one item, switched to a flaky-test key for this test
    saved, ITEM = ITEM, make_item("flaky/unit_tests/test_login", "BUG-002")
    try:
        board = Board()
        board.run(fails=True)
        for _ in range(4):
            assert not closes(board.run(fails=False, days=2))
        assert closes(board.run(fails=False, days=2)), "fifth clean run, eight quiet days"
    finally:
        ITEM = saved

"""The lifecycle through the pure diff: runs of one item with an advancing clock, the board kept in memory
(each run's ChangeSet applied to it), so damping, the reopen window, flakiness and snoozes are visible."""

from __future__ import annotations

from datetime import timedelta

from test_diff import HIGH, LABELS, tracked
from tracker_plans import NOW, make_item, make_plan

from issueplan.policy.lifecycle import Lifecycle
from issueplan.render.links import SourceLinks
from issueplan.render.managed_block import parse_issue_body
from issueplan.tracker.changes import (
    CloseIssue,
    CommentIssue,
    CreateIssue,
    IssueState,
    Operation,
    ReopenIssue,
    StateReason,
    UpdateIssue,
)
from issueplan.tracker.diff import diff_tracker
from issueplan.tracker.options import SyncOptions
from issueplan.tracker.tracked import TrackedIssue, TrackerState

ITEM = make_item("suite-failed/unit_tests", "BUG-001")


class Board:
    """Issues by number; `run` diffs one run against them and applies the result as GitHub would."""

    def __init__(self, lifecycle: Lifecycle | None = None) -> None:
        self.issues: dict[int, TrackedIssue] = {}
        self.options = SyncOptions(lifecycle=lifecycle or Lifecycle(), allow_mass_close=True)
        self.day = 0

    def run(self, fails: bool, *, days: int = 1, commit: str | None = None) -> list[Operation]:
        """One run; `commit` is the commit it tested (`--commit`), unknown when None."""
        self.day += days
        now = NOW + timedelta(days=self.day)
        plan = make_plan([ITEM] if fails else [], healthy=[] if fails else [ITEM.key], now=now)
        state = TrackerState(
            issues=tuple(self.issues[n] for n in sorted(self.issues)), labels=LABELS, milestones=(HIGH,)
        )
        links = SourceLinks(repo="octo/demo", sha=commit) if commit else None
        options = self.options.model_copy(update={"source_links": links})
        ops = list(diff_tracker(plan, state, options).operations)
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


def test_a_return_soon_after_the_following_issue_closed_reopens_that_one_not_the_first() -> None:
    board = Board()
    board.run(fails=True)
    board.run(fails=False)
    board.run(fails=True, days=11)
    board.run(fails=False)
    assert board.states() == ["closed", "closed"]
    ops = board.run(fails=True)
    assert [op.number for op in ops if isinstance(op, ReopenIssue)] == [2], "the newest of the key's issues"
    assert not any(isinstance(op, CreateIssue) for op in ops)
    assert board.states() == ["closed", "open"]


def test_the_longest_streak_allowed_is_one_the_marker_can_count() -> None:
    board = Board(Lifecycle(close_after=10))
    board.run(fails=True)
    for _ in range(9):
        assert not closes(board.run(fails=False))
    assert closes(board.run(fails=False)), "the tenth healthy run closes: the marker keeps ten"


C1 = "1111111aaaaaaa1111111aaaaaaa1111111aaaaa"
C2 = "2222222bbbbbbb2222222bbbbbbb2222222bbbbb"


def comments(ops: list[Operation]) -> list[str]:
    return [op.comment for op in ops if isinstance(op, CommentIssue | ReopenIssue | CloseIssue)]


def test_a_pass_on_the_commit_that_failed_is_flakiness_not_a_fix() -> None:
    """Issue 10 point 3: fail and pass in two runs of one commit: flaky (labelled, never auto-closed)."""
    board = Board()
    board.run(fails=True, commit=C1)
    ops = board.run(fails=False, commit=C1)
    assert not closes(ops), "the same code passed: nothing was fixed"
    (said,) = comments(ops)
    assert said.startswith("issueplan marked this issue flaky: it passed in the run of ")
    assert f"at commit [`1111111`](https://github.com/octo/demo/commit/{C1}), where an earlier run" in said
    assert "on the same commit saw it fail." in said
    issue = board.issues[1]
    assert "flaky" in issue.labels
    assert issue.marker is not None
    assert issue.marker.flaky_since is not None
    for _ in range(4):
        assert not closes(board.run(fails=False, commit=C2)), "a flaky issue is not closed on its own"
    assert board.states() == ["open"]


def test_a_failure_on_the_commit_that_passed_and_closed_it_reopens_it_as_flaky() -> None:
    board = Board()
    board.run(fails=True, commit=C1)
    assert closes(board.run(fails=False, commit=C2)), "a new commit that passes is a fix"
    ops = board.run(fails=True, commit=C2)
    (reopen,) = [op for op in ops if isinstance(op, ReopenIssue)]
    assert (
        "An earlier run passed on this same commit, so it is flaky: it is labelled `flaky`" in reopen.comment
    )
    assert reopen.labels is not None
    assert "flaky" in reopen.labels, "one edit: state, labels, body"
    assert not closes(board.run(fails=False, commit=C2))


def test_a_failure_on_a_commit_that_passed_earlier_marks_an_open_issue_flaky() -> None:
    board = Board(Lifecycle(close_after=2))
    board.run(fails=True, commit=C1)
    assert not closes(board.run(fails=False, commit=C2))
    ops = board.run(fails=True, commit=C2)
    assert any(text.startswith("issueplan marked this issue flaky: it failed") for text in comments(ops))
    assert "flaky" in board.issues[1].labels
    assert "**Flaky** since" in board.issues[1].body


def test_runs_of_different_or_unknown_commits_are_no_flip() -> None:
    board = Board()
    board.run(fails=True)
    assert closes(board.run(fails=False)), "no commit known: today's behaviour"
    board.run(fails=True, commit=C1)  # reopened (within the window), not flaky
    assert "flaky" not in board.issues[1].labels
    history = board.issues[1].marker.history if board.issues[1].marker else ()
    assert [o.commit for o in history] == [None, None, C1[:12]], "the marker keeps the short commit"


def test_a_human_removing_the_flaky_label_of_a_same_commit_flip_is_heard() -> None:
    board = Board()
    board.run(fails=True, commit=C1)
    board.run(fails=False, commit=C1)
    board.issues[1] = board.issues[1].model_copy(
        update={"labels": tuple(name for name in board.issues[1].labels if name != "flaky")}
    )
    assert closes(board.run(fails=False, commit=C1)), "the flip is forgotten with the label: it closes"

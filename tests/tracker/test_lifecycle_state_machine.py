"""A stateful test of the lifecycle (issue #10) through the pure diff: random per-key observations over an
advancing clock, with random lifecycle settings, and humans who close issues (as not planned or as
completed), snooze them (label or `snooze:` date) and take the flaky label off. Each run's ChangeSet is
applied to an in-memory board as GitHub would apply it.

The model beside the board is what the runs showed issueplan: per key, the healthy runs since its last
failing one. Runs while the key's issue is snoozed or closed as not planned are not shown (the sync leaves
it alone, so they count neither way), nor are healthy runs of an issue turned flaky. Invariants: at most one
open issue per key; an issue closes exactly when the model says it may: never with fewer healthy runs in a
row than its threshold (`close_after`; `close_after_flapping` after a reopen in the window;
`flaky_clean_runs` for a flaky-test key) nor before its quiet days, and never later; no write of any kind
to a snoozed or not-planned issue, and no new issue in its place; a passed snooze date said at most once;
every marker's memory bounded."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from test_diff import HIGH, LABELS
from tracker_plans import NOW, make_item, make_plan

from issueplan.model import ActionItem
from issueplan.policy.lifecycle import Lifecycle
from issueplan.render.managed_block import parse_issue_body
from issueplan.render.marker import Marker
from issueplan.tracker.changes import (
    CloseDuplicate,
    CloseIssue,
    CommentIssue,
    CreateIssue,
    CreateLabel,
    IssueState,
    Operation,
    ReopenIssue,
    StateReason,
    UpdateIssue,
    UpdateLabel,
)
from issueplan.tracker.changes_drafts import LinkNewIssues
from issueplan.tracker.diff import diff_tracker
from issueplan.tracker.lifecycle import snooze_date
from issueplan.tracker.options import SyncOptions
from issueplan.tracker.tracked import TrackedIssue, TrackedLabel, TrackerState

KEYS = {"suite-failed/unit_tests": "BUG-001", "suite-failed/api_tests": "BUG-002"}
KEYS["flaky/unit_tests/tests.test_cart.test_total"] = "FLAKY-001"
SEEN = ("fired", "fine", "unknown")
SNOOZE = "snoozed"
FLAKY = "flaky"
HISTORY_BOUND = 10  # the marker's configured bound (render/marker.HISTORY_LIMIT), stated here on purpose
# Not planned is for good: it comes up less often so keys live long enough to flap.
HUMAN_ACTIONS = (
    "close as not planned",
    "close as completed",
    "add the snooze label",
    "remove the snooze label",
    "remove the snooze label",
    "write a snooze date",
    "remove the flaky label",
    "remove the flaky label",
)
ISSUE_OPS = (UpdateIssue, CloseIssue, ReopenIssue, CommentIssue, CloseDuplicate, LinkNewIssues)


observations = st.fixed_dictionaries({key: st.sampled_from(SEEN) for key in sorted(KEYS)})
lifecycles = st.builds(
    Lifecycle,
    close_after=st.integers(1, 3),
    quiet_days=st.integers(0, 2),
    close_after_flapping=st.integers(1, 4),
    reopen_within_days=st.integers(0, 5),
    flaky_after=st.integers(1, 3),
    flaky_clean_runs=st.integers(1, 4),
    flaky_quiet_days=st.integers(0, 3),
)


class LifecycleMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.issues: dict[int, TrackedIssue] = {}
        self.labels: dict[str, TrackedLabel] = {label.name.casefold(): label for label in LABELS}
        self.now = NOW
        self.options = SyncOptions(allow_mass_close=True)
        # What the runs showed issueplan, per key: when each healthy run since the last failing one was.
        self.healthy: dict[str, list[datetime]] = {key: [] for key in KEYS}
        self.reopens: dict[int, list[datetime]] = {}
        self.snooze_dates: dict[int, set[date]] = {}  # the `snooze:` dates humans wrote, per issue
        self.snooze_comments: dict[int, int] = {}  # the comments saying one of them passed

    @initialize(lifecycle=lifecycles)
    def configure(self, lifecycle: Lifecycle) -> None:
        self.options = SyncOptions(allow_mass_close=True, lifecycle=lifecycle)

    # --- the board ------------------------------------------------------------------------------------

    @property
    def lifecycle(self) -> Lifecycle:
        return self.options.lifecycle

    def state(self) -> TrackerState:
        return TrackerState(
            issues=tuple(self.issues[number] for number in sorted(self.issues)),
            labels=tuple(self.labels[name] for name in sorted(self.labels)),
            milestones=(HIGH,),
        )

    def of_key(self, key: str) -> list[TrackedIssue]:
        return [issue for number, issue in sorted(self.issues.items()) if issue.key == key]

    def left_alone(self, issue: TrackedIssue) -> bool:
        """Snoozed (label, or a `snooze:` date today or later) or closed as not planned, at `self.now`."""
        if issue.state_reason is StateReason.NOT_PLANNED and not issue.is_open:
            return True
        until = snooze_date(issue.body)
        return SNOOZE in issue.labels or (until is not None and until >= self.now.date())

    def items(self, seen: dict[str, str]) -> list[ActionItem]:
        """The plan's items for the keys that fired, remembering ids and first_seen as build_plan does."""
        known = self.state().known_items("default")
        items = []
        for key in sorted(KEYS):
            if seen[key] == "fired":
                memory = known.get(key)
                first = memory.first_seen if memory else self.now
                items.append(make_item(key, KEYS[key], first_seen=first))
        return items

    def apply(self, op: Operation) -> None:
        """What GitHub does with one operation."""
        if isinstance(op, CreateLabel | UpdateLabel):
            self.labels[op.name.casefold()] = TrackedLabel(
                name=op.name, color=op.color, description=op.description
            )
            return
        if isinstance(op, CreateIssue):
            number = max(self.issues, default=0) + 1
            self.issues[number] = TrackedIssue(
                number=number,
                id=1000 + number,
                title=op.title,
                body=op.body,
                state=IssueState.OPEN,
                labels=op.labels,
                milestone=1,
                created_at=self.now,
                key=op.key,
                item_id=op.id,
                scope="default",
                first_seen=marker_in(op.body).first_seen,
                marker=marker_in(op.body),
            )
            return
        if not isinstance(op, UpdateIssue | CloseIssue | ReopenIssue | CloseDuplicate):
            return
        update: dict[str, Any] = {}
        # A reopen carries the edit (state, body, labels, title in one PATCH), as an update does.
        if isinstance(op, UpdateIssue | ReopenIssue | CloseIssue) and op.body is not None:
            update |= {"body": op.body, "marker": marker_in(op.body)}
        if isinstance(op, UpdateIssue | ReopenIssue) and op.labels is not None:
            update["labels"] = op.labels
        if isinstance(op, UpdateIssue | ReopenIssue) and op.title is not None:
            update["title"] = op.title
        if isinstance(op, CloseIssue | CloseDuplicate):
            reason = op.state_reason if isinstance(op, CloseIssue) else StateReason.DUPLICATE
            update |= {"state": IssueState.CLOSED, "state_reason": reason, "closed_at": self.now}
        if isinstance(op, ReopenIssue):
            update |= {"state": IssueState.OPEN, "state_reason": StateReason.REOPENED, "closed_at": None}
            self.reopens.setdefault(op.number, []).append(self.now)
        self.issues[op.number] = self.issues[op.number].model_copy(update=update)

    # --- runs -----------------------------------------------------------------------------------------

    @rule(steps=st.lists(st.tuples(observations, st.integers(1, 96)), min_size=1, max_size=5))
    def runs(self, steps: list[tuple[dict[str, str], int]]) -> None:
        """A few runs in a row, `hours` apart, each observing every key as fired, fine or unknown."""
        for seen, hours in steps:
            self.run(seen, hours)
            self.one_open_issue_per_key()

    def run(self, seen: dict[str, str], hours: int) -> None:
        self.now += timedelta(hours=hours)
        before = dict(self.issues)
        alone = {number for number, issue in before.items() if self.left_alone(issue)}
        plan = make_plan(
            self.items(seen), healthy=[key for key in sorted(KEYS) if seen[key] == "fine"], now=self.now
        )
        ops = list(diff_tracker(plan, self.state(), self.options).operations)
        due = self.remember(seen, before, alone)
        for op in ops:
            number = op.number if isinstance(op, ISSUE_OPS) else None
            assert number not in alone, f"a write to #{number}, snoozed or not planned: {op.describe()}"
            if isinstance(op, CreateIssue):
                latest = self.of_key(op.key)[-1:]
                assert not latest or latest[0].number not in alone, f"{op.key}: a new issue in its place"
                assert not any(issue.is_open for issue in latest), f"{op.key}: a second open issue"
            if isinstance(op, CloseIssue):
                assert op.number in due, self.why(before[op.number], "closed although")
        closed = {op.number for op in ops if isinstance(op, CloseIssue)}
        for number in sorted(due - closed):
            raise AssertionError(self.why(before[number], "left open although"))
        for op in ops:
            if isinstance(op, CommentIssue):
                said = self.snooze_comments[op.number] = self.snooze_comments.get(op.number, 0) + 1
                dates = len(self.snooze_dates.get(op.number, ()))
                assert said <= dates, (
                    f"#{op.number}: {said} comments for {dates} snooze dates (said once each)"
                )
            self.apply(op)

    def remember(self, seen: dict[str, str], before: dict[int, TrackedIssue], alone: set[int]) -> set[int]:
        """Take in what this run showed issueplan, and say which issues it closes.

        A key whose latest issue was left alone showed nothing. A healthy run counts while its issue is open
        and not flaky (labelled so by issueplan: it stays open until a human removes the label)."""
        due = set()
        for key, observed in seen.items():
            latest = next(
                (issue for _, issue in sorted(before.items(), reverse=True) if issue.key == key), None
            )
            if latest is not None and latest.number in alone:
                continue
            healthy = self.healthy[key]
            if observed == "fired":
                healthy.clear()
            elif observed == "fine" and latest is not None and latest.is_open and not is_flaky(latest):
                healthy.append(self.now)
                needed, quiet = self.threshold(latest)
                if len(healthy) >= needed and self.now - healthy[0] >= quiet:
                    due.add(latest.number)
        return due

    def threshold(self, issue: TrackedIssue) -> tuple[int, timedelta]:
        """The healthy runs in a row, and the time since the first of them, that close `issue`."""
        window = timedelta(days=self.lifecycle.reopen_within_days)
        flapping = any(self.now - moment <= window for moment in self.reopens.get(issue.number, ()))
        needed = self.lifecycle.healthy_runs_needed(issue.key, flapping=flapping)
        return needed, timedelta(days=self.lifecycle.quiet_days_needed(issue.key))

    def why(self, issue: TrackedIssue, what: str) -> str:
        healthy = self.healthy[issue.key]
        needed, quiet = self.threshold(issue)
        since = self.now - healthy[0] if healthy else timedelta(0)
        return (
            f"#{issue.number} ({issue.key}) {what} {len(healthy)} healthy runs over {since}: "
            f"needs {needed} over {quiet}"
        )

    # --- humans ---------------------------------------------------------------------------------------

    @precondition(lambda self: bool(self.issues))
    @rule(action=st.sampled_from(HUMAN_ACTIONS), index=st.integers(0, 20), days=st.integers(0, 4))
    def human_acts(self, action: str, index: int, days: int) -> None:
        """One person's edit of one issue, as the web UI makes it."""
        issues = [issue for _, issue in sorted(self.issues.items())]
        if action == "remove the flaky label":
            issues = [issue for issue in issues if FLAKY in issue.labels]
        if action.startswith("close as"):
            issues = [issue for issue in issues if issue.is_open]
        if not issues:
            return
        issue = issues[index % len(issues)]
        if action == "close as not planned":
            self.human(
                issue, state=IssueState.CLOSED, state_reason=StateReason.NOT_PLANNED, closed_at=self.now
            )
        elif action == "close as completed":
            self.human(issue, state=IssueState.CLOSED, state_reason=StateReason.COMPLETED, closed_at=self.now)
        elif action == "add the snooze label":
            self.human(issue, labels=(*issue.labels, SNOOZE) if SNOOZE not in issue.labels else issue.labels)
        elif action == "remove the snooze label":
            self.human(issue, labels=tuple(name for name in issue.labels if name != SNOOZE))
        elif action == "write a snooze date":
            until = date.fromordinal(self.now.date().toordinal() + days)
            self.human(issue, body=f"{issue.body}\n\nsnooze: {until.isoformat()}\n")
            self.snooze_dates.setdefault(issue.number, set()).add(until)
        else:
            if issue.marker is not None and issue.marker.flaky_since is not None:
                self.reopens.pop(issue.number, None)  # the human says the cause is fixed: reopens forgotten
            self.human(issue, labels=tuple(name for name in issue.labels if name != FLAKY))

    def human(self, issue: TrackedIssue, **update: Any) -> None:
        self.issues[issue.number] = issue.model_copy(update=update)

    # --- invariants -----------------------------------------------------------------------------------

    @invariant()
    def one_open_issue_per_key(self) -> None:
        for key in KEYS:
            assert sum(issue.is_open for issue in self.of_key(key)) <= 1, key

    @invariant()
    def markers_stay_bounded(self) -> None:
        for issue in self.issues.values():
            memory = marker_in(issue.body)
            assert len(memory.history) <= HISTORY_BOUND, f"#{issue.number}: {len(memory.history)}"
            assert len(memory.reopened) <= HISTORY_BOUND


def is_flaky(issue: TrackedIssue) -> bool:
    """Turned flaky by its reopens (the marker says since when) and the label still on."""
    return FLAKY in issue.labels and marker_in(issue.body).flaky_since is not None


def marker_in(body: str) -> Marker:
    parsed = parse_issue_body(body)
    assert parsed is not None, "every body issueplan writes carries its marker"
    return parsed.marker


def test_the_lifecycle_keeps_its_invariants_over_random_runs_and_human_actions() -> None:
    """Issue #10's invariants: one open issue per key, no early close, no write to what humans quieted,
    bounded markers."""
    run_state_machine_as_test(
        LifecycleMachine,
        settings=settings(
            max_examples=50,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )

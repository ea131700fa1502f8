"""The tracker's state as issueplan knows it: managed issues with their markers, labels, milestones, the
dashboard's sub-issues. tracker/state.py reads it from GitHub; the diff decides on it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from pydantic import Field, StrictInt

from issueplan.model import Frozen, KnownItem, KnownRun
from issueplan.policy.lifecycle import is_flaky_key
from issueplan.render.marker import Marker, Observation, Seen
from issueplan.tracker.changes import IssueState, StateReason


class TrackedIssue(Frozen):
    """A managed issue as GitHub has it, with what its hidden marker says."""

    number: StrictInt
    id: StrictInt
    title: str
    body: str
    state: IssueState
    state_reason: StateReason | None = None
    labels: tuple[str, ...] = ()
    milestone: int | None = None
    assignees: tuple[str, ...] = ()
    issue_type: str | None = None  # the name of its GitHub issue type (tracker/issue_types.py)
    parent_url: str | None = None  # the issue it is a sub-issue of (tracker/sub_issues.py)
    author: str | None = None
    created_at: datetime
    key: str
    item_id: str
    scope: str
    first_seen: datetime
    step_outcomes: tuple[str, ...] = ()
    closed_at: datetime | None = None
    marker: Marker | None = None  # the whole marker, with the lifecycle's memory (render/marker.py)

    @property
    def is_open(self) -> bool:
        return self.state is IssueState.OPEN


class TrackedLabel(Frozen):
    name: str
    color: str
    description: str = ""


class TrackedMilestone(Frozen):
    number: StrictInt
    title: str
    state: IssueState
    due_on: date | None = None
    description: str = ""
    open_issues: int = 0
    closed_issues: int = 0


class SubIssue(Frozen):
    """A child of one of issueplan's parent issues, as the sub-issue listing gives it."""

    id: StrictInt
    number: StrictInt
    state: IssueState


class SubIssues(Frozen):
    """The children of the dashboard and of its holders, by the parent's issue number."""

    children: dict[int, tuple[SubIssue, ...]] = Field(default_factory=dict)


class TrackerState(Frozen):
    """Managed issues of one scope (sorted by number), every label and every milestone of the repository.

    `orphans` are the numbers of issues with the managed label and issueplan's block but no valid marker
    (a human deleted or broke the marker line): some item's issue, which one cannot be told (S20).
    """

    issues: tuple[TrackedIssue, ...] = ()
    labels: tuple[TrackedLabel, ...] = ()
    milestones: tuple[TrackedMilestone, ...] = ()
    orphans: tuple[int, ...] = ()
    # Read when the run uses them (tracker/sync.py); None: not read, or the server lacks the API.
    issue_types: tuple[str, ...] | None = None
    sub_issues: SubIssues | None = None

    def known_items(self, scope: str, commit: str | None = None) -> dict[str, KnownItem]:
        """Ids and first_seen per key, closed issues included, so ids and due dates never change; with
        `commit` (this run's), the earlier runs of that commit each marker remembers.

        When two issues carry one key, the diff's choice wins (`key_holder`)."""
        by_key: dict[str, list[TrackedIssue]] = {}
        for issue in sorted(self.issues, key=lambda issue: issue.number):
            if issue.scope == scope:
                by_key.setdefault(issue.key, []).append(issue)
        holders = {key: key_holder(group) for key, group in by_key.items()}
        known: dict[str, KnownItem] = {}
        for key, held in holders.items():
            runs = known_runs(key, held.marker, commit) if commit is not None else ()
            known[key] = KnownItem(
                id=held.item_id, first_seen=held.first_seen, step_outcomes=held.step_outcomes, runs=runs
            )
        return known


def known_runs(key: str, marker: Marker | None, commit: str) -> tuple[KnownRun, ...]:
    """What the plan's same-commit comparisons (policy/flips.py) use of the marker's observations of
    `commit`: a flaky-test item's fired ones (its flip is filed), another item's healthy ones and those
    that recorded failing tests. Only those: a no-op sync reads every issue's marker."""
    if marker is None:
        return ()
    flaky = is_flaky_key(key)
    return tuple(
        KnownRun(
            at=o.at,
            commit=commit,
            run=o.run,
            fired=o.seen is not Seen.FINE,
            tests=o.tests.keys if o.tests else (),
            failed=o.tests.failed if o.tests else 0,
            of=o.tests.of if o.tests else 0,
        )
        for o in marker.history
        if o.commit == commit and _compared(o, flaky=flaky)
    )


def _compared(observation: Observation, *, flaky: bool) -> bool:
    if observation.seen is Seen.UNKNOWN:
        return False
    if flaky:
        return observation.seen is not Seen.FINE
    return observation.seen is Seen.FINE or observation.tests is not None


def key_holder(issues: Sequence[TrackedIssue]) -> TrackedIssue:
    """The issue that stands for a key among its issues (sorted by number): the oldest open one (the others
    are a race's duplicates, S8), else the newest closed one not closed as a duplicate. That is the latest of
    the key's line: a problem back after the reopen window gets a new issue following the closed one, and
    once that one is closed too, it is the one a return within the window reopens."""
    candidates = [issue for issue in issues if issue.state_reason is not StateReason.DUPLICATE] or issues
    return next((issue for issue in candidates if issue.is_open), candidates[-1])

"""The fake repository's state: plain mutable records, persisted as one JSON file.

The server is the only writer; it holds a lock around every read-modify-write, so the records need no locking
of their own. Labels on issues are kept by label id, so a rename or a delete shows everywhere at once.
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, Field, PrivateAttr

from issueplan.tracker.sandbox.project_state import ProjectRecord

STATE_FILE = "github-state.json"
FIRST_ID = 5_000_001
# The fields the derived indexes (who blocks whom, milestone counts) are built from.
_WATCHED = frozenset({"state", "milestone", "blocked_by_ids"})
T = TypeVar("T")


class IssueState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class StateReason(StrEnum):
    COMPLETED = "completed"
    REOPENED = "reopened"
    NOT_PLANNED = "not_planned"
    DUPLICATE = "duplicate"


class Record(BaseModel):
    """Base of the stored records: validated on load, mutable in memory."""

    model_config = {"extra": "forbid", "validate_assignment": False}


class LabelRecord(Record):
    id: int
    name: str
    color: str
    description: str | None = None
    default: bool = False


class MilestoneRecord(Record):
    id: int
    number: int
    title: str
    description: str | None = None
    state: IssueState = IssueState.OPEN
    creator: str
    # GitHub keeps only the date (see dates.py); None when no due date.
    due_on: str | None = None
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None = None


class IssueTypeRecord(Record):
    """An issue type the repository offers (inherited from its organisation on GitHub)."""

    id: int
    name: str
    description: str | None = None
    color: str | None = None


class CommentRecord(Record):
    id: int
    body: str
    user: str
    created_at: datetime
    updated_at: datetime


class IssueRecord(Record):
    id: int
    number: int
    title: str
    body: str | None = None
    user: str
    label_ids: list[int] = Field(default_factory=list)
    state: IssueState = IssueState.OPEN
    state_reason: StateReason | None = None
    milestone: int | None = None
    assignees: list[str] = Field(default_factory=list)
    comments: list[CommentRecord] = Field(default_factory=list)
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None = None
    closed_by: str | None = None
    pull_request: bool = False
    locked: bool = False
    parent_id: int | None = None
    sub_issue_ids: list[int] = Field(default_factory=list)
    # A tuple, so changing it means assigning it, which keeps the `blocking` index right (an append would
    # fail loudly instead of going unseen).
    blocked_by_ids: tuple[int, ...] = ()
    issue_type: str | None = None  # the name of one of the repository's issue types

    _index: Indexes | None = PrivateAttr(default=None)

    def __setattr__(self, name: str, value: Any) -> None:
        index = self._index if name in _WATCHED else None
        if index is None:
            super().__setattr__(name, value)
            return
        index.forget(self)
        super().__setattr__(name, value)
        index.remember(self)


class Indexes:
    """What the routes look up per issue, kept current instead of scanned for: issues by number and by id,
    who each issue blocks, and each milestone's open and closed counts. Issues are only ever appended, so a
    new one is indexed when first looked for; a watched field of an indexed issue updates the index as it is
    assigned (IssueRecord.__setattr__)."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.seen = 0
        self.by_number: dict[int, IssueRecord] = {}
        self.by_id: dict[int, IssueRecord] = {}
        self.blocking: dict[int, set[int]] = {}  # blocker id -> ids of the issues it blocks
        self.counts: Counter[tuple[int, IssueState]] = Counter()
        # What `remember` counted for each issue, so `forget` takes back exactly that.
        self.snapshot: dict[int, tuple[int | None, IssueState, tuple[int, ...]]] = {}

    def catch_up(self, issues: list[IssueRecord]) -> None:
        if len(issues) < self.seen:  # the fake never removes issues; should anyone, start again
            self.reset()
        for issue in issues[self.seen :]:
            self.by_number[issue.number] = issue
            self.by_id[issue.id] = issue
            issue._index = self
            self.remember(issue)
        self.seen = len(issues)

    def remember(self, issue: IssueRecord) -> None:
        entry = (issue.milestone, issue.state, issue.blocked_by_ids)
        self.snapshot[issue.id] = entry
        if issue.milestone is not None:
            self.counts[issue.milestone, issue.state] += 1
        for blocker in issue.blocked_by_ids:
            self.blocking.setdefault(blocker, set()).add(issue.id)

    def forget(self, issue: IssueRecord) -> None:
        milestone, state, blockers = self.snapshot.pop(issue.id)
        if milestone is not None:
            self.counts[milestone, state] -= 1
        for blocker in blockers:
            self.blocking[blocker].discard(issue.id)


class RepoState(Record):
    """Everything the fake knows about its one repository."""

    owner: str
    repo: str
    repo_id: int = 1_296_269
    next_id: int = FIRST_ID
    next_number: int = 1
    next_milestone_number: int = 1
    issues: list[IssueRecord] = Field(default_factory=list)
    labels: list[LabelRecord] = Field(default_factory=list)
    milestones: list[MilestoneRecord] = Field(default_factory=list)
    projects: list[ProjectRecord] = Field(default_factory=list)  # Projects v2, answered over GraphQL

    _indexes: Indexes = PrivateAttr(default_factory=Indexes)
    _revision: int = PrivateAttr(default=0)
    _memo: dict[object, tuple[int, Any]] = PrivateAttr(default_factory=dict)

    def index(self) -> Indexes:
        self._indexes.catch_up(self.issues)
        return self._indexes

    def touch(self) -> None:
        """The state changed: what `memo` kept is stale."""
        self._revision += 1

    def memo(self, key: object, compute: Callable[[], T]) -> T:
        """`compute()`, kept until the next `touch()`: the pages of one listing share one filtered list."""
        kept = self._memo.get(key)
        if kept is not None and kept[0] == self._revision:
            return kept[1]  # type: ignore[no-any-return] # stored by this method for this key
        value = compute()
        self._memo = {key: (self._revision, value)}  # one listing at a time: memory stays bounded
        return value

    # None: the repository has no issue types (a personal account's, or GHES without them): the listing 404s.
    issue_types: list[IssueTypeRecord] | None = None
    # None: anyone may be assigned (the sandbox's default); else only these logins (collaborators).
    assignable: list[str] | None = None

    def new_id(self) -> int:
        """Ids are global and never equal an issue number, so a client that confuses the two is caught."""
        value = self.next_id
        self.next_id += 1
        return value

    def new_number(self) -> int:
        value = self.next_number
        self.next_number += 1
        return value

    def issue(self, number: int) -> IssueRecord | None:
        return self.index().by_number.get(number)

    def issue_by_id(self, issue_id: int) -> IssueRecord | None:
        return self.index().by_id.get(issue_id)

    def blocking(self, issue_id: int) -> list[IssueRecord]:
        """The issues `issue_id` blocks, oldest first (ids grow with every issue, as the list does)."""
        index = self.index()
        return [index.by_id[i] for i in sorted(index.blocking.get(issue_id, ()))]

    def milestone_counts(self, number: int) -> tuple[int, int]:
        """(open, closed) issues in milestone `number`."""
        counts = self.index().counts
        return counts[number, IssueState.OPEN], counts[number, IssueState.CLOSED]

    def label(self, name: str) -> LabelRecord | None:
        """Label names are case-insensitive on GitHub."""
        folded = name.casefold()
        return next((lb for lb in self.labels if lb.name.casefold() == folded), None)

    def label_by_id(self, label_id: int) -> LabelRecord | None:
        return next((lb for lb in self.labels if lb.id == label_id), None)

    def milestone(self, number: int) -> MilestoneRecord | None:
        return next((m for m in self.milestones if m.number == number), None)

    def issue_type(self, name: str) -> IssueTypeRecord | None:
        """Issue type names match case-insensitively, like labels."""
        folded = name.casefold()
        return next((t for t in self.issue_types or () if t.name.casefold() == folded), None)

    def can_be_assigned(self, login: str) -> bool:
        return self.assignable is None or login.casefold() in {name.casefold() for name in self.assignable}


def new_repo_state(owner: str, repo: str, now: datetime) -> RepoState:
    """A fresh repository. It holds one pull request (#1) because issue listings mix pull requests in, and
    a client that forgets to skip them must fail its tests."""
    state = RepoState(owner=owner, repo=repo)
    state.issues.append(
        IssueRecord(
            id=state.new_id(),
            number=state.new_number(),
            title="Seeded pull request: issue listings include pull requests",
            body="Clients must skip items that carry a `pull_request` key.",
            user="octocat",
            created_at=now,
            updated_at=now,
            pull_request=True,
        )
    )
    return state


def load_state(path: Path) -> RepoState | None:
    if not path.is_file():
        return None
    return RepoState.model_validate_json(path.read_text(encoding="utf-8"))


def save_state(state: RepoState, path: Path) -> None:
    """Atomic replace: a process killed mid-write leaves the previous state, never half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix=".github-state.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(state.model_dump_json(indent=1))
        Path(tmp).replace(path)  # os.replace: atomic on POSIX and Windows
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

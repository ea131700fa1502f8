"""The fake repository's state: plain mutable records, persisted as one JSON file.

The server is the only writer; it holds a lock around every read-modify-write, so the records need no locking
of their own. Labels on issues are kept by label id, so a rename or a delete shows everywhere at once.
"""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, Field

STATE_FILE = "github-state.json"
FIRST_ID = 5_000_001


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
    blocked_by_ids: list[int] = Field(default_factory=list)
    issue_type: str | None = None  # the name of one of the repository's issue types


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
        return next((i for i in self.issues if i.number == number), None)

    def issue_by_id(self, issue_id: int) -> IssueRecord | None:
        return next((i for i in self.issues if i.id == issue_id), None)

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
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

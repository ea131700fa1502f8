"""The ChangeSet: what a sync will write, as an ordered tuple of small frozen operations.

The diff decides, the applier only executes, and `--dry-run` prints `describe()` of the very same values. Each
operation knows its phase; `order_changes` sorts by phase (stable), so labels and milestones exist before an
issue refers to them, and closes come last, after everything that might fail has been tried.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import ClassVar, TypeAlias

from issueplan.model import Frozen
from issueplan.tracker.changes_board import AttachSubIssue, DetachSubIssue, SyncProjectItem
from issueplan.tracker.changes_drafts import LinkNewIssues
from issueplan.tracker.phase import Phase

# A minus sign, not a hyphen: `-priority: high` could be read as part of a label's name.
MINUS = "\u2212"


class IssueState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class StateReason(StrEnum):
    COMPLETED = "completed"
    NOT_PLANNED = "not_planned"
    DUPLICATE = "duplicate"
    REOPENED = "reopened"


class CreateLabel(Frozen):
    name: str
    color: str
    description: str

    phase: ClassVar[Phase] = Phase.LABELS

    def describe(self) -> str:
        return f"create label {self.name!r} (#{self.color})"


class UpdateLabel(Frozen):
    """Recolour or re-describe a label we own; `name` is its current name on the server."""

    name: str
    color: str
    description: str

    phase: ClassVar[Phase] = Phase.LABELS

    def describe(self) -> str:
        return f"update label {self.name!r} (#{self.color}, {self.description!r})"


class CreateMilestone(Frozen):
    title: str
    due_on: date | None = None
    description: str = ""

    phase: ClassVar[Phase] = Phase.MILESTONES

    def describe(self) -> str:
        due = f", due {self.due_on.isoformat()}" if self.due_on else ""
        return f"create milestone {self.title!r}{due}"


class UpdateMilestone(Frozen):
    """Only the fields that differ are set; `None` means unchanged."""

    number: int
    title: str
    due_on: date | None = None
    state: IssueState | None = None
    description: str | None = None

    phase: ClassVar[Phase] = Phase.MILESTONES

    def describe(self) -> str:
        parts = []
        if self.due_on is not None:
            parts.append(f"due {self.due_on.isoformat()}")
        if self.state is not None:
            parts.append("close" if self.state is IssueState.CLOSED else "reopen")
        if self.description is not None:
            parts.append("description")
        return f"update milestone {self.title!r}: {', '.join(parts)}"


class CreateIssue(Frozen):
    """A new issue with its labels and milestone set in the same request.

    The milestone is named by title; `milestone_number` is set when it exists already (else the applier
    takes the number of the milestone it created in this run).
    """

    key: str
    id: str
    title: str
    body: str
    labels: tuple[str, ...]
    milestone: str | None = None
    milestone_number: int | None = None
    assignees: tuple[str, ...] = ()
    issue_type: str | None = None  # a GitHub issue type's name (tracker/issue_types.py)

    phase: ClassVar[Phase] = Phase.CREATES

    def describe(self) -> str:
        where = f" in {self.milestone!r}" if self.milestone else ""
        kind = f", type {self.issue_type!r}" if self.issue_type else ""
        # Logins without `@`: a log line or job summary is no place for a mention.
        assigned = f", assigned to {', '.join(self.assignees)}" if self.assignees else ""
        return f"create issue {self.id}: {self.title!r}{where}{kind} [{', '.join(self.labels)}]{assigned}"


class IssueEdit(Frozen):
    """The fields an edit of an existing issue may change; `None` means unchanged. `labels` and `assignees`
    are the full new sets. An update and a reopen share them, so a reopen writes everything in one PATCH."""

    number: int
    key: str
    id: str
    title: str | None = None
    body: str | None = None
    labels: tuple[str, ...] | None = None
    milestone: str | None = None
    milestone_number: int | None = None
    assignees: tuple[str, ...] | None = None  # the full new set (tracker/assignees.py)
    issue_type: str | None = None
    # For the log only (the applier ignores them): the labels before, the body's change in words, and who is
    # assigned and unassigned.
    old_labels: tuple[str, ...] | None = None
    body_change: str | None = None
    added_assignees: tuple[str, ...] = ()
    removed_assignees: tuple[str, ...] = ()

    def changed_parts(self) -> list[str]:
        """What changed, not just which fields: `labels +priority: high` (a minus sign before a removed
        label), `body: 3 → 1 failing tests`."""
        parts = ["title"] if self.title is not None else []
        if self.labels is not None:
            parts.append(_label_change(self.old_labels, self.labels))
        if self.body is not None:
            parts.append(f"body: {self.body_change}" if self.body_change else "body")
        if self.milestone is not None:
            parts.append(f"milestone → {self.milestone!r}")
        if self.assignees is not None:
            changed = [f"+{login}" for login in self.added_assignees]
            changed += [f"{MINUS}{login}" for login in self.removed_assignees]
            parts.append(" ".join(["assignees", *changed]))
        if self.issue_type is not None:
            parts.append(f"type → {self.issue_type!r}")
        return parts


class UpdateIssue(IssueEdit):
    """Only the fields that differ are set."""

    phase: ClassVar[Phase] = Phase.UPDATES

    def describe(self) -> str:
        return f"update issue #{self.number} ({self.id}): {'; '.join(self.changed_parts())}"


def _label_change(old: tuple[str, ...] | None, new: tuple[str, ...]) -> str:
    if old is None:
        return "labels"
    was = {name.casefold() for name in old}
    now = {name.casefold() for name in new}
    added = [f"+{name}" for name in new if name.casefold() not in was]
    removed = [f"{MINUS}{name}" for name in old if name.casefold() not in now]
    return " ".join(["labels", *added, *removed]) if added or removed else "labels"


class ReopenIssue(IssueEdit):
    """An item the tool closed as completed came back: same issue, reopened, with a comment saying why.

    What else changes (the edit's fields) is written in the same request as the state, so a reopen is one
    edit and one comment, never a reopened issue with a stale body."""

    comment: str

    phase: ClassVar[Phase] = Phase.UPDATES

    def describe(self) -> str:
        parts = self.changed_parts()
        also = f"; {'; '.join(parts)}" if parts else ""
        return f"reopen issue #{self.number} ({self.id}) with a comment{also}"


class CommentIssue(Frozen):
    """A comment on a change of state that writes nothing else (a `snooze:` date passed), said once."""

    number: int
    key: str
    id: str
    comment: str

    phase: ClassVar[Phase] = Phase.UPDATES

    def describe(self) -> str:
        return f"comment on issue #{self.number} ({self.id})"


class CloseIssue(Frozen):
    """`body`, when set, is written in the same request: the marker's record of the run that closed it."""

    number: int
    key: str
    id: str
    comment: str
    state_reason: StateReason = StateReason.COMPLETED
    body: str | None = None

    phase: ClassVar[Phase] = Phase.CLOSES

    def describe(self) -> str:
        return f"close issue #{self.number} ({self.id}) as {self.state_reason.value} with a comment"


class CloseDuplicate(Frozen):
    """Two runs raced and both opened an issue for one key: the newer one is closed, naming the kept one."""

    number: int
    key: str
    of_number: int
    comment: str

    phase: ClassVar[Phase] = Phase.CLOSES

    def describe(self) -> str:
        return f"close issue #{self.number} as a duplicate of #{self.of_number} ({self.key})"


class AddDependency(Frozen):
    """`blocked_key`'s issue is blocked by `blocker_key`'s: keys, as either may be created in this run."""

    blocked_key: str
    blocked_id: str
    blocker_key: str
    blocker_id: str
    blocker_number: int | None = None
    blocker_issue_id: int | None = None

    phase: ClassVar[Phase] = Phase.DEPENDENCIES

    def describe(self) -> str:
        return f"link {self.blocked_id} as blocked by {self.blocker_id}"


Operation: TypeAlias = (
    CreateLabel
    | UpdateLabel
    | CreateMilestone
    | UpdateMilestone
    | CreateIssue
    | UpdateIssue
    | ReopenIssue
    | CommentIssue
    | CloseIssue
    | CloseDuplicate
    | AddDependency
    | AttachSubIssue
    | DetachSubIssue
    | LinkNewIssues
    | SyncProjectItem
)


class ChangeSet(Frozen):
    """The ordered operations of one sync. Empty right after an apply: the idempotency contract."""

    operations: tuple[Operation, ...] = ()

    def __len__(self) -> int:
        return len(self.operations)

    def describe(self) -> tuple[str, ...]:
        """One line per operation, for --dry-run and the job summary."""
        return tuple(operation.describe() for operation in self.operations)


def order_changes(operations: list[Operation] | tuple[Operation, ...]) -> ChangeSet:
    """Sort by phase, keeping the (deterministic) order the diff produced within a phase."""
    return ChangeSet(operations=tuple(sorted(operations, key=lambda operation: operation.phase)))

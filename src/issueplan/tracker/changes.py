"""The ChangeSet: what a sync will write, as an ordered tuple of small frozen operations.

The diff decides, the applier only executes, and `--dry-run` prints `describe()` of the very same values. Each
operation knows its phase; `order_changes` sorts by phase (stable), so labels and milestones exist before an
issue refers to them, and closes come last, after everything that might fail has been tried.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import IntEnum, StrEnum
from typing import Annotated, ClassVar, Literal, TypeAlias

from pydantic import Field

from issueplan.model import ActionItem, Frozen

# A minus sign, not a hyphen: `-priority: high` could be read as part of a label's name.
MINUS = "\u2212"
SHOWN_IDS = 5  # a dashboard may wait on a thousand new issues; its one line names a few


class Phase(IntEnum):
    LABELS = 0
    MILESTONES = 1
    UPDATES = 2
    CREATES = 3
    LINKS = 4
    DEPENDENCIES = 5
    SUB_ISSUES = 6  # the dashboard's children: after the creates whose ids they need
    CLOSES = 7
    PROJECT = 8  # the project board (GraphQL): after the creates it needs and the closes it reflects


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


class AttachSubIssue(Frozen):
    """Make `child_key`'s issue a sub-issue of `parent_key`'s (the dashboard, or a holder of one priority).

    Numbers and ids are None for issues created in this run: the applier knows them by key then.
    `replace_parent` moves a child from another of issueplan's parents (never from a human's).
    """

    parent_key: str
    parent_id: str
    parent_number: int | None = None
    child_key: str
    child_id: str
    child_number: int | None = None
    child_issue_id: int | None = None
    replace_parent: bool = False

    phase: ClassVar[Phase] = Phase.SUB_ISSUES

    def describe(self) -> str:
        child = _which(self.child_number, self.child_id)
        verb = "move" if self.replace_parent else "attach"
        return f"{verb} issue {child} under {_which(self.parent_number, self.parent_id)} as a sub-issue"


class DetachSubIssue(Frozen):
    """Take a closed (or no longer held) issue off the parent it is a sub-issue of."""

    parent_number: int
    parent_id: str
    child_number: int
    child_issue_id: int

    phase: ClassVar[Phase] = Phase.SUB_ISSUES

    def describe(self) -> str:
        return f"detach issue #{self.child_number} from {_which(self.parent_number, self.parent_id)}"


def _which(number: int | None, shown: str) -> str:
    return f"#{number} ({shown})" if number is not None else f"{shown} (new)"


class ItemBodyDraft(Frozen):
    """An item's body, to render again with the numbers of the issues created in this run."""

    kind: Literal["item"] = "item"
    item: ActionItem
    links: dict[str, int]  # item id -> issue number, as known before this run's creates
    previous: str  # the body as this run first writes it


class Holder(Frozen):
    """An issue that holds one priority's open items as sub-issues when the dashboard cannot (over 100)."""

    key: str
    id: str
    label: str  # how the dashboard names it: `high priority`, `high priority, part 2`


class DashboardBodyDraft(Frozen):
    """The dashboard's body, to render again once the numbers of this run's new issues are known."""

    kind: Literal["dashboard"] = "dashboard"
    items: tuple[ActionItem, ...]
    links: dict[str, int]
    first_seen: datetime
    now: datetime
    previous: str
    holders: tuple[Holder, ...] = ()
    snoozed: dict[str, date | None] = Field(default_factory=dict)  # item id -> snoozed until (None: label)


BodyDraft: TypeAlias = Annotated[ItemBodyDraft | DashboardBodyDraft, Field(discriminator="kind")]


class LinkNewIssues(Frozen):
    """Write the `#N` links of an issue written in this run to issues created in this run.

    Their numbers exist only once GitHub answered the creates, so the diff emits this follow-up with the
    body's draft, and the applier renders it with those numbers (tracker/follow_up.py): no re-read, and a dry
    run lists it like any write. `waits_for` maps the keys of those creates to their item ids; when one of
    them did not happen the link is left for the next run. `number` is the issue's, unless it is created in
    this run too (then the applier knows it by `key`).
    """

    key: str
    id: str
    number: int | None = None
    waits_for: dict[str, str]
    draft: BodyDraft

    phase: ClassVar[Phase] = Phase.LINKS

    def describe(self) -> str:
        which = f"#{self.number} ({self.id})" if self.number is not None else f"{self.id} (new)"
        ids = sorted(self.waits_for.values())
        more = f" and {len(ids) - SHOWN_IDS} more" if len(ids) > SHOWN_IDS else ""
        return f"update issue {which}: body, links to the new issues of {', '.join(ids[:SHOWN_IDS])}{more}"


# --- the project board (Projects v2, tracker/project.py): its own block, applied over GraphQL ---------------


class ProjectValue(Frozen):
    """One field's new value: exactly one of `option_id`, `text`, `day` is set; `shown` is what the board
    will show (the option's name, the text, the ISO date)."""

    field: str
    field_id: str
    option_id: str | None = None
    text: str | None = None
    day: date | None = None
    shown: str

    def describe(self) -> str:
        return f"{self.field}={self.shown!r}"


class SyncProjectItem(Frozen):
    """Put an issue on the project (when `item_id` is None) and set the mapped fields that differ.

    `number` is None for an issue created in this run: the applier learns it from that create, by `id`.
    """

    key: str
    id: str
    number: int | None = None
    project_id: str
    item_id: str | None = None
    values: tuple[ProjectValue, ...] = ()

    phase: ClassVar[Phase] = Phase.PROJECT

    def describe(self) -> str:
        which = f"#{self.number} ({self.id})" if self.number is not None else f"{self.id} (new)"
        values = ", ".join(value.describe() for value in self.values)
        if self.item_id is None:
            return f"add issue {which} to the project" + (f", set {values}" if values else "")
        return f"set project fields of issue {which}: {values}"


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

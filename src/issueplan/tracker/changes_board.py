"""The board's operations of a ChangeSet: sub-issues under the dashboard (or a holder) and the project board.

They are Operation members like the others (tracker/changes.py); they live here because they act on the
board around the issues rather than on an issue's own fields.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from issueplan.model import Frozen
from issueplan.tracker.phase import Phase


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


class Holder(Frozen):
    """An issue that holds one priority's open items as sub-issues when the dashboard cannot (over 100)."""

    key: str
    id: str
    label: str  # how the dashboard names it: `high priority`, `high priority, part 2`


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

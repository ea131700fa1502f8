"""The `project:` section of the config: which Projects (v2) field each of an item's values goes to.

Defaults: Status, Priority, Team, Due date, Effort and Type, by those names. A field named in the config must
exist on the project (else the run stops before any write, saying how to add it); a default-named field the
project lacks is reported and skipped, so a project with only Status, Priority and Team works as it is. Set
a field to null to leave it alone.
"""

# Real annotations, not strings: pydantic builds the models faster (see model/report.py's docstring).

from enum import StrEnum

from pydantic import Field

from issueplan.model import Frozen

TODO_LIKE = ("todo", "to do", "backlog", "new", "triage", "ready", "open")


class ItemField(StrEnum):
    """An item's value that can go to a project field, by its config key."""

    STATUS = "status"
    PRIORITY = "priority"
    TEAM = "team"
    DUE_DATE = "due_date"
    EFFORT = "effort"
    TYPE = "type"


class ProjectFieldNames(Frozen):
    status: str | None = "Status"
    priority: str | None = "Priority"
    team: str | None = "Team"
    due_date: str | None = "Due date"
    effort: str | None = "Effort"
    type: str | None = "Type"

    def named(self) -> dict[ItemField, str]:
        """The mapped fields, in a fixed order (None: not mapped)."""
        return {field: name for field in ItemField if (name := getattr(self, field.value)) is not None}

    def required(self) -> frozenset[ItemField]:
        """The fields the config names itself (and Status, which every project has): these must exist."""
        chosen = {ItemField(name) for name in self.model_fields_set}
        return frozenset({*chosen, ItemField.STATUS} & set(self.named()))


class StatusNames(Frozen):
    """Status options: `open` None means the project's first todo-like option (Todo, Backlog, …)."""

    open: str | None = None
    closed: str = "Done"


class ProjectMapping(Frozen):
    fields: ProjectFieldNames = ProjectFieldNames()
    status: StatusNames = StatusNames()
    batch: int = Field(default=20, ge=1, le=50, description="Mutations sent in one GraphQL request.")

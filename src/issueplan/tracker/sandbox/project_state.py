"""The fake's Projects (v2): projects, their fields and options, and items with their field values.

Plain mutable records like the rest of the fake's state (state.py), persisted with it. Ids look like GitHub's
node ids (`PVT_…`, `PVTSSF_…`, `PVTI_…`) and are opaque strings to clients; an issue's node id is derived
from its database id, so the fake can tell which issue a `contentId` names.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field

ISSUE_NODE_PREFIX = "I_kwDO"
# The fields a seeded project gets (the sandbox's, and the tests'): GitHub's default Status, plus the fields
# issueplan maps by default. Team options are the default policy's teams.
SEEDED_FIELDS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Status", "SINGLE_SELECT", ("Todo", "In Progress", "Done")),
    ("Priority", "SINGLE_SELECT", ("Critical", "High", "Medium", "Low")),
    ("Team", "SINGLE_SELECT", ("development_team", "security_team", "devops_team", "qa_team")),
    ("Due date", "DATE", ()),
    ("Effort", "TEXT", ()),
    ("Type", "SINGLE_SELECT", ("security", "bug_fix", "enhancement", "infrastructure")),
)


class OwnerKind(StrEnum):
    ORGANIZATION = "organization"
    USER = "user"


class _Record(BaseModel):
    model_config = {"extra": "forbid", "validate_assignment": False}


class OptionRecord(_Record):
    id: str
    name: str


class FieldRecord(_Record):
    id: str
    name: str
    data_type: str  # GitHub's ProjectV2FieldType: TITLE, TEXT, SINGLE_SELECT, DATE, NUMBER, …
    options: list[OptionRecord] = Field(default_factory=list)

    def option(self, option_id: str) -> OptionRecord | None:
        return next((option for option in self.options if option.id == option_id), None)


class ItemRecord(_Record):
    id: str
    issue_number: int
    values: dict[str, str | float] = Field(default_factory=dict)  # field id -> option id, text, date, number


class ProjectRecord(_Record):
    id: str
    owner: str
    owner_kind: OwnerKind
    number: int
    title: str
    fields: list[FieldRecord] = Field(default_factory=list)
    items: list[ItemRecord] = Field(default_factory=list)
    next_id: int = 1

    def new_id(self, prefix: str) -> str:
        value = self.next_id
        self.next_id += 1
        return f"{prefix}_{self.number}x{value:05d}"

    def field(self, field_id: str) -> FieldRecord | None:
        return next((field for field in self.fields if field.id == field_id), None)

    def field_named(self, name: str) -> FieldRecord | None:
        return next((field for field in self.fields if field.name.casefold() == name.casefold()), None)

    def item(self, item_id: str) -> ItemRecord | None:
        return next((item for item in self.items if item.id == item_id), None)

    def item_for(self, issue_number: int) -> ItemRecord | None:
        return next((item for item in self.items if item.issue_number == issue_number), None)

    def add_field(self, name: str, data_type: str, options: tuple[str, ...] = ()) -> FieldRecord:
        prefix = "PVTSSF" if data_type == "SINGLE_SELECT" else "PVTF"
        field = FieldRecord(id=self.new_id(prefix), name=name, data_type=data_type)
        field.options = [
            OptionRecord(id=f"{len(self.fields):02d}{index:06x}", name=o) for index, o in enumerate(options)
        ]
        self.fields.append(field)
        return field


def new_project(
    owner: str,
    number: int,
    *,
    kind: OwnerKind = OwnerKind.ORGANIZATION,
    title: str = "Action plan",
    fields: tuple[tuple[str, str, tuple[str, ...]], ...] = SEEDED_FIELDS,
) -> ProjectRecord:
    """A project with GitHub's built-in Title field and `fields` (name, data type, options)."""
    project = ProjectRecord(
        id=f"PVT_kwDO{number:04d}{owner}", owner=owner, owner_kind=kind, number=number, title=title
    )
    project.add_field("Title", "TITLE")
    for name, data_type, options in fields:
        project.add_field(name, data_type, options)
    return project


def issue_node_id(issue_id: int) -> str:
    return f"{ISSUE_NODE_PREFIX}{issue_id}"


def issue_id_of(node_id: str) -> int | None:
    digits = node_id.removeprefix(ISSUE_NODE_PREFIX)
    return int(digits) if node_id.startswith(ISSUE_NODE_PREFIX) and digits.isdigit() else None

"""The pure diff of the project board: plan + tracker state + this run's REST changes + board -> operations.

Every managed issue is on the project; the mapped fields are set from its item (config `project:`,
policy/project_fields.py) and only where they differ, so a re-run makes no mutation. Humans win: fields the
config does not map are never touched, and a Status a person chose stays unless this run closes or reopens
the issue (a new item, or one without a Status, gets the open or closed option). A field or option the
project lacks stops the run before any write (ConfigError, exit 2), naming it and how to add it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from issueplan.errors import ConfigError
from issueplan.model import ActionItem, Plan
from issueplan.policy.project_fields import TODO_LIKE, ItemField, ProjectMapping
from issueplan.tracker.changes import CloseIssue, CreateIssue, Operation, ReopenIssue
from issueplan.tracker.changes_board import ProjectValue, SyncProjectItem
from issueplan.tracker.dashboard import is_dashboard
from issueplan.tracker.project_board import Board, BoardField, BoardItem
from issueplan.tracker.tracked import TrackedIssue, TrackerState, key_holder

KINDS: dict[ItemField, tuple[str, ...]] = {
    ItemField.STATUS: ("SINGLE_SELECT",),
    ItemField.PRIORITY: ("SINGLE_SELECT", "TEXT"),
    ItemField.TEAM: ("SINGLE_SELECT", "TEXT"),
    ItemField.DUE_DATE: ("DATE", "TEXT"),
    ItemField.EFFORT: ("TEXT",),
    ItemField.TYPE: ("SINGLE_SELECT", "TEXT"),
}
HOW_TO_ADD = "in the project's settings (⋯ menu > Settings > + New field)"


class ProjectDiff:
    """The board's operations, and notes for the log (default-mapped fields the project does not have)."""

    def __init__(self, operations: list[SyncProjectItem], notes: list[str]) -> None:
        self.operations = operations
        self.notes = notes


def diff_project(
    plan: Plan,
    state: TrackerState,
    rest: tuple[Operation, ...],
    board: Board,
    mapping: ProjectMapping,
    scope: str,
) -> ProjectDiff:
    fields, notes = resolve_fields(board, mapping)
    errors: list[str] = []
    status = fields.get(ItemField.STATUS)
    open_option = _status_option(status, mapping.status.open, errors) if status else None
    closed_option = _status_option(status, mapping.status.closed, errors) if status else None
    creates = {op.key for op in rest if isinstance(op, CreateIssue)}
    closing = {op.key for op in rest if isinstance(op, CloseIssue)}
    reopening = {op.key for op in rest if isinstance(op, ReopenIssue)}
    issues = _kept(state, scope)
    ops: list[SyncProjectItem] = []
    for item in plan.items:
        issue = issues.get(item.key)
        if issue is None and item.key not in creates:
            continue
        closed = issue is not None and not issue.is_open and item.key not in reopening
        status_value = closed_option if closed else open_option
        values = [v for f, field in fields.items() if (v := _wanted(f, field, item, errors)) is not None]
        number = issue.number if issue is not None else None
        forced = item.key in reopening
        ops += _item_op(item.key, item.id, number, board, values, status_value, forced=forced)
    planned = {item.key for item in plan.items}
    for key, issue in sorted(issues.items(), key=lambda pair: pair[1].number):
        if key in planned or is_dashboard(key):
            continue
        closed = not issue.is_open or key in closing
        status_value = closed_option if closed else open_option
        ops += _item_op(key, issue.item_id, issue.number, board, [], status_value, forced=key in closing)
    if errors:
        raise ConfigError("\n".join(dict.fromkeys(errors)))
    return ProjectDiff(ops, notes)


def resolve_fields(board: Board, mapping: ProjectMapping) -> tuple[dict[ItemField, BoardField], list[str]]:
    """The project's field for each mapped value; ConfigError for a required one it lacks or of wrong kind."""
    required = mapping.fields.required()
    resolved: dict[ItemField, BoardField] = {}
    errors: list[str] = []
    notes: list[str] = []
    for item_field, name in mapping.fields.named().items():
        field = board.field(name)
        kinds = " or ".join(kind.lower().replace("_", "-") for kind in KINDS[item_field])
        if field is None:
            text = (
                f"the project {board.url} has no field {name!r} (for each item's {item_field.value}): add a "
                f"{kinds} field named {name!r} {HOW_TO_ADD}, or map another one in the config "
                f"(project: fields: {item_field.value}: NAME; null leaves it out)"
            )
            if item_field in required:
                errors.append(text)
            else:
                notes.append(f"project board: {text}; left out this run")
            continue
        if field.data_type not in KINDS[item_field]:
            errors.append(
                f"the project's field {field.name!r} is a {field.data_type.lower()} field, but the item's "
                f"{item_field.value} needs a {kinds} field: change it {HOW_TO_ADD}, or map another one in "
                f"the config (project: fields: {item_field.value}: NAME)"
            )
            continue
        resolved[item_field] = field
    if errors:
        raise ConfigError("\n".join(errors))
    return resolved, notes


def _option(field: BoardField, wanted: str, errors: list[str], why: str) -> ProjectValue | None:
    option = next((o for o in field.options if o.name.casefold() == wanted.casefold()), None)
    if option is None:
        names = ", ".join(repr(o.name) for o in field.options) or "none"
        errors.append(
            f"the project's field {field.name!r} has no option {wanted!r} ({why}; its options: {names}): "
            f"add it {HOW_TO_ADD.replace('+ New field', field.name)}, or change the config's project section"
        )
        return None
    return ProjectValue(field=field.name, field_id=field.id, option_id=option.id, shown=option.name)


def _status_option(field: BoardField, name: str | None, errors: list[str]) -> ProjectValue | None:
    if name is not None:
        return _option(field, name, errors, "the Status issueplan sets")
    todo = next((o for o in field.options if o.name.casefold() in TODO_LIKE), None)
    if todo is None:
        return _option(
            field, "Todo", errors, "no todo-like option for open issues; or set project: status: open"
        )
    return ProjectValue(field=field.name, field_id=field.id, option_id=todo.id, shown=todo.name)


def _wanted(
    item_field: ItemField, field: BoardField, item: ActionItem, errors: list[str]
) -> ProjectValue | None:
    raw = {
        ItemField.PRIORITY: item.priority.value,
        ItemField.TEAM: item.team,
        ItemField.TYPE: item.type.value,
        ItemField.DUE_DATE: item.due_date.date().isoformat(),
        ItemField.EFFORT: item.effort,
    }.get(item_field)
    if raw is None:  # Status: set by the issue's state, not by the item
        return None
    if field.data_type == "SINGLE_SELECT":
        return _option(field, raw, errors, f"{item.id}'s {item_field.value}")
    if field.data_type == "DATE":
        return ProjectValue(field=field.name, field_id=field.id, day=date.fromisoformat(raw), shown=raw)
    return ProjectValue(field=field.name, field_id=field.id, text=raw, shown=raw)


def comparable(value: ProjectValue) -> str:
    """The value as the board reads it back (option id, text, ISO date)."""
    if value.option_id is not None:
        return value.option_id
    if value.day is not None:
        return value.day.isoformat()
    return value.text or ""


def _item_op(
    key: str,
    item_id: str,
    number: int | None,
    board: Board,
    values: list[ProjectValue],
    status: ProjectValue | None,
    *,
    forced: bool,
) -> list[SyncProjectItem]:
    on_board: BoardItem | None = board.items.get(number) if number is not None else None
    current: Mapping[str, str] = on_board.values if on_board is not None else {}
    changed = [value for value in values if current.get(value.field_id) != comparable(value)]
    # A Status a person chose is kept, unless this run closes or reopens the issue (`forced`).
    settable = on_board is None or status is None or status.field_id not in current or forced
    if status is not None and settable and current.get(status.field_id) != comparable(status):
        changed.insert(0, status)
    if on_board is not None and not changed:
        return []
    return [
        SyncProjectItem(
            key=key,
            id=item_id,
            number=number,
            project_id=board.project_id,
            item_id=None if on_board is None else on_board.id,
            values=tuple(changed),
        )
    ]


def _kept(state: TrackerState, scope: str) -> dict[str, TrackedIssue]:
    """One issue per key, as the REST diff keeps it (`key_holder`)."""
    by_key: dict[str, list[TrackedIssue]] = {}
    for issue in sorted(state.issues, key=lambda issue: issue.number):
        if issue.scope == scope:
            by_key.setdefault(issue.key, []).append(issue)
    return {key: key_holder(group) for key, group in by_key.items()}

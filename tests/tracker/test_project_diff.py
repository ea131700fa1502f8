"""The board's pure diff with plain values: what it sets, what it keeps, and what stops the run."""

from __future__ import annotations

import pytest
from tracker_plans import NOW, make_item, make_plan

from issueplan.errors import ConfigError
from issueplan.model import ItemType, Priority
from issueplan.policy.project_fields import ProjectFieldNames, ProjectMapping, StatusNames
from issueplan.render.issue import render_issue_body
from issueplan.tracker.changes import CloseIssue, CreateIssue, Operation, ReopenIssue
from issueplan.tracker.changes_board import SyncProjectItem
from issueplan.tracker.project import diff_project
from issueplan.tracker.project_board import Board, BoardField, BoardItem, BoardOption
from issueplan.tracker.tracked import TrackedIssue, TrackerState

STATUS = BoardField(
    id="S",
    name="Status",
    data_type="SINGLE_SELECT",
    options=(
        BoardOption(id="s-b", name="Backlog"),
        BoardOption(id="s-p", name="In progress"),
        BoardOption(id="s-d", name="Done"),
    ),
)
PRIORITY = BoardField(
    id="P",
    name="Priority",
    data_type="SINGLE_SELECT",
    options=tuple(BoardOption(id=f"p-{p.value}", name=p.value.upper()) for p in Priority),
)
DUE = BoardField(id="D", name="Due date", data_type="DATE")
TYPE = BoardField(id="T", name="Type", data_type="TEXT")
SPRINT = BoardField(id="X", name="Sprint", data_type="TEXT")
ITEM = make_item("suite-failed/unit", "BUG-001", priority=Priority.CRITICAL, type_=ItemType.BUG_FIX)
ONLY = ProjectMapping(fields=ProjectFieldNames(team=None, effort=None))


def board(items: dict[int, BoardItem] | None = None, *fields: BoardField) -> Board:
    return Board(
        project_id="PVT_1",
        title="Plan",
        url="https://github.com/orgs/acme/projects/5",
        fields=fields or (STATUS, PRIORITY, DUE, TYPE, SPRINT),
        items=items or {},
    )


def tracked(number: int, *, open_: bool = True, key: str = ITEM.key) -> TrackedIssue:
    return TrackedIssue(
        number=number,
        id=1000 + number,
        title="t",
        body=render_issue_body(ITEM, scope="default"),
        state="open" if open_ else "closed",
        created_at=NOW,
        key=key,
        item_id="BUG-001",
        scope="default",
        first_seen=NOW,
    )


def diff(
    state: TrackerState, rest: tuple[Operation, ...], on: Board, mapping: ProjectMapping = ONLY
) -> list[SyncProjectItem]:
    return diff_project(make_plan([ITEM]), state, rest, on, mapping, "default").operations


def create() -> CreateIssue:
    return CreateIssue(key=ITEM.key, id=ITEM.id, title="t", body="b", labels=())


def test_a_new_issue_is_added_with_every_mapped_value_and_the_first_todo_like_status() -> None:
    [op] = diff(TrackerState(), (create(),), board())
    assert op.item_id is None
    assert op.number is None
    assert [(v.field, v.shown) for v in op.values] == [
        ("Status", "Backlog"),
        ("Priority", "CRITICAL"),
        ("Due date", ITEM.due_date.date().isoformat()),
        ("Type", "bug_fix"),
    ]
    assert op.values[2].day == ITEM.due_date.date()
    assert op.describe().startswith("add issue BUG-001 (new) to the project, set Status='Backlog'")


def _current(**values: str) -> dict[int, BoardItem]:
    wanted = {"P": "p-critical", "D": ITEM.due_date.date().isoformat(), "T": "bug_fix", **values}
    return {7: BoardItem(id="PVTI_7", number=7, values=wanted)}


def test_an_item_as_wanted_needs_nothing_and_a_person_s_status_and_sprint_stay() -> None:
    state = TrackerState(issues=(tracked(7),))
    assert diff(state, (), board(_current(S="s-p", X="Sprint 3"))) == []


def test_only_the_values_that_differ_are_set() -> None:
    state = TrackerState(issues=(tracked(7),))
    [op] = diff(state, (), board(_current(S="s-b", P="p-low")))
    assert op.item_id == "PVTI_7"
    assert [(v.field, v.option_id) for v in op.values] == [("Priority", "p-critical")]


def test_an_item_without_a_status_gets_one() -> None:
    [op] = diff(TrackerState(issues=(tracked(7),)), (), board(_current()))
    assert [v.shown for v in op.values] == ["Backlog"]


def test_closing_and_reopening_override_a_person_s_status() -> None:
    closed = TrackedIssue.model_validate({**tracked(7).model_dump(), "key": "suite-failed/gone"})
    close = CloseIssue(number=7, key="suite-failed/gone", id="BUG-001", comment="")
    ops = diff_project(
        make_plan([]), TrackerState(issues=(closed,)), (close,), board(_current(S="s-p")), ONLY, "default"
    )
    assert [(v.field, v.shown) for v in ops.operations[0].values] == [("Status", "Done")]

    reopened = tracked(7, open_=False)
    reopen = ReopenIssue(number=7, key=ITEM.key, id=ITEM.id, comment="back")
    [op] = diff(TrackerState(issues=(reopened,)), (reopen,), board(_current(S="s-d")))
    assert [(v.field, v.shown) for v in op.values] == [("Status", "Backlog")]


def test_status_names_come_from_the_config() -> None:
    mapping = ONLY.model_copy(update={"status": StatusNames(open="In Progress", closed="Done")})
    [op] = diff(TrackerState(), (create(),), board(), mapping)
    assert op.values[0].shown == "In progress", "matched by case"


def test_a_missing_option_stops_the_run_naming_it_and_its_options() -> None:
    without = PRIORITY.model_copy(update={"options": PRIORITY.options[1:]})
    with pytest.raises(ConfigError) as raised:
        diff(TrackerState(), (create(),), board(None, STATUS, without, DUE, TYPE))
    text = str(raised.value)
    assert "the project's field 'Priority' has no option 'critical'" in text
    assert "'HIGH'" in text
    assert "BUG-001's priority" in text


def test_a_field_the_config_names_must_exist_but_a_default_one_is_a_note() -> None:
    found = diff_project(make_plan([ITEM]), TrackerState(), (create(),), board(None, STATUS), ONLY, "default")
    assert any("no field 'Priority'" in note for note in found.notes)
    named = ProjectMapping(fields=ProjectFieldNames(priority="Severity", team=None, effort=None))
    with pytest.raises(ConfigError, match="has no field 'Severity'"):
        diff_project(make_plan([ITEM]), TrackerState(), (create(),), board(None, STATUS), named, "default")


def test_a_field_of_the_wrong_kind_is_refused() -> None:
    due_as_select = DUE.model_copy(update={"data_type": "SINGLE_SELECT"})
    with pytest.raises(ConfigError, match="'Due date' is a single_select field"):
        diff(TrackerState(), (create(),), board(None, STATUS, PRIORITY, due_as_select, TYPE))


def test_issues_of_another_scope_and_the_dashboard_are_not_ours() -> None:
    other = TrackedIssue.model_validate({**tracked(9).model_dump(), "scope": "nightly", "key": "x"})
    assert (
        diff_project(make_plan([]), TrackerState(issues=(other,)), (), board(), ONLY, "default").operations
        == []
    )

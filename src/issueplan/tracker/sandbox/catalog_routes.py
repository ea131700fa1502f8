"""Labels and milestones of the fake repository."""

from __future__ import annotations

import re
from typing import Any

from issueplan.tracker.sandbox.dates import due_date
from issueplan.tracker.sandbox.replies import Reply, ReplyError, invalid, missing, not_found, too_long
from issueplan.tracker.sandbox.routing import Call, Route, paginate, route
from issueplan.tracker.sandbox.shapes import label_json, milestone_json
from issueplan.tracker.sandbox.state import IssueState, LabelRecord, MilestoneRecord, RepoState

LABEL_NAME_MAX = 50
LABEL_DESCRIPTION_MAX = 100
AUTO_LABEL_COLOR = "ededed"
COLOR = re.compile(r"^[0-9a-fA-F]{6}$")


def check_label_name(name: Any) -> str:
    if not isinstance(name, str) or not name.strip():
        raise missing("Label", "name")
    if len(name) > LABEL_NAME_MAX:
        raise too_long("Label", "name", LABEL_NAME_MAX)
    return name


def _check_label_fields(body: dict[str, Any]) -> None:
    color = body.get("color")
    if color is not None and (not isinstance(color, str) or not COLOR.match(color)):
        raise invalid("Label", "color", "invalid")
    description = body.get("description")
    if isinstance(description, str) and len(description) > LABEL_DESCRIPTION_MAX:
        raise too_long("Label", "description", LABEL_DESCRIPTION_MAX)


def _already_exists(resource: str, field: str) -> ReplyError:
    return invalid(resource, field, "already_exists")


def ensure_label(state: RepoState, name: str) -> LabelRecord:
    """The label called `name` (any case), created with GitHub's auto colour when unknown, name case kept."""
    label = state.label(check_label_name(name))
    if label is None:
        label = LabelRecord(id=state.new_id(), name=name, color=AUTO_LABEL_COLOR)
        state.labels.append(label)
    return label


def _label(call: Call) -> LabelRecord:
    label = call.state.label(call.params["name"])
    if label is None:
        raise not_found()
    return label


def list_labels(call: Call) -> Reply:
    labels = sorted(call.state.labels, key=lambda lb: lb.id)
    return paginate(call, [label_json(call.site, call.state, lb) for lb in labels])


def create_label(call: Call) -> Reply:
    body = call.object_body()
    name = check_label_name(body.get("name"))
    _check_label_fields(body)
    if call.state.label(name) is not None:
        raise _already_exists("Label", "name")
    label = LabelRecord(
        id=call.state.new_id(),
        name=name,
        color=body.get("color") or AUTO_LABEL_COLOR,
        description=body.get("description"),
    )
    call.state.labels.append(label)
    return Reply(201, label_json(call.site, call.state, label))


def get_label(call: Call) -> Reply:
    return Reply(200, label_json(call.site, call.state, _label(call)))


def update_label(call: Call) -> Reply:
    label = _label(call)
    body = call.object_body()
    _check_label_fields(body)
    new_name = body.get("new_name")
    if new_name is not None:
        new_name = check_label_name(new_name)
        other = call.state.label(new_name)
        if other is not None and other.id != label.id:
            raise _already_exists("Label", "name")
        label.name = new_name
    if body.get("color") is not None:
        label.color = body["color"]
    if "description" in body:
        label.description = body["description"]
    return Reply(200, label_json(call.site, call.state, label))


def delete_label(call: Call) -> Reply:
    label = _label(call)
    call.state.labels.remove(label)
    for issue in call.state.issues:
        if label.id in issue.label_ids:
            issue.label_ids.remove(label.id)
    return Reply(204)


def _milestone(call: Call) -> MilestoneRecord:
    milestone = call.state.milestone(call.number("milestone_number"))
    if milestone is None:
        raise not_found()
    return milestone


def list_milestones(call: Call) -> Reply:
    wanted = call.query.get("state", "open")
    chosen = [m for m in call.state.milestones if wanted in ("all", m.state.value)]
    sort = call.query.get("sort", "due_on")
    if sort == "completeness":
        rendered = [milestone_json(call.site, call.state, m) for m in chosen]
        ordered = sorted(
            rendered,
            key=lambda m: (m["closed_issues"] / max(1, m["open_issues"] + m["closed_issues"]), m["number"]),
        )
    else:
        # GitHub sorts milestones without a due date last when ascending.
        chosen.sort(key=lambda m: (m.due_on is None, m.due_on or "", m.number))
        ordered = [milestone_json(call.site, call.state, m) for m in chosen]
    if call.query.get("direction", "asc") == "desc":
        ordered.reverse()
    return paginate(call, ordered)


def _apply_milestone_fields(call: Call, milestone: MilestoneRecord, body: dict[str, Any]) -> None:
    if "state" in body:
        try:
            new_state = IssueState(body["state"])
        except ValueError:
            raise invalid("Milestone", "state", "invalid") from None
        if new_state is not milestone.state:
            milestone.closed_at = call.now if new_state is IssueState.CLOSED else None
        milestone.state = new_state
    if "description" in body:
        milestone.description = body["description"]
    if "due_on" in body:
        raw = body["due_on"]
        day = due_date(raw) if isinstance(raw, str) else None
        if raw is not None and day is None:
            raise invalid("Milestone", "due_on", "invalid")
        milestone.due_on = None if day is None else day.isoformat()
    milestone.updated_at = call.now


def create_milestone(call: Call) -> Reply:
    body = call.object_body()
    title = body.get("title")
    if not isinstance(title, str) or not title:
        raise missing("Milestone", "title")
    if any(m.title == title for m in call.state.milestones):
        raise _already_exists("Milestone", "title")
    milestone = MilestoneRecord(
        id=call.state.new_id(),
        number=call.state.next_milestone_number,
        title=title,
        creator=call.login,
        created_at=call.now,
        updated_at=call.now,
    )
    call.state.next_milestone_number += 1
    _apply_milestone_fields(call, milestone, body)
    call.state.milestones.append(milestone)
    return Reply(201, milestone_json(call.site, call.state, milestone))


def get_milestone(call: Call) -> Reply:
    return Reply(200, milestone_json(call.site, call.state, _milestone(call)))


def update_milestone(call: Call) -> Reply:
    milestone = _milestone(call)
    body = call.object_body()
    title = body.get("title")
    if title is not None:
        if any(m.title == title and m.number != milestone.number for m in call.state.milestones):
            raise _already_exists("Milestone", "title")
        milestone.title = title
    _apply_milestone_fields(call, milestone, body)
    return Reply(200, milestone_json(call.site, call.state, milestone))


def delete_milestone(call: Call) -> Reply:
    milestone = _milestone(call)
    call.state.milestones.remove(milestone)
    for issue in call.state.issues:
        if issue.milestone == milestone.number:
            issue.milestone = None
    return Reply(204)


ROUTES = (
    route("GET", "/labels", list_labels),
    route("POST", "/labels", create_label),
    route("GET", "/labels/{name}", get_label),
    route("PATCH", "/labels/{name}", update_label),
    route("DELETE", "/labels/{name}", delete_label),
    route("GET", "/milestones", list_milestones),
    route("POST", "/milestones", create_milestone),
    route("GET", "/milestones/{milestone_number}", get_milestone),
    route("PATCH", "/milestones/{milestone_number}", update_milestone),
    route("DELETE", "/milestones/{milestone_number}", delete_milestone),
)
__all__ = ["ROUTES", "Route", "check_label_name", "ensure_label"]

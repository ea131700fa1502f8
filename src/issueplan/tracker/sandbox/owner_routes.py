"""Issue types and assignees: what a repository offers for an issue's type and who may be assigned.

A repository without issue types (a personal account's, or a GitHub Enterprise Server without them) answers
404 to the listing, as GitHub does; `RepoState.issue_types` None stands for that. Assignability is GitHub's
204-or-404 check; `RepoState.assignable` None lets anyone be assigned (the sandbox's default).
"""

from __future__ import annotations

from typing import Any

from issueplan.tracker.sandbox.replies import Reply, invalid, not_found
from issueplan.tracker.sandbox.routing import Call, Route, paginate, route
from issueplan.tracker.sandbox.shapes import issue_type_json, user_json
from issueplan.tracker.sandbox.state import RepoState


def issue_type_name(state: RepoState, value: Any) -> str | None:
    """The `type` of a create or update request: a name (or `{"value": name}`), null to remove it. GitHub
    refuses a type the repository does not offer."""
    if isinstance(value, dict):
        value = value.get("value")
    if value is None:
        return None
    record = state.issue_type(value) if isinstance(value, str) else None
    if record is None:
        raise invalid("Issue", "type", "invalid", value=value)
    return record.name


def list_issue_types(call: Call) -> Reply:
    if call.state.issue_types is None:
        raise not_found()
    return Reply(200, [issue_type_json(record) for record in call.state.issue_types])


def list_assignees(call: Call) -> Reply:
    logins = call.state.assignable if call.state.assignable is not None else [call.state.owner]
    return paginate(call, [user_json(call.site, login) for login in logins])


def check_assignee(call: Call) -> Reply:
    if not call.state.can_be_assigned(call.params["assignee"]):
        raise not_found()
    return Reply(204, None)


ROUTES: tuple[Route, ...] = (
    route("GET", "/issue-types", list_issue_types),
    route("GET", "/assignees", list_assignees),
    route("GET", "/assignees/{assignee}", check_assignee),
)

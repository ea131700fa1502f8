"""Issues, their comments and their labels."""

from __future__ import annotations

from typing import Any

from issueplan.tracker.sandbox.catalog_routes import check_label_name, ensure_label
from issueplan.tracker.sandbox.dates import parse_timestamp
from issueplan.tracker.sandbox.owner_routes import issue_type_name
from issueplan.tracker.sandbox.replies import Reply, error, invalid, missing, not_found, too_long
from issueplan.tracker.sandbox.routing import Call, Rendered, Route, paginate, route
from issueplan.tracker.sandbox.shapes import comment_json, issue_json, label_json
from issueplan.tracker.sandbox.state import CommentRecord, IssueRecord, IssueState, RepoState, StateReason

TITLE_MAX = 256
BODY_MAX = 65_536


def find_issue(call: Call, name: str = "issue_number") -> IssueRecord:
    issue = call.state.issue(call.number(name))
    if issue is None:
        raise not_found()
    return issue


def _title(value: Any) -> str:
    # The spec allows an integer title; GitHub stores its text.
    if isinstance(value, bool) or not isinstance(value, str | int) or value == "":
        raise missing("Issue", "title")
    title = str(value)
    if len(title) > TITLE_MAX:
        raise too_long("Issue", "title", TITLE_MAX)
    return title


def _body(value: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        raise invalid("Issue", "body", "invalid")
    if value is not None and len(value) > BODY_MAX:
        raise too_long("Issue", "body", BODY_MAX)
    return value


def _milestone(state: RepoState, value: Any) -> int | None:
    """A milestone number (integer or numeric string); null or "" removes it (PyGithub sends "")."""
    if value is None or value == "":
        return None
    number = value if isinstance(value, int) else int(value) if str(value).isdigit() else None
    if number is None or state.milestone(number) is None:
        raise invalid("Issue", "milestone", "invalid", value=value)
    return number


def _assignees(state: RepoState, value: Any) -> list[str]:
    """GitHub refuses the whole write when one of the assignees cannot be assigned in the repository."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise invalid("Issue", "assignees", "invalid")
    for login in value:
        if not state.can_be_assigned(login):
            raise invalid("Issue", "assignees", "invalid", value=login)
    return sorted(set(value), key=value.index)


def label_names(body: Any, *, allow_string: bool = False) -> list[str]:
    """Every form GitHub takes: `{"labels": [...]}`, a bare array of names or of `{name}` objects, and (PUT
    only) a bare string."""
    if isinstance(body, dict):
        body = body.get("labels")
    if allow_string and isinstance(body, str):
        body = [body]
    if not isinstance(body, list):
        raise invalid("Issue", "labels", "invalid")
    names = [item.get("name") if isinstance(item, dict) else item for item in body]
    return [check_label_name(name) for name in names]


def _set_labels(state: RepoState, issue: IssueRecord, names: list[str]) -> None:
    ids = [ensure_label(state, name).id for name in names]
    issue.label_ids = list(dict.fromkeys(ids))


def _set_state(call: Call, issue: IssueRecord, body: dict[str, Any]) -> None:
    try:
        new_state = IssueState(body["state"])
        reason = None if body.get("state_reason") is None else StateReason(body["state_reason"])
    except ValueError:
        raise invalid("Issue", "state", "invalid") from None
    if new_state is issue.state:
        return  # GitHub: state_reason is ignored unless state changes.
    issue.state = new_state
    if new_state is IssueState.CLOSED:
        issue.state_reason = reason or StateReason.COMPLETED
        issue.closed_at, issue.closed_by = call.now, call.login
    else:
        issue.state_reason = StateReason.REOPENED
        issue.closed_at, issue.closed_by = None, None


def list_issues(call: Call) -> Reply:
    # Every page of a listing filters and sorts the same way: do it once per listing, render only the page.
    key = ("issues", tuple(sorted((k, v) for k, v in call.query.items() if k not in ("page", "per_page"))))
    chosen = call.state.memo(key, lambda: _chosen_issues(call))
    return paginate(call, Rendered(chosen, lambda i: issue_json(call.site, call.state, i)))


def _chosen_issues(call: Call) -> list[IssueRecord]:
    query = call.query
    wanted = query.get("state", "open")
    chosen = [i for i in call.state.issues if wanted in ("all", i.state.value)]
    if query.get("labels"):
        required = {name.strip().casefold() for name in query["labels"].split(",") if name.strip()}

        def names(issue: IssueRecord) -> set[str]:
            labels = (call.state.label_by_id(i) for i in issue.label_ids)
            return {lb.name.casefold() for lb in labels if lb is not None}

        chosen = [i for i in chosen if required <= names(i)]
    milestone = query.get("milestone")
    if milestone == "none":
        chosen = [i for i in chosen if i.milestone is None]
    elif milestone == "*":
        chosen = [i for i in chosen if i.milestone is not None]
    elif milestone is not None and milestone.isdigit():
        chosen = [i for i in chosen if i.milestone == int(milestone)]
    if "creator" in query:
        chosen = [i for i in chosen if i.user == query["creator"]]
    since = parse_timestamp(query["since"]) if "since" in query else None
    if since is not None:
        chosen = [i for i in chosen if i.updated_at >= since]
    sort = query.get("sort", "created")
    if sort == "updated":
        chosen.sort(key=lambda i: (i.updated_at, i.number))
    elif sort == "comments":
        chosen.sort(key=lambda i: (len(i.comments), i.number))
    else:
        chosen.sort(key=lambda i: i.number)
    if query.get("direction", "desc") == "desc":
        chosen.reverse()
    return chosen


def create_issue(call: Call) -> Reply:
    body = call.object_body()
    title = _title(body.get("title"))
    text = _body(body.get("body"))
    milestone = _milestone(call.state, body.get("milestone"))
    names = label_names(body.get("labels", []))
    assignees = _assignees(call.state, body.get("assignees", []))
    issue_type = issue_type_name(call.state, body.get("type"))
    issue = IssueRecord(
        id=call.state.new_id(),
        number=call.state.new_number(),
        title=title,
        body=text,
        user=call.login,
        milestone=milestone,
        assignees=assignees,
        issue_type=issue_type,
        created_at=call.now,
        updated_at=call.now,
    )
    _set_labels(call.state, issue, names)
    call.state.issues.append(issue)
    reply = Reply(201, issue_json(call.site, call.state, issue))
    reply.headers["location"] = reply.body["url"]
    return reply


def get_issue(call: Call) -> Reply:
    return Reply(200, issue_json(call.site, call.state, find_issue(call)))


def update_issue(call: Call) -> Reply:
    issue = find_issue(call)
    body = call.object_body()
    # Validate everything before changing anything: a 422 leaves the issue as it was.
    title = _title(body["title"]) if "title" in body else None
    text = _body(body.get("body"))
    milestone = _milestone(call.state, body["milestone"]) if "milestone" in body else None
    names = label_names(body["labels"]) if body.get("labels") is not None else None
    assignees = _assignees(call.state, body["assignees"]) if body.get("assignees") is not None else None
    issue_type = issue_type_name(call.state, body["type"]) if "type" in body else None
    if "state" in body:
        _set_state(call, issue, body)
    if title is not None:
        issue.title = title
    if "body" in body:
        issue.body = text
    if "milestone" in body:
        issue.milestone = milestone
    if names is not None:
        _set_labels(call.state, issue, names)
    if assignees is not None:
        issue.assignees = assignees
    if "type" in body:
        issue.issue_type = issue_type
    issue.updated_at = call.now
    return Reply(200, issue_json(call.site, call.state, issue))


def list_comments(call: Call) -> Reply:
    issue = find_issue(call)
    return paginate(call, [comment_json(call.site, call.state, issue, c) for c in issue.comments])


def create_comment(call: Call) -> Reply:
    issue = find_issue(call)
    text = call.object_body().get("body")
    if not isinstance(text, str) or not text:
        raise missing("IssueComment", "body")
    if len(text) > BODY_MAX:
        raise too_long("IssueComment", "body", BODY_MAX, capital=True)
    comment = CommentRecord(
        id=call.state.new_id(), body=text, user=call.login, created_at=call.now, updated_at=call.now
    )
    issue.comments.append(comment)
    issue.updated_at = call.now
    return Reply(201, comment_json(call.site, call.state, issue, comment))


def _labels_of(call: Call, issue: IssueRecord) -> list[dict[str, Any]]:
    labels = (call.state.label_by_id(i) for i in issue.label_ids)
    return [label_json(call.site, call.state, lb) for lb in labels if lb is not None]


def list_issue_labels(call: Call) -> Reply:
    return paginate(call, _labels_of(call, find_issue(call)))


def add_issue_labels(call: Call) -> Reply:
    issue = find_issue(call)
    names = label_names(call.body)
    current = [lb.name for lb in (call.state.label_by_id(i) for i in issue.label_ids) if lb is not None]
    _set_labels(call.state, issue, current + names)
    issue.updated_at = call.now
    return Reply(200, _labels_of(call, issue))


def set_issue_labels(call: Call) -> Reply:
    issue = find_issue(call)
    _set_labels(call.state, issue, label_names(call.body, allow_string=True))
    issue.updated_at = call.now
    return Reply(200, _labels_of(call, issue))


def remove_all_issue_labels(call: Call) -> Reply:
    issue = find_issue(call)
    issue.label_ids = []
    issue.updated_at = call.now
    return Reply(204)


def remove_issue_label(call: Call) -> Reply:
    issue = find_issue(call)
    label = call.state.label(call.params["name"])
    if label is None or label.id not in issue.label_ids:
        raise error(404, "Label does not exist")
    issue.label_ids.remove(label.id)
    issue.updated_at = call.now
    return Reply(200, _labels_of(call, issue))


def lock_issue(call: Call) -> Reply:
    find_issue(call).locked = True
    return Reply(204)


def unlock_issue(call: Call) -> Reply:
    find_issue(call).locked = False
    return Reply(204)


ROUTES: tuple[Route, ...] = (
    route("GET", "/issues", list_issues),
    route("POST", "/issues", create_issue),
    route("GET", "/issues/{issue_number}", get_issue),
    route("PATCH", "/issues/{issue_number}", update_issue),
    route("GET", "/issues/{issue_number}/comments", list_comments),
    route("POST", "/issues/{issue_number}/comments", create_comment),
    route("GET", "/issues/{issue_number}/labels", list_issue_labels),
    route("POST", "/issues/{issue_number}/labels", add_issue_labels),
    route("PUT", "/issues/{issue_number}/labels", set_issue_labels),
    route("DELETE", "/issues/{issue_number}/labels", remove_all_issue_labels),
    route("DELETE", "/issues/{issue_number}/labels/{name}", remove_issue_label),
    route("PUT", "/issues/{issue_number}/lock", lock_issue),
    route("DELETE", "/issues/{issue_number}/lock", unlock_issue),
)

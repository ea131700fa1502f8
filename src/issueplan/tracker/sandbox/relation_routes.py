"""Sub-issues and issue dependencies. Their bodies name issues by *id*, never by number, as on GitHub."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from issueplan.tracker.sandbox.issue_routes import find_issue
from issueplan.tracker.sandbox.replies import Reply, invalid, not_found
from issueplan.tracker.sandbox.routing import Call, Route, paginate, route
from issueplan.tracker.sandbox.shapes import issue_json
from issueplan.tracker.sandbox.state import IssueRecord

SUB_ISSUES_MAX = 100
DEPENDENCIES_MAX = 50


def _by_id(call: Call, value: Any, resource: str, field: str) -> IssueRecord:
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid(resource, field, "invalid")
    other = call.state.issue_by_id(value)
    if other is None:
        raise not_found()
    return other


def _issues(call: Call, ids: Sequence[int]) -> Reply:
    found = (call.state.issue_by_id(i) for i in ids)
    return paginate(call, [issue_json(call.site, call.state, i) for i in found if i is not None])


def list_sub_issues(call: Call) -> Reply:
    return _issues(call, find_issue(call).sub_issue_ids)


def add_sub_issue(call: Call) -> Reply:
    parent = find_issue(call)
    body = call.object_body()
    child = _by_id(call, body.get("sub_issue_id"), "SubIssue", "sub_issue_id")
    if child.id == parent.id or child.id in parent.sub_issue_ids:
        raise invalid("SubIssue", "sub_issue_id", "invalid", "An issue cannot be added as a sub-issue twice")
    if child.parent_id is not None and not body.get("replace_parent"):
        raise invalid("SubIssue", "sub_issue_id", "invalid", "Issue may not contain duplicate parents")
    if len(parent.sub_issue_ids) >= SUB_ISSUES_MAX:
        raise invalid("SubIssue", "sub_issue_id", "custom", f"at most {SUB_ISSUES_MAX} sub-issues")
    if child.parent_id is not None:
        old = call.state.issue_by_id(child.parent_id)
        if old is not None:
            old.sub_issue_ids.remove(child.id)
    child.parent_id = parent.id
    parent.sub_issue_ids.append(child.id)
    parent.updated_at = call.now
    reply = Reply(201, issue_json(call.site, call.state, parent))
    reply.headers["location"] = f"{reply.body['url']}/sub_issues"
    return reply


def remove_sub_issue(call: Call) -> Reply:
    parent = find_issue(call)
    child = _by_id(call, call.object_body().get("sub_issue_id"), "SubIssue", "sub_issue_id")
    if child.id not in parent.sub_issue_ids:
        raise not_found()
    parent.sub_issue_ids.remove(child.id)
    child.parent_id = None
    parent.updated_at = call.now
    return Reply(200, issue_json(call.site, call.state, parent))


def list_blocked_by(call: Call) -> Reply:
    return _issues(call, find_issue(call).blocked_by_ids)


def list_blocking(call: Call) -> Reply:
    issue = find_issue(call)
    return _issues(call, [i.id for i in call.state.blocking(issue.id)])


def add_blocked_by(call: Call) -> Reply:
    issue = find_issue(call)
    blocker = _by_id(call, call.object_body().get("issue_id"), "IssueDependency", "issue_id")
    if blocker.id == issue.id or blocker.id in issue.blocked_by_ids:
        raise invalid("IssueDependency", "issue_id", "invalid", "Dependency already exists or is invalid")
    if len(issue.blocked_by_ids) >= DEPENDENCIES_MAX:
        raise invalid("IssueDependency", "issue_id", "custom", f"at most {DEPENDENCIES_MAX} dependencies")
    issue.blocked_by_ids = (*issue.blocked_by_ids, blocker.id)
    issue.updated_at = call.now
    reply = Reply(201, issue_json(call.site, call.state, issue))
    reply.headers["location"] = f"{reply.body['url']}/dependencies/blocked_by"
    return reply


def remove_blocked_by(call: Call) -> Reply:
    issue = find_issue(call)
    blocker_id = call.number("issue_id")
    if blocker_id not in issue.blocked_by_ids:
        raise not_found()
    issue.blocked_by_ids = tuple(i for i in issue.blocked_by_ids if i != blocker_id)
    issue.updated_at = call.now
    return Reply(200, issue_json(call.site, call.state, issue))


ROUTES: tuple[Route, ...] = (
    route("GET", "/issues/{issue_number}/sub_issues", list_sub_issues),
    route("POST", "/issues/{issue_number}/sub_issues", add_sub_issue),
    route("DELETE", "/issues/{issue_number}/sub_issue", remove_sub_issue),
    route("GET", "/issues/{issue_number}/dependencies/blocked_by", list_blocked_by),
    route("POST", "/issues/{issue_number}/dependencies/blocked_by", add_blocked_by),
    route("DELETE", "/issues/{issue_number}/dependencies/blocked_by/{issue_id}", remove_blocked_by),
    route("GET", "/issues/{issue_number}/dependencies/blocking", list_blocking),
)

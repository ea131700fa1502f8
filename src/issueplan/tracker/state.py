"""Read the tracker's current state: managed issues (with their markers), labels and milestones.

The tracker is the only state (DESIGN decision 2). Reading costs ceil(managed issues / 100)
requests plus one page each of labels and milestones; never the Search API (S3), whose index lags
and causes duplicates. Any failure, and any value GitHub sends that issueplan does not know, raises
GitHubError before anything is written (S4). Pages are read by `listing.read_pages` (bounded, S21).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, TypeVar

from github.Repository import Repository
from pydantic import ValidationError

from issueplan.errors import GitHubError, UsageError
from issueplan.render.managed_block import carries_managed_block, parse_issue_body
from issueplan.tracker.listing import read_pages
from issueplan.tracker.recovery import Route, recovery_routes
from issueplan.tracker.tracked import TrackedIssue, TrackedLabel, TrackedMilestone, TrackerState

SHOWN = 80  # characters of an unknown value quoted in a message

_Tracked = TypeVar("_Tracked", TrackedIssue, TrackedLabel, TrackedMilestone)


def read_state(repo: Repository, *, label: str, scope: str, login: str | None = None) -> TrackerState:
    """List the managed label's issues (state=all), the labels and the milestones. Raises GitHubError.

    A listing may repeat an entry (offset pagination shifts when an issue is created while it is read):
    issues are counted once by number (S19). When the listing by label cannot have found every managed issue
    (tracker/recovery.py: the label deleted or renamed, or taken off issues of issueplan's milestones), they
    are found again through issueplan's milestones and priority labels (S20); only then are more requests
    made.
    """
    if "," in label:
        raise UsageError(
            f"the managed label {label!r} holds a comma, which GitHub's issue listing reads as two labels: "
            "no issue would be found and every item would be opened again. Choose a label without a comma "
            "(--label, action input label, or the config's labels)."
        )
    what = f"list the issues labelled {label!r}"
    listed = read_pages(repo, "issues", {"state": "all", "labels": label}, what)
    labels = tuple(
        sorted(
            (
                _tracked_label(raw, "list the labels")
                for raw in read_pages(repo, "labels", {}, "list the labels")
            ),
            key=lambda lab: lab.name.casefold(),
        )
    )
    milestones = tuple(
        sorted(
            (
                _tracked_milestone(raw, "list the milestones")
                for raw in read_pages(repo, "milestones", {"state": "all"}, "list the milestones")
            ),
            key=lambda mil: mil.number,
        )
    )
    entries = _by_number(listed, what)
    issues = {
        issue.number: issue
        for raw in entries.values()
        if (issue := _tracked_issue(raw, label=label, scope=scope, login=login, what=what)) is not None
    }
    orphans = tuple(number for number, raw in entries.items() if _orphan(raw, login=login))
    routes = recovery_routes(label, labels, milestones, listed)
    for issue in _recovered(repo, routes, scope=scope, login=login):
        issues.setdefault(issue.number, issue)
    return TrackerState(
        issues=tuple(issues[number] for number in sorted(issues)),
        labels=labels,
        milestones=milestones,
        orphans=orphans,
    )


def _by_number(entries: list[dict[str, Any]], what: str) -> dict[int, dict[str, Any]]:
    """Each issue once (the first time it was listed), pull requests left out, in number order."""
    found: dict[int, dict[str, Any]] = {}
    for raw in entries:
        number = raw.get("number")
        if type(number) is not int or number < 1:
            raise GitHubError(
                f"could not {what}: GitHub listed an issue whose number is {_shown(number)}, not a positive "
                "integer; issueplan cannot tell which issue it is, so nothing was written."
            )
        if raw.get("pull_request") is None:
            found.setdefault(number, raw)
    return dict(sorted(found.items()))


def _recovered(repo: Repository, routes: list[Route], *, scope: str, login: str | None) -> list[TrackedIssue]:
    """Managed issues found by the other routes, recognised by marker and author alone (the route's milestone
    or priority label can only be set by people with triage rights)."""
    found: dict[int, TrackedIssue] = {}
    for parameters, what in routes:
        for number, raw in _by_number(read_pages(repo, "issues", parameters, what), what).items():
            issue = _tracked_issue(raw, label=None, scope=scope, login=login, what=what)
            if issue is not None:
                found.setdefault(number, issue)
    return [found[number] for number in sorted(found)]


def _orphan(raw: Mapping[str, Any], *, login: str | None) -> bool:
    """A labelled issue with issueplan's managed block but no valid marker: a human removed or broke the
    marker line. It is some item's issue, but which one cannot be told (S20)."""
    if login is not None and not _same_login(_login(raw.get("user")), login):
        return False
    body = raw.get("body")
    return isinstance(body, str) and parse_issue_body(body) is None and carries_managed_block(body)


def _same_login(author: str | None, login: str) -> bool:
    return author is not None and author.casefold() == login.casefold()


def _login(user: Any) -> str | None:
    return str(user["login"]) if isinstance(user, dict) and isinstance(user.get("login"), str) else None


def _tracked_issue(
    raw: Mapping[str, Any], *, label: str | None, scope: str, login: str | None, what: str
) -> TrackedIssue | None:
    """The issue if it is ours and of this scope, else None (R5: a marker alone is not enough).

    `label` None: the issue was found by another route than the managed label (its milestone or priority
    label, which only people with triage rights can set) and is recognised by marker and author alone.
    """
    labels = tuple(sorted(_label_names(raw, what), key=str.casefold))
    if label is not None and label.casefold() not in {name.casefold() for name in labels}:
        return None
    author = _login(raw.get("user"))
    if login is not None and not _same_login(author, login):
        return None
    body = raw.get("body")
    parsed = parse_issue_body(body) if isinstance(body, str) else None
    if parsed is None or parsed.marker.scope != scope:
        return None
    marker = parsed.marker
    milestone = raw.get("milestone")
    fields = {
        "number": raw.get("number"),
        "id": raw.get("id"),
        "title": raw.get("title") or "",
        "body": body,
        "state": raw.get("state"),
        "state_reason": raw.get("state_reason") or None,
        "labels": labels,
        "milestone": milestone.get("number") if isinstance(milestone, dict) else None,
        "assignees": tuple(sorted(filter(None, map(_login, raw.get("assignees") or ())))),
        "issue_type": _type_name(raw.get("type")),
        "parent_url": raw.get("parent_issue_url") or None,
        "author": author,
        "created_at": raw.get("created_at"),
        "key": marker.key,
        "item_id": marker.id,
        "scope": marker.scope,
        "first_seen": marker.first_seen,
        "step_outcomes": marker.step_outcomes,
        "closed_at": raw.get("closed_at") or None,
        "marker": marker,
    }
    return _validated(TrackedIssue, fields, f"issue #{raw.get('number')}", what)


def _type_name(value: Any) -> str | None:
    """`type` is present only where the repository has issue types, and null on an issue without one."""
    return value["name"] if isinstance(value, dict) and isinstance(value.get("name"), str) else None


def _label_names(raw: Mapping[str, Any], what: str) -> list[str]:
    names = []
    for entry in raw.get("labels") or ():
        name = entry.get("name") if isinstance(entry, dict) else entry
        if not isinstance(name, str):
            raise GitHubError(
                f"could not {what}: GitHub listed issue #{raw.get('number')} with a label that has no name "
                f"({_shown(entry)}); nothing was written."
            )
        names.append(name)
    return names


def _tracked_label(raw: Mapping[str, Any], what: str) -> TrackedLabel:
    fields = {"name": raw.get("name"), "color": raw.get("color"), "description": raw.get("description") or ""}
    return _validated(TrackedLabel, fields, f"label {raw.get('name')!r}", what)


def _tracked_milestone(raw: Mapping[str, Any], what: str) -> TrackedMilestone:
    due_on = raw.get("due_on")
    try:
        due = datetime.fromisoformat(due_on).date() if isinstance(due_on, str) and due_on else due_on
    except ValueError:
        due = due_on
    fields = {
        "number": raw.get("number"),
        "title": raw.get("title"),
        "state": raw.get("state"),
        "due_on": due or None,
        "description": raw.get("description") or "",
        "open_issues": raw.get("open_issues") or 0,
        "closed_issues": raw.get("closed_issues") or 0,
    }
    return _validated(TrackedMilestone, fields, f"milestone {raw.get('title')!r}", what)


def _validated(model: type[_Tracked], fields: dict[str, Any], subject: str, what: str) -> _Tracked:
    """The model, or a GitHubError naming the field and the value GitHub sent that issueplan does not know
    (an issue state outside open/closed, a number that is not an integer): deciding on a value it cannot
    read would be guessing."""
    try:
        return model.model_validate(fields)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        raise GitHubError(
            f"could not {what}: GitHub sent {subject} with {field} = {_shown(first.get('input'))}, which "
            f"issueplan does not know ({first['msg']}); nothing was written. If GitHub's API changed, "
            "update issueplan; otherwise re-run the sync."
        ) from error


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= SHOWN else text[:SHOWN] + "…"

"""Read the tracker's current state: managed issues (with their markers), labels and milestones.

The tracker is the only state (DESIGN decision 2). Reading costs ceil(managed issues / 100)
requests plus one page each of labels and milestones; never the Search API (S3), whose index lags
and causes duplicates. Any failure raises GitHubError before anything is written (S4).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import requests
from github import GithubException
from github.Repository import Repository

from issueplan.errors import GitHubError
from issueplan.model import Frozen, KnownItem
from issueplan.render.issue import parse_issue_body
from issueplan.tracker.changes import IssueState, StateReason

PER_PAGE = 100


class TrackedIssue(Frozen):
    """A managed issue as GitHub has it, with what its hidden marker says."""

    number: int
    id: int
    title: str
    body: str
    state: IssueState
    state_reason: StateReason | None = None
    labels: tuple[str, ...] = ()
    milestone: int | None = None
    assignees: tuple[str, ...] = ()
    author: str | None = None
    created_at: datetime
    key: str
    item_id: str
    scope: str
    first_seen: datetime
    step_outcomes: tuple[str, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.state is IssueState.OPEN


class TrackedLabel(Frozen):
    name: str
    color: str
    description: str = ""


class TrackedMilestone(Frozen):
    number: int
    title: str
    state: IssueState
    due_on: date | None = None
    description: str = ""
    open_issues: int = 0


class TrackerState(Frozen):
    """Managed issues of one scope (sorted by number), every label and every milestone of the repository."""

    issues: tuple[TrackedIssue, ...] = ()
    labels: tuple[TrackedLabel, ...] = ()
    milestones: tuple[TrackedMilestone, ...] = ()

    def known_items(self, scope: str) -> dict[str, KnownItem]:
        """Ids and first_seen per key, closed issues included, so ids and due dates never change.

        When two issues carry one key (a race), the oldest wins: it is the one the diff keeps.
        """
        known: dict[str, KnownItem] = {}
        for issue in sorted(self.issues, key=lambda issue: issue.number):
            if issue.scope == scope and issue.key not in known:
                known[issue.key] = KnownItem(
                    id=issue.item_id, first_seen=issue.first_seen, step_outcomes=issue.step_outcomes
                )
        return known


def read_state(repo: Repository, *, label: str, scope: str, login: str | None = None) -> TrackerState:
    """List the managed label's issues (state=all), the labels and the milestones. Raises GitHubError."""
    issues = _read_pages(
        repo, "issues", {"state": "all", "labels": label}, f"list the issues labelled {label!r}"
    )
    labels = _read_pages(repo, "labels", {}, "list the labels")
    milestones = _read_pages(repo, "milestones", {"state": "all"}, "list the milestones")
    tracked = (_tracked_issue(raw, label=label, scope=scope, login=login) for raw in issues)
    return TrackerState(
        issues=tuple(
            sorted((issue for issue in tracked if issue is not None), key=lambda issue: issue.number)
        ),
        labels=tuple(sorted(map(_tracked_label, labels), key=lambda lab: lab.name.casefold())),
        milestones=tuple(sorted(map(_tracked_milestone, milestones), key=lambda mil: mil.number)),
    )


def _same_login(author: str | None, login: str) -> bool:
    return author is not None and author.casefold() == login.casefold()


def _read_pages(repo: Repository, path: str, parameters: dict[str, Any], what: str) -> list[dict[str, Any]]:
    """Every page of one listing, following `Link: rel="next"` verbatim; one failed page fails the whole read.

    Raw pages rather than PyGithub's PaginatedList: its items complete themselves with one GET each as soon
    as an attribute is absent from the listing (e.g. `pull_request` on a plain issue), which would
    turn a read of ceil(n/100) requests into n.
    """
    url: str | None = f"{repo.url}/{path}"
    query: dict[str, Any] | None = {**parameters, "per_page": PER_PAGE}
    found: list[dict[str, Any]] = []
    try:
        while url is not None:
            headers, data = repo.requester.requestJsonAndCheck("GET", url, parameters=query)
            if not isinstance(data, list):
                raise GitHubError(f"could not {what}: GitHub answered with something other than a list")
            found.extend(item for item in data if isinstance(item, dict))
            url = _next_page(headers)
            query = None  # the next link carries the query already
    except GithubException as error:
        raise GitHubError(
            f"could not {what}: GitHub answered {error.status} ({_message(error)}); nothing was written. "
            "Re-run the sync; if it persists, check https://www.githubstatus.com and the token's access."
        ) from error
    except requests.RequestException as error:
        raise GitHubError(
            f"could not {what}: {type(error).__name__}; nothing was written. Re-run the sync."
        ) from error
    return found


def _next_page(headers: Mapping[str, Any]) -> str | None:
    link = next((str(value) for name, value in headers.items() if name.lower() == "link"), "")
    for entry in requests.utils.parse_header_links(link):
        if entry.get("rel") == "next" and entry.get("url"):
            return entry["url"]
    return None


def _message(error: GithubException) -> str:
    data = error.data
    if isinstance(data, dict) and isinstance(data.get("message"), str):
        return str(data["message"])
    return str(data) if data else "no message"


def _login(user: Any) -> str | None:
    return str(user["login"]) if isinstance(user, dict) and "login" in user else None


def _tracked_issue(
    raw: Mapping[str, Any], *, label: str, scope: str, login: str | None
) -> TrackedIssue | None:
    """The issue if it is ours and of this scope, else None (R5: a marker alone is not enough)."""
    if raw.get("pull_request") is not None:
        return None
    labels = tuple(sorted((str(lab["name"]) for lab in raw.get("labels") or ()), key=str.casefold))
    if label.casefold() not in {name.casefold() for name in labels}:
        return None
    author = _login(raw.get("user"))
    if login is not None and not _same_login(author, login):
        return None
    body = str(raw.get("body") or "")
    parsed = parse_issue_body(body)
    if parsed is None or parsed.marker.scope != scope:
        return None
    marker = parsed.marker
    milestone = raw.get("milestone")
    return TrackedIssue(
        number=raw["number"],
        id=raw["id"],
        title=str(raw.get("title") or ""),
        body=body,
        state=IssueState(raw["state"]),
        state_reason=StateReason(raw["state_reason"]) if raw.get("state_reason") else None,
        labels=labels,
        milestone=milestone["number"] if isinstance(milestone, dict) else None,
        assignees=tuple(sorted(filter(None, map(_login, raw.get("assignees") or ())))),
        author=author,
        created_at=raw["created_at"],
        key=marker.key,
        item_id=marker.id,
        scope=marker.scope,
        first_seen=marker.first_seen,
        step_outcomes=marker.step_outcomes,
    )


def _tracked_label(raw: Mapping[str, Any]) -> TrackedLabel:
    return TrackedLabel(name=raw["name"], color=raw["color"], description=raw.get("description") or "")


def _tracked_milestone(raw: Mapping[str, Any]) -> TrackedMilestone:
    due_on = raw.get("due_on")
    return TrackedMilestone(
        number=raw["number"],
        title=raw["title"],
        state=IssueState(raw["state"]),
        due_on=datetime.fromisoformat(due_on).date() if due_on else None,
        description=raw.get("description") or "",
        open_issues=raw.get("open_issues") or 0,
    )

"""What a write costs, and how a failed one reads to a user."""

from __future__ import annotations

from collections.abc import Container
from datetime import date

import requests
from github import GithubException
from github.Repository import Repository

from issueplan.errors import PermissionDeniedError
from issueplan.tracker.changes import AddDependency, CloseDuplicate, CloseIssue, Operation, ReopenIssue
from issueplan.tracker.changes_board import AttachSubIssue
from issueplan.tracker.changes_drafts import LinkNewIssues
from issueplan.tracker.results import StopReason

PERMISSION_HINT = (
    "grant the token write access to issues: in a workflow add `permissions: issues: write` to the job; "
    'for a fine-grained token or a GitHub App, the repository permission "Issues: Read and write"'
)


class WriteStop(Exception):  # noqa: N818 - a control-flow signal, not an error a user sees as such
    """Stop writing now (GitHub keeps rate-limiting us); what is left is reported for the next run."""


def writes_needed(operation: Operation) -> int:
    """Requests an operation makes: closing and reopening also post a comment."""
    if isinstance(operation, ReopenIssue | CloseDuplicate):
        return 2
    if isinstance(operation, CloseIssue):
        return 2 if operation.comment else 1
    return 1


def missing_creates(operation: Operation, created: Container[str]) -> str:
    """The ids of the new issues `operation` needs whose creates (keys not in `created`) did not happen in
    this run: a failed or left create leaves its links and dependencies for the next run too."""
    if isinstance(operation, LinkNewIssues):
        needed = {**operation.waits_for}
        if operation.number is None:
            needed[operation.key] = operation.id
    elif isinstance(operation, AddDependency):
        needed = {operation.blocked_key: operation.blocked_id}
        if operation.blocker_issue_id is None:
            needed[operation.blocker_key] = operation.blocker_id
    elif isinstance(operation, AttachSubIssue):
        needed = {}
        if operation.parent_number is None:
            needed[operation.parent_key] = operation.parent_id
        if operation.child_issue_id is None:
            needed[operation.child_key] = operation.child_id
    else:
        return ""
    return ", ".join(item_id for key, item_id in sorted(needed.items()) if key not in created)


# The failed change carries GitHub's whole answer; the stop says what it means for the rest.
STOP_REASONS = {
    StopReason.PERMISSION: "GitHub refused a write for lack of permission (see the failed change)",
    StopReason.RATE_LIMIT: "GitHub kept rate-limiting the writes (see the failed change)",
}


def due_on_text(day: date) -> str:
    """GitHub keeps only the day, at midnight US-Pacific: noon UTC lands on the intended day (FACTS §2)."""
    return f"{day.isoformat()}T12:00:00Z"


def github_message(error: GithubException) -> str:
    """GitHub's own `message`, as sent (PyGithub's rate-limit checks look at how it starts)."""
    data = error.data
    if isinstance(data, dict) and isinstance(data.get("message"), str):
        return str(data["message"])
    return str(data) if data else ""


def error_message(error: GithubException | requests.RequestException) -> str:
    if isinstance(error, requests.RequestException):
        return f"{type(error).__name__} (no answer from GitHub)"
    return f"{error.status} {github_message(error)}".rstrip()


# GitHub's words when a 403 is about the token (its permissions, an archived repository, a blocked app). Any
# other 403 refuses one operation only, e.g. "Unable to create comment because issue is locked." (S18).
_PERMISSION_WORDS = (
    "not accessible",
    "permission",
    "must have",
    "admin rights",
    "read-only",
    "access blocked",
)


def is_permission_refusal(error: GithubException) -> bool:
    """A 403 that stops every further write; an unexplained one counts as such (the safe side)."""
    message = github_message(error).casefold().strip()
    return message in ("", "forbidden") or any(word in message for word in _PERMISSION_WORDS)


def permission_error(error: GithubException) -> PermissionDeniedError:
    return PermissionDeniedError(
        f"GitHub refused a write ({error_message(error)}): the token cannot change issues here; "
        f"{PERMISSION_HINT}. A run from a fork's pull request only gets a read-only token."
    )


def check_write_access(repo: Repository) -> None:
    """Fail before the first write when the repository says the token can only read (S11).

    GitHub reports `permissions` for user tokens; an Actions token may not get them, and then the first
    refused write says the same thing.
    """
    raw = repo.raw_data
    permissions = raw.get("permissions")
    if not isinstance(permissions, dict):
        return
    if any(permissions.get(level) for level in ("admin", "maintain", "push", "triage")):
        return
    raise PermissionDeniedError(
        f"the token can only read {raw.get('full_name', 'this repository')}, so nothing was written; "
        f"{PERMISSION_HINT}. A run from a fork's pull request only gets a read-only token: the plan is still "
        "rendered, nothing synced."
    )

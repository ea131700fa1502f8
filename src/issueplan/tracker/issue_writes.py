"""Each operation of a ChangeSet as the REST requests that make it (the applier, tracker/github.py, runs them
in order, paced, budgeted and retried).

Creates set labels and milestone in the same request; a reopen carries its edit in one PATCH, then its
comment. Links between issues created in this run come from the creates' answers (no re-read). After an
ambiguous create the issue may exist: it is looked for by its marker before the create is tried again (S5).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import requests
from github import GithubException
from github.Repository import Repository

from issueplan.tracker.changes import (
    AddDependency,
    CloseDuplicate,
    CloseIssue,
    CommentIssue,
    CreateIssue,
    CreateLabel,
    CreateMilestone,
    Operation,
    ReopenIssue,
    UpdateIssue,
    UpdateLabel,
    UpdateMilestone,
)
from issueplan.tracker.changes_drafts import LinkNewIssues
from issueplan.tracker.follow_up import render_draft
from issueplan.tracker.options import SyncOptions
from issueplan.tracker.state import read_state
from issueplan.tracker.writes import due_on_text

# One write request through the applier: `write(call, post=…)` paces it and retries what may be retried.
Write = Callable[..., Any]


class IssueWriter:
    """The requests of each operation, and what this run's creates answered (numbers and ids)."""

    def __init__(self, repo: Repository, options: SyncOptions, write: Write) -> None:
        self.repo = repo
        self.options = options
        self.write = write
        self.issues: dict[str, tuple[int, int]] = {}  # key -> (number, issue id), for this run's creates
        self.item_numbers: dict[str, int] = {}  # item id -> number
        self.milestones: dict[str, int] = {}  # title -> number, for this run's creates
        self.dependencies_supported = True
        self.done = ""  # what an operation of two requests did before its second one failed

    def run(self, operation: Operation) -> None:
        repo = self.repo
        if isinstance(operation, CreateLabel):
            self.create_label(operation)
        elif isinstance(operation, UpdateLabel):
            label = repo.get_label(operation.name)
            self.write(lambda: label.edit(operation.name, operation.color, operation.description))
        elif isinstance(operation, CreateMilestone):
            self.create_milestone(operation)
        elif isinstance(operation, UpdateMilestone):
            self.update_milestone(operation)
        elif isinstance(operation, CreateIssue):
            self.create_issue(operation)
        elif isinstance(operation, UpdateIssue):
            self.update_issue(operation)
        elif isinstance(operation, LinkNewIssues):
            self.link_new_issues(operation)
        elif isinstance(operation, ReopenIssue):
            self.reopen_issue(operation)
        elif isinstance(operation, CloseIssue):
            self.close_issue(operation)
        elif isinstance(operation, CommentIssue):
            issue = repo.get_issue(operation.number)
            self.write(lambda: issue.create_comment(operation.comment), post=True)
        elif isinstance(operation, CloseDuplicate):
            issue = repo.get_issue(operation.number)
            self.write(lambda: issue.create_comment(operation.comment), post=True)
            self.done = "the comment was posted, the issue is still open"
            self.write(lambda: issue.edit(state="closed", state_reason="duplicate"))
        elif isinstance(operation, AddDependency):
            self.add_dependency(operation)
        # The project board's operations are not the REST applier's: they go over GraphQL, in batches
        # (tracker/project_apply.py), and the sync hands this applier the others only.

    def close_issue(self, operation: CloseIssue) -> None:
        issue = self.repo.get_issue(operation.number)
        reason = operation.state_reason.value
        if operation.body is None:
            self.write(lambda: issue.edit(state="closed", state_reason=reason))
        else:  # the marker's record of the run that closed it goes in the same request
            body = operation.body
            self.write(lambda: issue.edit(state="closed", state_reason=reason, body=body))
        if operation.comment:
            self.done = "the issue was closed, the comment not posted"
            self.write(lambda: issue.create_comment(operation.comment), post=True)

    def create_label(self, operation: CreateLabel) -> None:
        try:
            self.write(
                lambda: self.repo.create_label(operation.name, operation.color, operation.description),
                post=True,
            )
        except GithubException as error:
            # S13: a label another run (or a human, in another case) just created is fine as it is.
            if error.status != 422 or "already_exists" not in str(error.data):
                raise

    def create_milestone(self, operation: CreateMilestone) -> None:
        payload: dict[str, Any] = {"title": operation.title, "description": operation.description}
        if operation.due_on is not None:
            payload["due_on"] = due_on_text(operation.due_on)
        url = f"{self.repo.url}/milestones"
        _, data = self.write(
            lambda: self.repo.requester.requestJsonAndCheck("POST", url, input=payload), post=True
        )
        self.milestones[operation.title] = int(data["number"])

    def update_milestone(self, operation: UpdateMilestone) -> None:
        # PyGithub's Milestone.edit sends a bare date; the API wants a date-time (FACTS §2): a raw PATCH.
        payload: dict[str, Any] = {"title": operation.title}
        if operation.due_on is not None:
            payload["due_on"] = due_on_text(operation.due_on)
        if operation.state is not None:
            payload["state"] = operation.state.value
        if operation.description is not None:
            payload["description"] = operation.description
        url = f"{self.repo.url}/milestones/{operation.number}"
        self.write(lambda: self.repo.requester.requestJsonAndCheck("PATCH", url, input=payload))

    def milestone_number(self, title: str | None, known: int | None) -> int | None:
        if title is None:
            return None
        return known if known is not None else self.milestones.get(title)

    def create_issue(self, operation: CreateIssue) -> None:
        payload: dict[str, Any] = {
            "title": operation.title,
            "body": operation.body,
            "labels": list(operation.labels),
        }
        number = self.milestone_number(operation.milestone, operation.milestone_number)
        if number is not None:
            payload["milestone"] = number
        if operation.assignees:
            payload["assignees"] = list(operation.assignees)
        if operation.issue_type is not None:
            payload["type"] = operation.issue_type
        url = f"{self.repo.url}/issues"
        try:
            _, data = self.write(
                lambda: self.repo.requester.requestJsonAndCheck("POST", url, input=payload), post=True
            )
        except GithubException as error:
            if error.status < 500:
                raise
            data = self.find_or_create(operation, url, payload)
        except requests.RequestException:
            data = self.find_or_create(operation, url, payload)
        self.issues[operation.key] = (int(data["number"]), int(data["id"]))
        self.item_numbers[operation.id] = int(data["number"])

    def find_or_create(self, operation: CreateIssue, url: str, payload: dict[str, Any]) -> dict[str, Any]:
        """After an ambiguous create the issue may exist: look for its marker before trying again (S5)."""
        state = read_state(
            self.repo, label=self.options.label, scope=self.options.scope, login=self.options.login
        )
        found = [issue for issue in state.issues if issue.key == operation.key]
        if found:
            return {"number": found[0].number, "id": found[0].id}
        _, data = self.write(
            lambda: self.repo.requester.requestJsonAndCheck("POST", url, input=payload), post=True
        )
        return dict(data)

    def reopen_issue(self, operation: ReopenIssue) -> None:
        """The state and every other change in one PATCH, then the comment saying why."""
        payload = {"state": "open", **self.issue_fields(operation)}
        url = f"{self.repo.url}/issues/{operation.number}"
        self.write(lambda: self.repo.requester.requestJsonAndCheck("PATCH", url, input=payload))
        self.item_numbers[operation.id] = operation.number
        self.done = "the issue was reopened, the comment not posted"
        issue = self.repo.get_issue(operation.number)
        self.write(lambda: issue.create_comment(operation.comment), post=True)

    def issue_fields(self, operation: UpdateIssue | ReopenIssue) -> dict[str, Any]:
        payload: dict[str, Any] = {}
        if operation.title is not None:
            payload["title"] = operation.title
        if operation.body is not None:
            payload["body"] = operation.body
        if operation.labels is not None:
            payload["labels"] = list(operation.labels)
        number = self.milestone_number(operation.milestone, operation.milestone_number)
        if number is not None:
            payload["milestone"] = number
        if operation.assignees is not None:
            payload["assignees"] = list(operation.assignees)
        if operation.issue_type is not None:
            payload["type"] = operation.issue_type
        return payload

    def update_issue(self, operation: UpdateIssue) -> None:
        payload = self.issue_fields(operation)
        url = f"{self.repo.url}/issues/{operation.number}"
        self.write(lambda: self.repo.requester.requestJsonAndCheck("PATCH", url, input=payload))
        self.item_numbers[operation.id] = operation.number

    def link_new_issues(self, operation: LinkNewIssues) -> None:
        """Render the body again with the numbers the creates answered, and write it (no re-read)."""
        numbers = {item_id: self.issues[key][0] for key, item_id in operation.waits_for.items()}
        number = operation.number if operation.number is not None else self.issues[operation.key][0]
        body = render_draft(
            operation.draft, numbers, scope=self.options.scope, source_links=self.options.source_links
        )
        url = f"{self.repo.url}/issues/{number}"
        self.write(lambda: self.repo.requester.requestJsonAndCheck("PATCH", url, input={"body": body}))

    def add_dependency(self, operation: AddDependency) -> None:
        """Link through the dependency API where the server has it; on 404 the body's links must do."""
        if not self.dependencies_supported:
            return
        blocked = self.issues[operation.blocked_key]
        blocker = self.issues.get(operation.blocker_key)
        blocker_id = blocker[1] if blocker else operation.blocker_issue_id
        url = f"{self.repo.url}/issues/{blocked[0]}/dependencies/blocked_by"
        try:
            self.write(
                lambda: self.repo.requester.requestJsonAndCheck("POST", url, input={"issue_id": blocker_id}),
                post=True,
            )
        except GithubException as error:
            if error.status == 404:
                self.dependencies_supported = False
            elif error.status != 422:  # 422: already linked
                raise

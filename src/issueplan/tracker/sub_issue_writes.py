"""The sub-issue writes of the applier (tracker/github.py): attach or move a child, detach one.

Bodies name issues by *id*, paths by number (FACTS §9). A server without the API answers 404: that operation
and every later sub-issue operation of the run are left, with no further request, as dependencies degrade to
the body's links; the dashboard's list says the same thing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from github import GithubException
from github.Repository import Repository

from issueplan.tracker.changes_board import AttachSubIssue, DetachSubIssue

NO_API = "GitHub answers 404 to sub-issues here: the dashboard's list of items stands in for them"


class SubIssuesMissing(Exception):  # noqa: N818 - a signal that the server lacks the API, not an error
    """The server has no sub-issue API: the operation is left, nothing failed."""


class SubIssueWriter:
    def __init__(self, repo: Repository, write: Callable[..., Any]) -> None:
        self.repo = repo
        self.write = write
        self.supported = True

    def apply(
        self, operation: AttachSubIssue | DetachSubIssue, created: Mapping[str, tuple[int, int]]
    ) -> None:
        """`created`: key -> (number, id) of the issues created in this run."""
        if isinstance(operation, AttachSubIssue):
            self.attach(operation, created)
        else:
            self.detach(operation)

    def attach(self, operation: AttachSubIssue, created: Mapping[str, tuple[int, int]]) -> None:
        parent = operation.parent_number
        if parent is None:
            parent = created[operation.parent_key][0]
        child = operation.child_issue_id
        if child is None:
            child = created[operation.child_key][1]
        payload: dict[str, Any] = {"sub_issue_id": child}
        if operation.replace_parent:
            payload["replace_parent"] = True
        self.send("POST", f"{self.repo.url}/issues/{parent}/sub_issues", payload)

    def detach(self, operation: DetachSubIssue) -> None:
        payload = {"sub_issue_id": operation.child_issue_id}
        self.send("DELETE", f"{self.repo.url}/issues/{operation.parent_number}/sub_issue", payload)

    def send(self, verb: str, url: str, payload: dict[str, Any]) -> None:
        if not self.supported:
            raise SubIssuesMissing(NO_API)
        requester = self.repo.requester
        try:
            self.write(lambda: requester.requestJsonAndCheck(verb, url, input=payload), post=verb == "POST")
        except GithubException as error:
            if error.status != 404:
                raise
            self.supported = False
            raise SubIssuesMissing(NO_API) from error
